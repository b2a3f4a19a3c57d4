#pragma once

// The route table: method, path pattern with {param} segments, and what a route declares about
// itself (summary, query parameters, auth, tag) so that the dispatcher can check parameters and
// /api/openapi.json can describe every route from the same table.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/message.hpp"

namespace connhost::server {

using Handler = std::function<Response(const Request&)>;

struct QueryParam {
  std::string name;
  // string | integer | number | boolean | date (YYYY-MM-DD). The dispatcher refuses a value of
  // the wrong type with a 400 naming the parameter, before the handler runs.
  std::string type = "string";
  bool required = false;
  std::string description;
  std::vector<std::string> choices;  // non-empty: the only values accepted
  std::optional<int64_t> minimum;    // integers only
  std::optional<int64_t> maximum;
};

struct Route {
  std::string method;   // GET, POST, PUT, PATCH, DELETE
  std::string pattern;  // "/api/runs/{id}": literal segments and whole-segment {params}
  std::string summary;  // one line
  std::string description;
  std::vector<QueryParam> query;
  bool is_public = false;  // true: no API key needed even when the server requires one
  std::string tag;         // groups routes in the OpenAPI document: "ops", "reporting", ...
  Handler handler;
};

class Router {
 public:
  // Throws std::logic_error for a malformed pattern or a method and pattern already taken.
  // Routes are added before the server starts; the table is read-only while it serves.
  void add(Route route);

  struct Match {
    const Route* route = nullptr;  // set when the path and the method matched
    std::map<std::string, std::string, std::less<>> params;
    // The methods of every route whose pattern matches the path, sorted: empty means 404,
    // non-empty without `route` means 405 (and the Allow header).
    std::vector<std::string> allowed;
  };
  // Where several patterns match, the one with a literal segment earliest wins
  // (/api/runs/stats over /api/runs/{id}).
  Match match(std::string_view method, const std::vector<std::string>& segments) const;

  const std::deque<Route>& routes() const { return routes_; }

 private:
  std::deque<Route> routes_;                     // a deque: Match points into it
  std::vector<std::vector<std::string>> split_;  // each pattern's segments
};

// "/a/b" -> {"a", "b"}; "/" -> {}. No decoding: for patterns and tests.
std::vector<std::string> split_path(std::string_view path);

}  // namespace connhost::server
