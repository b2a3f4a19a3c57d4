#pragma once

// Graph API transport helpers shared by the Meta emulator's handlers: parameters from every
// encoding Graph accepts, the error envelope, Graph's JSON escaping, field selection, cursor
// paging and number formatting. Everything here is written from the platform notes
// (shared/platforms/meta-google.md, "the notes" below), sections 1.1 and 1.6.

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_types.hpp"

namespace connhost::sandbox::meta {

namespace json = boost::json;

// §0: v26.0 is the latest Graph / Marketing API version.
inline constexpr std::string_view kCurrentVersion = "v26.0";

// Request parameters merged from the query string, a form-urlencoded or multipart body
// (`curl -F`), and a JSON body: the notes (§1.1) say an emulator should accept all three.
// Non-string JSON values are kept as their JSON text, the way the SDK stringifies objects.
struct Params {
  std::map<std::string, std::string> values;
  bool token_in_query = false;  // paging.next repeats access_token only when the client sent it
  std::optional<std::string> get(const std::string& name) const;
  bool has(const std::string& name) const { return values.count(name) > 0; }
};
Params read_params(const Request& request);

// The §1.6 error envelope. `www_authenticate` is the second quoted word of the
// `WWW-Authenticate: OAuth "Facebook Platform" "<word>" "<message>"` header ("invalid_token",
// "invalid_request", "invalid_code"); empty: no header.
struct GraphError {
  int http_status = 400;
  int code = 100;
  std::optional<int> subcode;
  std::string type = "OAuthException";
  std::string message;
  std::optional<bool> is_transient;
  std::string user_title;
  std::string user_msg;
  std::string www_authenticate;
};
Response error_response(const GraphError& e);
GraphError invalid_param(std::string message);  // code 100
// "Unsupported get request. Object with ID '...' does not exist..." (code 100, subcode 33).
GraphError unsupported_request(std::string_view method, std::string_view object_id);
GraphError unknown_path(std::string_view path);  // code 2500
std::string fbtrace_id();

// Graph bodies escape '/' as "\/", '@' as "\u0040" and non-ASCII as lowercase "\uXXXX" (§1.1,
// observed); webhook signatures (§3.2) are computed over exactly such bytes.
std::string graph_escape(std::string_view serialized_json);
std::string graph_serialize(const json::value& v);
Response graph_json(const json::value& v, int status = 200);

// A `fields=` list, split at top-level commas: "id,picture.width(100){url},insights{spend}".
struct FieldSpec {
  std::string name;
  std::map<std::string, std::string> modifiers;  // .width(100) -> {"width","100"}
  std::string subfields;                         // text inside {...}
};
std::vector<FieldSpec> parse_fields(std::string_view list);

// "2026-09-01T12:34:56+0000": Graph's datetime format.
std::string graph_time(int64_t unix_seconds);
// Money as Graph prints it: major units with the currency's decimals, trailing zeros dropped
// ("123.45", "120", "1234" for JPY).
std::string money(int64_t micros, int decimals);
std::string decimal(double value, int max_decimals);  // trailing zeros dropped

// Cursors. Insights cursors are the base64 of a row position with '=' written as "ZD" (the
// notes' example "MAZDZD" / "MQZDZD" decodes to "0" / "1"); other edges use the same scheme
// over an opaque "o:<position>" so they look different. nullopt: not a cursor we issued.
std::string encode_cursor(int64_t position, bool insights);
std::optional<int64_t> decode_cursor(std::string_view cursor, bool insights);

// One page of an edge, with the §1.1 paging object: cursors, and absolute `previous` / `next`
// URLs (with the version) only where there is data that way.
struct PageRequest {
  std::string base_url;  // http://127.0.0.1:PORT
  std::string version;   // "v26.0"
  std::string path;      // "/act_123/campaigns"
  const Params* params = nullptr;
  bool insights_cursors = false;
  int default_limit = 25;
  int max_limit = 5000;
};
struct PageWindow {
  size_t begin = 0, end = 0;  // rows [begin, end) of the full list
  int limit = 25;
};
// Reads limit/after/before; nullopt and `error` set when a cursor is not one we issued.
std::optional<PageWindow> page_window(const PageRequest& p, size_t total, GraphError& error);
json::object page_envelope(const PageRequest& p, const PageWindow& w, size_t total,
                           json::array data);

}  // namespace connhost::sandbox::meta
