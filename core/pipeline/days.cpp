#include "pipeline/days.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <stdexcept>

namespace connhost::pipeline {

int64_t parse_day(std::string_view s) {
  int y = 0;
  unsigned m = 0, d = 0;
  auto digits = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9')
        throw std::invalid_argument("'" + std::string(s) + "' is not a date (YYYY-MM-DD)");
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-')
    throw std::invalid_argument("'" + std::string(s) + "' is not a date (YYYY-MM-DD)");
  y = digits(0, 4), m = static_cast<unsigned>(digits(5, 2)),
  d = static_cast<unsigned>(digits(8, 2));
  date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) throw std::invalid_argument("'" + std::string(s) + "' is not a calendar date");
  return date::sys_days(ymd).time_since_epoch().count();
}

std::string format_day(int64_t day) {
  return date::format("%F", date::sys_days(date::days(day)));
}

int64_t today_in(std::string_view zone) {
  auto now = std::chrono::system_clock::now();
  if (!zone.empty()) {
    try {
      auto local = date::make_zoned(std::string(zone), now).get_local_time();
      return date::floor<date::days>(local).time_since_epoch().count();
    } catch (const std::exception&) {
      // An unknown zone falls back to UTC; the account row still shows the zone it claimed.
    }
  }
  return date::floor<date::days>(now).time_since_epoch().count();
}

int64_t months_back(int64_t day, int months) {
  date::year_month_day ymd{date::sys_days(date::days(day))};
  auto first = date::year_month{ymd.year(), ymd.month()} - date::months(months);
  return date::sys_days(first / date::day(1)).time_since_epoch().count();
}

}  // namespace connhost::pipeline
