#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "categories/fixture.hpp"
#include "categories/fx.hpp"
#include "store/data_generation.hpp"

namespace connhost::fx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string all(const ParseResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e + "\n";
  return out;
}

TEST(FxCsv, ParsesRatesSkippingBlankLinesAndCarriageReturns) {
  auto r = parse_csv(
      "date,currency,reporting_currency,rate\r\n2026-10-01,EUR,USD,1.08\r\n\n"
      "2026-10-02, GBP ,USD,1.27\n2026-10-02,USD,USD,1\n",
      "fx.csv");
  ASSERT_TRUE(r.ok()) << all(r);
  ASSERT_EQ(r.rates.size(), 3u);
  EXPECT_EQ(r.rates[0].date, "2026-10-01");
  EXPECT_EQ(r.rates[0].rate, 1.08);
  EXPECT_EQ(r.rates[1].currency, "GBP");
  EXPECT_EQ(r.rates[1].line, 4);
}

TEST(FxCsv, EveryBadLineIsReportedWithItsNumberAndNothingIsKept) {
  auto r = parse_csv(
      "date,currency,reporting_currency,rate\n"
      "2026-10-01,EUR,USD,1.08\n"
      "2026-02-30,EUR,USD,1.08\n"
      "2026-10-02,eur,USD,1.08\n"
      "2026-10-03,EUR,USD,-1\n"
      "2026-10-04,EUR,USD\n"
      "2026-10-01,EUR,USD,1.09\n"
      "2026-10-05,USD,USD,2\n"
      "2026-10-06,EUR,USD,abc\n",
      "fx.csv");
  EXPECT_TRUE(r.rates.empty());
  EXPECT_THAT(r.errors,
              ElementsAre("fx.csv:3: date '2026-02-30': expected YYYY-MM-DD",
                          "fx.csv:4: currency 'eur': expected an ISO 4217 code such as EUR",
                          "fx.csv:5: rate '-1': expected a positive number",
                          "fx.csv:6: expected 4 fields (date,currency,reporting_currency,rate), "
                          "got 3",
                          "fx.csv:7: a second rate for 2026-10-01 EUR->USD (first on line 2)",
                          "fx.csv:8: a currency converts into itself at rate 1",
                          "fx.csv:9: rate 'abc': expected a positive number"));
}

TEST(FxCsv, HeaderIsRequired) {
  EXPECT_THAT(all(parse_csv("2026-10-01,EUR,USD,1.08\n", "fx.csv")),
              HasSubstr("fx.csv:1: expected the header 'date,currency,reporting_currency,rate'"));
  EXPECT_THAT(all(parse_csv("", "fx.csv")), HasSubstr("fx.csv:1: empty file"));
}

TEST(FxCsv, TheShippedExampleLoads) {
  auto r = read_csv(std::filesystem::path(CONNHOST_SOURCE_DIR) / "config/fx-example.csv");
  ASSERT_TRUE(r.ok()) << all(r);
  EXPECT_GT(r.rates.size(), 5u * 400);
}

class FxReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db.account("meta", "m1", "USD");
    db.account("google", "g1", "EUR");
    db.account("tiktok", "t1", "JPY");
    db.campaign("meta", "m1", "c1", "Brand | Search | US");
    db.campaign("google", "g1", "c1", "Brand | Search | DE");
    db.campaign("tiktok", "t1", "c1", "TOF_Broad_UGC");
    // meta in USD: rate 1 without any fx row.
    db.day("meta", "m1", "c1", "2026-10-01", "USD", 10'000'000, 10, 2, 50'000'000);
    db.day("meta", "m1", "c1", "2026-10-02", "USD", 5'000'000, 0, 0, 0);
    // google in EUR: a different rate each day.
    db.day("google", "g1", "c1", "2026-10-01", "EUR", 100'000'000, 40, 4, 300'000'000);
    db.day("google", "g1", "c1", "2026-10-02", "EUR", 50'000'000, 10, 1, 0);
    // tiktok in JPY: the second day has no rate.
    db.day("tiktok", "t1", "c1", "2026-10-01", "JPY", 1'500'000'000, 0, 0, 0);
    db.day("tiktok", "t1", "c1", "2026-10-02", "JPY", 3'000'000'000, 7, 1, 0);
    db.day("tiktok", "t1", "c1", "2026-11-03", "JPY", 1'000'000'000, 7, 1, 0);
    db.rate("2026-10-01", "EUR", "USD", 1.1);
    db.rate("2026-10-02", "EUR", "USD", 1.2);
    db.rate("2026-10-01", "JPY", "USD", 0.0066667);
    db.rate("2026-10-01", "EUR", "GBP", 0.87);  // another reporting currency: never used for USD
  }

  const MonthlyRow& row(const MonthlyReport& r, const std::string& month,
                        const std::string& platform) {
    for (const auto& x : r.rows)
      if (x.month == month && x.platform == platform) return x;
    ADD_FAILURE() << "no row " << month << " " << platform;
    static MonthlyRow none;
    return none;
  }

  test::StoreFixture db;
};

TEST_F(FxReportTest, EachDayConvertsAtItsOwnRateAndSumsAreExact) {
  auto r = monthly_converted(db.sql(), {"USD", "", "", "", false});
  const auto& meta = row(r, "2026-10", "meta");
  EXPECT_EQ(meta.spend_micros, 15'000'000);
  EXPECT_EQ(meta.revenue_micros, 50'000'000);
  EXPECT_EQ(meta.clicks, 10);
  EXPECT_EQ(meta.rows_without_rate, 0);
  const auto& google = row(r, "2026-10", "google");
  EXPECT_EQ(google.spend_micros, 110'000'000 + 60'000'000);
  EXPECT_EQ(google.revenue_micros, 330'000'000);
  EXPECT_EQ(google.purchases, 5);
  EXPECT_EQ(google.clicks, 50);
  const auto& tiktok = row(r, "2026-10", "tiktok");
  EXPECT_EQ(tiktok.spend_micros, 10'000'050);  // 1500 JPY * 0.0066667, rounded to micros
  EXPECT_EQ(tiktok.rows_without_rate, 1);
}

TEST_F(FxReportTest, RowsWithoutARateAreCountedAndListedNotDropped) {
  auto r = monthly_converted(db.sql(), {"USD", "", "", "", false});
  const auto& oct = row(r, "2026-10", "tiktok");
  // The unrated day is out of every converted sum, counts included, so CPC and CPA stay honest.
  EXPECT_EQ(oct.clicks, 0);
  EXPECT_EQ(oct.purchases, 0);
  EXPECT_EQ(oct.impressions, 1000);
  const auto& nov = row(r, "2026-11", "tiktok");  // a month with no rate at all still shows
  EXPECT_EQ(nov.spend_micros, 0);
  EXPECT_EQ(nov.rows_without_rate, 1);
  ASSERT_EQ(r.missing.size(), 1u);
  EXPECT_EQ(r.missing[0].currency, "JPY");
  EXPECT_EQ(r.missing[0].rows, 2);
  EXPECT_EQ(r.missing[0].first_day, "2026-10-02");
  EXPECT_EQ(r.missing[0].last_day, "2026-11-03");
  EXPECT_EQ(r.rows_without_rate(), 2);
}

TEST_F(FxReportTest, AnotherReportingCurrencyUsesOnlyItsRates) {
  auto r = monthly_converted(db.sql(), {"GBP", "google", "", "", false});
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].spend_micros, 87'000'000);
  EXPECT_EQ(r.rows[0].rows_without_rate, 1);
  ASSERT_EQ(r.missing.size(), 1u);
  EXPECT_EQ(r.missing[0].currency, "EUR");
}

TEST_F(FxReportTest, FiltersAndCategories) {
  auto r = monthly_converted(db.sql(), {"USD", "", "2026-11", "2026-11", true});
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].platform, "tiktok");
  EXPECT_EQ(r.rows[0].category, "Uncategorized");
}

TEST_F(FxReportTest, ZeroDenominatorsGiveNoMetric) {
  auto r = monthly_converted(db.sql(), {"USD", "", "", "", false});
  const auto& nov = row(r, "2026-11", "tiktok");
  EXPECT_FALSE(cpa(nov));
  EXPECT_FALSE(roas(nov));
  EXPECT_FALSE(cpc(nov));
  const auto& meta = row(r, "2026-10", "meta");
  EXPECT_DOUBLE_EQ(*cpa(meta), 7.5);
  EXPECT_DOUBLE_EQ(*roas(meta), 50.0 / 15.0);
  EXPECT_DOUBLE_EQ(*cpc(meta), 1.5);
}

TEST_F(FxReportTest, LoadRatesUpserts) {
  auto p = parse_csv(
      "date,currency,reporting_currency,rate\n2026-10-02,JPY,USD,0.007\n"
      "2026-10-01,EUR,USD,1.5\n",
      "fx.csv");
  ASSERT_TRUE(p.ok());
  int64_t generation = store::data_generation(db.sql());
  EXPECT_EQ(load_rates(db.sql(), p.rates), 2);
  EXPECT_EQ(load_rates(db.sql(), p.rates), 2);
  // Each load is a change the cached reports must see, even one with the same number of rows.
  EXPECT_EQ(store::data_generation(db.sql()), generation + 2);
  long long n = 0;
  db.sql() << "SELECT COUNT(*) FROM fx_rates", soci::into(n);
  EXPECT_EQ(n, 5);
  auto r = monthly_converted(db.sql(), {"USD", "google", "", "", false});
  EXPECT_EQ(r.rows[0].spend_micros, 150'000'000 + 60'000'000);
  EXPECT_EQ(row(monthly_converted(db.sql(), {"USD", "tiktok", "2026-10", "2026-10", false}),
                "2026-10", "tiktok")
                .rows_without_rate,
            0);
}

TEST(FxValidation, DatesAndCurrencies) {
  EXPECT_TRUE(valid_date("2024-02-29"));
  EXPECT_FALSE(valid_date("2023-02-29"));
  EXPECT_FALSE(valid_date("2026-13-01"));
  EXPECT_FALSE(valid_date("2026-1-01"));
  EXPECT_TRUE(valid_currency("KRW"));
  EXPECT_FALSE(valid_currency("KR"));
}

}  // namespace
}  // namespace connhost::fx
