#pragma once

// Recorded exchanges (docs/replay.md): a folder of "connhost-fixtures/1" JSON files, read in name
// order, and the matching that answers a request from them.

#include <boost/json/value.hpp>

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/http_types.hpp"

namespace connhost::sandbox::replay {

inline constexpr std::string_view kFormat = "connhost-fixtures/1";
inline constexpr std::string_view kRedacted = "REDACTED";
inline constexpr std::string_view kOrigin = "{{origin}}";

struct Exchange {
  std::string where;  // "FILE $.exchanges[N]", for messages
  std::string platform;
  std::string endpoint;  // as written; empty: not named
  std::string method;
  std::string path;
  std::optional<Fields> query;             // absent: any query
  std::optional<boost::json::value> json;  // the request body, compared structurally
  std::optional<std::string> body;         // or as text (form bodies as pairs)
  int status = 200;
  Fields headers;
  std::string response_body;  // "{{origin}}" still in it
  bool response_json = false;
};

// Every exchange of the folder's *.json files, in file name order. Throws std::invalid_argument
// naming the file and the JSON path of what is wrong.
std::vector<Exchange> load_folder(const std::string& dir);
// One file's text; `name` is what messages call it.
std::vector<Exchange> load_text(std::string_view text, const std::string& name);

// Whether a recorded value stands for the one a request sent: equal, or equal around the
// "REDACTED" parts, each of which stands for any text.
bool value_matches(std::string_view recorded, std::string_view sent);
// Query or form pairs as multisets, a recorded "REDACTED" value matching any value.
bool pairs_match(const Fields& recorded, const Fields& sent);
// JSON compared structurally, a recorded "REDACTED" matching any value.
bool json_matches(const boost::json::value& recorded, const boost::json::value& sent);

class Replayer {
 public:
  explicit Replayer(std::vector<Exchange> exchanges);

  size_t size() const { return exchanges_.size(); }
  // The platforms the fixtures name, each once.
  std::vector<std::string> platforms() const;
  // The exchange the next answer to this request comes from; nullptr when none matches.
  const Exchange* peek(const Request& request) const;
  // Answers from the next matching exchange, "{{origin}}" replaced by `base_url`. `consume`:
  // the answer counts as served, so the next matching request gets the next recorded one (the
  // last one repeating). A request with no match gets not_found().
  Response serve(const Request& request, std::string_view base_url, bool consume);
  // 404 naming the request and the nearest recorded path; logged at warn.
  Response not_found(const Request& request) const;

 private:
  std::optional<size_t> pick(const Request& request) const;

  std::vector<Exchange> exchanges_;
  std::map<std::pair<std::string, std::string>, std::vector<size_t>> by_route_;
  std::vector<size_t> wildcard_paths_;  // exchanges whose path has REDACTED in it
  mutable std::mutex mutex_;
  std::vector<bool> served_;
};

}  // namespace connhost::sandbox::replay
