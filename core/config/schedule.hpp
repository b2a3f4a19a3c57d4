#pragma once

// The timing syntax of pipelines: `schedule` ("every 5m" or a cron line) and `lookback` ("7d").
// Parsed here once so that the config validator and the scheduler agree on what is valid.

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace connhost::config {

struct Schedule {
  enum class Kind { every, cron };
  Kind kind = Kind::every;

  // Kind::every: the period.
  std::chrono::seconds interval{0};

  // Kind::cron: the values each field allows. Days of week: 0 = Sunday (7 is read as 0).
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  // bits 1..31
  std::bitset<13> months;         // bits 1..12
  std::bitset<7> days_of_week;
  // Vixie cron semantics: when both day fields are restricted (not '*'), a day matches if
  // either matches; the scheduler needs to know which were written as '*'.
  bool day_of_month_any = true;
  bool day_of_week_any = true;
};

struct ScheduleResult {
  std::optional<Schedule> schedule;
  std::string error;  // set when `schedule` is nullopt
};

// "every <N><s|m|h|d>" with N >= 1, or a cron line of 5 fields (minute hour day-of-month month
// day-of-week; '*', lists, ranges, steps, month and weekday names), or one of @yearly,
// @annually, @monthly, @weekly, @daily, @midnight, @hourly.
ScheduleResult parse_schedule(std::string_view text);

struct LookbackResult {
  int days = 0;
  std::string error;  // set when the text is not "<N>d" with N >= 1
};

LookbackResult parse_lookback(std::string_view text);

}  // namespace connhost::config
