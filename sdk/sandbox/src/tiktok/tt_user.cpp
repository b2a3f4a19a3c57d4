// TikTok-account (tt_user) tokens on the Business API host (notes §3.1): the code exchange,
// refresh, revocation and token info, in the v1.3 envelope.
#include "tiktok/handlers.hpp"

namespace connhost::sandbox::tiktok {
namespace {

constexpr int64_t kAccessLifetime = 86400;      // 24 h (notes §3.1)
constexpr int64_t kRefreshLifetime = 31536000;  // 1 year (notes §3.1)

void check_client(State& s, const json::object& body) {
  std::string id = required_body_text(body, "client_id");
  std::string secret = required_body_text(body, "client_secret");
  if (id != s.creds().tiktok_app_id || secret != s.creds().tiktok_app_secret)
    throw ApiError{40101, "Invalid client_id or client_secret."};
}

// `refresh_token_expires_in`, not v2's `refresh_expires_in`; `scope` a comma string; `open_id`
// the business_id (notes §3.1).
Response token_data(const Token& access, const Token& refresh) {
  json::object d;
  d["access_token"] = access.value;
  d["token_type"] = "Bearer";
  // Both relative to the instant the access token was issued: this answer.
  d["expires_in"] = access.expires_at - access.issued_at;
  d["refresh_token"] = refresh.value;
  d["refresh_token_expires_in"] = refresh.expires_at - access.issued_at;
  d["open_id"] = access.subject;
  d["scope"] = join_commas(access.scopes);
  return envelope_ok(std::move(d));
}

Token issue_access(State& s, const std::string& subject, const std::vector<std::string>& scopes) {
  Token a;
  a.platform = "tiktok";
  a.kind = "access";
  a.family = kTtUser;
  a.subject = subject;
  a.client_id = s.creds().tiktok_app_id;
  a.scopes = scopes;
  a.issued_at = s.now();
  a.expires_at = a.issued_at + kAccessLifetime;
  return s.tokens().issue(std::move(a), "act." + unique_hex(20));
}

}  // namespace

Response tt_user_token(State& s, const Request& r) {
  json::object body = body_object(r);
  check_client(s, body);
  std::string grant = required_body_text(body, "grant_type");
  if (grant != "authorization_code") throw ApiError{40108, "Invalid grant_type: " + grant + "."};
  std::string code_value = required_body_text(body, "auth_code");
  auto code = s.tokens().find(code_value);
  if (!code || code->kind != "auth_code" || code->family != kTtUser ||
      code->client_id != s.creds().tiktok_app_id || code->revoked)
    throw ApiError{40110, "Auth code is invalid."};
  if (code->used) throw ApiError{40110, "Auth code has been used."};
  if (code->expires_at <= s.now()) throw ApiError{40110, "Auth code has expired."};
  if (auto redirect = body_text(body, "redirect_uri"); redirect && *redirect != code->redirect_uri)
    throw ApiError{40002, "redirect_uri: does not match the redirect_uri of the authorization."};
  if (!s.tokens().mark_used(code_value)) throw ApiError{40110, "Auth code has been used."};
  Token access = issue_access(s, code->subject, code->scopes);
  Token refresh = access;
  refresh.kind = "refresh";
  refresh.expires_at = access.issued_at + kRefreshLifetime;
  refresh = s.tokens().issue(std::move(refresh), "rft." + unique_hex(20));
  return token_data(access, refresh);
}

Response tt_user_refresh_token(State& s, const Request& r) {
  json::object body = body_object(r);
  check_client(s, body);
  std::string grant = required_body_text(body, "grant_type");
  if (grant != "refresh_token") throw ApiError{40108, "Invalid grant_type: " + grant + "."};
  std::string value = required_body_text(body, "refresh_token");
  auto rt = s.tokens().find(value);
  if (rt && rt->family == kMarketing)
    throw ApiError{40107, "Refreshing a long-term access token for Marketing API is invalid."};
  if (!rt || rt->kind != "refresh" || rt->family != kTtUser || rt->revoked)
    throw ApiError{40107, "Invalid refresh token."};
  if (rt->expires_at <= s.now()) throw ApiError{40103, "Refresh token has expired."};
  // The notes say nothing of rotation here; the refresh token keeps working until it expires.
  Token access = issue_access(s, rt->subject, rt->scopes);
  return token_data(access, *rt);
}

Response tt_user_revoke(State& s, const Request& r) {
  json::object body = body_object(r);
  check_client(s, body);
  std::string value = required_body_text(body, "access_token");
  auto t = s.tokens().find(value);
  if (!t || t->kind != "access" || t->family != kTtUser || t->revoked)
    throw ApiError{40105, "Access token is incorrect or has been revoked."};
  for (const auto& other : s.tokens().all())
    if (other.family == kTtUser && other.subject == t->subject && other.kind != "auth_code")
      s.tokens().revoke(other.value);
  return envelope_ok(json::object{});
}

Response tt_user_token_info(State& s, const Request& r) {
  json::object body = body_object(r);
  std::string app_id = required_body_text(body, "app_id");
  std::string value = required_body_text(body, "access_token");
  if (app_id != s.creds().tiktok_app_id) throw ApiError{40113, "The app does not exist."};
  auto t = s.tokens().find(value);
  if (!t || t->kind != "access" || t->family != kTtUser || t->revoked)
    throw ApiError{40105, "Access token is incorrect or has been revoked."};
  if (t->expires_at <= s.now()) throw ApiError{40102, "Access token has expired."};
  return envelope_ok(json::object{
      {"app_id", app_id}, {"scope", join_commas(t->scopes)}, {"creator_id", t->subject}});
}

}  // namespace connhost::sandbox::tiktok
