#pragma once

// The recorded exchanges of a fixtures folder (docs/replay.md), read on their own so that the
// pagination check can tell which of them a read never requested.

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace connhost::conformance {

struct RecordedExchange {
  std::string file;  // the file's name in the folder
  size_t index = 0;  // position in the file's exchanges
  std::string endpoint;
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;  // "REDACTED" matches any value
  bool any_query = false;                                  // no "query" recorded: any matches
  int status = 0;

  std::string describe() const;  // "report.json #2 (GET /v1/report?page=3)"
};

// Throws std::runtime_error naming the file when it is not a connhost-fixtures/1 document.
std::vector<RecordedExchange> read_fixtures(const std::filesystem::path& dir);

// Whether a request the sandbox logged (path and raw query) is this exchange.
bool matches(const RecordedExchange& e, const std::string& method, const std::string& path,
             const std::string& raw_query);

}  // namespace connhost::conformance
