// Login Kit and the TikTok API v2 on open.tiktokapis.com (notes §2): the form-encoded token
// endpoint with its flat body, revocation, and /v2/user/info/. The authorize page is in
// authorize.cpp.
#include <algorithm>

#include "server/crypto.hpp"
#include "tiktok/handlers.hpp"

namespace connhost::sandbox::tiktok {
namespace {

constexpr int64_t kAccessLifetime = 86400;      // 24 h (notes §2.2)
constexpr int64_t kRefreshLifetime = 31536000;  // 365 days (notes §2.2)
constexpr int64_t kClientTokenLifetime = 7200;  // client_credentials: 2 h (notes §2.2)

// The form body of the token endpoints, which accept only x-www-form-urlencoded (notes §2.2).
Fields oauth_form(const Request& r) {
  auto ct = r.header("Content-Type").value_or("");
  if (ct.find("application/x-www-form-urlencoded") == std::string_view::npos)
    throw OAuthError{400, "invalid_request",
                     "Content-Type must be application/x-www-form-urlencoded."};
  try {
    return r.form();
  } catch (const std::exception&) {
    throw OAuthError{400, "invalid_request", "The request body is not a valid form."};
  }
}

std::string form_value(const Fields& f, std::string_view name) {
  for (const auto& [k, v] : f)
    if (k == name) return v;
  return "";
}

std::string required_form(const Fields& f, std::string_view name) {
  std::string v = form_value(f, name);
  if (v.empty())
    throw OAuthError{400, "invalid_request", "Missing required parameter: " + std::string(name)};
  return v;
}

void check_client(State& s, const Fields& f) {
  std::string key = required_form(f, "client_key");
  std::string secret = required_form(f, "client_secret");
  if (key != s.creds().tiktok_client_key || secret != s.creds().tiktok_client_secret)
    throw OAuthError{401, "invalid_client", "Client key or secret is invalid."};
}

bool valid_verifier(const std::string& v) {
  // 43-128 characters of [A-Za-z0-9-._~] (notes §2.1, desktop).
  if (v.size() < 43 || v.size() > 128) return false;
  return std::all_of(v.begin(), v.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
           c == '~';
  });
}

json::object token_body(const Token& access, const Token& refresh, int64_t now) {
  json::object o;  // the key order of the notes' example (§2.2)
  o["access_token"] = access.value;
  o["expires_in"] = access.expires_at - now;
  o["open_id"] = access.subject;
  o["refresh_expires_in"] = refresh.expires_at - now;
  o["refresh_token"] = refresh.value;
  o["scope"] = join_commas(access.scopes);
  o["token_type"] = "Bearer";
  return o;
}

Response issue_pair(State& s, const std::string& subject, const std::vector<std::string>& scopes) {
  Token a;
  a.platform = "tiktok";
  a.kind = "access";
  a.family = kLoginKit;
  a.subject = subject;
  a.client_id = s.creds().tiktok_client_key;
  a.scopes = scopes;
  const int64_t now = s.now();  // one instant, so expires_in is exactly the lifetime
  a.issued_at = now;
  a.expires_at = now + kAccessLifetime;
  a = s.tokens().issue(std::move(a), "act." + unique_hex(20));
  Token rt = a;
  rt.kind = "refresh";
  rt.expires_at = now + kRefreshLifetime;
  rt = s.tokens().issue(std::move(rt), "rft." + unique_hex(20));
  return Response::json(200, dump(token_body(a, rt, now)));
}

Response code_grant(State& s, const Fields& f) {
  std::string code_value = required_form(f, "code");
  std::string redirect = required_form(f, "redirect_uri");
  auto code = s.tokens().find(code_value);
  if (!code || code->kind != "auth_code" || code->family != kLoginKit ||
      code->client_id != s.creds().tiktok_client_key || code->revoked)
    throw OAuthError{400, "invalid_grant", "Authorization code is invalid."};
  if (code->used) throw OAuthError{400, "invalid_grant", "Authorization code has been used."};
  if (code->expires_at <= s.now())
    throw OAuthError{400, "invalid_grant", "Authorization code is expired."};
  if (redirect != code->redirect_uri)
    throw OAuthError{400, "invalid_grant",
                     "redirect_uri does not match the redirect_uri of the authorization request."};
  if (!code->code_challenge.empty()) {
    std::string verifier = form_value(f, "code_verifier");
    if (verifier.empty())
      throw OAuthError{400, "invalid_request", "Missing required parameter: code_verifier"};
    if (!valid_verifier(verifier))
      throw OAuthError{400, "invalid_request",
                       "code_verifier must be 43-128 characters of [A-Za-z0-9-._~]."};
    // TikTok's desktop challenge is the lowercase hex SHA-256 of the verifier, not RFC 7636's
    // base64url (notes §2.1 PKCE quirk).
    std::string challenge = code->code_challenge;
    std::transform(challenge.begin(), challenge.end(), challenge.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!constant_time_equal(sha256_hex(verifier), challenge))
      throw OAuthError{400, "invalid_grant", "code_verifier does not match the code_challenge."};
  }
  if (!s.tokens().mark_used(code_value))
    throw OAuthError{400, "invalid_grant", "Authorization code has been used."};
  return issue_pair(s, code->subject, code->scopes);
}

Response refresh_grant(State& s, const Fields& f) {
  std::string value = required_form(f, "refresh_token");
  auto rt = s.tokens().find(value);
  if (!rt || rt->kind != "refresh" || rt->family != kLoginKit ||
      rt->client_id != s.creds().tiktok_client_key || rt->revoked || rt->used)
    throw OAuthError{400, "invalid_grant", "Refresh token is invalid or expired."};
  if (rt->expires_at <= s.now())
    throw OAuthError{400, "invalid_grant", "Refresh token is invalid or expired."};
  // Refresh tokens rotate: the one just used stops working (notes §2.2, §4).
  s.tokens().revoke(value);
  return issue_pair(s, rt->subject, rt->scopes);
}

Response client_grant(State& s) {
  Token t;
  t.platform = "tiktok";
  t.kind = "access";
  t.family = "client";
  t.subject = s.creds().tiktok_client_key;
  t.client_id = s.creds().tiktok_client_key;
  t.expires_at = s.now() + kClientTokenLifetime;
  t = s.tokens().issue(std::move(t), "clt." + unique_hex(20));
  return Response::json(200, dump(json::object{{"access_token", t.value},
                                               {"expires_in", kClientTokenLifetime},
                                               {"token_type", "Bearer"}}));
}

}  // namespace

Response v2_oauth_token(State& s, const Request& r) {
  Fields f = oauth_form(r);
  check_client(s, f);
  std::string grant = required_form(f, "grant_type");
  if (grant == "authorization_code") return code_grant(s, f);
  if (grant == "refresh_token") return refresh_grant(s, f);
  if (grant == "client_credentials") return client_grant(s);
  throw OAuthError{400, "unsupported_grant_type", "The grant_type " + grant + " is not supported."};
}

Response v2_oauth_revoke(State& s, const Request& r) {
  Fields f = oauth_form(r);
  check_client(s, f);
  std::string value = required_form(f, "token");
  auto t = s.tokens().find(value);
  if (!t || t->kind != "access" || t->family != kLoginKit || t->revoked)
    throw OAuthError{400, "invalid_request", "The token is invalid or already revoked."};
  // Revoking ends the user's authorization of the app: its refresh tokens die as well.
  for (const auto& other : s.tokens().all())
    if (other.family == kLoginKit && other.subject == t->subject &&
        other.client_id == t->client_id && other.kind != "auth_code")
      s.tokens().revoke(other.value);
  return Response::text(200, "", "application/json; charset=UTF-8");  // empty body (notes §2.3)
}

Response v2_user_info(State& s, const Request& r) {
  Token t = require_bearer(s, r);
  auto fields_text = text_param(r, "fields");
  if (!fields_text) throw V2Error{400, "invalid_params", "The fields parameter is required."};
  auto fields = split_commas(*fields_text);
  if (fields.empty()) throw V2Error{400, "invalid_params", "The fields parameter is required."};
  struct FieldScope {
    const char* field;
    const char* scope;
  };
  // Fields by scope (notes §2.4 table).
  static const FieldScope table[] = {
      {"open_id", "user.info.basic"},           {"union_id", "user.info.basic"},
      {"avatar_url", "user.info.basic"},        {"avatar_url_100", "user.info.basic"},
      {"avatar_large_url", "user.info.basic"},  {"display_name", "user.info.basic"},
      {"bio_description", "user.info.profile"}, {"profile_deep_link", "user.info.profile"},
      {"is_verified", "user.info.profile"},     {"username", "user.info.profile"},
      {"follower_count", "user.info.stats"},    {"following_count", "user.info.stats"},
      {"likes_count", "user.info.stats"},       {"video_count", "user.info.stats"}};
  const LoginUser& u = s.user;
  int64_t expires = s.now() + 2 * 86400;
  json::object user;
  for (const auto& name : fields) {
    const FieldScope* fs = nullptr;
    for (const auto& e : table)
      if (name == e.field) fs = &e;
    if (!fs) throw V2Error{400, "invalid_params", "The field " + name + " is not supported."};
    if (std::find(t.scopes.begin(), t.scopes.end(), fs->scope) == t.scopes.end())
      throw V2Error{401, "scope_not_authorized",
                    "The user did not authorize the scope required for completing this "
                    "request: " +
                        std::string(fs->scope)};
    if (name == "open_id")
      user[name] = t.subject;
    else if (name == "union_id")
      user[name] = u.union_id;
    else if (name == "avatar_url")
      user[name] = cdn_url(s, "avatar", u.open_id + "~168", expires);
    else if (name == "avatar_url_100")
      user[name] = cdn_url(s, "avatar", u.open_id + "~100", expires);
    else if (name == "avatar_large_url")
      user[name] = cdn_url(s, "avatar", u.open_id + "~720", expires);
    else if (name == "display_name")
      user[name] = u.display_name;
    else if (name == "bio_description")
      user[name] = u.bio;
    else if (name == "profile_deep_link")
      user[name] = u.deep_link;
    else if (name == "is_verified")
      user[name] = u.verified;
    else if (name == "username")
      user[name] = u.username;
    else if (name == "follower_count")
      user[name] = u.followers;
    else if (name == "following_count")
      user[name] = u.following;
    else if (name == "likes_count")
      user[name] = u.likes;
    else if (name == "video_count")
      user[name] = u.videos;
  }
  return v2_ok(json::object{{"user", std::move(user)}});
}

}  // namespace connhost::sandbox::tiktok
