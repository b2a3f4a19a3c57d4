// A small, correct ad-reporting connector for the conformance kit's own tests, written against
// the SDK alone. It reads a made-up "example" platform over HTTP (tests/conformance/fixtures):
//
//   GET /v1/accounts                                    {"accounts":[{id,name,currency,time_zone}]}
//   GET /v1/campaigns?account=ID                        {"campaigns":[{id,name,status,...}]}
//   GET /v1/report?account=ID&from=D&to=D&page=N        {"rows":[...],"next_page":N+1|null}
//
// with the token in an Authorization header, and verifies webhook deliveries signed as Meta signs
// them (X-Hub-Signature-256: sha256=HMAC-SHA256(app_secret, body)). campaign_daily is read in
// chunks of `chunk_days` days, each followed page by page, with a checkpoint after each chunk.
//
// Built once as the good connector and once per -DBREAK_<CHECK>, each breaking exactly one
// contract the kit checks (tests/conformance/CMakeLists.txt).
#include <connhost/ad_reporting.hpp>
#include <connhost/connector.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

#include <chrono>
#include <string>
#include <thread>

namespace {

namespace ar = connhost::ad_reporting;
namespace json = boost::json;

#ifdef BREAK_STREAMS
// campaign_id lost its primary-key flag: rows of two campaigns on one day would collide.
constexpr ch_column_def kDaily[] = {
    connhost::column("account_id", CH_COL_STRING, CH_COLUMN_PRIMARY_KEY),
    connhost::column("date", CH_COL_DATE, CH_COLUMN_PRIMARY_KEY | CH_COLUMN_CURSOR),
    connhost::column("campaign_id", CH_COL_STRING),
    connhost::column("spend", CH_COL_MONEY),
    connhost::column("impressions", CH_COL_INT64),
    connhost::column("clicks", CH_COL_INT64),
    connhost::column("link_clicks", CH_COL_INT64, CH_COLUMN_NULLABLE),
    connhost::column("purchases", CH_COL_DOUBLE),
    connhost::column("purchase_value", CH_COL_MONEY),
    connhost::column("currency", CH_COL_STRING),
};
constexpr ch_stream_def kStreams[] = {
    ar::kStreams[0],
    ar::kStreams[1],
    connhost::stream("campaign_daily", kDaily),
};
#endif

std::string day_text(std::chrono::sys_days d) {
  std::chrono::year_month_day ymd(d);
  char buf[16];
  snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
           static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::chrono::sys_days parse_day(std::string_view s) {
  if (s.size() != 10) throw connhost::Error::config("not a YYYY-MM-DD day: " + std::string(s));
  int y = std::stoi(std::string(s.substr(0, 4)));
  unsigned m = std::stoul(std::string(s.substr(5, 2)));
  unsigned d = std::stoul(std::string(s.substr(8, 2)));
  return std::chrono::sys_days(std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d});
}

const json::array& array_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_array())
    throw connhost::Error::data("answer without list '" + std::string(key) + "'");
  return v->as_array();
}
std::string text_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string())
    throw connhost::Error::data("answer without text '" + std::string(key) + "'");
  return std::string(v->as_string());
}
int64_t int_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_int64())
    throw connhost::Error::data("answer without integer '" + std::string(key) + "'");
  return v->as_int64();
}

}  // namespace

class ExampleConnector {
 public:
#ifdef BREAK_LOAD
  static constexpr connhost::PluginInfo info{"Example Broken", "Example", "0.1.0", "example"};
#elif defined(BREAK_DESCRIPTOR)
  static constexpr connhost::PluginInfo info{"example", "Example", "1.0", "example"};
#else
  static constexpr connhost::PluginInfo info{"example", "Example (conformance tests)", "0.1.0",
                                             "example"};
#endif
  static constexpr unsigned capabilities = connhost::kReporting | connhost::kMessaging;
  static constexpr ch_config_field config[] = {
      connhost::required_setting("base_url", CH_CONFIG_STRING, "Where the example API lives"),
      connhost::secret_setting("token", "API token"),
      connhost::secret_setting("app_secret", "Signs the webhook deliveries", false),
      connhost::setting("chunk_days", CH_CONFIG_INT, "Days per report request", "3"),
#ifdef BREAK_CONFIG_SCHEMA
      connhost::setting("retries", CH_CONFIG_INT, "Retries of a failed request", "three"),
#endif
  };
#ifdef BREAK_STREAMS
  static constexpr const ch_stream_def (&streams)[3] = kStreams;
#else
  static constexpr const ch_stream_def (&streams)[3] = ar::kStreams;
#endif

  ExampleConnector(connhost::Call&, const connhost::Config& config)
      : base_url_(config.get_string("base_url")), chunk_days_(config.get_int("chunk_days", 3)) {
    if (chunk_days_ < 1) throw connhost::Error::config("chunk_days must be at least 1");
  }

  void check(connhost::Call& call) {
#ifdef BREAK_CHECK
    (void)call;
    throw connhost::Error::config("check is not wired up");
#else
    get(call, "/v1/accounts");
#endif
  }

  void read(connhost::Call& call, const connhost::ReadRequest& r) {
    if (r.stream == "accounts") {
      auto doc = get(call, "/v1/accounts");
      for (const auto& v : array_at(doc, "accounts")) {
        const auto& a = v.as_object();
        call.row("accounts")
            .str(ar::kAccountId, text_at(a, "id"))
            .str(ar::kAccountName, text_at(a, "name"))
            .str(ar::kAccountCurrency, text_at(a, "currency"))
            .str(ar::kAccountTimeZone, text_at(a, "time_zone"))
            .null(ar::kAccountStatus)
            .end();
      }
      call.checkpoint("");
    } else if (r.stream == "campaigns") {
      auto doc = get(call, "/v1/campaigns?account=" + std::string(r.account));
      for (const auto& v : array_at(doc, "campaigns")) {
        const auto& c = v.as_object();
        auto row = call.row("campaigns");
        row.str(ar::kCampaignAccountId, r.account)
            .str(ar::kCampaignId, text_at(c, "id"))
            .str(ar::kCampaignName, text_at(c, "name"))
            .str(ar::kCampaignStatus, text_at(c, "status"))
            .str(ar::kCampaignObjective, text_at(c, "objective"));
#ifdef BREAK_ROW_SCHEMA
        // The platform's text put where the stream declares milliseconds.
        row.str(ar::kCampaignCreatedTime, "2026-01-01T00:00:00Z");
#else
        row.i64(ar::kCampaignCreatedTime, int_at(c, "created_ms"));
#endif
        row.null(ar::kCampaignModifiedTime).end();
      }
      call.checkpoint("");
    } else if (r.stream == "campaign_daily") {
      read_daily(call, r);
    } else {
      throw connhost::Error::config("no stream '" + std::string(r.stream) + "'");
    }
  }

  void verify(connhost::Call& call, const ch_webhook_request& r) {
#ifdef BREAK_WEBHOOK_SIGNATURE
    (void)call, (void)r;
#else
    std::string secret = call.secret("app_secret");
    std::string_view given;
    for (size_t i = 0; i < r.header_count; ++i) {
      std::string name(connhost::to_sv(r.headers[i].name));
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (name == "x-hub-signature-256") given = connhost::to_sv(r.headers[i].value);
    }
    if (given.substr(0, 7) != "sha256=") throw connhost::Error::auth("no sha256 signature");
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    auto body = connhost::to_sv(r.body);
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string want;
    for (unsigned i = 0; i < len; ++i) {
      want += kHex[mac[i] >> 4];
      want += kHex[mac[i] & 15];
    }
    given.remove_prefix(7);
    if (given.size() != want.size() || CRYPTO_memcmp(given.data(), want.data(), want.size()) != 0)
      throw connhost::Error::auth("the webhook signature does not match");
#endif
  }

 private:
  void read_daily(connhost::Call& call, const connhost::ReadRequest& r) {
    auto first = parse_day(r.window_start), last = parse_day(r.window_end);
    auto from = first;
#ifndef BREAK_STATE_RESUME
    if (auto done = ar::daily_state_last_day(r.state, r.window_start, r.window_end))
      from = parse_day(*done) + std::chrono::days(1);
#endif
    for (auto chunk = from; chunk <= last; chunk += std::chrono::days(chunk_days_)) {
      auto chunk_end = std::min(last, chunk + std::chrono::days(chunk_days_ - 1));
      for (int page = 1;;) {
        auto doc =
            get(call, "/v1/report?account=" + std::string(r.account) + "&from=" + day_text(chunk) +
                          "&to=" + day_text(chunk_end) + "&page=" + std::to_string(page));
        for (const auto& v : array_at(doc, "rows")) {
          const auto& row = v.as_object();
          auto out = call.row("campaign_daily");
          out.str(ar::kDailyAccountId, r.account)
              .str(ar::kDailyDate, text_at(row, "date"))
              .str(ar::kDailyCampaignId, text_at(row, "campaign_id"))
              .i64(ar::kDailySpend, int_at(row, "spend_micros"))
              .i64(ar::kDailyImpressions, int_at(row, "impressions"))
              .i64(ar::kDailyClicks, int_at(row, "clicks"));
          if (const auto* lc = row.if_contains("link_clicks"); lc && lc->is_int64())
            out.i64(ar::kDailyLinkClicks, lc->as_int64());
          else
            out.null(ar::kDailyLinkClicks);
          out.f64(ar::kDailyPurchases, static_cast<double>(int_at(row, "purchases")))
              .i64(ar::kDailyPurchaseValue, int_at(row, "purchase_value_micros"))
              .str(ar::kDailyCurrency, text_at(row, "currency"))
              .end();
        }
        const auto* next = doc.if_contains("next_page");
#ifdef BREAK_PAGINATION
        next = nullptr;  // the first page taken for the whole answer
#endif
        if (!next || !next->is_int64()) break;
        page = static_cast<int>(next->as_int64());
      }
      call.checkpoint(ar::daily_state(r.window_start, r.window_end, day_text(chunk_end)));
    }
  }

  json::object get(connhost::Call& call, const std::string& path) {
    std::string token = call.secret("token");
#ifdef BREAK_SECRETS_IN_LOGS
    call.info("GET " + path + " with token " + token);
#endif
    connhost::HttpResponse resp;
    try {
      resp = call.http({.method = "GET",
                        .url = base_url_ + path,
                        .headers = {{"Authorization", "Bearer " + token}}});
    } catch (const connhost::Error& e) {
#ifdef BREAK_TIMEOUTS
      // "Wait for the network to come back" instead of handing the host its transient error.
      std::this_thread::sleep_for(std::chrono::minutes(5));
#endif
      throw;
    }
    if (resp.status == 429) {
#ifdef BREAK_RATE_LIMIT
      throw connhost::Error::transient("rate limited");
#else
      std::optional<std::chrono::milliseconds> retry;
      if (auto h = resp.header("Retry-After")) {
        try {
          retry = std::chrono::seconds(std::stoll(std::string(*h)));
        } catch (const std::exception&) {
        }
      }
      throw connhost::Error::quota("rate limited", retry.value_or(std::chrono::seconds(60)));
#endif
    }
    if (resp.status >= 500) {
#ifdef BREAK_SERVER_ERROR
      throw connhost::Error::config("the server answered " + std::to_string(resp.status));
#else
      throw connhost::Error::transient("the server answered " + std::to_string(resp.status));
#endif
    }
    if (resp.status == 401 || resp.status == 403) {
#ifdef BREAK_AUTH_ERROR
      throw connhost::Error::transient("the token was refused");
#else
      throw connhost::Error::auth("the token was refused (" + std::to_string(resp.status) + ")");
#endif
    }
    if (resp.status != 200)
      throw connhost::Error::data("GET " + path + " answered " + std::to_string(resp.status));
    boost::system::error_code ec;
    auto doc = json::parse(resp.body, ec);
    if (ec || !doc.is_object()) throw connhost::Error::data("GET " + path + ": not a JSON object");
    return std::move(doc.as_object());
  }

  std::string base_url_;
  int64_t chunk_days_;
};

CONNHOST_CONNECTOR(ExampleConnector)
