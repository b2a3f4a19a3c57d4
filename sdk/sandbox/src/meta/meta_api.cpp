// The Meta emulator: Graph API routing (versioned and unversioned paths), version checks, the
// usage headers every answer carries, and the PlatformApi entry points.
#include <algorithm>
#include <cctype>

#include "meta/state.hpp"

namespace connhost::sandbox {
namespace meta {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 20 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// "v26.0" -> 26; nullopt for anything that is not "v<N>.<M>".
std::optional<std::pair<int, int>> parse_version(std::string_view s) {
  if (s.size() < 4 || s[0] != 'v') return std::nullopt;
  auto dot = s.find('.');
  if (dot == std::string_view::npos || !all_digits(s.substr(1, dot - 1)) ||
      !all_digits(s.substr(dot + 1)) || dot - 1 > 3 || s.size() - dot - 1 > 3)
    return std::nullopt;
  return std::pair{std::stoi(std::string(s.substr(1, dot - 1))),
                   std::stoi(std::string(s.substr(dot + 1)))};
}

// §0's version table: released and available-until dates. Before v23 the release dates are not
// recorded; they are long past.
struct VersionInfo {
  int major;
  const char* released;
  const char* until;
};
constexpr VersionInfo kVersions[] = {
    {20, nullptr, "2026-09-24"},      {21, nullptr, "2027-01-21"},
    {22, nullptr, "2027-05-20"},      {23, "2025-05-29", "2027-10-08"},
    {24, "2025-10-08", "2028-02-18"}, {25, "2026-02-18", "2028-07-29"},
    {26, "2026-07-29", nullptr}};

struct Parsed {
  std::vector<std::string> segs;
  std::string version;
  bool versioned = false;
};

Parsed parse_path(const std::string& path) {
  Parsed p;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) p.segs.emplace_back(path.substr(i, j - i));
    i = j;
  }
  if (!p.segs.empty() && parse_version(p.segs.front())) {
    p.versioned = true;
    p.version = p.segs.front();
    p.segs.erase(p.segs.begin());
  } else {
    p.version = std::string(kCurrentVersion);
  }
  return p;
}

bool is_act(std::string_view s) {
  return s.size() > 4 && s.substr(0, 4) == "act_";
}

bool is_marketing(std::string_view endpoint) {
  return endpoint.rfind("act", 0) == 0 || endpoint.rfind("report_run", 0) == 0 ||
         endpoint == "me/adaccounts" || endpoint == "campaign";
}

}  // namespace

std::string Call::path() const {
  std::string out;
  for (const auto& s : segs) out += "/" + s;
  return out;
}

std::string MetaState::next_id(std::string_view prefix, int digits) {
  std::lock_guard lock(mutex);
  std::string n = std::to_string(++counter);
  std::string pad(static_cast<size_t>(std::max<int>(0, digits - static_cast<int>(n.size()))), '0');
  return std::string(prefix) + pad + n;
}

class Api : public PlatformApi {
 public:
  explicit Api(Context& ctx) : ctx_(ctx), st_(ctx) { preissue(); }

  Platform platform() const override { return Platform::meta; }

  std::optional<Route> route(const Request& req) override {
    Parsed p = parse_path(req.path);
    if (!p.versioned && !graph_root(p.segs)) return std::nullopt;
    if (p.segs.empty()) return std::nullopt;
    std::string endpoint = classify(p.segs, req.method);
    return Route{endpoint, [this, endpoint](Request& r) { return handle(r, endpoint); }};
  }

  Response fault_response(const FaultRule& fault, const Route& route, const Request& req) override {
    return fault_answer(st_, fault, route.endpoint, account_of(parse_path(req.path).segs));
  }

  std::optional<WebhookDelivery> webhook(const WebhookSpec& spec) override {
    return make_webhook(st_, spec);
  }

 private:
  // The credentials in Credentials work out of the box: a never-expiring system user token
  // over every sandbox ad account and the Page (what config/demo.toml uses).
  void preissue() {
    Token t;
    t.value = ctx_.credentials.meta_access_token;
    t.platform = "meta";
    t.kind = std::string(kSystemUserToken);
    t.family = "graph";
    t.subject = std::string(kSystemUserId);
    t.client_id = ctx_.credentials.meta_app_id;
    t.scopes = {"ads_read",
                "ads_management",
                "business_management",
                "pages_show_list",
                "pages_messaging",
                "pages_manage_metadata",
                "instagram_basic",
                "instagram_manage_messages",
                "public_profile"};
    for (const auto& a : ctx_.world.accounts(Platform::meta)) t.accounts.push_back(a.id);
    t.issued_at = ctx_.tokens.now();
    ctx_.tokens.put(t);
  }

  bool graph_root(const std::vector<std::string>& segs) const {
    if (segs.empty()) return false;
    const std::string& s = segs.front();
    return s == "dialog" || s == "oauth" || s == "debug_token" || s == "me" || is_act(s) ||
           all_digits(s);
  }

  std::string classify(const std::vector<std::string>& s, const std::string& method) const {
    const std::string& a = s[0];
    size_t n = s.size();
    if (a == "dialog" && n == 2 && s[1] == "oauth") return "dialog/oauth";
    if (a == "oauth" && n == 2 && s[1] == "access_token") return "oauth/access_token";
    if (a == "debug_token" && n == 1) return "debug_token";
    bool me_like = a == "me" || all_digits(a);
    if (me_like && n >= 2 && s[1] == "permissions" && n <= 3) return "me/permissions";
    if (me_like && n == 2 && s[1] == "adaccounts") return "me/adaccounts";
    if (me_like && n == 2 && s[1] == "accounts") return "me/accounts";
    if (me_like && n == 2 && s[1] == "messages") return "me/messages";
    if (is_act(a)) {
      if (n == 1) return "act";
      if (n == 2 && s[1] == "campaigns") return "act/campaigns";
      if (n == 2 && s[1] == "insights")
        return method == "POST" ? "act/insights:async" : "act/insights";
    }
    if (all_digits(a)) {
      bool run = false;
      {
        std::lock_guard lock(st_.mutex);
        run = st_.runs.count(a) > 0;
      }
      if (run && n == 1) return "report_run";
      if (run && n == 2 && s[1] == "insights") return "report_run/insights";
      if (n == 1 && ctx_.world.campaign(Platform::meta, a)) return "campaign";
    }
    if (a == "me" && n == 1) return "me";
    if (n == 1 && (a == kUserId || a == kSystemUserId || a == kPageId || a == kIgAccountId))
      return "me";
    return "graph";
  }

  std::string account_of(const std::vector<std::string>& segs) {
    if (segs.empty()) return "";
    if (is_act(segs[0])) return segs[0].substr(4);
    std::lock_guard lock(st_.mutex);
    auto it = st_.runs.find(segs[0]);
    return it == st_.runs.end() ? "" : it->second.account_id;
  }

  // §0: a version past its end of availability is upgraded for Marketing API calls; a version
  // that never existed, or one older than the table, is refused.
  std::optional<GraphError> check_version(Call& c, const std::string& endpoint) {
    auto v = parse_version(c.version);
    int64_t today = c.world().today();
    const VersionInfo* info = nullptr;
    for (const auto& vi : kVersions)
      if (v && v->first == vi.major && v->second == 0) info = &vi;
    bool released = info && (!info->released || parse_day(info->released) <= today);
    bool expired = info && info->until && parse_day(info->until) < today;
    if (released && !expired) {
      c.served = c.version;
      return std::nullopt;
    }
    bool marketing = is_marketing(endpoint);
    if (released && expired && marketing) {
      for (const auto& vi : kVersions) {
        if (vi.major <= info->major) continue;
        if (vi.until && parse_day(vi.until) < today) continue;
        c.served = "v" + std::to_string(vi.major) + ".0";
        return std::nullopt;
      }
    }
    GraphError e;
    if (marketing) {
      e.code = 2635;
      e.message =
          "(#2635) You are calling a deprecated version of the Ads API. Please update to "
          "the latest version: " +
          std::string(kCurrentVersion) + ".";
    } else {
      e.code = 12;
      e.message = "(#12) Graph API " + c.version +
                  " does not exist or is no longer available. The latest version is " +
                  std::string(kCurrentVersion) + ".";
    }
    return e;
  }

  Response handle(Request& req, const std::string& endpoint) {
    Parsed p = parse_path(req.path);
    Call c{req, st_, read_params(req), p.segs, p.version, p.version};
    std::string account = account_of(p.segs);
    Response r;
    try {
      if (auto e = check_version(c, endpoint)) {
        r = error_response(*e);
      } else {
        r = dispatch(c, endpoint);
      }
    } catch (const std::exception& e) {
      // Whatever slipped past validation is still answered as Graph would: a parameter error.
      r = error_response(invalid_param(std::string("(#100) Invalid parameter: ") + e.what()));
    }
    if (endpoint != "dialog/oauth") {
      int64_t now = ctx_.tokens.now();
      std::string use_case =
          endpoint.find("insights") != std::string::npos || endpoint.rfind("report_run", 0) == 0
              ? "ads_insights"
              : "ads_management";
      bool known_account = !account.empty() && ctx_.world.account(Platform::meta, account);
      st_.usage.record(now, known_account ? account : "", use_case, req.method == "GET" ? 1 : 3);
      for (auto& h : st_.usage.headers(now, known_account ? account : "", use_case,
                                       use_case == "ads_insights" && known_account, false, 0))
        r.headers.push_back(std::move(h));
      r.header("facebook-api-version", c.served);
      r.header("x-fb-trace-id", fbtrace_id());
    }
    return r;
  }

  Response dispatch(Call& c, const std::string& endpoint) {
    const auto& s = c.segs;
    const std::string& m = c.req.method;
    if (endpoint == "dialog/oauth") {
      if (m != "GET") return error_response(unsupported_request(m, "dialog"));
      return dialog_oauth(c);
    }
    if (endpoint == "oauth/access_token") return oauth_access_token(c);
    if (endpoint == "debug_token") {
      if (m != "GET") return error_response(unsupported_request(m, "debug_token"));
      return debug_token(c);
    }
    if (endpoint == "me/permissions") return permissions(c);
    if (endpoint == "me/adaccounts") {
      if (m != "GET") return error_response(unsupported_request(m, s[0]));
      return ad_accounts(c);
    }
    if (endpoint == "me/accounts") {
      if (m != "GET") return error_response(unsupported_request(m, s[0]));
      return me_accounts(c);
    }
    if (endpoint == "me/messages") {
      if (m != "POST") return error_response(unsupported_request(m, s[0]));
      return send_message(c, s[0]);
    }
    if (endpoint == "act") {
      if (m != "GET") return error_response(unsupported_request(m, s[0]));
      return ad_account(c, s[0].substr(4));
    }
    if (endpoint == "act/campaigns") {
      if (m != "GET") return error_response(unsupported_request(m, s[0]));
      return campaigns(c, s[0].substr(4));
    }
    if (endpoint == "act/insights") {
      if (m != "GET") return error_response(unsupported_request(m, s[0]));
      return insights_sync(c, s[0].substr(4));
    }
    if (endpoint == "act/insights:async") return insights_async(c, s[0].substr(4));
    if (endpoint == "report_run") {
      if (m != "GET") return error_response(unsupported_request(m, s[0]));
      return report_run(c, s[0]);
    }
    if (endpoint == "report_run/insights") {
      if (m != "GET") return error_response(unsupported_request(m, s[0]));
      return report_run_insights(c, s[0]);
    }
    if (endpoint == "campaign") {
      if (m != "GET") return error_response(unsupported_request(m, s[0]));
      GraphError err;
      auto t = authenticate(c, err);
      if (!t) return error_response(err);
      const Campaign* camp = c.world().campaign(Platform::meta, s[0]);
      if (auto denied = account_access(c, *t, camp->account_id))
        return error_response(unsupported_request(m, s[0]));
      return campaign_node(c, *camp);
    }
    if (endpoint == "me") {
      if (m != "GET") return error_response(unsupported_request(m, s[0]));
      GraphError err;
      auto t = authenticate(c, err);
      if (!t) return error_response(err);
      return node_me(c, *t, s[0]);
    }
    // Anything else: a versioned path Graph does not know, or an object id it cannot load.
    if (s.size() == 1 && (all_digits(s[0]) || is_act(s[0])))
      return error_response(unsupported_request(m, s[0]));
    // Graph names the components after the node it could resolve.
    std::string rest;
    for (size_t i = s.size() > 1 ? 1 : 0; i < s.size(); ++i) rest += "/" + s[i];
    return error_response(unknown_path(rest));
  }

  Context& ctx_;
  mutable MetaState st_;
};

}  // namespace meta

std::unique_ptr<PlatformApi> make_meta_api(Context& context) {
  return std::make_unique<meta::Api>(context);
}

}  // namespace connhost::sandbox
