// What the three TikTok login flows share (Login Kit v2, advertiser authorization, TikTok-account
// tt_user): URL and form encoding, lenient JSON field reads, and, for the two flows on the
// Marketing API host, JSON POSTs and the envelope read with login-specific error messages.
// Pure: no Call, no I/O.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <connhost/connector.hpp>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tiktok_parse.hpp"
#include "tiktok_requests.hpp"

namespace connhost::tiktok::oauth {

using Form = std::vector<std::pair<std::string, std::string>>;

// Percent-encodes all but the unreserved characters, so codes with '*' and '!' (the sandbox's,
// and TikTok's) travel unchanged once decoded.
std::string encode(std::string_view s);

// application/x-www-form-urlencoded text (also the query of an authorize URL).
std::string form_encode(const Form& form);

// `page` + '?' or '&' + the encoded query.
std::string with_query(std::string_view page, const Form& query);

// `url` if it is an absolute http(s) URL without fragment or user info; else Error::config
// naming the setting `key`.
std::string checked_url(std::string_view key, std::string_view url);

std::optional<boost::json::value> parse_json(std::string_view body);
const boost::json::object* as_object(const boost::json::value* v);
// A string member, or "" when missing or of another type.
std::string str_field(const boost::json::object& o, std::string_view key);
// An integer member (a double is truncated), or nothing when missing or of another type.
std::optional<int64_t> int_field(const boost::json::object& o, std::string_view key);

// A Retry-After header in seconds as a wait; nothing when absent or not a number.
std::optional<std::chrono::milliseconds> retry_ms(std::optional<std::string_view> retry_after);

// The items joined by `sep`.
std::string join(const std::vector<std::string>& items, std::string_view sep);

// POST <base>/open_api/<version>/<endpoint> with a JSON body and no Access-Token header: the
// OAuth endpoints of the Marketing host take their credentials in the body (tiktok.md §1.4,
// §3.1), never in the URL.
connhost::HttpRequest post_json(const Api& api, std::string_view endpoint,
                                const boost::json::object& body);

// The code-0 envelope (its data an object) of a login endpoint of the Marketing host. Otherwise
// throws: a status other than 200 through error_for_status; a code that means the code, token
// or refresh token is used, expired, revoked or unknown (40102, 40103, 40105, 40107, 40110) as
// auth saying to re-authorize; refused app credentials (40101, 40113) as config, as Login Kit's
// invalid_client is; everything else through error_for_code. `secrets` are scrubbed from the
// platform's message.
Envelope login_envelope(std::string_view endpoint, int status, std::string_view body,
                        std::optional<std::string_view> retry_after,
                        std::initializer_list<std::string_view> secrets, int64_t now_ms);

}  // namespace connhost::tiktok::oauth
