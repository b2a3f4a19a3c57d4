// TikTok-account (tt_user) authorization for Business Accounts (tiktok.md §3.1): the Login Kit
// authorize page with the Business API app's id as client_key, then token, refresh, revoke and
// token-info calls on the Marketing host, and the account's profile from business/get/ (§3.2).
// Pure: no Call, no I/O, so the unit tests can feed it bodies directly.
#pragma once

#include <connhost/connector.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tiktok_requests.hpp"

namespace connhost::tiktok::business {

// The scopes Chatwoot's production messaging integration asks for (§3.1): profile, stats and
// insights for business/get/ (§3.2), and the three message scopes for Business Messaging (§3.3).
inline constexpr std::string_view kDefaultScope =
    "user.info.basic,user.info.username,user.info.stats,user.info.profile,user.account.type,"
    "user.insights,message.list.read,message.list.send,message.list.manage";

inline constexpr std::string_view kToken = "tt_user/oauth2/token/";
inline constexpr std::string_view kRefreshToken = "tt_user/oauth2/refresh_token/";
inline constexpr std::string_view kRevoke = "tt_user/oauth2/revoke/";
inline constexpr std::string_view kTokenInfo = "tt_user/token_info/get/";
inline constexpr std::string_view kBusinessGet = "business/get/";

// <auth_page>?client_key=<app_id>&scope=a,b&response_type=code&redirect_uri=&state= (§3.1).
// Empty `scopes`: kDefaultScope.
std::string authorize_url(std::string_view auth_page, std::string_view app_id,
                          const std::vector<std::string>& scopes, std::string_view redirect_uri,
                          std::string_view state);

// §3.1: JSON bodies with the Business API app as client_id/client_secret.
connhost::HttpRequest token_request(const Api& api, std::string_view app_id,
                                    std::string_view secret, std::string_view auth_code,
                                    std::string_view redirect_uri);
connhost::HttpRequest refresh_request(const Api& api, std::string_view app_id,
                                      std::string_view secret, std::string_view refresh_token);
connhost::HttpRequest revoke_request(const Api& api, std::string_view app_id,
                                     std::string_view secret, std::string_view access_token);
// POST tt_user/token_info/get/ {app_id, access_token} (§3.1).
connhost::HttpRequest token_info_request(const Api& api, std::string_view app_id,
                                         std::string_view access_token);
// GET business/get/?business_id=&fields=["display_name","profile_image","username"] (§3.2),
// the token in the Access-Token header.
connhost::HttpRequest business_get_request(const Api& api, std::string_view business_id,
                                           std::string_view access_token);

struct Token {
  std::string access_token;
  std::string refresh_token;
  std::optional<int64_t> expires_in;
  std::optional<int64_t> refresh_expires_in;  // from refresh_token_expires_in (§3.1)
  std::string open_id;                        // the business_id
  std::string scope;                          // comma-separated
  std::string token_type;
};

// data {access_token, token_type, expires_in, refresh_token, refresh_token_expires_in, open_id,
// scope} (§3.1), for both the code and the refresh grant; `endpoint` is kToken or kRefreshToken.
Token parse_token(std::string_view endpoint, int status, std::string_view body,
                  std::optional<std::string_view> retry_after,
                  std::initializer_list<std::string_view> secrets, int64_t now_ms);

// data {} (§3.1): only the code is checked.
void check_revoke(int status, std::string_view body, std::optional<std::string_view> retry_after,
                  std::initializer_list<std::string_view> secrets, int64_t now_ms);

// data {app_id, scope, creator_id} (§3.1): the creator_id (the business_id).
std::string parse_token_info(int status, std::string_view body,
                             std::optional<std::string_view> retry_after,
                             std::initializer_list<std::string_view> secrets, int64_t now_ms);

struct Profile {
  std::string display_name;
  std::string username;
  std::string profile_image;
};
// The flat data of business/get/ (§3.2).
Profile parse_business(int status, std::string_view body,
                       std::optional<std::string_view> retry_after,
                       std::initializer_list<std::string_view> secrets, int64_t now_ms);

}  // namespace connhost::tiktok::business
