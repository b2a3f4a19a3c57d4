#include "google_window.hpp"

#include <connhost/ad_reporting.hpp>

#include "google_parse.hpp"

#include <date/date.h>
#include <algorithm>

#include <sstream>

namespace connhost::google {
namespace {

date::sys_days to_days(std::string_view day) {
  int y = std::stoi(std::string(day.substr(0, 4)));
  unsigned m = static_cast<unsigned>(std::stoi(std::string(day.substr(5, 2))));
  unsigned d = static_cast<unsigned>(std::stoi(std::string(day.substr(8, 2))));
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}};
}

std::string format(date::sys_days days) {
  return date::format("%F", days);
}

}  // namespace

std::string next_day(std::string_view day) {
  return format(to_days(day) + date::days{1});
}

std::vector<DayRange> chunk_days(std::string_view from, std::string_view to, int days) {
  std::vector<DayRange> out;
  if (days < 1 || from > to) return out;
  const date::sys_days start = to_days(from);
  // Cut from the end: the newest days, which Google still restates, then come in one report
  // read, the last one, so no day of the settling window keeps an older read's values.
  for (date::sys_days last = to_days(to); last >= start;) {
    date::sys_days first = last - date::days{days - 1};
    if (first < start) first = start;
    out.push_back({format(first), format(last)});
    last = first - date::days{1};
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string make_state(std::string_view window_start, std::string_view window_end,
                       std::string_view last_completed_day) {
  return connhost::ad_reporting::daily_state(window_start, window_end, last_completed_day);
}

std::optional<std::string> resume_from(std::string_view state, std::string_view window_start,
                                       std::string_view window_end) {
  auto last = connhost::ad_reporting::daily_state_last_day(state, window_start, window_end);
  if (!last) return std::string(window_start);
  if (*last >= window_end) return std::nullopt;
  return next_day(*last);
}

}  // namespace connhost::google
