#include "server/param_check.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "server/errors.hpp"

namespace connhost::server {
namespace {

template <class T>
bool parse_whole(std::string_view s, T& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc{} && ptr == s.data() + s.size();
}

bool valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y = 0;
  unsigned m = 0, d = 0;
  if (!parse_whole(s.substr(0, 4), y) || !parse_whole(s.substr(5, 2), m) ||
      !parse_whole(s.substr(8, 2), d))
    return false;
  return std::chrono::year_month_day(std::chrono::year(y), std::chrono::month(m),
                                     std::chrono::day(d))
      .ok();
}

// The value as the client sent it, cut short: enough to spot the mistake, never a wall of text.
std::string quoted(const std::string& v) {
  constexpr size_t kMax = 64;
  return "'" + (v.size() > kMax ? v.substr(0, kMax) + "..." : v) + "'";
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void check_value(const QueryParam& p, const std::string& v) {
  if (p.type == "integer") {
    int64_t n = 0;
    if (!parse_whole(v, n)) throw BadParameter(p.name, "expected an integer, got " + quoted(v));
    if (p.minimum && n < *p.minimum)
      throw BadParameter(p.name, "must be at least " + std::to_string(*p.minimum));
    if (p.maximum && n > *p.maximum)
      throw BadParameter(p.name, "must be at most " + std::to_string(*p.maximum));
  } else if (p.type == "number") {
    double n = 0;
    if (!parse_whole(v, n)) throw BadParameter(p.name, "expected a number, got " + quoted(v));
  } else if (p.type == "boolean") {
    if (v != "true" && v != "false")
      throw BadParameter(p.name, "expected true or false, got " + quoted(v));
  } else if (p.type == "date") {
    if (!valid_date(v)) throw BadParameter(p.name, "expected a date YYYY-MM-DD, got " + quoted(v));
  }
  if (!p.choices.empty() && std::find(p.choices.begin(), p.choices.end(), v) == p.choices.end())
    throw BadParameter(
        p.name, "unknown value " + quoted(v) + " (expected one of " + joined(p.choices) + ")");
}

}  // namespace

void check_query(const Route& route, const Request& request) {
  for (const auto& p : route.query) {
    bool seen = false;
    for (const auto& [k, v] : request.query_params) {
      if (k != p.name) continue;
      seen = true;
      check_value(p, v);
    }
    if (!seen && p.required) throw BadParameter(p.name, "required");
  }
}

}  // namespace connhost::server
