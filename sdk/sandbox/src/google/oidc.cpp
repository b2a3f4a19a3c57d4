// The OpenID Connect read side (platform notes §4.1 "OIDC userinfo", "Tokeninfo"): userinfo
// claims filtered by scope, tokeninfo, the discovery document, the id_token, and the answer
// faults of every OAuth endpoint.
#include "google/oauth.hpp"

namespace connhost::sandbox::goog {
namespace {

bool wants_email(const std::vector<std::string>& s) {
  return has_scope(s, "email") || has_scope(s, "https://www.googleapis.com/auth/userinfo.email");
}
bool wants_profile(const std::vector<std::string>& s) {
  return has_scope(s, "profile") ||
         has_scope(s, "https://www.googleapis.com/auth/userinfo.profile");
}

// What Google's userinfo endpoints answer to a missing, expired or revoked token (beyond the
// notes, which give no body).
Response invalid_credentials() {
  Response r = oauth_error(401, "invalid_request", "Invalid Credentials");
  r.header("WWW-Authenticate",
           R"(Bearer realm="https://accounts.google.com/", error="invalid_token")");
  return r;
}

}  // namespace

std::optional<Token> OAuthServer::live_access_token(const std::string& value) const {
  auto t = ctx_.tokens.find(value);
  if (!t || t->platform != "google" || t->kind != "access" || t->revoked) return std::nullopt;
  if (t->expires_at != 0 && t->expires_at <= ctx_.tokens.now()) return std::nullopt;
  return t;
}

json::object OAuthServer::user_claims(const std::vector<std::string>& scopes) const {
  json::object o{{"sub", SandboxUser::sub}};
  if (wants_profile(scopes)) {
    o["name"] = SandboxUser::name;
    o["given_name"] = SandboxUser::given_name;
    o["family_name"] = SandboxUser::family_name;
    o["picture"] = SandboxUser::picture;
  }
  if (wants_email(scopes)) {
    o["email"] = SandboxUser::email;
    o["email_verified"] = true;
  }
  if (wants_profile(scopes)) o["locale"] = SandboxUser::locale;
  return o;
}

// An unsecured JWT (RFC 7519 §6, alg "none", empty signature): the sandbox has no Google
// signing key to imitate, so clients that verify signatures must skip it against the sandbox.
std::string OAuthServer::id_token(const Token& access, const std::string& nonce) const {
  json::object claims{{"iss", "https://accounts.google.com"},
                      {"azp", access.client_id},
                      {"aud", access.client_id},
                      {"sub", access.subject}};
  if (wants_email(access.scopes)) {
    claims["email"] = SandboxUser::email;
    claims["email_verified"] = true;
  }
  if (!nonce.empty()) claims["nonce"] = nonce;
  if (wants_profile(access.scopes)) {
    claims["name"] = SandboxUser::name;
    claims["picture"] = SandboxUser::picture;
    claims["given_name"] = SandboxUser::given_name;
    claims["family_name"] = SandboxUser::family_name;
    claims["locale"] = SandboxUser::locale;
  }
  claims["iat"] = access.issued_at;
  claims["exp"] = access.expires_at;
  return base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
         base64url_encode(to_text(claims)) + ".";
}

Response OAuthServer::userinfo(const Request& r) {
  if (r.method != "GET" && r.method != "POST")
    return oauth_error(405, "invalid_request", "Invalid request method.");
  auto value = bearer_token(r);
  if (!value) value = r.param("access_token");
  auto t = value ? live_access_token(*value) : std::nullopt;
  if (!t) return invalid_credentials();
  return Response::json(200, to_text(user_claims(t->scopes)));
}

// Not in the notes beyond the endpoint's address: tokeninfo answers every value as a string.
Response OAuthServer::tokeninfo(const Request& r) {
  auto value = r.param("access_token");
  if (!value && r.method == "POST") {
    try {
      for (const auto& [k, v] : r.form())
        if (k == "access_token") value = v;
    } catch (const std::exception&) {
    }
  }
  auto t = value ? live_access_token(*value) : std::nullopt;
  if (!t) return oauth_error(400, "invalid_token", "Invalid Value");
  bool offline = false;
  {
    std::lock_guard lock(mutex_);
    if (auto g = grant_of_.find(t->value); g != grant_of_.end())
      if (auto it = grants_.find(g->second); it != grants_.end()) offline = it->second.offline;
  }
  std::string scope;
  for (const auto& s : t->scopes) scope += (scope.empty() ? "" : " ") + s;
  json::object o{
      {"azp", t->client_id},
      {"aud", t->client_id},
      {"sub", t->subject},
      {"scope", scope},
      {"exp", std::to_string(t->expires_at)},
      {"expires_in", std::to_string(std::max<int64_t>(0, t->expires_at - ctx_.tokens.now()))}};
  if (wants_email(t->scopes)) {
    o["email"] = SandboxUser::email;
    o["email_verified"] = "true";
  }
  o["access_type"] = offline ? "offline" : "online";
  return Response::json(200, to_text(o));
}

// §4.1: clients should read the endpoints from the discovery document; here it points at the
// sandbox, while the issuer stays Google's so id_token checks of `iss` behave as in production.
Response OAuthServer::discovery(const Request&) {
  std::string base = ctx_.base_url();
  json::object o{
      {"issuer", "https://accounts.google.com"},
      {"authorization_endpoint", base + "/o/oauth2/v2/auth"},
      {"token_endpoint", base + "/token"},
      {"userinfo_endpoint", base + "/v1/userinfo"},
      {"revocation_endpoint", base + "/revoke"},
      {"jwks_uri", base + "/oauth2/v3/certs"},
      {"response_types_supported", json::array{"code"}},
      {"subject_types_supported", json::array{"public"}},
      {"id_token_signing_alg_values_supported", json::array{"none"}},
      {"scopes_supported", json::array{"openid", "email", "profile"}},
      {"token_endpoint_auth_methods_supported",
       json::array{"client_secret_post", "client_secret_basic"}},
      {"claims_supported", json::array{"aud", "email", "email_verified", "exp", "family_name",
                                       "given_name", "iat", "iss", "name", "picture", "sub"}},
      {"code_challenge_methods_supported", json::array{"plain", "S256"}},
      {"grant_types_supported", json::array{"authorization_code", "refresh_token"}}};
  return Response::json(200, to_text(o));
}

Response OAuthServer::certs(const Request&) {
  return Response::json(200, R"({"keys":[]})");
}

Response OAuthServer::fault(const FaultRule& f, const std::string& endpoint, const Request& r,
                            const std::function<Response()>& normal) {
  bool page = endpoint == "oauth/auth";
  switch (f.kind) {
    case FaultKind::rate_limit: {
      int64_t retry = f.retry_after.count() > 0 ? f.retry_after.count() : 30;
      Response resp =
          page ? Response::text(429,
                                "<!DOCTYPE html><title>Error 429 (Too Many Requests)!!1</title>\n",
                                "text/html; charset=UTF-8")
               : oauth_error(429, "rate_limit_exceeded", "Rate Limit Exceeded");
      resp.header("Retry-After", std::to_string(retry));
      return resp;
    }
    case FaultKind::server_error: {
      int status = f.status > 0 ? f.status : 500;
      if (page)
        return Response::text(status,
                              "<!DOCTYPE html><title>Error " + std::to_string(status) +
                                  " (Server Error)!!1</title>\n",
                              "text/html; charset=UTF-8");
      if (status == 503)
        return oauth_error(503, "temporarily_unavailable", "The service is currently unavailable.");
      return oauth_error(status, "internal_failure", "Backend Error");
    }
    case FaultKind::expired_token:
    case FaultKind::revoked_token:
      if (endpoint == "oauth/token")
        return oauth_error(400, "invalid_grant", "Token has been expired or revoked.");
      if (endpoint == "oauth/revoke")
        return oauth_error(400, "invalid_token", "Token expired or revoked");
      if (endpoint == "oauth/userinfo") return invalid_credentials();
      if (endpoint == "oauth/tokeninfo") return oauth_error(400, "invalid_token", "Invalid Value");
      return normal();
    default:
      (void)r;
      return normal();  // no cursors on these endpoints: served as usual
  }
}

}  // namespace connhost::sandbox::goog
