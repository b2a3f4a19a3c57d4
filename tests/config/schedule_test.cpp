#include "config/schedule.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace connhost::config {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

TEST(ScheduleTest, EveryForms) {
  struct Case {
    std::string_view text;
    std::chrono::seconds interval;
  };
  for (auto [text, interval] :
       {Case{"every 30s", 30s}, Case{"every 5m", 300s}, Case{"every 2h", 7200s},
        Case{"every 1d", 86400s}, Case{"  every   15m ", 900s}}) {
    auto r = parse_schedule(text);
    ASSERT_TRUE(r.schedule) << text << ": " << r.error;
    EXPECT_EQ(r.schedule->kind, Schedule::Kind::every);
    EXPECT_EQ(r.schedule->interval, interval) << text;
  }
}

TEST(ScheduleTest, BadEveryForms) {
  for (std::string_view text :
       {"every", "every 5", "every m", "every 5x", "every5m", "every 5 m", "every -5m",
        "every 1.5h", "every 5m now", "every 99999999999999999999s"}) {
    auto r = parse_schedule(text);
    EXPECT_FALSE(r.schedule) << text;
    EXPECT_FALSE(r.error.empty()) << text;
  }
  EXPECT_EQ(parse_schedule("every 0m").error, "the interval must be at least 1");
  EXPECT_EQ(parse_schedule("every 999999999999999999d").error, "the interval is too large");
}

TEST(ScheduleTest, CronFields) {
  auto r = parse_schedule("*/15 9-17 1,15 JAN-mar MON-FRI");
  ASSERT_TRUE(r.schedule) << r.error;
  const Schedule& s = *r.schedule;
  EXPECT_EQ(s.kind, Schedule::Kind::cron);
  EXPECT_EQ(s.minutes.count(), 4u);
  EXPECT_TRUE(s.minutes[0] && s.minutes[15] && s.minutes[30] && s.minutes[45]);
  EXPECT_EQ(s.hours.count(), 9u);
  EXPECT_TRUE(s.hours[9] && s.hours[17] && !s.hours[18]);
  EXPECT_EQ(s.days_of_month.count(), 2u);
  EXPECT_TRUE(s.days_of_month[1] && s.days_of_month[15]);
  EXPECT_EQ(s.months.count(), 3u);
  EXPECT_TRUE(s.months[1] && s.months[3] && !s.months[4]);
  EXPECT_EQ(s.days_of_week.count(), 5u);
  EXPECT_TRUE(s.days_of_week[1] && s.days_of_week[5] && !s.days_of_week[0]);
  EXPECT_FALSE(s.day_of_month_any);
  EXPECT_FALSE(s.day_of_week_any);
}

TEST(ScheduleTest, CronDetails) {
  auto sunday = parse_schedule("0 0 * * 7");
  ASSERT_TRUE(sunday.schedule);
  EXPECT_TRUE(sunday.schedule->days_of_week[0]);
  EXPECT_TRUE(sunday.schedule->day_of_month_any);

  auto stepped = parse_schedule("5/20 * * * *");  // 5, 25, 45
  ASSERT_TRUE(stepped.schedule);
  EXPECT_EQ(stepped.schedule->minutes.count(), 3u);
  EXPECT_TRUE(stepped.schedule->minutes[45]);

  auto daily = parse_schedule("@daily");
  ASSERT_TRUE(daily.schedule);
  EXPECT_EQ(daily.schedule->minutes.count(), 1u);
  EXPECT_TRUE(daily.schedule->hours[0]);
  EXPECT_EQ(daily.schedule->days_of_week.count(), 7u);
}

TEST(ScheduleTest, BadCronLines) {
  struct Case {
    std::string_view text;
    std::string_view why;
  };
  for (auto [text, why] : {
           Case{"* * * *", "5 fields"},
           Case{"* * * * * *", "found 6"},
           Case{"60 * * * *", "minute field: value 60 is outside 0-59"},
           Case{"* 24 * * *", "hour field: value 24 is outside 0-23"},
           Case{"* * 0 * *", "day-of-month field: value 0 is outside 1-31"},
           Case{"* * * 13 *", "month field: value 13 is outside 1-12"},
           Case{"* * * * 8", "day-of-week field: value 8 is outside 0-7"},
           Case{"5-1 * * * *", "runs backwards"},
           Case{"*/0 * * * *", "step must be"},
           Case{"a * * * *", "'a' is not a number"},
           Case{"* * * foo *", "'foo' is not a number or a name"},
           Case{"1,,2 * * * *", "empty list item"},
           Case{"@sometimes", "unknown cron macro"},
           Case{"@daily extra", "stands alone"},
           Case{"", "empty schedule"},
       }) {
    auto r = parse_schedule(text);
    EXPECT_FALSE(r.schedule) << text;
    EXPECT_THAT(r.error, HasSubstr(why)) << text;
  }
}

TEST(LookbackTest, Forms) {
  EXPECT_EQ(parse_lookback("7d").days, 7);
  EXPECT_EQ(parse_lookback("365d").days, 365);
  EXPECT_TRUE(parse_lookback("7d").error.empty());
  for (std::string_view bad : {"", "d", "7", "7h", "-1d", "7 d", " 7d", "1.5d", "99999999999d"})
    EXPECT_EQ(parse_lookback(bad).error, "expected \"<N>d\", e.g. \"7d\"") << bad;
  EXPECT_EQ(parse_lookback("0d").error, "the lookback must be at least 1d");
}

}  // namespace
}  // namespace connhost::config
