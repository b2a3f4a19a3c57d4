// Sign-in with Google (meta-google.md §4.1): the consent page URL with PKCE, the code grant, the
// revoke and OIDC userinfo requests, and reading their answers. Pure: no Call, no I/O. The
// refresh grant is google_token's (refresh_form, oauth_error), shared with reporting.
#pragma once

#include <connhost/connector.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::google::login {

// Asked for when the caller names none: the identity (openid email profile) and Google Ads.
inline constexpr std::string_view kDefaultScopes =
    "openid email profile https://www.googleapis.com/auth/adwords";

// §4.1: response_type=code, space-separated scope, state, access_type=offline and
// prompt=consent (a refresh token on every consent), and PKCE (S256 unless told otherwise).
std::string authorize_url(std::string_view auth_page, std::string_view client_id,
                          const std::vector<std::string>& scopes, std::string_view redirect_uri,
                          std::string_view state, std::string_view code_challenge,
                          std::string_view code_challenge_method);

// The authorization_code grant's form body (§4.1).
std::string code_form(std::string_view client_id, std::string_view client_secret,
                      std::string_view code, std::string_view redirect_uri,
                      std::string_view code_verifier);

// POST {oauth}/revoke with the token in a form body: the notes show it in the query (§4.1, the
// SDK's revokeToken), and Google reads either (RFC 7009 names the body), so it stays out of URLs.
HttpRequest revoke_request(std::string_view oauth_base, std::string_view token);

// GET userinfo with the Bearer token (§4.1, OIDC userinfo).
HttpRequest userinfo_request(std::string_view userinfo_url, std::string_view token);

struct Grant {
  std::string access_token;
  std::string refresh_token;  // empty on a refresh: Google does not rotate them
  std::optional<int64_t> expires_in;
  std::string scope;  // comma-separated (Google's is space-separated)
  std::string token_type;
};
// A 200 answer of the token endpoint; a body without an access token is a data error.
Grant parse_grant(std::string_view body);

struct User {
  std::string sub;
  std::string name;
  std::string picture;
  std::string email;
  std::string locale;  // BCP 47, e.g. "en" or "en-GB"; with the profile scope
};
// The region of a BCP 47 locale: its two-letter or three-digit region subtag, upper-cased
// ("en-GB" and "en_gb" -> "GB", "es-419" -> "419"); empty when it has none ("en").
std::string region_of_locale(std::string_view locale);
// A userinfo answer: 401 (a missing, expired or revoked token) is auth, 429 quota, 5xx transient.
User parse_userinfo(int status, std::string_view body);

// The revoke answer: 200 is done; 400 invalid_token (unknown, expired or already revoked) is auth.
void check_revoke(int status, std::string_view body);

}  // namespace connhost::google::login
