// The host's checks on rows a plugin appends: types, nullability, dates, and checkpoints.
#include <gtest/gtest.h>

#include "plugin/row_buffer.hpp"

using connhost::plugin::RowBuffer;

namespace {

const ch_column_def kColumns[] = {
    {CH_STR("date"), CH_COL_DATE, CH_COLUMN_PRIMARY_KEY, CH_STR("")},
    {CH_STR("spend"), CH_COL_MONEY, 0, CH_STR("")},
    {CH_STR("ctr"), CH_COL_DOUBLE, CH_COLUMN_NULLABLE, CH_STR("")},
    {CH_STR("active"), CH_COL_BOOL, 0, CH_STR("")},
};
const ch_stream_def kStreams[] = {
    {sizeof(ch_stream_def), CH_STR("daily"), kColumns, 4, CH_STR("")}};
const ch_reporting_v1 kReporting{sizeof(ch_reporting_v1), kStreams, 1, nullptr};

TEST(RowBuffer, AcceptsAWellTypedRow) {
  RowBuffer b(kReporting);
  ASSERT_FALSE(b.begin("daily"));
  ASSERT_FALSE(b.set(0, std::string("2026-09-01")));
  ASSERT_FALSE(b.set(1, int64_t{12'340'000}));
  ASSERT_FALSE(b.set(3, int64_t{1}));
  ASSERT_FALSE(b.end());  // ctr is nullable and may stay unset
  ASSERT_EQ(b.rows().size(), 1u);
  EXPECT_EQ(std::get<int64_t>(b.rows()[0].values[1]), 12'340'000);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(b.rows()[0].values[2]));
}

TEST(RowBuffer, RefusesWrongTypesAndValues) {
  RowBuffer b(kReporting);
  ASSERT_FALSE(b.begin("daily"));
  EXPECT_EQ(b.set(1, 1.5).value_or(""),
            "daily.spend is money: wrong setter or value (got double 1.500000)");
  EXPECT_EQ(b.set(0, std::string("2026-9-1")).value_or(""),
            "daily.date is a date and needs YYYY-MM-DD (got string \"2026-9-1\")");
  EXPECT_EQ(b.set(3, int64_t{2}).value_or(""),
            "daily.active is bool: wrong setter or value (got int64 2)");
  EXPECT_EQ(b.set(1, std::monostate{}).value_or(""), "daily.spend is not nullable (got null)");
  EXPECT_EQ(b.set(9, int64_t{1}).value_or(""), "stream 'daily' has no column 9");
}

TEST(RowBuffer, RefusesARowMissingARequiredColumn) {
  RowBuffer b(kReporting);
  ASSERT_FALSE(b.begin("daily"));
  ASSERT_FALSE(b.set(0, std::string("2026-09-01")));
  EXPECT_EQ(b.end().value_or(""), "daily.spend was not set");
  EXPECT_TRUE(b.rows().empty());
  EXPECT_FALSE(b.begin("daily")) << "a failed row must not leave the buffer stuck";
}

TEST(RowBuffer, RefusesUnknownStreamsAndMisorderedCalls) {
  RowBuffer b(kReporting);
  EXPECT_EQ(b.begin("hourly").value_or(""), "row_begin: the plugin declares no stream 'hourly'");
  EXPECT_TRUE(b.end().has_value());
  EXPECT_TRUE(b.set(0, std::string("2026-09-01")).has_value());
  ASSERT_FALSE(b.begin("daily"));
  EXPECT_TRUE(b.begin("daily").has_value());
}

TEST(RowBuffer, CheckpointsCoverTheRowsBeforeThem) {
  RowBuffer b(kReporting);
  for (int i = 0; i < 2; ++i) {
    ASSERT_FALSE(b.begin("daily"));
    ASSERT_FALSE(b.set(0, std::string("2026-09-0") + char('1' + i)));
    ASSERT_FALSE(b.set(1, int64_t{i}));
    ASSERT_FALSE(b.set(3, int64_t{0}));
    ASSERT_FALSE(b.end());
    b.checkpoint("day" + std::to_string(i));
  }
  ASSERT_EQ(b.checkpoints().size(), 2u);
  EXPECT_EQ(b.checkpoints()[0].rows_before, 1u);
  EXPECT_EQ(b.checkpoints()[1].rows_before, 2u);
  EXPECT_EQ(b.checkpoints()[1].state, "day1");
}

}  // namespace
