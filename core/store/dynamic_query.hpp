#pragma once

// A statement whose text is assembled at run time (filters that apply or not, a sort column
// chosen from a fixed list) while every value stays a bound parameter, never spliced into the
// text. Rows come back as soci::row with getters that accept what either backend returns for a
// column (SQLite reports INTEGER columns as int and expressions as long long; PostgreSQL reports
// BIGINT as long long and NUMERIC as double).

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class row;
class session;
}  // namespace soci

namespace connhost::store {

class DynamicQuery {
 public:
  DynamicQuery& sql(std::string_view text);
  // Appends a placeholder bound to `value`.
  DynamicQuery& bind(std::string value);
  // Appends "(:a, :b, ...)" bound to `values` (at least one).
  DynamicQuery& bind_list(const std::vector<std::string>& values);
  const std::string& text() const { return text_; }

  void each(soci::session& sql, const std::function<void(const soci::row&)>& row) const;
  int64_t scalar_int(soci::session& sql) const;  // the first column of the first row

 private:
  std::string text_;
  std::deque<std::string> values_;  // a deque: binds point into it
};

// A case-insensitive substring search for `LOWER(column) LIKE :p ESCAPE '\'`: the text lower-cased,
// LIKE's wildcards in it escaped so that they match themselves, between two '%'.
std::string like_pattern(std::string_view text);

int64_t int_at(const soci::row& r, size_t i);    // NULL: 0
double double_at(const soci::row& r, size_t i);  // NULL: 0
std::optional<double> nullable_double_at(const soci::row& r, size_t i);
std::string text_at(const soci::row& r, size_t i);  // NULL: ""
std::optional<std::string> nullable_text_at(const soci::row& r, size_t i);

}  // namespace connhost::store
