// Google connector: Google Ads REST (reporting) and Google OAuth 2.0 / OIDC (login, profile).
// Google Business Messages shut down in July 2024, so messaging is declared unavailable, with
//   that reason (the descriptor's `unavailable` notes): the host names it wherever messaging is
//   asked of a Google connection. New conversations stopped on 15 July 2024 and the service
//   shut down on 31 July 2024 (meta-google.md §5.1; Google's notice on
//   developers.google.com/business-communications/business-messages); docs/messaging.md records
//   the fallback.
// Wire format notes: shared/platforms/meta-google.md, sections 4 and 5.
//
// Reporting reads, per stream:
//   accounts        customer_ids, else GET /vNN/customers:listAccessibleCustomers; then per
//                   customer POST /vNN/customers/{id}/googleAds:search with the customer query
//                   (currency and time zone).
//   campaigns       POST .../googleAds:search with the campaign query, following nextPageToken.
//   campaign_daily  the customer query (for the currency, cached: Google fixes a customer's
//                   currency and time zone at creation), then one POST .../googleAds:searchStream
//                   per chunk of report_chunk_days days, a checkpoint after each.
// Every Ads request carries a Bearer token from the refresh_token secret (google_token.hpp).
#include <connhost/ad_reporting.hpp>
#include <connhost/connector.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "google_errors.hpp"
#include "google_login.hpp"
#include "google_parse.hpp"
#include "google_requests.hpp"
#include "google_token.hpp"
#include "google_window.hpp"

namespace {

using namespace connhost::google;
using connhost::Call;
using connhost::Error;
using connhost::HttpRequest;
using connhost::HttpResponse;
namespace ar = connhost::ad_reporting;

std::string setting_or_throw(const connhost::Config& config, std::string_view key) {
  std::string v = config.get_string(key);
  if (v.empty()) throw Error::config("google: setting '" + std::string(key) + "' is empty");
  return v;
}

class GoogleConnector {
 public:
  static constexpr connhost::PluginInfo info{"google", "Google Ads", "0.1.0", "google"};
  static constexpr unsigned capabilities =
      connhost::kReporting | connhost::kLogin | connhost::kProfile;
  static constexpr unsigned flags = connhost::kUnloadSafe;  // no statics, no threads
  static constexpr ch_capability_note unavailable[] = {
      {CH_CAP_MESSAGING,
       CH_STR("Google Business Messages was shut down on 31 July 2024; reach Google users through "
              "another channel (docs/messaging.md, \"Fallback for Google\")")}};

  static constexpr ch_config_field config[] = {
      connhost::setting("base_url", CH_CONFIG_STRING,
                        "Google Ads API host (the sandbox's in tests)",
                        "https://googleads.googleapis.com"),
      connhost::setting("oauth_base_url", CH_CONFIG_STRING, "OAuth token and revoke host",
                        "https://oauth2.googleapis.com"),
      connhost::setting("auth_page_url", CH_CONFIG_STRING, "OAuth consent page",
                        "https://accounts.google.com/o/oauth2/v2/auth"),
      // §4.1 of the notes: the userinfo_endpoint in wide use.
      connhost::setting("userinfo_url", CH_CONFIG_STRING, "OpenID Connect userinfo endpoint",
                        "https://openidconnect.googleapis.com/v1/userinfo"),
      // The wire notes were checked against the v24 protos (google-ads-node 24.1.0).
      connhost::setting("api_version", CH_CONFIG_STRING, "Google Ads API version", "v24"),
      connhost::required_setting("client_id", CH_CONFIG_STRING, "OAuth client id"),
      connhost::secret_setting("client_secret", "OAuth client secret"),
      connhost::secret_setting("refresh_token",
                               "Offline refresh token, until the token vault provides one", false),
      connhost::setting("customer_ids", CH_CONFIG_STRING_LIST,
                        "Customers (10 digits); empty: listAccessibleCustomers"),
      connhost::setting("login_customer_id", CH_CONFIG_STRING,
                        "Manager account id, when reading clients through a manager"),
      connhost::setting("rate_limit_qps", CH_CONFIG_DOUBLE, "Requests per second", "5"),
      connhost::setting("report_chunk_days", CH_CONFIG_INT,
                        "Days per searchStream request of campaign_daily (1-90); a checkpoint "
                        "follows each",
                        "30"),
      // Developer tokens were sunset on 9 Sep 2026: the header is optional and ignored (notes
      // section 0), so it is sent only when asked for.
      connhost::setting("send_developer_token", CH_CONFIG_BOOL,
                        "Send the developer-token header (ignored by Google since 9 Sep 2026)",
                        "false"),
      connhost::secret_setting("developer_token", "Developer token, if send_developer_token",
                               false),
  };

  static constexpr const ch_stream_def (&streams)[3] = connhost::ad_reporting::kStreams;

  GoogleConnector(Call&, const connhost::Config& config)
      : endpoints_{strip_trailing_slash(setting_or_throw(config, "base_url")),
                   config.get_string("api_version", "v24"),
                   strip_trailing_slash(setting_or_throw(config, "oauth_base_url"))},
        tokens_(token_url(endpoints_), setting_or_throw(config, "client_id")),
        chunk_days_(config.get_int("report_chunk_days", 30)),
        send_developer_token_(config.get_bool("send_developer_token", false)),
        client_id_(setting_or_throw(config, "client_id")),
        auth_page_(
            config.get_string("auth_page_url", "https://accounts.google.com/o/oauth2/v2/auth")),
        userinfo_url_(
            config.get_string("userinfo_url", "https://openidconnect.googleapis.com/v1/userinfo")) {
    if (!valid_api_version(endpoints_.version))
      throw Error::config("google: api_version '" + endpoints_.version +
                          "' is not of the form vNN (e.g. v24)");
    if (chunk_days_ < 1 || chunk_days_ > 90)
      throw Error::config("google: report_chunk_days must be between 1 and 90");
    for (const auto& raw : config.get_list("customer_ids")) {
      if (raw.empty()) continue;
      auto id = normalize_customer_id(raw);
      if (!id)
        throw Error::config("google: customer_ids entry '" + raw +
                            "' is not a 10-digit customer id");
      customer_ids_.push_back(*id);
    }
    if (auto login = config.get_string("login_customer_id"); !login.empty()) {
      auto id = normalize_customer_id(login);
      if (!id)
        throw Error::config("google: login_customer_id '" + login +
                            "' is not a 10-digit customer id");
      login_customer_id_ = *id;
    }
  }

  // Login (notes §4.1), requests and answers in google_login.{hpp,cpp}; the refresh grant is the
  // one reporting uses (refresh_form, oauth_error).
  void authorize_url(Call& call, const ch_authorize_request& r) {
    std::vector<std::string> scopes;
    std::string_view all = connhost::to_sv(r.scopes);
    for (size_t start = 0; start <= all.size();) {
      size_t nl = std::min(all.find('\n', start), all.size());
      if (nl > start) scopes.emplace_back(all.substr(start, nl - start));
      start = nl + 1;
    }
    call.output("authorize",
                {{"url", login::authorize_url(
                             auth_page_, client_id_, scopes, connhost::to_sv(r.redirect_uri),
                             connhost::to_sv(r.state), connhost::to_sv(r.code_challenge),
                             connhost::to_sv(r.code_challenge_method))}});
  }

  void exchange_code(Call& call, const ch_token_request& r) {
    grant(call,
          login::code_form(client_id_, call.secret("client_secret"), connhost::to_sv(r.code),
                           connhost::to_sv(r.redirect_uri), connhost::to_sv(r.code_verifier)),
          true);
  }

  // §4.1: Google does not rotate refresh tokens; the record carries none and the old one stays.
  void refresh(Call& call, const ch_token_request& r) {
    if (!r.refresh_token.size) throw Error::auth("google: no refresh token: sign in again");
    grant(call,
          refresh_form(client_id_, call.secret("client_secret"), connhost::to_sv(r.refresh_token)),
          false);
  }

  void revoke(Call& call, const ch_token_request& r) {
    std::string_view token =
        r.refresh_token.size ? connhost::to_sv(r.refresh_token) : connhost::to_sv(r.access_token);
    auto resp = call.http(login::revoke_request(endpoints_.oauth_base, token));
    login::check_revoke(resp.status, resp.body);
  }

  void user_info(Call& call, const ch_token_request& r) {
    auto u = userinfo(call, connhost::to_sv(r.access_token));
    call.output("user", {{"platform_user_id", u.sub},
                         {"display_name", u.name},
                         {"avatar_url", u.picture},
                         {"email", u.email}});
  }

  // Profile: OIDC userinfo (meta-google.md §4.1); the locale's region, when it has one, is the
  // profile's region.
  void fetch(Call& call, const ch_profile_request& r) {
    auto u = userinfo(call, connhost::to_sv(r.access_token));
    std::vector<std::pair<std::string, std::string>> fields{
        {"platform_user_id", u.sub}, {"display_name", u.name}, {"avatar_url", u.picture}};
    if (!u.email.empty()) fields.emplace_back("email", u.email);
    if (!u.locale.empty()) fields.emplace_back("locale", u.locale);
    if (auto region = login::region_of_locale(u.locale); !region.empty())
      fields.emplace_back("region", region);
    call.output_fields("profile", fields);
  }

  // What fetch needs (ABI 1.2): userinfo answers only to an OpenID Connect grant (`openid`), and
  // its name and picture claims are the `profile` scope's (OpenID Connect Core §5.4,
  // https://openid.net/specs/openid-connect-core-1_0.html#ScopeClaims; meta-google.md §4.1 lists
  // the claims). email only adds to the profile.
  std::vector<std::string> required_scopes(Call&) { return {"openid", "profile"}; }

  void check(Call& call) {
    guarded(call, [&] {
      tokens_.get(call);
      if (customer_ids_.empty()) {
        auto ids = list_accessible_customers(call);
        if (ids.empty())
          throw Error::config("google: the signed-in user reaches no Google Ads customer");
        call.info("google: " + std::to_string(ids.size()) + " accessible customers");
      } else {
        for (const auto& id : customer_ids_) customer(call, id, false);
        call.info("google: " + std::to_string(customer_ids_.size()) +
                  " configured customers reachable");
      }
    });
  }

  void read(Call& call, const connhost::ReadRequest& r) {
    guarded(call, [&] {
      if (r.stream == "accounts")
        read_accounts(call, r);
      else if (r.stream == "campaigns")
        read_campaigns(call, r);
      else if (r.stream == "campaign_daily")
        read_daily(call, r);
      else
        throw Error::config("google: unknown stream '" + std::string(r.stream) + "'");
    });
  }

 private:
  // --- streams ------------------------------------------------------------------------------

  void read_accounts(Call& call, const connhost::ReadRequest& r) {
    const bool listed = r.account.empty() && customer_ids_.empty();
    const std::vector<std::string> ids =
        r.account.empty() ? account_ids(call) : std::vector{account_id(r.account)};
    for (const auto& id : ids) {
      // A cancelled customer still shows in listAccessibleCustomers but refuses queries; one
      // the user named in settings is an error instead.
      auto c = customer(call, id, listed);
      if (!c) continue;
      auto row = call.row("accounts");
      row.str(ar::kAccountId, c->id).str(ar::kAccountName, c->name);
      row.str(ar::kAccountCurrency, c->currency).str(ar::kAccountTimeZone, c->time_zone);
      row.null(ar::kAccountStatus);
      row.end();
    }
    call.checkpoint("");
  }

  void read_campaigns(Call& call, const connhost::ReadRequest& r) {
    const std::vector<std::string> ids =
        r.account.empty() ? account_ids(call) : std::vector{account_id(r.account)};
    for (const auto& id : ids) {
      std::string page_token;
      std::vector<std::string> seen_tokens;
      do {
        const std::string what = "campaign search for customer " + id;
        HttpResponse resp = ads_request(call, "POST", search_url(endpoints_, id),
                                        query_body(campaigns_query(), page_token), what);
        CampaignPage page = parse_campaign_page(resp.body, request_id_of(resp));
        for (const auto& c : page.campaigns) {
          auto row = call.row("campaigns");
          row.str(ar::kCampaignAccountId, id).str(ar::kCampaignId, c.id);
          row.str(ar::kCampaignName, c.name).str(ar::kCampaignStatus, c.status);
          if (c.channel_type)
            row.str(ar::kCampaignObjective, *c.channel_type);
          else
            row.null(ar::kCampaignObjective);
          // The campaign resource has no creation or modification timestamp.
          row.null(ar::kCampaignCreatedTime).null(ar::kCampaignModifiedTime);
          row.end();
        }
        page_token = page.next_page_token;
        for (const auto& t : seen_tokens)
          if (t == page_token)
            throw Error::data("google " + what + ": nextPageToken repeats a previous page's");
        if (!page_token.empty()) seen_tokens.push_back(page_token);
      } while (!page_token.empty());
    }
    call.checkpoint("");
  }

  void read_daily(Call& call, const connhost::ReadRequest& r) {
    if (r.account.empty())
      throw Error::config("google: campaign_daily is read one account at a time");
    const std::string id = account_id(r.account);
    const std::string ws(r.window_start), we(r.window_end);
    if (!is_iso_date(ws) || !is_iso_date(we) || ws > we)
      throw Error::config("google: campaign_daily window '" + ws + ".." + we +
                          "' is not two YYYY-MM-DD days in order");
    // A state of another window (or none) starts at the window's first day (ad_reporting.hpp).
    auto first = resume_from(r.state, ws, we);
    if (!first) {
      call.checkpoint(make_state(ws, we, we));  // already complete
      return;
    }
    const std::string currency = customer(call, id, false)->currency;
    for (const auto& chunk : chunk_days(*first, we, static_cast<int>(chunk_days_))) {
      const std::string what =
          "searchStream for customer " + id + ", " + chunk.from + ".." + chunk.to;
      HttpResponse resp =
          ads_request(call, "POST", search_stream_url(endpoints_, id),
                      query_body(daily_query(chunk.from, chunk.to)), what, kStreamTimeout);
      // The whole answer is parsed and checked before any of its rows is emitted.
      DailyReport report = parse_daily_stream(resp.body, chunk.from, chunk.to, request_id_of(resp));
      if (report.error) throw ads_error(*report.error, what, report.request_id, std::nullopt);
      for (const auto& d : report.rows) {
        auto row = call.row("campaign_daily");
        row.str(ar::kDailyAccountId, id).str(ar::kDailyDate, d.date);
        row.str(ar::kDailyCampaignId, d.campaign_id).i64(ar::kDailySpend, d.cost_micros);
        row.i64(ar::kDailyImpressions, d.impressions).i64(ar::kDailyClicks, d.clicks);
        row.null(ar::kDailyLinkClicks);  // Google's query has no link clicks
        row.f64(ar::kDailyPurchases, d.conversions);
        row.i64(ar::kDailyPurchaseValue, d.conversions_value_micros);
        row.str(ar::kDailyCurrency, currency);
        row.end();
      }
      call.log(CH_LOG_DEBUG, "google " + what + ": " + std::to_string(report.rows.size()) +
                                 " rows [request id " + report.request_id + "]");
      call.checkpoint(make_state(ws, we, chunk.to));
    }
  }

  // --- accounts -----------------------------------------------------------------------------

  std::string account_id(std::string_view raw) const {
    auto id = normalize_customer_id(raw);
    if (!id)
      throw Error::config("google: account '" + std::string(raw) +
                          "' is not a 10-digit customer id");
    return *id;
  }

  std::vector<std::string> account_ids(Call& call) {
    if (!customer_ids_.empty()) return customer_ids_;
    return list_accessible_customers(call);
  }

  std::vector<std::string> list_accessible_customers(Call& call) {
    HttpResponse resp = ads_request(call, "GET", list_accessible_customers_url(endpoints_), "",
                                    "listAccessibleCustomers");
    return parse_accessible_customers(resp.body, request_id_of(resp));
  }

  // The customer's name, currency and time zone; nothing when `skip_disabled` and Google says
  // the customer is not enabled (cancelled or suspended).
  std::optional<Customer> customer(Call& call, const std::string& id, bool skip_disabled) {
    {
      std::lock_guard lock(customers_mutex_);
      if (auto it = customers_.find(id); it != customers_.end()) return it->second;
    }
    const std::string what = "customer search for customer " + id;
    HttpResponse resp =
        send(call, "POST", search_url(endpoints_, id), query_body(customer_query()));
    if (resp.status != 200) {
      ApiError e = parse_api_error(resp.status, resp.body);
      if (skip_disabled && e.has("authorizationError", "CUSTOMER_NOT_ENABLED")) {
        call.warn("google: skipping customer " + id + ": not enabled");
        return std::nullopt;
      }
      throw ads_error(e, what, request_id_of(resp), retry_after_of(resp));
    }
    Customer c = parse_customer(resp.body, id, request_id_of(resp));
    std::lock_guard lock(customers_mutex_);
    customers_[id] = c;
    return c;
  }

  // --- transport ----------------------------------------------------------------------------

  static constexpr std::chrono::milliseconds kStreamTimeout{120'000};

  // One Google Ads request with a Bearer token; a 401 gets one fresh token and one more try
  // (the token may have been revoked or expired early). Any answer is returned.
  HttpResponse send(Call& call, const std::string& method, const std::string& url,
                    const std::string& body,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) {
    for (int attempt = 0;; ++attempt) {
      const std::string token = tokens_.get(call);
      HttpRequest req;
      req.method = method;
      req.url = url;
      req.timeout = timeout;
      req.headers.emplace_back("Authorization", "Bearer " + token);
      req.headers.emplace_back("Accept", "application/json");
      if (!body.empty()) {
        req.headers.emplace_back("Content-Type", "application/json");
        req.body = body;
      }
      if (!login_customer_id_.empty())
        req.headers.emplace_back("login-customer-id", login_customer_id_);
      if (send_developer_token_)
        req.headers.emplace_back("developer-token", call.secret("developer_token"));
      HttpResponse resp = call.http(req);
      if (resp.status == 401 && attempt == 0) {
        tokens_.invalidate(token);
        continue;
      }
      return resp;
    }
  }

  // send(), and any answer but 200 becomes the categorized error.
  HttpResponse ads_request(Call& call, const std::string& method, const std::string& url,
                           const std::string& body, const std::string& what,
                           std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) {
    HttpResponse resp = send(call, method, url, body, timeout);
    if (resp.status != 200)
      throw ads_error(parse_api_error(resp.status, resp.body), what, request_id_of(resp),
                      retry_after_of(resp));
    return resp;
  }

  static std::string request_id_of(const HttpResponse& resp) {
    auto h = resp.header("request-id");
    return h ? std::string(*h) : std::string();
  }

  static std::optional<std::chrono::milliseconds> retry_after_of(const HttpResponse& resp) {
    auto h = resp.header("Retry-After");
    return h ? parse_retry_after(*h) : std::nullopt;
  }

  // Messages are built from platform text only, but a secret must never reach the host's logs
  // even if a platform echoed one: mask any the connection holds.
  template <class F>
  void guarded(Call& call, F&& f) {
    try {
      f();
    } catch (const Error& e) {
      std::string m = e.what();
      bool changed = false;
      for (std::string_view key : {"refresh_token", "client_secret"}) {
        std::string secret;
        try {
          secret = call.secret(key);
        } catch (const Error&) {
          continue;
        }
        if (secret.size() < 6) continue;
        for (size_t p; (p = m.find(secret)) != std::string::npos; changed = true)
          m.replace(p, secret.size(), "***");
      }
      if (!changed) throw;
      throw Error(e.category(), m, e.retry_after());
    }
  }

  login::User userinfo(Call& call, std::string_view token) {
    if (token.empty()) throw Error::auth("google: no access token: sign in again");
    auto resp = call.http(login::userinfo_request(userinfo_url_, token));
    return login::parse_userinfo(resp.status, resp.body);
  }

  // One grant at the token endpoint, then userinfo for the `sub` the grant belongs to.
  void grant(Call& call, const std::string& form, bool code_grant) {
    HttpRequest req;
    req.method = "POST";
    req.url = token_url(endpoints_);
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Accept", "application/json"}};
    req.body = form;
    auto resp = call.http(req);
    if (resp.status != 200) {
      std::optional<std::chrono::milliseconds> retry;
      if (auto h = resp.header("Retry-After")) retry = parse_retry_after(*h);
      auto e = oauth_error(resp.status, resp.body, retry);
      // oauth_error speaks of the refresh it was written for; a code grant says so instead.
      std::string m = e.what();
      if (code_grant && m.rfind("google token refresh", 0) == 0)
        m.replace(0, 20, "google code exchange");
      throw Error(e.category(), m, e.retry_after());
    }
    auto g = login::parse_grant(resp.body);
    auto user = userinfo(call, g.access_token);
    call.output("token", {{"access_token", g.access_token},
                          {"refresh_token", g.refresh_token},
                          {"expires_in", g.expires_in ? std::to_string(*g.expires_in) : ""},
                          {"scope", g.scope},
                          {"token_type", g.token_type},
                          {"platform_user_id", user.sub}});
  }

  const Endpoints endpoints_;
  TokenCache tokens_;
  const int64_t chunk_days_;
  const bool send_developer_token_;
  std::vector<std::string> customer_ids_;
  std::string login_customer_id_;
  const std::string client_id_;
  const std::string auth_page_;
  const std::string userinfo_url_;

  std::mutex customers_mutex_;
  std::map<std::string, Customer> customers_;
};

}  // namespace

CONNHOST_CONNECTOR(GoogleConnector)
