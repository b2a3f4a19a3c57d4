// Facebook Login (meta-google.md §2): the dialog URL, the code and long-lived exchanges, /me and
// revocation, as request builders and answer readers. Pure: no Call, no I/O.
#pragma once

#include <connhost/connector.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "meta_requests.hpp"

namespace meta::login {

using Form = std::vector<std::pair<std::string, std::string>>;

// Asked for when the caller names no scope: public_profile is always granted (§2.1) and ads_read
// is what reporting needs.
inline constexpr std::string_view kDefaultScope = "public_profile,ads_read";

// The dialog URL (§2.1): client_id, redirect_uri, state, response_type=code and a comma-separated
// scope; with a challenge, Meta's OIDC/PKCE code_challenge and its method.
std::string dialog_url(std::string_view dialog, std::string_view app_id,
                       const std::vector<std::string>& scopes, std::string_view redirect_uri,
                       std::string_view state, std::string_view code_challenge,
                       std::string_view code_challenge_method);

// base_url + "/" + api_version + path.
std::string graph_url(const Settings& s, std::string_view path);

// POST /oauth/access_token with a form body. §2.2 and §2.3 show GET with a query; Graph reads the
// same parameters from a form body (docs/sandbox/meta.md, "GET|POST"), which keeps the app
// secret, the code and the short-lived token out of URLs, where request logs would keep them.
connhost::HttpRequest token_request(const Settings& s, const Form& form);

// A request carrying the user token as a Bearer header (§1.1 of the notes lists it as accepted).
connhost::HttpRequest bearer(std::string method, std::string url, std::string_view token);

std::string form_encode(const Form& form);

struct Token {
  std::string access_token;
  std::string token_type;
  std::optional<int64_t> expires_in;
};
// {"access_token","token_type","expires_in"} (§2.2, §2.3); anything else throws login_error.
Token parse_token(int status, std::string_view body, const Settings& s, std::string_view what);

struct User {
  std::string id;
  std::string name;
  std::string picture_url;
  std::string email;
};
// /me?fields=id,name,picture,email (§2.5).
User parse_me(int status, std::string_view body, const Settings& s);

// GET /debug_token?input_token=<token> (§2.4), called with the app token "<app_id>|<app_secret>"
// as a Bearer header like the other login GETs, so the app secret stays out of the URL; the input
// token has to be in the query, the only place this GET-only endpoint reads it.
connhost::HttpRequest debug_token_request(const Settings& s, std::string_view input_token,
                                          std::string_view app_token);

struct TokenInfo {
  std::optional<int64_t> expires_at;  // Unix seconds, 0 for never (§2.4); nothing when absent
  std::string scopes;                 // comma-joined
  std::string user_id;
};
// {"data":{is_valid, expires_at, scopes[], user_id, ...}} (§2.4). is_valid:false (an expired,
// revoked or unknown input token) is Error::auth saying to re-authorize; a top-level error means
// the calling app token was refused, a config error about app_id and app_secret.
TokenInfo parse_debug_token(int status, std::string_view body, const Settings& s);

// DELETE /me/permissions (§2.6): `true` or {"success":true}.
void check_revoke(int status, std::string_view body, const Settings& s);

// Graph's error envelope as a category error (meta_parse classify), with the login cases made
// explicit: a refused code (code 100, used, expired, other redirect_uri, wrong PKCE verifier) and
// a dead token (190) are auth errors that say to log in again.
connhost::Error login_error(int status, std::string_view body, const Settings& s,
                            std::string_view what);

}  // namespace meta::login
