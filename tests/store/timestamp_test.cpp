// The store's timestamp text: written by timestamp_at, read back by parse_timestamp (the forms
// PostgreSQL and SQLite give), and nothing else taken for a time.

#include "store/timestamp.hpp"

#include <gtest/gtest.h>

namespace connhost::store {
namespace {

using namespace std::chrono;

TEST(StoreTimestamp, WrittenAndReadBack) {
  sys_time<milliseconds> t =
      sys_days(year(2026) / 11 / 22) + hours(18) + minutes(53) + seconds(13) + milliseconds(123);
  EXPECT_EQ(timestamp_at(t), "2026-11-22T18:53:13.123Z");
  EXPECT_EQ(parse_timestamp("2026-11-22T18:53:13.123Z"), t);
  EXPECT_EQ(parse_timestamp("2026-11-22 18:53:13.123+00"), t);
  EXPECT_EQ(parse_timestamp("2026-11-22T18:53:13.12345+00:00"), t);
  EXPECT_EQ(parse_timestamp("2026-11-22T18:53:13Z"), t - milliseconds(123));
  auto now = time_point_cast<milliseconds>(system_clock::now());
  EXPECT_EQ(parse_timestamp(timestamp_at(now)), now);
}

TEST(StoreTimestamp, AnythingElseIsNotATime) {
  for (std::string_view bad :
       {"", "2026-11-22", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-22T24:00:00Z",
        "2026-11-22T18:53:13.Z", "2026-11-22T18:53:13+02:00", "yesterday"})
    EXPECT_FALSE(parse_timestamp(bad)) << bad;
}

}  // namespace
}  // namespace connhost::store
