// POST /token and POST /revoke (platform notes §4.1 "Code exchange", "Refresh", "Revoke"), and
// the grants Google keeps behind the tokens: revoking any token of a grant revokes all of it.
#include "google/oauth.hpp"

#include "server/crypto.hpp"

namespace connhost::sandbox::goog {
namespace {

std::string form_value(const Fields& f, std::string_view name) {
  for (const auto& [k, v] : f)
    if (k == name) return v;
  return "";
}

// The token endpoint takes form-encoded bodies (§4.1); it also reads a flat JSON object.
std::optional<Fields> request_fields(const Request& r) {
  auto ct = r.header("Content-Type").value_or("");
  if (ct.find("application/json") != std::string_view::npos) {
    try {
      auto v = json::parse(r.body);
      if (!v.is_object()) return std::nullopt;
      Fields out;
      for (const auto& [k, x] : v.as_object())
        if (x.is_string()) out.emplace_back(std::string(k), std::string(x.as_string()));
      return out;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  try {
    return r.form();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Response token_json(json::object o) {
  Response r = Response::json(200, to_text(o));
  r.header("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
  r.header("Pragma", "no-cache");
  return r;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

bool expired(const Token& t, int64_t now) {
  return t.expires_at != 0 && t.expires_at <= now;
}

}  // namespace

Response oauth_error(int status, const std::string& error, const std::string& description) {
  Response r = Response::json(
      status, to_text(json::object{{"error", error}, {"error_description", description}}));
  r.header("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
  return r;
}

OAuthServer::OAuthServer(Context& context) : ctx_(context) {
  // The preissued refresh token (config/sandbox-credentials/google_refresh_token): the demo's
  // standing offline grant to the sandbox client, good for every Google customer of the world.
  Token t;
  t.value = ctx_.credentials.google_refresh_token;
  t.platform = "google";
  t.kind = "refresh";
  t.family = "oauth";
  t.subject = SandboxUser::sub;
  t.client_id = ctx_.credentials.google_client_id;
  t.scopes = {kAdwordsScope, "openid", "email", "profile"};
  t.accounts = all_customers();
  t.issued_at = ctx_.tokens.now();
  ctx_.tokens.put(t);
  std::string grant = new_grant(true);
  add_to_grant(grant, t.value);
}

std::vector<std::string> OAuthServer::all_customers() const {
  std::vector<std::string> out;
  for (const auto& a : ctx_.world.accounts(Platform::google)) out.push_back(a.id);
  return out;
}

std::string OAuthServer::new_grant(bool offline) {
  std::lock_guard lock(mutex_);
  std::string id = "g" + std::to_string(++next_grant_);
  grants_[id].offline = offline;
  return id;
}

void OAuthServer::add_to_grant(const std::string& grant_id, const std::string& token) {
  std::lock_guard lock(mutex_);
  grants_[grant_id].tokens.push_back(token);
  grant_of_[token] = grant_id;
}

Token OAuthServer::issue_access(const Token& source, const std::string& grant_id) {
  Token a;
  a.platform = "google";
  a.kind = "access";
  a.family = "oauth";
  a.subject = source.subject;
  a.client_id = source.client_id;
  a.scopes = source.scopes;
  a.accounts = source.accounts;
  a.expires_at = ctx_.tokens.now() + 3599;  // §4.1: expires_in is typically 3599
  Token issued = ctx_.tokens.issue(a, "ya29.a0");
  add_to_grant(grant_id, issued.value);
  return issued;
}

Response OAuthServer::token(const Request& r) {
  if (r.method != "POST") return oauth_error(405, "invalid_request", "Invalid request method.");
  auto form = request_fields(r);
  if (!form) return oauth_error(400, "invalid_request", "Could not parse the request body.");
  std::string client_id = form_value(*form, "client_id");
  std::string secret = form_value(*form, "client_secret");
  // §4.1: the client may authenticate with HTTP Basic instead of body fields.
  if (auto h = r.header("Authorization");
      h && h->size() > 6 && iequals(h->substr(0, 6), "Basic ")) {
    auto decoded = base64_decode(h->substr(6));
    auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon != std::string::npos) {
      try {  // RFC 6749 §2.3.1: both halves are form-encoded before joining
        client_id = url_decode(decoded->substr(0, colon), true);
        secret = url_decode(decoded->substr(colon + 1), true);
      } catch (const std::exception&) {
        return oauth_error(401, "invalid_client", "Unauthorized");
      }
    }
  }
  if (client_id.empty())
    return oauth_error(400, "invalid_request", "Could not determine client ID from request.");
  if (client_id != ctx_.credentials.google_client_id)
    return oauth_error(401, "invalid_client", "The OAuth client was not found.");
  if (secret.empty()) return oauth_error(400, "invalid_request", "client_secret is missing.");
  if (!constant_time_equal(secret, ctx_.credentials.google_client_secret))
    return oauth_error(401, "invalid_client", "Unauthorized");
  std::string grant_type = form_value(*form, "grant_type");
  if (grant_type == "authorization_code") return authorization_code_grant(*form, client_id);
  if (grant_type == "refresh_token") return refresh_token_grant(*form, client_id);
  return oauth_error(400, "unsupported_grant_type", "Invalid grant_type: " + grant_type);
}

Response OAuthServer::authorization_code_grant(const Fields& form, const std::string& client_id) {
  std::string code = form_value(form, "code");
  if (code.empty()) return oauth_error(400, "invalid_request", "Missing required parameter: code");
  auto t = ctx_.tokens.find(code);
  if (!t || t->platform != "google" || t->kind != "auth_code")
    return oauth_error(400, "invalid_grant", "Malformed auth code.");
  // A redeemed, expired or foreign code all get Google's terse answer.
  if (t->used || t->revoked || expired(*t, ctx_.tokens.now()) || t->client_id != client_id)
    return oauth_error(400, "invalid_grant", "Bad Request");
  std::string redirect_uri = form_value(form, "redirect_uri");
  if (redirect_uri.empty())
    return oauth_error(400, "invalid_request", "Missing required parameter: redirect_uri");
  if (redirect_uri != t->redirect_uri)
    return oauth_error(400, "redirect_uri_mismatch", "Bad Request");
  if (!t->code_challenge.empty()) {
    std::string verifier = form_value(form, "code_verifier");
    if (verifier.empty()) return oauth_error(400, "invalid_grant", "Missing code verifier.");
    // RFC 7636: S256 compares BASE64URL(SHA256(verifier)) without padding.
    std::string derived =
        t->code_challenge_method == "S256" ? sha256_base64url(verifier) : verifier;
    if (!constant_time_equal(derived, t->code_challenge))
      return oauth_error(400, "invalid_grant", "Invalid code verifier.");
  }
  if (!ctx_.tokens.mark_used(code)) return oauth_error(400, "invalid_grant", "Bad Request");
  CodeInfo info;
  {
    std::lock_guard lock(mutex_);
    if (auto it = codes_.find(code); it != codes_.end()) info = it->second;
    codes_.erase(code);
  }
  std::string grant = new_grant(info.refresh);
  json::object out;
  Token access = issue_access(*t, grant);
  out["access_token"] = access.value;
  out["expires_in"] = 3599;
  if (info.refresh) {
    Token refresh = *t;
    refresh.kind = "refresh";
    refresh.used = false;
    refresh.redirect_uri.clear();
    refresh.code_challenge.clear();
    refresh.code_challenge_method.clear();
    refresh.issued_at = 0;
    refresh.expires_at = 0;  // Google refresh tokens do not expire on their own
    Token issued = ctx_.tokens.issue(refresh, "1//0");
    add_to_grant(grant, issued.value);
    {
      std::lock_guard lock(mutex_);
      offline_clients_.insert(client_id);
    }
    out["refresh_token"] = issued.value;
  }
  out["scope"] = join(t->scopes);
  out["token_type"] = "Bearer";
  if (has_scope(t->scopes, "openid")) out["id_token"] = id_token(access, info.nonce);
  return token_json(std::move(out));
}

Response OAuthServer::refresh_token_grant(const Fields& form, const std::string& client_id) {
  std::string value = form_value(form, "refresh_token");
  if (value.empty())
    return oauth_error(400, "invalid_request", "Missing required parameter: refresh_token");
  auto t = ctx_.tokens.find(value);
  if (!t || t->platform != "google" || t->kind != "refresh" || t->revoked ||
      expired(*t, ctx_.tokens.now()))
    return oauth_error(400, "invalid_grant", "Token has been expired or revoked.");
  if (t->client_id != client_id) return oauth_error(401, "unauthorized_client", "Unauthorized");
  std::string grant;
  {
    std::lock_guard lock(mutex_);
    grant = grant_of_[value];
  }
  if (grant.empty()) grant = new_grant(true), add_to_grant(grant, value);
  // §4.1: no new refresh_token in the normal case; Google keeps the old one valid.
  Token access = issue_access(*t, grant);
  json::object out{{"access_token", access.value},
                   {"expires_in", 3599},
                   {"scope", join(t->scopes)},
                   {"token_type", "Bearer"}};
  if (has_scope(t->scopes, "openid")) out["id_token"] = id_token(access, "");
  return token_json(std::move(out));
}

Response OAuthServer::revoke(const Request& r) {
  if (r.method != "POST" && r.method != "GET")
    return oauth_error(405, "invalid_request", "Invalid request method.");
  // §4.1: the token may come in the query (the library's way) or in a form body.
  std::string value = r.param("token").value_or("");
  if (value.empty() && r.method == "POST") {
    try {
      for (const auto& [k, v] : r.form())
        if (k == "token") value = v;
    } catch (const std::exception&) {
    }
  }
  if (value.empty())
    return oauth_error(400, "invalid_request", "Missing required parameter: token");
  auto t = ctx_.tokens.find(value);
  if (!t || t->platform != "google" || (t->kind != "access" && t->kind != "refresh") ||
      t->revoked || expired(*t, ctx_.tokens.now()))
    return oauth_error(400, "invalid_token", "Token expired or revoked");
  std::vector<std::string> family{value};
  {
    std::lock_guard lock(mutex_);
    if (auto g = grant_of_.find(value); g != grant_of_.end()) {
      family = grants_[g->second].tokens;
      grants_.erase(g->second);
    }
    // The user removed the app's access: the next offline consent gets a refresh token again.
    offline_clients_.erase(t->client_id);
    consented_.erase(t->client_id);
  }
  for (const auto& v : family) ctx_.tokens.revoke(v);
  return Response::json(200, "{}");
}

}  // namespace connhost::sandbox::goog
