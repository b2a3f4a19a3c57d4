#include "tiktok_window.hpp"

#include <connhost/ad_reporting.hpp>

#include <algorithm>
#include <cstdio>

namespace connhost::tiktok {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::optional<Day> parse_day(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto y = t.substr(0, 4), m = t.substr(5, 2), d = t.substr(8, 2);
  if (!all_digits(y) || !all_digits(m) || !all_digits(d)) return std::nullopt;
  date::year_month_day ymd{date::year{to_int(y)}, date::month{static_cast<unsigned>(to_int(m))},
                           date::day{static_cast<unsigned>(to_int(d))}};
  if (!ymd.ok()) return std::nullopt;
  return Day{ymd};
}

std::string format_day(Day day) {
  date::year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string make_state(Day window_start, Day window_end, Day last_completed) {
  return connhost::ad_reporting::daily_state(format_day(window_start), format_day(window_end),
                                             format_day(last_completed));
}

Day resume_from(std::string_view state, Day window_start, Day window_end) {
  auto last = connhost::ad_reporting::daily_state_last_day(state, format_day(window_start),
                                                           format_day(window_end));
  auto done = last ? parse_day(*last) : std::nullopt;
  return done ? *done + date::days{1} : window_start;
}

std::vector<Chunk> plan_chunks(Day first, Day last, int max_days) {
  std::vector<Chunk> out;
  if (max_days < 1) max_days = 1;
  // Cut from the end: the newest days, which the platform still restates, then come in one
  // report read, the last one, so no day of the settling window keeps an older read's values.
  for (Day end = last; end >= first;) {
    Day begin = std::max(first, end - date::days{max_days - 1});
    out.push_back({begin, end});
    end = begin - date::days{1};
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace connhost::tiktok
