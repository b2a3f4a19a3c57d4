#pragma once

// GAQL syntax: SELECT fields FROM resource [WHERE c AND c...] [ORDER BY f [ASC|DESC], ...]
// [LIMIT n] [PARAMETERS name = value, ...]. Only the grammar lives here; which fields exist and
// what they mean is ads_query's business. Errors carry the QueryError enum names of the Google
// Ads protos (platform notes §4.3).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace connhost::sandbox::goog {

struct GaqlError {
  std::string code;  // QueryError value, e.g. "UNEXPECTED_END_OF_QUERY"
  std::string message;
  std::string trigger;  // the offending text, when there is one
};

struct Literal {
  enum Kind { string, number, identifier } kind;
  std::string text;  // strings unescaped; numbers and identifiers as written
};

struct Condition {
  std::string field;
  std::string op;  // upper case, single spaces: "=", "NOT IN", "IS NOT NULL", "DURING"...
  std::vector<Literal> values;
  bool list = false;  // the values came as a parenthesised list
};

struct Ordering {
  std::string field;
  bool descending = false;
};

struct GaqlQuery {
  std::vector<std::string> select;
  std::string from;
  std::vector<Condition> where;
  std::vector<Ordering> order_by;
  std::optional<int64_t> limit;
  std::vector<std::pair<std::string, Literal>> parameters;
};

std::variant<GaqlQuery, GaqlError> parse_gaql(std::string_view text);

}  // namespace connhost::sandbox::goog
