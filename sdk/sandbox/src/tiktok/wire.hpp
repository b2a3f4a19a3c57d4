#pragma once

// TikTok's wire conventions, shared by every TikTok handler of the sandbox: the three body
// styles (the v1.3 `{code, message, request_id, data}` envelope, the v2 `{data, error}` wrapper
// and the flat OAuth body), request and log ids, the JSON-in-the-query parameters of v1.3 GET
// endpoints, and money and time formatting. Section numbers refer to
// ../shared/platforms/tiktok.md ("the notes").

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/html.hpp"
#include "server/http_types.hpp"

namespace connhost::sandbox::tiktok {
namespace json = boost::json;

// A v1.3 failure: HTTP 200, a non-zero `code`, `data: {}` (notes §1.2).
struct ApiError {
  int code;
  std::string message;
};
// A v2 API failure: a real HTTP status and `error.code` (notes §2.4).
struct V2Error {
  int status;
  std::string code;
  std::string message;
};
// A failure of the v2 OAuth endpoints: flat `{error, error_description, log_id}` (notes §2.2).
struct OAuthError {
  int status;
  std::string error;
  std::string description;
};

// 14 digits of UTC time then 20 upper-case hex digits, as in the captured request_id
// "20251114113337267C3017B572313C5F0A" (notes §1.8) and the v2 log_id (notes §2.2).
std::string make_request_id();

// Serialises like boost::json::serialize, except that values made by number_text() come out as
// the bare number written: Boost prints 5325.43 as 5.32543E3, TikTok writes 5325.43.
std::string dump(const json::value& v);
json::value number_text(std::string text);

Response envelope_ok(json::value data);
Response envelope_error(int code, std::string message);
Response v2_ok(json::object data);
Response v2_error(int status, std::string code, std::string message);
Response oauth_error(int status, std::string error, std::string description);
Response html_page(int status, std::string title, std::string body_html);

// Query parameters of v1.3 GET endpoints. Arrays and objects arrive as JSON text (notes §1.1);
// malformed ones are answered with 40002, as every parameter error is.
std::optional<std::string> text_param(const Request& r, std::string_view name);
std::string required_text(const Request& r, std::string_view name);
std::optional<json::value> json_param(const Request& r, std::string_view name);
// A JSON array of IDs; numbers are tolerated as well as strings (notes §1.1).
std::optional<std::vector<std::string>> id_array_param(const Request& r, std::string_view name);
std::vector<std::string> string_array(const json::value& v, std::string_view name);
int64_t int_param(const Request& r, std::string_view name, int64_t fallback, int64_t min,
                  int64_t max);
bool bool_param(const Request& r, std::string_view name, bool fallback);

// JSON bodies of v1.3 POST endpoints.
json::object body_object(const Request& r);
std::optional<std::string> body_text(const json::object& o, std::string_view name);
std::string required_body_text(const json::object& o, std::string_view name);

// "a,b,c" <-> {"a","b","c"}: scope lists and v2 `fields` (notes §2.1, §2.4).
std::vector<std::string> split_commas(std::string_view s);
std::string join_commas(const std::vector<std::string>& v);

// Money the world keeps in micros, written with the currency's decimals ("12.34", "1234").
std::string money_text(int64_t micros, int decimals);
// A ratio written with a fixed number of decimals; 0 when the denominator is 0.
std::string ratio_text(long double numerator, long double denominator, int decimals,
                       long double scale = 1);
// "YYYY-MM-DD HH:MM:SS" in UTC (notes §1.6 create_time, modify_time).
std::string datetime_text(int64_t unix_seconds);
// "YYYY-MM-DD HH:MM:SS" -> unix seconds; nullopt when malformed.
std::optional<int64_t> parse_datetime(std::string_view s);

// A redirect_uri as the authorize pages see it: absolute http(s) only.
struct RedirectTarget {
  std::string scheme, host;
  bool has_port = false, has_query = false, has_fragment = false;
};
std::optional<RedirectTarget> parse_redirect(std::string_view uri);
// `uri` with `params` appended to its query, percent-encoded.
std::string append_query(std::string_view uri, const Fields& params);
// Unpredictable lowercase hex, for token and code values.
std::string unique_hex(int length);

// Deterministic hashing for the sandbox's own made-up TikTok data.
uint64_t mix(uint64_t a, uint64_t b = 0);
uint64_t hash_text(std::string_view s);
std::string hex_id(uint64_t h, int length);  // lowercase hex

}  // namespace connhost::sandbox::tiktok
