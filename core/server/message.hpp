#pragma once

// What a route handler sees and returns. Free of Beast and Asio, so that route files (and the
// modules that add routes) compile against plain structs.

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::server {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;                 // "GET"
  std::string target;                 // as received: "/api/runs?limit=5"
  std::string path;                   // percent-decoded: "/api/runs"
  std::vector<std::string> segments;  // the path's segments, each percent-decoded on its own
  std::map<std::string, std::string, std::less<>> path_params;    // {param} of the route matched
  std::vector<std::pair<std::string, std::string>> query_params;  // decoded, in order
  Headers headers;                                                // names in lower case
  std::string body;                                               // raw
  std::string remote;                                             // "127.0.0.1:53412"
  // Set by the dispatcher: the route pattern matched ("/api/runs/{id}"), and the id of the API
  // key the request authenticated with (empty when none was needed).
  std::string route;
  std::string api_key_id;
  // Set by the dispatcher: the scopes of that key (server/auth.hpp); every scope ("*") when the
  // server needs no key. Empty (no scope) on a request the dispatcher did not pass.
  std::vector<std::string> scopes;

  // The first value of a query parameter.
  std::optional<std::string> query(std::string_view name) const;
  // A query parameter as an integer; throws BadParameter naming it when it is not one.
  std::optional<int64_t> query_int(std::string_view name) const;
  // A {param} of the route; throws std::logic_error when the route has no such segment.
  const std::string& param(std::string_view name) const;
  // A header, by case-insensitive name.
  std::optional<std::string_view> header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  Headers headers;  // in addition to Content-Type and Content-Length
};

Response json_response(int status, const boost::json::value& body);
// {"error": {"code": CODE, "message": MESSAGE}}: the one shape of every error the server sends.
Response error_response(int status, std::string_view code, std::string_view message);

}  // namespace connhost::server
