// The profile capability's TikTok side: Login Kit's /v2/user/info/ with the fields the granted
// scopes allow (tiktok.md §2.4), and business/get/ for a Business Account (§3.2), both read into
// one flat field map of the "profile" record (abi.h, "Capability: profile"). Pure: no Call, no
// I/O, so the unit tests can feed it bodies directly.
#pragma once

#include <connhost/connector.hpp>

#include <array>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tiktok_login.hpp"
#include "tiktok_requests.hpp"

namespace connhost::tiktok::profile {

using Fields = std::map<std::string, std::string>;

// The /v2/user/info/ fields the granted scopes allow (§2.4): user.info.basic gives open_id,
// avatar_url and display_name; user.info.profile bio_description, profile_deep_link,
// is_verified and username; user.info.stats the four counts. A scope not granted only means
// fewer fields; without user.info.basic open_id is still asked, so TikTok names the missing
// scope.
std::vector<std::string> user_fields(const std::vector<std::string>& scopes);

// GET /v2/user/info/?fields=a,b with the Bearer token.
connhost::HttpRequest user_info_request(const login::Endpoints& e, std::string_view access_token,
                                        const std::vector<std::string>& fields);

// The user as profile fields: open_id -> platform_user_id, follower_count, following_count, and
// the rest as they are named (numbers and booleans as text). Errors as login::parse_user.
Fields parse_user(int status, std::string_view body, std::optional<std::string_view> retry_after);

// The business/get/ fields asked for (§3.2).
inline constexpr std::string_view kBusinessFields[] = {
    "display_name",    "profile_image",       "username",         "followers_count",
    "following_count", "is_business_account", "profile_deep_link"};

// The business/get/ fields the granted scopes allow. §3.2 names user.account.type for
// is_business_account; the others follow Chatwoot's tt_user scope list (§3.1) as the sandbox
// matches it to §3.2's fields: display_name and profile_image user.info.basic, username
// user.info.username, the counts user.info.stats, profile_deep_link user.info.profile. No scopes
// at all (a caller that does not know the grant's) asks for every field, as before ABI 1.2.
std::vector<std::string> business_fields(const std::vector<std::string>& scopes);

connhost::HttpRequest business_get_request(const Api& api, std::string_view business_id,
                                           std::string_view access_token,
                                           const std::vector<std::string>& fields);

// The flat data of business/get/ as profile fields: profile_image -> avatar_url,
// followers_count -> follower_count; `business_id` is the platform_user_id.
Fields parse_business(std::string_view business_id, int status, std::string_view body,
                      std::optional<std::string_view> retry_after,
                      std::initializer_list<std::string_view> secrets, int64_t now_ms);

}  // namespace connhost::tiktok::profile
