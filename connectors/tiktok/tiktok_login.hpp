// Login Kit v2 (tiktok.md §2.1-§2.4): building its requests and reading its answers. Pure: no
// Call, no I/O, so the unit tests can feed it bodies directly.
#pragma once

#include <connhost/connector.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::tiktok::login {

using Form = std::vector<std::pair<std::string, std::string>>;

// Where Login Kit lives: the Open API host and the authorize page, checked once.
struct Endpoints {
  std::string open_api;   // scheme://host[:port], no trailing slash
  std::string auth_page;  // the full authorize page URL

  // Throws Error::config for URLs that are not absolute http(s) ones.
  static Endpoints make(std::string_view open_api_base_url, std::string_view auth_page_url);
};

// The scopes asked for when the caller names none: user.info.basic is what /v2/user/info/ needs
// for open_id and display_name (§2.4).
inline constexpr std::string_view kDefaultScope = "user.info.basic";
// The user fields fetched: those user.info.basic allows (§2.4), so any grant can read them.
inline constexpr std::string_view kUserFields = "open_id,union_id,avatar_url,display_name";

// The authorize page URL (§2.1): client_key, comma-separated scope, response_type=code,
// redirect_uri, state; with a challenge, code_challenge and code_challenge_method=S256 (the
// challenge is TikTok's hex SHA-256 of the verifier, which the caller computes).
std::string authorize_url(const Endpoints& e, std::string_view client_key,
                          const std::vector<std::string>& scopes, std::string_view redirect_uri,
                          std::string_view state, std::string_view code_challenge);

// POST /v2/oauth/token/ or /v2/oauth/revoke/ (§2.2, §2.3): form-encoded.
connhost::HttpRequest form_post(const Endpoints& e, std::string_view path, const Form& form);
// GET /v2/user/info/?fields=... with the Bearer token (§2.4).
connhost::HttpRequest user_info_request(const Endpoints& e, std::string_view access_token);

// application/x-www-form-urlencoded text: only unreserved characters stay as they are, so codes
// with '*' and '!' (the sandbox's, and TikTok's) travel unchanged once decoded.
std::string form_encode(const Form& form);

struct Token {
  std::string access_token;
  std::string refresh_token;
  std::optional<int64_t> expires_in;
  std::optional<int64_t> refresh_expires_in;
  std::string open_id;
  std::string scope;
  std::string token_type;
};

// The flat token answer (§2.2). Errors (the flat {error, error_description}) throw through
// oauth_error; a 200 without an access token is a data error.
Token parse_token(int status, std::string_view body, std::optional<std::string_view> retry_after,
                  std::initializer_list<std::string_view> secrets);

// The revoke answer (§2.3): empty on success.
void check_revoke(int status, std::string_view body, std::optional<std::string_view> retry_after,
                  std::initializer_list<std::string_view> secrets);

struct User {
  std::string open_id;
  std::string union_id;
  std::string display_name;
  std::string avatar_url;
};

// The v2 {data:{user}, error:{code}} answer (§2.4).
User parse_user(int status, std::string_view body, std::optional<std::string_view> retry_after);

// The error for a flat OAuth error body (§2.2): invalid_grant (used, expired or revoked code or
// refresh token) -> auth, saying to re-authorize; invalid_client -> config; rate limits -> quota;
// server_error, temporarily_unavailable and 5xx -> transient.
connhost::Error oauth_error(std::string_view endpoint, int status, std::string_view body,
                            std::optional<std::string_view> retry_after,
                            std::initializer_list<std::string_view> secrets);

}  // namespace connhost::tiktok::login
