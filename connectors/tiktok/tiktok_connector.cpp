// TikTok connector: Marketing API v1.3 (reporting, advertiser auth), Login Kit v2 (login, profile)
// and the Business Account API (messaging, profile). Wire format notes: shared/platforms/tiktok.md.
//
// Reporting, per stream (§ numbers are sections of tiktok.md):
//   accounts        oauth2/advertiser/get/ (§1.4) unless the advertiser_ids setting names them,
//                   then advertiser/info/ (§1.5) in batches for name, currency and time zone.
//   campaigns       campaign/get/ (§1.6) per advertiser, 1000 a page, deleted ones included.
//   campaign_daily  advertiser/info/ for the currency, then report/integrated/get/ (§1.8) in
//                   windows of at most 30 days, 1000 rows a page; a checkpoint after each window.
// Login, by the login_flow setting:
//   login_kit   Login Kit v2 (§2.1-§2.4): a TikTok user; tiktok_login.{hpp,cpp}.
//   advertiser  Marketing API advertiser authorization (§1.4): a long-term token for the
//               advertisers granted; tiktok_advertiser_auth.{hpp,cpp}.
//   business    TikTok-account tt_user authorization (§3.1): a Business Account, for
//               business/* and messaging; tiktok_business_auth.{hpp,cpp}.
// Messaging (Business Messaging, §3.3-§3.4), with the tt_user token the host passes per request:
//   verify        TikTok-Signature (HMAC-SHA256 over t.body with app_secret; on login_kit with
//                 client_secret, the developer portal's key, §2.5), tiktok_webhook.cpp
//   parse_events  im_receive_msg, im_send_msg, im_mark_read_msg, im_receive_msg_eu, and the
//                 portal's authorization.removed (type "deauthorized", §2.5)
//   send          business/message/send/ (TEXT, IMAGE; an image URL is uploaded first through
//                 media/upload/), tiktok_messaging.cpp
//   media_url     business/message/media/download/ (the URL wants the token as x-user)
//   handshake     none: TikTok documents no subscription challenge (§2.5, §3.4)
#include <connhost/ad_reporting.hpp>
#include <connhost/connector.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tiktok_advertiser_auth.hpp"
#include "tiktok_business_auth.hpp"
#include "tiktok_errors.hpp"
#include "tiktok_login.hpp"
#include "tiktok_messaging.hpp"
#include "tiktok_oauth_util.hpp"
#include "tiktok_parse.hpp"
#include "tiktok_profile.hpp"
#include "tiktok_requests.hpp"
#include "tiktok_webhook.hpp"
#include "tiktok_window.hpp"

namespace {

using namespace connhost::tiktok;
namespace ar = connhost::ad_reporting;
using connhost::Error;

// A page count no real listing reaches: stops a pager that never says it is done.
constexpr int64_t kMaxPages = 100'000;

bool is_id(std::string_view s) {
  return !s.empty() && s.size() <= 20 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

// Which of TikTok's three authorizations the login capability runs (see the top of this file).
enum class LoginFlow { login_kit, advertiser, business };

LoginFlow login_flow_of(std::string_view name) {
  if (name == "login_kit") return LoginFlow::login_kit;
  if (name == "advertiser") return LoginFlow::advertiser;
  if (name == "business") return LoginFlow::business;
  throw Error::config("login_flow '" + std::string(name) +
                      "' is not one of login_kit, advertiser, business");
}

std::vector<std::string> split_lines(std::string_view all) {
  std::vector<std::string> out;
  for (size_t start = 0; start <= all.size();) {
    size_t nl = std::min(all.find('\n', start), all.size());
    if (nl > start) out.emplace_back(all.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

class TikTokConnector {
 public:
  static constexpr connhost::PluginInfo info{"tiktok", "TikTok", "0.1.0", "tiktok"};
  static constexpr unsigned capabilities =
      connhost::kReporting | connhost::kLogin | connhost::kMessaging | connhost::kProfile;
  static constexpr unsigned flags = connhost::kUnloadSafe;  // no statics, no threads

  static constexpr ch_config_field config[] = {
      connhost::setting("base_url", CH_CONFIG_STRING,
                        "Marketing and Business API host (the sandbox's in tests)",
                        "https://business-api.tiktok.com"),
      connhost::setting("open_api_base_url", CH_CONFIG_STRING, "Login Kit v2 / Open API host",
                        "https://open.tiktokapis.com"),
      connhost::setting("auth_page_url", CH_CONFIG_STRING, "Login Kit authorize page",
                        "https://www.tiktok.com/v2/auth/authorize/"),
      connhost::setting("api_version", CH_CONFIG_STRING, "Marketing API version", "v1.3"),
      connhost::required_setting("app_id", CH_CONFIG_STRING, "Marketing API app id"),
      connhost::secret_setting("app_secret", "Marketing API app secret"),
      connhost::secret_setting(
          "access_token", "Advertiser access token, until the token vault provides one", false),
      connhost::setting("advertiser_ids", CH_CONFIG_STRING_LIST,
                        "Advertisers to read; empty: every advertiser the token authorizes"),
      connhost::setting("client_key", CH_CONFIG_STRING, "Login Kit client key"),
      connhost::secret_setting("client_secret", "Login Kit client secret", false),
      connhost::setting("login_flow", CH_CONFIG_STRING,
                        "What login authorizes: login_kit (a TikTok user, Login Kit), advertiser "
                        "(Marketing API advertisers) or business (a Business Account, tt_user)",
                        "login_kit"),
      connhost::setting("advertiser_auth_url", CH_CONFIG_STRING,
                        "Advertiser authorization page (login_flow advertiser)",
                        "https://business-api.tiktok.com/portal/auth"),
      connhost::setting("rate_limit_qps", CH_CONFIG_DOUBLE,
                        "Requests per second for this connection (Basic tier: 10)", "10"),
      connhost::setting("report_window_days", CH_CONFIG_INT,
                        "Days per daily-report request, 1 to 30 (TikTok's limit is 30)", "30"),
      connhost::setting("business_id", CH_CONFIG_STRING,
                        "Business Account (the tt_user open_id) that sends messages when a send "
                        "names none"),
  };

  static constexpr const ch_stream_def (&streams)[3] = ar::kStreams;

  TikTokConnector(connhost::Call&, const connhost::Config& config)
      : api_(Api::make(config.get_string("base_url", "https://business-api.tiktok.com"),
                       config.get_string("api_version", "v1.3"))),
        app_id_(trim(config.get_string("app_id"))),
        window_days_(config.get_int("report_window_days", 30)),
        login_(login::Endpoints::make(
            config.get_string("open_api_base_url", "https://open.tiktokapis.com"),
            config.get_string("auth_page_url", "https://www.tiktok.com/v2/auth/authorize/"))),
        client_key_(trim(config.get_string("client_key"))),
        flow_(login_flow_of(trim(config.get_string("login_flow", "login_kit")))),
        advertiser_auth_url_(oauth::checked_url(
            "advertiser_auth_url",
            config.get_string("advertiser_auth_url", advertiser::kDefaultAuthUrl))),
        business_id_(trim(config.get_string("business_id"))) {
    if (app_id_.empty()) throw Error::config("app_id is empty");
    // §1.8: with stat_time_day a report may span at most 30 days.
    if (window_days_ < 1 || window_days_ > 30)
      throw Error::config("report_window_days must be between 1 and 30");
    for (const auto& item : config.get_list("advertiser_ids")) {
      auto id = trim(item);
      if (id.empty()) continue;
      if (!is_id(id))
        throw Error::config("advertiser_ids: '" + id + "' is not an advertiser id (digits)");
      if (std::find(advertiser_ids_.begin(), advertiser_ids_.end(), id) == advertiser_ids_.end())
        advertiser_ids_.push_back(id);
    }
  }

  void check(connhost::Call& call) {
    Session s(*this, call);
    auto accounts = s.accounts({});
    if (accounts.empty())
      throw Error::config("the access token authorizes no advertiser: nothing to read");
    call.info("TikTok: " + std::to_string(accounts.size()) + " advertiser(s) readable");
  }

  // The token record's platform_user_id: Login Kit's open_id; for advertiser, the granted
  // advertiser ids, sorted and comma-joined; for business, the business_id (open_id).
  void authorize_url(connhost::Call& call, const ch_authorize_request& r) {
    auto scopes = split_lines(connhost::to_sv(r.scopes));
    auto redirect = connhost::to_sv(r.redirect_uri);
    auto state = connhost::to_sv(r.state);
    std::string url;
    switch (flow_) {
      case LoginFlow::login_kit:
        url = login::authorize_url(login_, client_key(), scopes, redirect, state,
                                   connhost::to_sv(r.code_challenge));
        break;
      case LoginFlow::advertiser:
        // §1.4: portal/auth takes no scope (the app's permissions are set in the developer
        // portal) and no PKCE, so a given challenge is dropped and the code is bound by the app
        // secret alone.
        url = advertiser::authorize_url(advertiser_auth_url_, app_id_, redirect, state);
        break;
      case LoginFlow::business:
        url = business::authorize_url(login_.auth_page, app_id_, scopes, redirect, state);
        break;
    }
    call.output("authorize", {{"url", url}});
  }

  void exchange_code(connhost::Call& call, const ch_token_request& r) {
    if (flow_ == LoginFlow::advertiser) return advertiser_exchange(call, r);
    if (flow_ == LoginFlow::business) return business_exchange(call, r);
    auto secret = client_secret(call);
    login::Form form{{"client_key", client_key()},
                     {"client_secret", secret},
                     {"code", std::string(connhost::to_sv(r.code))},
                     {"grant_type", "authorization_code"},
                     {"redirect_uri", std::string(connhost::to_sv(r.redirect_uri))}};
    if (r.code_verifier.size) form.emplace_back("code_verifier", connhost::to_sv(r.code_verifier));
    token_call(call, form, secret, connhost::to_sv(r.code), connhost::to_sv(r.code_verifier));
  }

  // §2.2: the answer may carry a new refresh token, which replaces the old one.
  void refresh(connhost::Call& call, const ch_token_request& r) {
    // §1.4: an advertiser token is long-term; TikTok refuses to refresh one (40107, "refreshing
    // a long-time access token for Marketing API is invalid").
    if (flow_ == LoginFlow::advertiser)
      throw Error::auth(
          "TikTok advertiser tokens do not expire and have no refresh token; once the token "
          "stops working, re-authorize the connection");
    if (!r.refresh_token.size) throw Error::auth("no refresh token: re-authorize the connection");
    if (flow_ == LoginFlow::business) return business_refresh(call, r);
    auto secret = client_secret(call);
    login::Form form{{"client_key", client_key()},
                     {"client_secret", secret},
                     {"grant_type", "refresh_token"},
                     {"refresh_token", std::string(connhost::to_sv(r.refresh_token))}};
    token_call(call, form, secret, connhost::to_sv(r.refresh_token));
  }

  void revoke(connhost::Call& call, const ch_token_request& r) {
    if (flow_ != LoginFlow::login_kit) return app_revoke(call, r);
    auto secret = client_secret(call);
    auto resp =
        call.http(login::form_post(login_, "/v2/oauth/revoke/",
                                   {{"client_key", client_key()},
                                    {"client_secret", secret},
                                    {"token", std::string(connhost::to_sv(r.access_token))}}));
    login::check_revoke(resp.status, resp.body, resp.header("Retry-After"),
                        {secret, connhost::to_sv(r.access_token)});
  }

  void user_info(connhost::Call& call, const ch_token_request& r) {
    if (!r.access_token.size) throw Error::auth("no access token: re-authorize the connection");
    if (flow_ == LoginFlow::advertiser) return advertiser_user(call, r);
    if (flow_ == LoginFlow::business) return business_user(call, r);
    auto resp = call.http(login::user_info_request(login_, connhost::to_sv(r.access_token)));
    auto u = login::parse_user(resp.status, resp.body, resp.header("Retry-After"));
    call.output("user", {{"platform_user_id", u.open_id},
                         {"display_name", u.display_name},
                         {"avatar_url", u.avatar_url},
                         {"union_id", u.union_id}});
  }

  // Profile, by login_flow: login_kit reads /v2/user/info/ with the fields the granted scopes
  // allow (§2.4); business reads business/get/ (§3.2) for the request's business_id, else the
  // token's (token_info/get/, §3.1); an advertiser authorization names no person.
  void fetch(connhost::Call& call, const ch_profile_request& r) {
    std::string token(connhost::to_sv(r.access_token));
    if (token.empty()) throw Error::auth("no access token: re-authorize the connection");
    profile::Fields fields;
    switch (flow_) {
      case LoginFlow::advertiser:
        throw Error::config("advertiser authorizations have no person's profile");
      case LoginFlow::login_kit: {
        auto scopes = split_lines(connhost::to_sv(r.scopes));
        auto resp =
            call.http(profile::user_info_request(login_, token, profile::user_fields(scopes)));
        fields = profile::parse_user(resp.status, resp.body, resp.header("Retry-After"));
        break;
      }
      case LoginFlow::business: {
        std::string id(connhost::to_sv(r.platform_user_id));
        if (id.empty()) {
          auto info = call.http(business::token_info_request(api_, app_id_, token));
          id = business::parse_token_info(info.status, info.body, info.header("Retry-After"),
                                          {token}, call.now_ms());
        }
        auto scopes = split_lines(connhost::to_sv(r.scopes));
        auto resp = call.http(
            profile::business_get_request(api_, id, token, profile::business_fields(scopes)));
        fields = profile::parse_business(id, resp.status, resp.body, resp.header("Retry-After"),
                                         {token}, call.now_ms());
        break;
      }
    }
    call.output_fields("profile", {fields.begin(), fields.end()});
  }

  // What fetch needs, by login_flow (ABI 1.2). login_kit: user.info.basic, without which
  // /v2/user/info/ answers no display name or avatar, only an error naming the scope (§2.4; the
  // other user.info scopes only add fields). business: business/get/'s default fields,
  // display_name and profile_image (§3.2), are the tt_user's basic info, user.info.basic in the
  // scope list Chatwoot asks for (§3.1); is_business_account wants user.account.type (§3.2) but
  // is an extra the profile does without. advertiser: fetch refuses, so nothing is needed.
  std::vector<std::string> required_scopes(connhost::Call&) {
    switch (flow_) {
      case LoginFlow::login_kit:
      case LoginFlow::business:
        return {"user.info.basic"};
      case LoginFlow::advertiser:
        return {};
    }
    return {};
  }

  void read(connhost::Call& call, const connhost::ReadRequest& request) {
    Session s(*this, call);
    if (!request.account.empty() && !is_id(request.account))
      throw Error::config("account '" + std::string(request.account) +
                          "' is not a TikTok advertiser id");
    if (request.stream == "accounts")
      s.read_accounts(request);
    else if (request.stream == "campaigns")
      s.read_campaigns(request);
    else if (request.stream == "campaign_daily")
      s.read_daily(request);
    else
      throw Error::config("unknown stream '" + std::string(request.stream) + "'");
  }

  // --- Messaging (§3.3, §3.4) ----------------------------------------------------------------

  void handshake(connhost::Call&, const ch_webhook_request&) {
    throw Error(connhost::ErrorCategory::not_implemented,
                "TikTok webhooks have no subscription handshake (tiktok.md §2.5, §3.4)");
  }

  // Business webhooks are signed with the Business API app's secret (§3.4; Chatwoot verifies
  // with it, and the sandbox signs with it); the developer portal's (authorization.removed) with
  // the Login Kit app's client secret (§2.5, DEV webhooks-verification). A login_kit connection
  // receives the portal's, so it verifies with client_secret. One without a client_secret has no
  // Login Kit app to hear from and can only be a Business inbox on the default flow, as
  // connections configured before the portal's events were read are: app_secret then.
  void verify(connhost::Call& call, const ch_webhook_request& r) {
    std::string secret;
    const char* name = "app_secret";
    if (flow_ == LoginFlow::login_kit) {
      secret = optional_secret(call, "client_secret");
      if (!secret.empty()) name = "client_secret";
    }
    if (secret.empty()) secret = call.secret("app_secret");
    if (secret.empty())
      throw Error::config(std::string(name) + " is not set: webhook signatures need it");
    webhook::verify(header(r, "TikTok-Signature"), connhost::to_sv(r.body), secret, r.now_ms,
                    r.tolerance_ms);
  }

  // Business messages (§3.4) and the portal's authorization.removed (§2.5), which the inbox
  // turns into a revocation of that user's grants.
  void parse_events(connhost::Call& call, const ch_webhook_request& r) {
    for (const auto& e : webhook::parse_webhook(connhost::to_sv(r.body)))
      connhost::messaging::output_event(call, e);
  }

  void send(connhost::Call& call, const ch_send_request& r) {
    std::string token(connhost::to_sv(r.access_token));
    if (token.empty()) throw Error::auth("no access token for the TikTok Business Account");
    messaging::Outgoing m;
    m.business_id = r.account_id.size ? std::string(connhost::to_sv(r.account_id)) : business_id_;
    m.conversation_id = connhost::to_sv(r.conversation_id);
    m.type = connhost::to_sv(r.type);
    m.text = connhost::to_sv(r.text);
    m.media_id = connhost::to_sv(r.media_id);
    m.reply_to = connhost::to_sv(r.reply_to_message_id);
    if (m.type == "image" && is_url(m.media_id)) m.media_id = upload(call, token, m);
    auto req = messaging::send_request(api_, token, m);
    auto resp = call.http(req);
    auto id = messaging::parse_send(resp.status, resp.body, resp.header("Retry-After"), {token},
                                    call.now_ms());
    call.output("sent", {{"message_id", id}});
  }

  void media_url(connhost::Call& call, const ch_media_request& r) {
    std::string token(connhost::to_sv(r.access_token));
    if (token.empty()) throw Error::auth("no access token for the TikTok Business Account");
    std::string business =
        r.account_id.size ? std::string(connhost::to_sv(r.account_id)) : business_id_;
    auto resp = call.http(messaging::download_request(
        api_, token, business, connhost::to_sv(r.conversation_id), connhost::to_sv(r.message_id),
        connhost::to_sv(r.media_id), connhost::to_sv(r.media_type)));
    auto url = messaging::parse_download(resp.status, resp.body, resp.header("Retry-After"),
                                         {token}, call.now_ms());
    // The download URL is served only with the token as x-user (GO media_download.go, §3.3); the
    // content type is the CDN's to say.
    call.output("media", {{"url", url}, {"content_type", ""}, {"header:x-user", token}});
  }

 private:
  // A secret setting that may be unset: "" then, where Call::secret would fail.
  static std::string optional_secret(connhost::Call& call, std::string_view key) {
    try {
      return call.secret(key);
    } catch (const Error& e) {
      if (e.category() == connhost::ErrorCategory::config) return {};
      throw;
    }
  }

  static std::optional<std::string_view> header(const ch_webhook_request& r,
                                                std::string_view name) {
    for (size_t i = 0; i < r.header_count; ++i) {
      auto n = connhost::to_sv(r.headers[i].name);
      if (n.size() == name.size() &&
          std::equal(n.begin(), n.end(), name.begin(),
                     [](char a, char b) { return (a | 0x20) == (b | 0x20); }))
        return connhost::to_sv(r.headers[i].value);
    }
    return std::nullopt;
  }

  static bool is_url(std::string_view s) {
    return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
  }

  // §3.3: IMAGE sends take a media_id from media/upload/, so an image given by URL is fetched and
  // uploaded first (JPG or PNG, at most 3 MB).
  std::string upload(connhost::Call& call, const std::string& token, const messaging::Outgoing& m) {
    if (m.business_id.empty())
      throw Error::config(
          "no business_id: the send names no business account and the "
          "connection's business_id setting is empty");
    connhost::HttpRequest get;
    get.url = m.media_id;
    auto image = call.http(get);
    if (image.status != 200)
      throw Error::data("the image URL answered HTTP " + std::to_string(image.status));
    if (image.body.size() > messaging::kMaxUpload)
      throw Error::data("the image is larger than TikTok's 3 MB limit");
    std::string bytes(image.body);  // the view ends with the next request
    std::string type = messaging::image_type(bytes);
    if (type.empty()) throw Error::data("the image is not a JPG or PNG, the types TikTok takes");
    std::string boundary = "connhost-" + std::to_string(call.now_ms());
    while (bytes.find(boundary) != std::string::npos) boundary += "x";
    auto resp =
        call.http(messaging::upload_request(api_, token, m.business_id, bytes, type, boundary));
    return messaging::parse_upload(resp.status, resp.body, resp.header("Retry-After"), {token},
                                   call.now_ms());
  }

  const std::string& client_key() const {
    if (client_key_.empty()) throw Error::config("client_key is not set: Login Kit needs it");
    return client_key_;
  }
  static std::string client_secret(connhost::Call& call) {
    auto s = call.secret("client_secret");
    if (s.empty()) throw Error::config("client_secret is not set: Login Kit needs it");
    return s;
  }

  std::string app_secret(connhost::Call& call) const {
    auto s = call.secret("app_secret");
    if (s.empty())
      throw Error::config("app_secret is not set: the " + flow_name() + " login needs it");
    return s;
  }
  std::string flow_name() const {
    return flow_ == LoginFlow::advertiser ? "advertiser"
           : flow_ == LoginFlow::business ? "business"
                                          : "login_kit";
  }

  // §1.4: the callback's auth_code (also sent as code), exchanged with the app secret.
  void advertiser_exchange(connhost::Call& call, const ch_token_request& r) {
    auto secret = app_secret(call);
    auto code = connhost::to_sv(r.code);
    if (code.empty()) throw Error::auth("no authorization code: start the login again");
    auto resp = call.http(advertiser::access_token_request(api_, app_id_, secret, code));
    auto g = advertiser::parse_access_token(resp.status, resp.body, resp.header("Retry-After"),
                                            {secret, code}, call.now_ms());
    auto ids = oauth::join(g.advertiser_ids, ",");
    // No expires_in, refresh_token or refresh_expires_in: the token is long-term (§1.4).
    call.output("token", {{"access_token", g.access_token},
                          {"scope", g.scope},
                          {"platform_user_id", ids},
                          {"advertiser_ids", ids}});
  }

  // §1.4: oauth2/advertiser/get/ lists the advertisers that authorized the token.
  void advertiser_user(connhost::Call& call, const ch_token_request& r) {
    auto secret = app_secret(call);
    auto token = connhost::to_sv(r.access_token);
    auto resp = call.http(get(api_, kAdvertiserGet, advertiser_get_query(app_id_, secret), token));
    auto a = advertiser::parse_advertisers(resp.status, resp.body, resp.header("Retry-After"),
                                           {secret, token}, call.now_ms());
    call.output(
        "user",
        {{"platform_user_id", a.ids}, {"display_name", a.names}, {"advertiser_ids", a.ids}});
  }

  void business_exchange(connhost::Call& call, const ch_token_request& r) {
    auto secret = app_secret(call);
    auto code = connhost::to_sv(r.code);
    if (code.empty()) throw Error::auth("no authorization code: start the login again");
    auto resp = call.http(
        business::token_request(api_, app_id_, secret, code, connhost::to_sv(r.redirect_uri)));
    output_business_token(call, business::kToken, resp, {secret, code});
  }

  // §3.1: the answer repeats the refresh token (the sandbox: unchanged, not rotated); it is
  // passed on so the host stores whatever TikTok sent.
  void business_refresh(connhost::Call& call, const ch_token_request& r) {
    auto secret = app_secret(call);
    auto refresh = connhost::to_sv(r.refresh_token);
    auto resp = call.http(business::refresh_request(api_, app_id_, secret, refresh));
    output_business_token(call, business::kRefreshToken, resp, {secret, refresh});
  }

  void output_business_token(connhost::Call& call, std::string_view endpoint,
                             const connhost::HttpResponse& resp,
                             std::initializer_list<std::string_view> secrets) {
    auto t = business::parse_token(endpoint, resp.status, resp.body, resp.header("Retry-After"),
                                   secrets, call.now_ms());
    auto num = [](const std::optional<int64_t>& v) {
      return v ? std::to_string(*v) : std::string();
    };
    call.output("token", {{"access_token", t.access_token},
                          {"refresh_token", t.refresh_token},
                          {"expires_in", num(t.expires_in)},
                          {"refresh_expires_in", num(t.refresh_expires_in)},
                          {"scope", t.scope},
                          {"token_type", t.token_type},
                          {"platform_user_id", t.open_id}});
  }

  // The request carries only the access token, while business/get/ needs the business_id
  // (§3.2): token_info/get/ (§3.1) names it (creator_id) first.
  void business_user(connhost::Call& call, const ch_token_request& r) {
    auto token = connhost::to_sv(r.access_token);
    auto info = call.http(business::token_info_request(api_, app_id_, token));
    auto id = business::parse_token_info(info.status, info.body, info.header("Retry-After"),
                                         {token}, call.now_ms());
    auto resp = call.http(business::business_get_request(api_, id, token));
    auto p = business::parse_business(resp.status, resp.body, resp.header("Retry-After"), {token},
                                      call.now_ms());
    call.output("user", {{"platform_user_id", id},
                         {"display_name", p.display_name.empty() ? p.username : p.display_name},
                         {"avatar_url", p.profile_image},
                         {"username", p.username}});
  }

  // §1.4 oauth2/revoke_token/ and §3.1 tt_user/oauth2/revoke/: the app's credentials and the
  // access token in a JSON body.
  void app_revoke(connhost::Call& call, const ch_token_request& r) {
    auto secret = app_secret(call);
    auto token = connhost::to_sv(r.access_token);
    if (token.empty()) throw Error::auth("no access token to revoke");
    if (flow_ == LoginFlow::advertiser) {
      auto resp = call.http(advertiser::revoke_request(api_, app_id_, secret, token));
      advertiser::check_revoke(resp.status, resp.body, resp.header("Retry-After"), {secret, token},
                               call.now_ms());
    } else {
      auto resp = call.http(business::revoke_request(api_, app_id_, secret, token));
      business::check_revoke(resp.status, resp.body, resp.header("Retry-After"), {secret, token},
                             call.now_ms());
    }
  }

  // One token grant (§2.2). `secret` and `input` are scrubbed from any error text.
  void token_call(connhost::Call& call, const login::Form& form, std::string_view secret,
                  std::string_view input, std::string_view verifier = {}) {
    auto resp = call.http(login::form_post(login_, "/v2/oauth/token/", form));
    auto t = login::parse_token(resp.status, resp.body, resp.header("Retry-After"),
                                {secret, input, verifier});
    auto num = [](const std::optional<int64_t>& v) {
      return v ? std::to_string(*v) : std::string();
    };
    auto expires = num(t.expires_in), refresh_expires = num(t.refresh_expires_in);
    call.output("token", {{"access_token", t.access_token},
                          {"refresh_token", t.refresh_token},
                          {"expires_in", expires},
                          {"refresh_expires_in", refresh_expires},
                          {"scope", t.scope},
                          {"token_type", t.token_type},
                          {"platform_user_id", t.open_id}});
  }

  // One call's conversation with the API: the token, read once, and the requests.
  class Session {
   public:
    Session(const TikTokConnector& c, connhost::Call& call) : c_(c), call_(call) {}

    // The connection's advertisers (or only `only`) with their currency and time zone.
    std::vector<AdvertiserInfo> accounts(std::string_view only) {
      std::vector<std::string> ids = c_.advertiser_ids_;
      std::vector<AuthorizedAdvertiser> authorized;
      if (!only.empty()) {
        // advertiser/info/ answers only for advertisers the token may read, so one account needs
        // no listing of the token's advertisers first.
        require_configured(only);
        ids = {std::string(only)};
      } else if (ids.empty()) {
        auto env = fetch(kAdvertiserGet, advertiser_get_query(c_.app_id_, app_secret()));
        authorized = parse_authorized_advertisers(env);
        for (const auto& a : authorized)
          if (std::find(ids.begin(), ids.end(), a.id) == ids.end()) ids.push_back(a.id);
      }
      std::vector<AdvertiserInfo> out;
      for (size_t i = 0; i < ids.size(); i += kInfoBatch) {
        std::vector<std::string> batch(ids.begin() + i,
                                       ids.begin() + std::min(ids.size(), i + kInfoBatch));
        auto env = fetch(kAdvertiserInfo, advertiser_info_query(batch));
        auto infos = parse_advertiser_info(env);
        for (const auto& info : infos)
          if (std::find(batch.begin(), batch.end(), info.id) == batch.end())
            bad_field({kAdvertiserInfo, env.request_id}, "data.list",
                      "advertiser " + info.id + " was not asked for");
        for (const auto& id : batch) {
          auto it = std::find_if(infos.begin(), infos.end(),
                                 [&](const AdvertiserInfo& a) { return a.id == id; });
          if (it == infos.end())
            throw Error::config("advertiser/info/ (request_id " + env.request_id +
                                ") returned nothing for advertiser " + id +
                                ": it does not exist or this token may not read it");
          AdvertiserInfo a = *it;
          if (a.name.empty())
            for (const auto& auth : authorized)
              if (auth.id == id) a.name = auth.name;
          out.push_back(std::move(a));
        }
      }
      return out;
    }

    void read_accounts(const connhost::ReadRequest& request) {
      for (const auto& a : accounts(request.account)) {
        auto row = call_.row("accounts");
        row.str(ar::kAccountId, a.id).str(ar::kAccountName, a.name);
        row.str(ar::kAccountCurrency, a.currency).str(ar::kAccountTimeZone, a.time_zone);
        if (a.status)
          row.str(ar::kAccountStatus, *a.status);
        else
          row.null(ar::kAccountStatus);
        row.end();
      }
      call_.checkpoint("");
    }

    void read_campaigns(const connhost::ReadRequest& request) {
      std::vector<std::string> ids;
      if (!request.account.empty()) {
        require_configured(request.account);
        ids.emplace_back(request.account);
      } else {
        for (auto& a : accounts({})) ids.push_back(a.id);
      }
      for (const auto& advertiser : ids) {
        std::set<std::string> seen;
        int64_t rows = 0;
        for (int64_t page = 1;; ++page) {
          auto env = fetch(kCampaignGet, campaign_get_query(advertiser, page), page);
          auto p = parse_campaigns(env, advertiser);
          check_page(kCampaignGet, env, p.page_info, page);
          for (const auto& c : p.campaigns) {
            // A campaign edited while we page can move to a later page and show up twice.
            if (!seen.insert(c.id).second) continue;
            auto row = call_.row("campaigns");
            row.str(ar::kCampaignAccountId, advertiser).str(ar::kCampaignId, c.id);
            row.str(ar::kCampaignName, c.name).str(ar::kCampaignStatus, c.status);
            if (c.objective)
              row.str(ar::kCampaignObjective, *c.objective);
            else
              row.null(ar::kCampaignObjective);
            if (c.created_ms)
              row.i64(ar::kCampaignCreatedTime, *c.created_ms);
            else
              row.null(ar::kCampaignCreatedTime);
            if (c.modified_ms)
              row.i64(ar::kCampaignModifiedTime, *c.modified_ms);
            else
              row.null(ar::kCampaignModifiedTime);
            row.end();
            ++rows;
          }
          if (page >= p.page_info.total_page) break;
        }
        call_.info("TikTok advertiser " + advertiser + ": " + std::to_string(rows) + " campaigns");
      }
      call_.checkpoint("");
    }

    void read_daily(const connhost::ReadRequest& request) {
      if (request.account.empty())
        throw Error::config("campaign_daily is read one advertiser at a time: name the account");
      auto ws = parse_day(request.window_start), we = parse_day(request.window_end);
      if (!ws || !we)
        throw Error::config("the window must be two YYYY-MM-DD days, got '" +
                            std::string(request.window_start) + "'..'" +
                            std::string(request.window_end) + "'");
      if (*ws > *we) throw Error::config("the window starts after it ends");
      const std::string advertiser(request.account);
      require_configured(advertiser);
      Day first = resume_from(request.state, *ws, *we);
      if (!request.state.empty() && first == *ws)
        call_.info("TikTok: state '" + std::string(request.state) +
                   "' is not this window's; reading the window from its start");
      if (first > *we) {
        call_.info("TikTok advertiser " + advertiser + ": window already complete");
        return;
      }
      // Reports carry no currency for one advertiser without asking: the account's is the
      // currency of every money value in them (§1.5, §1.8).
      const std::string currency = accounts(advertiser).front().currency;

      for (const Chunk& chunk : plan_chunks(first, *we, static_cast<int>(c_.window_days_))) {
        const std::string from = format_day(chunk.first), to = format_day(chunk.last);
        std::set<std::pair<std::string, std::string>> seen;  // (date, campaign) in this chunk
        int64_t rows = 0, pages = 0;
        for (int64_t page = 1;; ++page) {
          auto env = fetch(kReport, report_query(advertiser, chunk, page), page);
          ReportPage p = parse_report(env);
          check_page(kReport, env, p.page_info, page);
          Where at{kReport, env.request_id};
          // The whole page is checked before any of its rows goes out.
          for (size_t i = 0; i < p.rows.size(); ++i) {
            const auto& r = p.rows[i];
            auto field = "data.list[" + std::to_string(i) + "].dimensions";
            if (r.date < from || r.date > to)
              bad_field(at, field + ".stat_time_day",
                        "day " + r.date + " is outside the requested " + from + ".." + to);
            if (!seen.emplace(r.date, r.campaign_id).second)
              bad_field(at, field,
                        "campaign " + r.campaign_id + " on " + r.date + " appears twice");
          }
          if (p.placeholders > 0)
            call_.warn("TikTok report (request_id " + env.request_id + "): " +
                       std::to_string(p.placeholders) + " metric value(s) were \"-\", read as 0");
          for (const auto& r : p.rows) {
            auto row = call_.row("campaign_daily");
            row.str(ar::kDailyAccountId, advertiser).str(ar::kDailyDate, r.date);
            row.str(ar::kDailyCampaignId, r.campaign_id);
            row.i64(ar::kDailySpend, r.spend_micros).i64(ar::kDailyImpressions, r.impressions);
            // The report's metric list (§1.8) has no link-click metric apart from clicks.
            row.i64(ar::kDailyClicks, r.clicks).null(ar::kDailyLinkClicks);
            row.f64(ar::kDailyPurchases, r.purchases);
            row.i64(ar::kDailyPurchaseValue, r.purchase_value_micros);
            row.str(ar::kDailyCurrency, currency);
            row.end();
          }
          rows += static_cast<int64_t>(p.rows.size());
          ++pages;
          if (page >= p.page_info.total_page) break;
        }
        call_.checkpoint(make_state(*ws, *we, chunk.last));
        call_.info("TikTok advertiser " + advertiser + " " + from + ".." + to + ": " +
                   std::to_string(rows) + " rows in " + std::to_string(pages) + " page(s)");
      }
    }

   private:
    void require_configured(std::string_view advertiser) const {
      const auto& ids = c_.advertiser_ids_;
      if (!ids.empty() && std::find(ids.begin(), ids.end(), advertiser) == ids.end())
        throw Error::config("advertiser " + std::string(advertiser) +
                            " is not in the advertiser_ids setting");
    }

    // page_info must describe the page asked for, and the pager must end.
    void check_page(std::string_view endpoint, const Envelope& env, const PageInfo& pi,
                    int64_t page) const {
      Where at{endpoint, env.request_id};
      if (pi.page != page)
        bad_field(at, "data.page_info.page",
                  "is " + std::to_string(pi.page) + ", asked for " + std::to_string(page));
      if (page >= kMaxPages && pi.total_page > page)
        bad_field(at, "data.page_info.total_page", "more than " + std::to_string(kMaxPages));
    }

    const std::string& token() {
      if (!token_) {
        token_ = call_.secret("access_token");
        if (token_->empty()) throw Error::auth("the access_token secret is empty");
      }
      return *token_;
    }

    const std::string& app_secret() {
      if (!app_secret_) app_secret_ = call_.secret("app_secret");
      return *app_secret_;
    }

    // One GET: the status, the envelope, the code. Returns the envelope of a code-0 answer.
    // `page` is the page number asked of a paged listing, 0 for other requests.
    Envelope fetch(std::string_view endpoint, const Query& query, int64_t page = 0) {
      const std::string& tok = token();
      auto resp = call_.http(get(c_.api_, endpoint, query, tok));
      if (resp.status != 200)
        throw error_for_status(endpoint, resp.status, resp.header("Retry-After"));
      Envelope env = parse_envelope(resp.body, endpoint);
      if (env.code != 0) {
        env.message = scrub(env.message, {tok, app_secret_ ? *app_secret_ : std::string()});
        // A parameter error on a later page of a listing whose first pages took the very same
        // parameters is about the pager (the page moved or expired), not about the settings:
        // re-reading from the last checkpoint is the cure, so it is transient, not config.
        if (page > 1 && (env.code == 40000 || env.code == 40002))
          throw Error::transient("TikTok " + std::string(endpoint) + " refused page " +
                                 std::to_string(page) + " (code " + std::to_string(env.code) +
                                 ", request_id " + env.request_id + "): " + env.message +
                                 "; the window is re-read from its last checkpoint");
        check_code(env, endpoint, call_.now_ms());
      }
      return env;
    }

    const TikTokConnector& c_;
    connhost::Call& call_;
    std::optional<std::string> token_;
    std::optional<std::string> app_secret_;
  };

  Api api_;
  std::string app_id_;
  int64_t window_days_;
  std::vector<std::string> advertiser_ids_;
  login::Endpoints login_;
  std::string client_key_;
  LoginFlow flow_;
  std::string advertiser_auth_url_;
  std::string business_id_;
};

}  // namespace

CONNHOST_CONNECTOR(TikTokConnector)
