#include "pipeline/schedule_clock.hpp"

#include <date/date.h>

namespace connhost::pipeline {
namespace {

bool cron_matches(const config::Schedule& s, std::chrono::sys_seconds t) {
  auto day = date::floor<date::days>(t);
  date::year_month_day ymd{day};
  date::hh_mm_ss hms{t - day};
  unsigned dom = static_cast<unsigned>(ymd.day()), month = static_cast<unsigned>(ymd.month());
  unsigned dow = date::weekday{day}.c_encoding();
  if (!s.minutes[hms.minutes().count()] || !s.hours[hms.hours().count()] || !s.months[month])
    return false;
  bool dom_ok = s.days_of_month[dom], dow_ok = s.days_of_week[dow];
  if (s.day_of_month_any || s.day_of_week_any) return dom_ok && dow_ok;
  return dom_ok || dow_ok;  // both restricted: either may match (Vixie cron)
}

}  // namespace

std::optional<TimePoint> next_due(const config::Schedule& s, TimePoint after,
                                  std::optional<TimePoint> last_start) {
  if (s.kind == config::Schedule::Kind::every) {
    if (!last_start) return after;
    return *last_start + s.interval;
  }
  auto t = date::floor<std::chrono::minutes>(after) + std::chrono::minutes(1);
  // Four years of minutes covers every combination of month, day and weekday once.
  for (int i = 0; i < 4 * 366 * 24 * 60; ++i, t += std::chrono::minutes(1))
    if (cron_matches(s, std::chrono::time_point_cast<std::chrono::seconds>(t))) return t;
  return std::nullopt;
}

}  // namespace connhost::pipeline
