// When pipelines are due: intervals from the previous start, cron lines minute by minute in UTC.
#include <date/date.h>
#include <gtest/gtest.h>

#include "config/schedule.hpp"
#include "pipeline/schedule_clock.hpp"

namespace {

using connhost::pipeline::next_due;
using connhost::pipeline::TimePoint;
using namespace std::chrono;

TimePoint at(const char* iso) {
  std::istringstream in(iso);
  date::sys_seconds t;
  in >> date::parse("%Y-%m-%dT%H:%M:%S", t);
  EXPECT_FALSE(in.fail()) << iso;
  return t;
}

connhost::config::Schedule sched(const char* text) {
  auto r = connhost::config::parse_schedule(text);
  EXPECT_TRUE(r.schedule) << text << ": " << r.error;
  return *r.schedule;
}

TEST(NextDue, AnIntervalCountsFromThePreviousStart) {
  auto s = sched("every 5m");
  auto now = at("2026-11-20T10:00:30");
  EXPECT_EQ(*next_due(s, now, std::nullopt), now) << "never ran: due at once";
  EXPECT_EQ(*next_due(s, now, at("2026-11-20T09:58:00")), at("2026-11-20T10:03:00"));
}

TEST(NextDue, HourlyCron) {
  EXPECT_EQ(*next_due(sched("0 * * * *"), at("2026-11-20T10:00:00"), {}),
            at("2026-11-20T11:00:00"));
  EXPECT_EQ(*next_due(sched("0 * * * *"), at("2026-11-20T10:59:59"), {}),
            at("2026-11-20T11:00:00"));
}

TEST(NextDue, CronWithStepsAndWeekdays) {
  // 2026-11-20 is a Friday; "at 06:30 on Mondays" is next on 2026-11-23.
  EXPECT_EQ(*next_due(sched("30 6 * * 1"), at("2026-11-20T12:00:00"), {}),
            at("2026-11-23T06:30:00"));
  EXPECT_EQ(*next_due(sched("*/15 * * * *"), at("2026-11-20T12:01:00"), {}),
            at("2026-11-20T12:15:00"));
}

TEST(NextDue, BothDayFieldsRestrictedMatchEither) {
  // Vixie cron: the 1st of the month OR any Monday.
  auto s = sched("0 0 1 * 1");
  EXPECT_EQ(*next_due(s, at("2026-11-20T12:00:00"), {}), at("2026-11-23T00:00:00"));
  EXPECT_EQ(*next_due(s, at("2026-11-24T12:00:00"), {}), at("2026-11-30T00:00:00"));
  EXPECT_EQ(*next_due(s, at("2026-11-30T12:00:00"), {}), at("2026-12-01T00:00:00"));
}

TEST(NextDue, AnImpossibleDateNeverComes) {
  EXPECT_FALSE(next_due(sched("0 0 30 2 *"), at("2026-11-20T12:00:00"), {}));
}

}  // namespace
