// The Pinterest emulator: a subset of Pinterest API v5 (ads), written from Pinterest's public API
// reference (docs/sandbox/pinterest.md names the document behind each fact). It shares nothing
// with connectors/http, which reads it through a manifest.
//
//   GET /v5/ad_accounts                               ad_accounts          (bookmark paging)
//   GET /v5/ad_accounts/{id}                          ad_account
//   GET /v5/ad_accounts/{id}/campaigns                campaigns            (bookmark paging)
//   GET /v5/ad_accounts/{id}/campaigns/analytics      campaigns/analytics  (a plain array)
#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <set>
#include <variant>

#include "platform_api.hpp"

namespace connhost::sandbox {
namespace {

namespace json = boost::json;

// The one access token the sandbox accepts for Pinterest (docs/sandbox/pinterest.md and
// config/sandbox-credentials/pinterest_token).
constexpr const char* kToken = "sandbox-pinterest-token";

// page_size: 1..250, 25 when absent (List ad accounts, List campaigns).
constexpr int kDefaultPageSize = 25;
constexpr int kMaxPageSize = 250;
// campaigns_analytics: campaign_ids 1..250; start_date at most 90 days back from today (UTC);
// end_date at most 90 days past start_date.
constexpr size_t kMaxCampaignIds = 250;
constexpr int64_t kMaxDaysBack = 90;
constexpr int64_t kMaxRangeDays = 90;

Response error(int status, int code, std::string message) {
  return Response::json(status,
                        json::serialize(json::object{{"code", code}, {"message", message}}));
}

// Array parameters arrive either repeated (?a=1&a=2) or comma-separated (?a=1,2): the reference
// documents `columns` as "encoded as a comma-separated string", and generated clients send both.
std::vector<std::string> list_param(const Request& r, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : r.query) {
    if (k != name) continue;
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = std::min(v.find(',', start), v.size());
      if (comma > start) out.push_back(v.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

// A bookmark is opaque to clients; here it is the next offset, bound to the listing it came from
// so that one listing's bookmark is refused by another.
std::string make_bookmark(std::string_view listing, size_t offset) {
  std::string plain = std::string(listing) + ":" + std::to_string(offset);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : plain) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}
std::optional<size_t> read_bookmark(std::string_view listing, std::string_view bookmark) {
  if (bookmark.size() % 2) return std::nullopt;
  std::string plain;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < bookmark.size(); i += 2) {
    int hi = nibble(bookmark[i]), lo = nibble(bookmark[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    plain += static_cast<char>(hi * 16 + lo);
  }
  std::string prefix = std::string(listing) + ":";
  if (plain.rfind(prefix, 0) != 0) return std::nullopt;
  size_t offset = 0;
  auto digits = std::string_view(plain).substr(prefix.size());
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), offset);
  if (ec != std::errc{} || p != digits.data() + digits.size()) return std::nullopt;
  return offset;
}

std::string_view status_of(CampaignState s) {
  switch (s) {
    case CampaignState::active:
      return "ACTIVE";
    case CampaignState::paused:
      return "PAUSED";
    case CampaignState::deleted:
      return "ARCHIVED";
  }
  return "ACTIVE";
}

std::string_view summary_status_of(CampaignState s) {
  switch (s) {
    case CampaignState::active:
      return "RUNNING";
    case CampaignState::paused:
      return "PAUSED";
    case CampaignState::deleted:
      return "ARCHIVED";
  }
  return "RUNNING";
}

// Money as decimal units of the account's currency, exactly (micros are whole, so six places
// always suffice), trailing zeros dropped as a JSON number would print.
json::value units_of(int64_t micros) {
  // The shortest decimal that round-trips is what Pinterest's JSON carries for SPEND_IN_DOLLAR;
  // a double holds every value the world produces (cents at most) exactly enough for that.
  return json::value(static_cast<double>(micros) / 1e6);
}

class PinterestApi : public PlatformApi {
 public:
  explicit PinterestApi(Context& context) : ctx_(context) {
    Token t;
    t.value = kToken;
    t.platform = "pinterest";
    t.kind = "access";
    t.family = "ads";
    t.subject = "sandbox-pinterest-user";
    t.scopes = {"ads:read"};
    for (const auto& a : ctx_.world.accounts(Platform::pinterest)) t.accounts.push_back(a.id);
    ctx_.tokens.put(std::move(t));
  }

  Platform platform() const override { return Platform::pinterest; }

  std::optional<Route> route(const Request& r) override {
    const std::string& p = r.path;
    constexpr std::string_view kRoot = "/v5/ad_accounts";
    if (p.rfind(kRoot, 0) != 0) return std::nullopt;
    std::string_view rest = std::string_view(p).substr(kRoot.size());
    if (!rest.empty() && rest.front() != '/') return std::nullopt;
    if (r.method != "GET")
      return Route{"unknown", [](Request&) {
                     return error(405, 405, "Method not allowed by the sandbox's subset");
                   }};
    if (rest.empty() || rest == "/")
      return Route{"ad_accounts",
                   [this](Request& req) { return guarded(req, &PinterestApi::list_accounts, ""); }};
    rest.remove_prefix(1);
    auto slash = rest.find('/');
    std::string id(rest.substr(0, slash));
    std::string_view tail = slash == std::string_view::npos ? "" : rest.substr(slash);
    if (tail.empty())
      return Route{"ad_account", [this, id](Request& req) {
                     return guarded(req, &PinterestApi::get_account, id);
                   }};
    if (tail == "/campaigns")
      return Route{"campaigns", [this, id](Request& req) {
                     return guarded(req, &PinterestApi::list_campaigns, id);
                   }};
    if (tail == "/campaigns/analytics")
      return Route{"campaigns/analytics",
                   [this, id](Request& req) { return guarded(req, &PinterestApi::analytics, id); }};
    return Route{"unknown", [](Request& req) {
                   return error(404, 404, "No such endpoint in the sandbox's subset: " + req.path);
                 }};
  }

  Response fault_response(const FaultRule& f, const Route& route, const Request& r) override {
    switch (f.kind) {
      case FaultKind::rate_limit: {
        auto resp =
            error(429, f.code ? f.code : 29, "You have exceeded your rate limit. Try again later.");
        if (f.retry_after.count() > 0)
          resp.header("Retry-After", std::to_string(f.retry_after.count()));
        return resp;
      }
      case FaultKind::server_error: {
        int status = f.status ? f.status : 503;
        return error(
            status, status,
            status == 503 ? "Service Unavailable. Try again later." : "Internal Server Error");
      }
      case FaultKind::expired_token:
      case FaultKind::revoked_token:
        return error(401, 2, "Authentication failed.");
      case FaultKind::expired_cursor:
        return error(400, 1, "Invalid bookmark: it has expired");
      default: {
        Request copy = r;
        return route.handle(copy);
      }
    }
  }

 private:
  using Handler = Response (PinterestApi::*)(const Request&, const std::string&);

  // Authentication first, as the platform does, then the handler.
  Response guarded(const Request& r, Handler h, const std::string& account_id) {
    auto auth = r.header("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (!auth || auth->size() <= kBearer.size() || auth->substr(0, kBearer.size()) != kBearer)
      return error(401, 2, "Authentication failed.");
    auto token = ctx_.tokens.find(std::string(auth->substr(kBearer.size())));
    if (!token || token->platform != "pinterest" || token->revoked ||
        (token->expires_at != 0 && token->expires_at <= ctx_.tokens.now()))
      return error(401, 2, "Authentication failed.");
    if (!account_id.empty()) {
      const Account* acc = ctx_.world.account(Platform::pinterest, account_id);
      if (!acc || std::find(token->accounts.begin(), token->accounts.end(), account_id) ==
                      token->accounts.end())
        return error(403, 3, "Authorization failed: no access to ad account " + account_id);
    }
    return (this->*h)(r, account_id);
  }

  // page_size and bookmark of a listing: the offset to start at and the page's size, or an error.
  std::variant<std::pair<size_t, size_t>, Response> paging(const Request& r,
                                                           std::string_view listing) {
    size_t size = kDefaultPageSize, offset = 0;
    if (auto ps = r.param("page_size")) {
      int v = 0;
      auto [p, ec] = std::from_chars(ps->data(), ps->data() + ps->size(), v);
      if (ec != std::errc{} || p != ps->data() + ps->size() || v < 1 || v > kMaxPageSize)
        return error(400, 1, "Invalid page_size: must be an integer from 1 to 250");
      size = static_cast<size_t>(v);
    }
    if (auto b = r.param("bookmark"); b && !b->empty()) {
      auto o = read_bookmark(listing, *b);
      if (!o) return error(400, 1, "Invalid bookmark");
      offset = *o;
    }
    return std::pair{offset, size};
  }

  json::object account_json(const Account& a) const {
    return {{"id", a.id},
            {"name", a.name},
            {"owner", json::object{{"username", "sandbox_advertiser"}, {"id", "1000000000001"}}},
            {"country", "US"},
            {"currency", a.currency},
            {"permissions", json::array{"OWNER"}},
            {"created_time", a.created_unix},
            {"updated_time", a.created_unix}};
  }

  Response list_accounts(const Request& r, const std::string&) {
    auto pg = paging(r, "ad_accounts");
    if (auto* e = std::get_if<Response>(&pg)) return *e;
    auto [offset, size] = std::get<std::pair<size_t, size_t>>(pg);
    const auto& all = ctx_.world.accounts(Platform::pinterest);
    json::array items;
    for (size_t i = offset; i < all.size() && items.size() < size; ++i)
      items.push_back(account_json(all[i]));
    size_t next = offset + items.size();
    json::object body{{"items", std::move(items)}};
    body["bookmark"] =
        next < all.size() ? json::value(make_bookmark("ad_accounts", next)) : json::value(nullptr);
    return Response::json(200, json::serialize(body));
  }

  Response get_account(const Request&, const std::string& id) {
    return Response::json(
        200, json::serialize(account_json(*ctx_.world.account(Platform::pinterest, id))));
  }

  Response list_campaigns(const Request& r, const std::string& account_id) {
    std::string listing = "campaigns/" + account_id;
    auto pg = paging(r, listing);
    if (auto* e = std::get_if<Response>(&pg)) return *e;
    auto [offset, size] = std::get<std::pair<size_t, size_t>>(pg);
    // entity_statuses defaults to ACTIVE and PAUSED: archived campaigns come only when asked.
    auto statuses = list_param(r, "entity_statuses");
    if (statuses.empty()) statuses = {"ACTIVE", "PAUSED"};
    for (const auto& s : statuses)
      if (s != "ACTIVE" && s != "PAUSED" && s != "ARCHIVED" && s != "DRAFT" && s != "DELETED_DRAFT")
        return error(400, 1, "Invalid entity_statuses value: " + s);
    auto ids = list_param(r, "campaign_ids");
    if (ids.size() > kMaxCampaignIds)
      return error(400, 1, "Invalid campaign_ids: at most 250 campaign ids");
    auto order = r.param("order").value_or("ASCENDING");
    if (order != "ASCENDING" && order != "DESCENDING")
      return error(400, 1, "Invalid order: must be ASCENDING or DESCENDING");

    std::vector<const Campaign*> match;
    for (const auto* c : ctx_.world.campaigns(Platform::pinterest, account_id)) {
      if (std::find(statuses.begin(), statuses.end(), status_of(c->state)) == statuses.end())
        continue;
      if (!ids.empty() && std::find(ids.begin(), ids.end(), c->id) == ids.end()) continue;
      match.push_back(c);
    }
    // Sorted by id, as the reference's `order` describes ("ASCENDING" or "DESCENDING" by ID).
    std::sort(match.begin(), match.end(), [&](const Campaign* a, const Campaign* b) {
      return order == "ASCENDING" ? a->id < b->id : a->id > b->id;
    });
    json::array items;
    for (size_t i = offset; i < match.size() && items.size() < size; ++i) {
      const Campaign& c = *match[i];
      items.push_back(json::object{{"id", c.id},
                                   {"ad_account_id", account_id},
                                   {"name", c.name},
                                   {"status", status_of(c.state)},
                                   {"objective_type", c.objective},
                                   {"daily_spend_cap", c.daily_budget_micros},
                                   {"lifetime_spend_cap", nullptr},
                                   {"order_line_id", nullptr},
                                   {"tracking_urls", nullptr},
                                   {"start_time", c.created_unix},
                                   {"end_time", nullptr},
                                   {"summary_status", summary_status_of(c.state)},
                                   {"is_campaign_budget_optimization", false},
                                   {"is_flexible_daily_budgets", false},
                                   {"created_time", c.created_unix},
                                   {"updated_time", c.modified_unix},
                                   {"type", "campaign"}});
    }
    size_t next = offset + items.size();
    json::object body{{"items", std::move(items)}};
    body["bookmark"] =
        next < match.size() ? json::value(make_bookmark(listing, next)) : json::value(nullptr);
    return Response::json(200, json::serialize(body));
  }

  Response analytics(const Request& r, const std::string& account_id) {
    auto start = r.param("start_date"), end = r.param("end_date");
    auto granularity = r.param("granularity");
    auto ids = list_param(r, "campaign_ids");
    auto columns = list_param(r, "columns");
    if (!start || !end) return error(400, 1, "start_date and end_date are required");
    if (ids.empty()) return error(400, 1, "campaign_ids is required");
    if (columns.empty()) return error(400, 1, "columns is required");
    if (!granularity) return error(400, 1, "granularity is required");
    if (ids.size() > kMaxCampaignIds)
      return error(400, 1, "Invalid campaign_ids: at most 250 campaign ids");
    int64_t from = 0, to = 0;
    try {
      from = parse_day(*start);
      to = parse_day(*end);
    } catch (const std::exception&) {
      return error(400, 1, "Invalid date: start_date and end_date are YYYY-MM-DD");
    }
    const int64_t today = ctx_.world.today();
    if (from > to) return error(400, 1, "start_date must not be after end_date");
    if (from < today - kMaxDaysBack)
      return error(400, 1, "start_date cannot be more than 90 days back from today");
    if (to - from > kMaxRangeDays)
      return error(400, 1, "end_date cannot be more than 90 days past start_date");
    if (*granularity != "DAY" && *granularity != "TOTAL")
      return error(400, 1, "The sandbox serves granularity DAY and TOTAL, not " + *granularity);
    static const std::set<std::string> kKnown = {
        "SPEND_IN_MICRO_DOLLAR", "SPEND_IN_DOLLAR", "IMPRESSION_1",
        "PAID_IMPRESSION",       "CLICKTHROUGH_1",  "TOTAL_CLICKTHROUGH",
        "OUTBOUND_CLICK_1",      "TOTAL_CHECKOUT",  "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR",
        "TOTAL_CONVERSIONS",     "CAMPAIGN_ID",     "CAMPAIGN_NAME",
        "AD_ACCOUNT_ID"};
    for (const auto& c : columns)
      if (!kKnown.count(c)) return error(400, 1, "Invalid columns value: " + c);
    std::vector<const Campaign*> campaigns;
    for (const auto& id : ids) {
      const Campaign* c = ctx_.world.campaign(Platform::pinterest, id);
      if (!c || c->account_id != account_id)
        return error(
            400, 1,
            "Invalid campaign_ids: " + id + " is not a campaign of ad account " + account_id);
      if (std::find(campaigns.begin(), campaigns.end(), c) == campaigns.end())
        campaigns.push_back(c);
    }

    auto row = [&](const Campaign& c, const DayMetrics& m, std::optional<int64_t> day) {
      json::object o;
      // CAMPAIGN_ID and DATE identify the row whatever was asked (CampaignsAnalyticsResponse).
      o["CAMPAIGN_ID"] = c.id;
      if (day) o["DATE"] = format_day(*day);
      for (const auto& col : columns) {
        if (col == "SPEND_IN_MICRO_DOLLAR")
          o[col] = m.spend_micros;
        else if (col == "SPEND_IN_DOLLAR")
          o[col] = units_of(m.spend_micros);
        else if (col == "IMPRESSION_1" || col == "PAID_IMPRESSION")
          o[col] = m.impressions;
        else if (col == "CLICKTHROUGH_1" || col == "TOTAL_CLICKTHROUGH")
          o[col] = m.clicks;
        else if (col == "OUTBOUND_CLICK_1")
          o[col] = m.link_clicks;
        else if (col == "TOTAL_CHECKOUT" || col == "TOTAL_CONVERSIONS")
          o[col] = m.purchases;
        else if (col == "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR")
          o[col] = m.purchase_value_micros;
        else if (col == "CAMPAIGN_NAME")
          o[col] = c.name;
        else if (col == "AD_ACCOUNT_ID")
          o[col] = account_id;
      }
      return o;
    };
    json::array out;
    if (*granularity == "TOTAL") {
      for (const auto* c : campaigns) {
        DayMetrics sum;
        for (int64_t d = from; d <= to; ++d) sum += ctx_.world.metrics(Platform::pinterest, *c, d);
        if (sum.impressions > 0 || sum.spend_micros > 0) out.push_back(row(*c, sum, std::nullopt));
      }
    } else {
      // Days without delivery have no row: a column without a value is not returned.
      for (int64_t d = from; d <= to; ++d)
        for (const auto* c : campaigns) {
          DayMetrics m = ctx_.world.metrics(Platform::pinterest, *c, d);
          if (m.impressions > 0 || m.spend_micros > 0) out.push_back(row(*c, m, d));
        }
    }
    return Response::json(200, json::serialize(out));
  }

  Context& ctx_;
};

}  // namespace

std::unique_ptr<PlatformApi> make_pinterest_api(Context& context) {
  return std::make_unique<PinterestApi>(context);
}

}  // namespace connhost::sandbox
