// Advertiser authorization (notes §1.4): the consent page on business-api.tiktok.com/portal/auth,
// the auth_code exchange, the advertisers behind a token, and revocation.
#include <algorithm>

#include "tiktok/handlers.hpp"

namespace connhost::sandbox::tiktok {
namespace {

constexpr int64_t kAuthCodeLifetime = 3600;  // 1 hour, single use (notes §1.4)

json::array scope_ints(const Token& t) {
  json::array a;
  for (const auto& s : t.scopes) {
    try {
      a.push_back(std::stoll(s));
    } catch (const std::exception&) {
    }
  }
  return a;
}

// The developer app's credentials; TikTok answers 40101 for a wrong app_id/secret pair.
void check_app(State& s, const std::string& app_id, const std::string& secret) {
  if (app_id != s.creds().tiktok_app_id || secret != s.creds().tiktok_app_secret)
    throw ApiError{40101, "Invalid app_id or secret."};
}

}  // namespace

Response portal_auth(State& s, const Request& r) {
  auto app_id = text_param(r, "app_id");
  auto redirect = text_param(r, "redirect_uri");
  std::string state = text_param(r, "state").value_or("");
  if (!app_id || *app_id != s.creds().tiktok_app_id)
    return html_page(400, "TikTok For Business",
                     "<h1>Authorization failed</h1><p>The app does not exist (app_id).</p>");
  // Every http(s) URL counts as registered: the sandbox has no developer portal to register in.
  if (!redirect || !parse_redirect(*redirect))
    return html_page(400, "TikTok For Business",
                     "<h1>Authorization failed</h1><p>redirect_uri is not a registered "
                     "advertiser redirect URL.</p>");

  Token code;
  code.platform = "tiktok";
  code.kind = "auth_code";
  code.family = kMarketing;
  code.subject = "sandbox-advertiser-user";
  code.client_id = *app_id;
  code.redirect_uri = *redirect;
  code.accounts = s.advertiser_ids;
  code.scopes = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"};
  code.expires_at = s.now() + kAuthCodeLifetime;
  code = s.tokens().issue(std::move(code), unique_hex(20));

  // Both auth_code and code carry the value (notes §1.4 Callback).
  std::string callback =
      append_query(*redirect, {{"auth_code", code.value}, {"code", code.value}, {"state", state}});
  if (text_param(r, "sandbox_auto").value_or("") == "1") {
    Response resp = Response::text(302, "", "text/html; charset=utf-8");
    resp.header("Location", callback);
    return resp;
  }
  std::string list;
  for (const auto& id : s.advertiser_ids) {
    const Account* a = s.world().account(Platform::tiktok, id);
    list += "<li>" + html_escape(a ? a->name : id) + " (" + html_escape(id) + ")</li>";
  }
  return html_page(200, "TikTok For Business - Authorize",
                   "<h1>Authorize the app " + html_escape(*app_id) +
                       "</h1>\n"
                       "<p>The app asks to manage these advertiser accounts:</p><ul>" +
                       list + "</ul>\n<p><a id=\"authorize\" href=\"" + html_escape(callback) +
                       "\">Confirm</a></p>");
}

Response oauth2_access_token(State& s, const Request& r) {
  json::object body = body_object(r);
  std::string app_id = required_body_text(body, "app_id");
  std::string secret = required_body_text(body, "secret");
  std::string auth_code = required_body_text(body, "auth_code");
  bool return_ids = true;
  if (const auto* v = body.if_contains("return_advertiser_ids"); v && !v->is_null()) {
    if (!v->is_bool()) throw ApiError{40002, "return_advertiser_ids: Not a valid boolean."};
    return_ids = v->as_bool();
  }
  check_app(s, app_id, secret);

  auto code = s.tokens().find(auth_code);
  if (!code || code->kind != "auth_code" || code->family != kMarketing ||
      code->client_id != app_id || code->revoked)
    throw ApiError{40110, "Auth code is invalid."};
  if (code->used) throw ApiError{40110, "Auth code has been used."};
  if (code->expires_at <= s.now()) throw ApiError{40110, "Auth code has expired."};
  if (!s.tokens().mark_used(auth_code)) throw ApiError{40110, "Auth code has been used."};

  // A long-term token: no expiry, no refresh token (notes §1.4 Token lifetime).
  Token t;
  t.platform = "tiktok";
  t.kind = "access";
  t.family = kMarketing;
  t.subject = code->subject;
  t.client_id = app_id;
  t.scopes = code->scopes;
  t.accounts = code->accounts;
  t = s.tokens().issue(std::move(t), unique_hex(20));

  json::object data;
  data["access_token"] = t.value;
  if (return_ids) data["advertiser_ids"] = json::array(t.accounts.begin(), t.accounts.end());
  data["scope"] = scope_ints(t);
  return envelope_ok(std::move(data));
}

Response oauth2_advertiser_get(State& s, const Request& r) {
  std::string app_id = required_text(r, "app_id");
  std::string secret = required_text(r, "secret");
  check_app(s, app_id, secret);
  Token t = require_access_token(s, r, kMarketing);
  if (t.client_id != app_id)
    throw ApiError{40113, "The app_id is inconsistent with the access token."};
  json::array list;
  for (const auto& id : t.accounts) {
    const Account* a = s.world().account(Platform::tiktok, id);
    list.push_back(json::object{{"advertiser_id", id}, {"advertiser_name", a ? a->name : ""}});
  }
  return envelope_ok(json::object{{"list", std::move(list)}});
}

Response oauth2_revoke_token(State& s, const Request& r) {
  json::object body = body_object(r);
  std::string app_id = required_body_text(body, "app_id");
  std::string secret = required_body_text(body, "secret");
  std::string access_token = required_body_text(body, "access_token");
  check_app(s, app_id, secret);
  auto t = s.tokens().find(access_token);
  if (!t || t->kind != "access" || t->family != kMarketing || t->revoked)
    throw ApiError{40105, "Access token is incorrect or has been revoked."};
  if (t->client_id != app_id)
    throw ApiError{40113, "The app_id is inconsistent with the access token."};
  s.tokens().revoke(access_token);
  return envelope_ok(json::object{
      {"app_id", app_id}, {"advertiser_ids", json::array(t->accounts.begin(), t->accounts.end())}});
}

}  // namespace connhost::sandbox::tiktok
