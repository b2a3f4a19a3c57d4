// Marketing API advertiser authorization (tiktok.md §1.4): the portal/auth URL, the auth_code
// exchange, revocation and the token's advertisers, as request builders and answer readers.
// Pure: no Call, no I/O, so the unit tests can feed it bodies directly.
//
// An advertiser token is long-term (§1.4, "Token lifetime"): no expires_in, no refresh token. It
// ends when the advertiser withdraws the authorization or the app revokes it.
#pragma once

#include <connhost/connector.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tiktok_requests.hpp"

namespace connhost::tiktok::advertiser {

inline constexpr std::string_view kDefaultAuthUrl = "https://business-api.tiktok.com/portal/auth";
inline constexpr std::string_view kAccessToken = "oauth2/access_token/";
inline constexpr std::string_view kRevokeToken = "oauth2/revoke_token/";

// <auth_url>?app_id=&state=&redirect_uri= (§1.4). The page knows no PKCE, so there is no
// challenge to send.
std::string authorize_url(std::string_view auth_url, std::string_view app_id,
                          std::string_view redirect_uri, std::string_view state);

// POST oauth2/access_token/ {app_id, secret, auth_code} (§1.4).
connhost::HttpRequest access_token_request(const Api& api, std::string_view app_id,
                                           std::string_view secret, std::string_view auth_code);
// POST oauth2/revoke_token/ {app_id, secret, access_token} (§1.4).
connhost::HttpRequest revoke_request(const Api& api, std::string_view app_id,
                                     std::string_view secret, std::string_view access_token);

struct Grant {
  std::string access_token;
  std::vector<std::string> advertiser_ids;  // sorted, no duplicates
  std::string scope;                        // the integer permission ids, comma-joined
};

// data {access_token, advertiser_ids[], scope[int]} (§1.4). Errors go through
// oauth::login_envelope (a used, expired or unknown code, 40110, is auth).
Grant parse_access_token(int status, std::string_view body,
                         std::optional<std::string_view> retry_after,
                         std::initializer_list<std::string_view> secrets, int64_t now_ms);

// data {app_id, advertiser_ids[]} (§1.4): only the code is checked.
void check_revoke(int status, std::string_view body, std::optional<std::string_view> retry_after,
                  std::initializer_list<std::string_view> secrets, int64_t now_ms);

// Who granted the token: every advertiser of oauth2/advertiser/get/ (§1.4).
struct Advertisers {
  std::string ids;    // sorted, comma-joined: the platform user id of the grant
  std::string names;  // in the same order, ", "-joined
};
Advertisers parse_advertisers(int status, std::string_view body,
                              std::optional<std::string_view> retry_after,
                              std::initializer_list<std::string_view> secrets, int64_t now_ms);

}  // namespace connhost::tiktok::advertiser
