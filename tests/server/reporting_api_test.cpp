// The reporting API over a store the test fills itself: every expected figure below is summed by
// the test from the rows it inserted, never taken from an answer. Covers the sums and derived
// metrics (null on a zero denominator), FX conversion with rows lacking a rate flagged, the
// filters, sorting and paging, the 400s, and category rules and overrides applied at once.

#include <gmock/gmock.h>
#include <soci/soci.h>

#include <cmath>
#include <map>

#include "server/report_cache.hpp"
#include "server_fixture.hpp"
#include "store/data_generation.hpp"
#include "store/session.hpp"

namespace connhost::test {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

struct Row {
  std::string platform, account, campaign, date, currency;
  int64_t spend, impressions, clicks;
  double purchases;
  int64_t value;
};

class ReportingApiTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    start();
    auto s = open_store();
    auto& sql = s.session();
    sql << "INSERT INTO ad_accounts (platform, account_id, connection, name, currency, time_zone) "
           "VALUES ('meta', '1', 'conn_a', 'Meta One', 'USD', 'UTC'), "
           "('google', '2', 'conn_a', 'Google Two', 'EUR', 'Europe/Berlin')";
    sql << "INSERT INTO ad_campaigns (platform, account_id, campaign_id, name, status, objective) "
           "VALUES ('meta', '1', 'c1', 'Brand Search', 'ACTIVE', 'OUTCOME_SALES'), "
           "('meta', '1', 'c2', 'Prospecting 100%_off', 'PAUSED', 'OUTCOME_TRAFFIC'), "
           "('meta', '1', 'c3', 'Zero Clicks', 'ACTIVE', 'OUTCOME_AWARENESS'), "
           "('google', '2', 'g1', 'Generic', 'ENABLED', 'SEARCH')";
    for (int d = 0; d < 12; ++d) {
      // 2026-09-29 .. 2026-10-10: two months.
      std::string date =
          d < 2 ? "2026-09-" + std::to_string(29 + d)
                : "2026-10-" + std::string(d - 1 < 10 ? "0" : "") + std::to_string(d - 1);
      rows.push_back({"meta", "1", "c1", date, "USD", 1'000'000 * (d + 1) + 123, 1000 + d, 50 + d,
                      2.0 + d % 3, 9'000'000 + 17 * d});
      rows.push_back({"meta", "1", "c2", date, "USD", 2'500'000 + 10'000 * d, 3000, 20 + 2 * d,
                      d % 2 ? 1.0 : 0.0, d % 2 ? 4'000'000 : 0});
      rows.push_back({"google", "2", "g1", date, "EUR", 3'333'333 + d, 800, 40, 1.5, 7'777'777});
    }
    rows.push_back({"meta", "1", "c3", "2026-10-05", "USD", 1'234'567, 0, 0, 0, 0});
    for (const auto& r : rows) {
      long long sp = r.spend, im = r.impressions, cl = r.clicks, v = r.value;
      double pu = r.purchases;
      std::string p = r.platform, a = r.account, c = r.campaign, d = r.date, cur = r.currency;
      sql << "INSERT INTO campaign_daily (platform, account_id, campaign_id, date, currency, "
             "spend_micros, impressions, clicks, purchases, purchase_value_micros) VALUES (:p, "
             ":a, :c, :d, :cur, :s, :i, :cl, :pu, :v)",
          soci::use(p), soci::use(a), soci::use(c), soci::use(d), soci::use(cur), soci::use(sp),
          soci::use(im), soci::use(cl), soci::use(pu), soci::use(v);
    }
    // EUR -> USD for every day but the last: the google row of 2026-10-10 has no rate.
    for (const auto& r : rows)
      if (r.currency == "EUR" && r.date != "2026-10-10") {
        std::string d = r.date;
        sql << "INSERT INTO fx_rates (date, currency, reporting_currency, rate) VALUES (:d, "
               "'EUR', 'USD', 1.1) ON CONFLICT DO NOTHING",
            soci::use(d);
      }
  }

  // The expected sums of the rows `keep` selects, converted to USD as the API must.
  struct Expected {
    int64_t spend = 0, impressions = 0, clicks = 0, value = 0, without_rate = 0;
    double purchases = 0;
  };
  template <class Keep>
  Expected expect(Keep keep) const {
    Expected e;
    for (const auto& r : rows) {
      if (!keep(r)) continue;
      double rate = 1;
      if (r.currency == "EUR") {
        if (r.date == "2026-10-10") {
          ++e.without_rate;
          continue;
        }
        rate = 1.1;
      }
      e.spend += std::llround(static_cast<double>(r.spend) * rate);
      e.value += std::llround(static_cast<double>(r.value) * rate);
      e.impressions += r.impressions;
      e.clicks += r.clicks;
      e.purchases += r.purchases;
    }
    return e;
  }

  static void expect_metrics(const json::value& m, const Expected& e, const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_NEAR(m.at("spend").to_number<double>(), e.spend / 1e6, 1e-6);
    EXPECT_NEAR(m.at("revenue").to_number<double>(), e.value / 1e6, 1e-6);
    EXPECT_EQ(m.at("impressions").to_number<int64_t>(), e.impressions);
    EXPECT_EQ(m.at("clicks").to_number<int64_t>(), e.clicks);
    EXPECT_NEAR(m.at("purchases").to_number<double>(), e.purchases, 1e-9);
    EXPECT_EQ(m.at("rows_without_rate").to_number<int64_t>(), e.without_rate);
    if (e.purchases > 0)
      EXPECT_NEAR(m.at("cpa").to_number<double>(), e.spend / 1e6 / e.purchases, 1e-9);
    else
      EXPECT_TRUE(m.at("cpa").is_null());
    if (e.spend > 0)
      EXPECT_NEAR(m.at("roas").to_number<double>(), double(e.value) / double(e.spend), 1e-9);
    else
      EXPECT_TRUE(m.at("roas").is_null());
    if (e.clicks > 0)
      EXPECT_NEAR(m.at("cpc").to_number<double>(), e.spend / 1e6 / double(e.clicks), 1e-9);
    else
      EXPECT_TRUE(m.at("cpc").is_null());
    if (e.impressions > 0)
      EXPECT_NEAR(m.at("ctr").to_number<double>(), double(e.clicks) / double(e.impressions), 1e-12);
    else
      EXPECT_TRUE(m.at("ctr").is_null());
  }

  json::value ok_json(const std::string& target) {
    auto r = get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return json(r);
  }

  Reply send(const std::string& method, const std::string& target, const std::string& body = "") {
    return call(port, method, target, {{"Content-Type", "application/json"}}, body);
  }

  std::vector<Row> rows;
  static constexpr const char* kRange = "start_date=2026-09-01&end_date=2026-10-31";
};

TEST_F(ReportingApiTest, UnifiedDashboardConvertsAndFlagsRowsWithoutARate) {
  auto d = ok_json(std::string("/api/unified-reports/dashboard?") + kRange);
  EXPECT_EQ(d.at("currency"), "USD");
  expect_metrics(d.at("totals"), expect([](const Row&) { return true; }), "totals");
  const auto& missing = d.at("missing_rates").as_array();
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].at("currency"), "EUR");
  EXPECT_EQ(missing[0].at("rows"), 1);
  EXPECT_EQ(missing[0].at("first_day"), "2026-10-10");
  // Per platform, and one point per day in the series.
  std::map<std::string, json::value> by_platform;
  for (const auto& p : d.at("by_platform").as_array())
    by_platform[std::string(p.at("platform").as_string())] = p;
  ASSERT_EQ(by_platform.size(), 2u);
  expect_metrics(by_platform["google"], expect([](const Row& r) { return r.platform == "google"; }),
                 "google");
  EXPECT_EQ(d.at("series").as_array().size(), 12u);
  expect_metrics(d.at("series").as_array()[0],
                 expect([](const Row& r) { return r.date == "2026-09-29"; }), "first day");
}

TEST_F(ReportingApiTest, DerivedMetricsAreNullWhenTheirDenominatorIsZero) {
  auto d = ok_json(std::string("/api/meta-reports/dashboard?search=zero&") + kRange);
  expect_metrics(d.at("totals"), expect([](const Row& r) { return r.campaign == "c3"; }), "c3");
  EXPECT_TRUE(d.at("totals").at("cpa").is_null());
  EXPECT_TRUE(d.at("totals").at("cpc").is_null());
  EXPECT_EQ(d.at("totals").at("roas").to_number<double>(), 0.0);  // spend without revenue
}

TEST_F(ReportingApiTest, MonthlyPivotTotalsAreSumsNotAveragesOfCells) {
  auto m = ok_json(std::string("/api/meta-reports/monthly?") + kRange);
  EXPECT_EQ(m.at("months"), json::parse(R"(["2026-09","2026-10"])"));
  expect_metrics(m.at("total"), expect([](const Row& r) { return r.platform == "meta"; }), "total");
  for (const auto& mt : m.at("month_totals").as_array()) {
    std::string month(mt.at("month").as_string());
    expect_metrics(mt, expect([&](const Row& r) {
                     return r.platform == "meta" && r.date.substr(0, 7) == month;
                   }),
                   month);
  }
  EXPECT_EQ(m.at("cells").as_array().size(), 2u);  // one category (Uncategorized) x two months
}

TEST_F(ReportingApiTest, DefaultRangeIsThe30DaysUpToTheLatestDay) {
  auto d = ok_json("/api/google-reports/dashboard");
  EXPECT_EQ(d.at("end_date"), "2026-10-10");
  EXPECT_EQ(d.at("start_date"), "2026-09-11");
  auto m = ok_json("/api/google-reports/monthly");
  EXPECT_EQ(m.at("start_date"), "2025-11-01");
}

TEST_F(ReportingApiTest, CampaignsSortPageAndSearchLiterally) {
  auto all = ok_json(std::string("/api/unified-reports/campaigns?sort=spend&order=desc&") + kRange);
  EXPECT_EQ(all.at("total"), 4);
  std::vector<std::pair<int64_t, std::string>> expected;
  for (std::string c : {"c1", "c2", "c3", "g1"})
    expected.push_back({expect([&](const Row& r) { return r.campaign == c; }).spend, c});
  std::sort(expected.rbegin(), expected.rend());
  const auto& list = all.at("campaigns").as_array();
  ASSERT_EQ(list.size(), 4u);
  for (size_t i = 0; i < 4; ++i)
    EXPECT_EQ(std::string(list[i].at("campaign_id").as_string()), expected[i].second) << i;

  // Two pages of two: together the same four, in the same order.
  for (int page : {1, 2}) {
    auto p = ok_json("/api/unified-reports/campaigns?sort=spend&order=desc&page_size=2&page=" +
                     std::to_string(page) + "&" + kRange);
    ASSERT_EQ(p.at("campaigns").as_array().size(), 2u);
    for (size_t i = 0; i < 2; ++i)
      EXPECT_EQ(std::string(p.at("campaigns").as_array()[i].at("campaign_id").as_string()),
                expected[(page - 1) * 2 + i].second);
  }
  // '%' and '_' in a search are literal characters.
  auto s = ok_json(std::string("/api/unified-reports/campaigns?search=100%25_&") + kRange);
  ASSERT_EQ(s.at("campaigns").as_array().size(), 1u);
  EXPECT_EQ(s.at("campaigns").as_array()[0].at("campaign_id"), "c2");
  // CPA ascending puts the campaign without purchases last.
  auto cpa = ok_json(std::string("/api/meta-reports/campaigns?sort=cpa&order=asc&") + kRange);
  EXPECT_EQ(cpa.at("campaigns").as_array().back().at("campaign_id"), "c3");
}

TEST_F(ReportingApiTest, BadParametersAre400sNamingTheParameter) {
  auto check = [&](const std::string& target, const std::string& param) {
    auto r = get(target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(error_code(r), "bad_parameter") << target;
    EXPECT_THAT(std::string(json(r).at("error").at("message").as_string()), HasSubstr(param))
        << target;
  };
  check("/api/meta-reports/dashboard?start_date=2026-13-01", "start_date");
  check("/api/meta-reports/dashboard?start_date=2026-10-05&end_date=2026-10-01", "start_date");
  check("/api/meta-reports/monthly?categories=Nope", "categories");
  check("/api/meta-reports/campaigns?sort=bogus", "sort");
  check("/api/meta-reports/campaigns?page_size=501", "page_size");
  check("/api/unified-reports/dashboard?currency=usd", "currency");
  EXPECT_EQ(get("/api/bing-reports/dashboard").status, 404);
  EXPECT_EQ(send("DELETE", "/api/meta-reports/dashboard").status, 405);
}

TEST_F(ReportingApiTest, RulesAndOverridesApplyAtOnce) {
  auto added = send("POST", "/api/categories/rules",
                    R"({"category":"Brand","match":"contains","pattern":"BRAND"})");
  ASSERT_EQ(added.status, 201) << added.body;
  int64_t id = json(added).at("id").as_int64();
  EXPECT_EQ(json(added).at("applied").at("by_rule"), 1);

  auto d = ok_json(std::string("/api/meta-reports/dashboard?categories=Brand&") + kRange);
  expect_metrics(d.at("totals"), expect([](const Row& r) { return r.campaign == "c1"; }), "Brand");
  auto cats = ok_json("/api/meta-reports/categories");
  bool brand_listed = false;
  for (const auto& c : cats.at("categories").as_array())
    if (c.at("category") == "Brand") brand_listed = c.at("campaigns") == 1;
  EXPECT_TRUE(brand_listed) << cats;

  auto o = send("PUT", "/api/categories/overrides/google/g1",
                R"({"category":"Retargeting","campaign_type":"Search"})");
  ASSERT_EQ(o.status, 200) << o.body;
  auto r = ok_json(std::string("/api/unified-reports/campaigns?categories=Retargeting&") + kRange);
  ASSERT_EQ(r.at("campaigns").as_array().size(), 1u);
  EXPECT_EQ(r.at("campaigns").as_array()[0].at("campaign_type"), "Search");

  // Removing the rule puts c1 back into Uncategorized on the next request.
  EXPECT_EQ(send("DELETE", "/api/categories/rules/" + std::to_string(id)).status, 204);
  auto after = ok_json(std::string("/api/meta-reports/campaigns?search=brand&") + kRange);
  EXPECT_EQ(after.at("campaigns").as_array()[0].at("category"), "Uncategorized");
  EXPECT_EQ(send("DELETE", "/api/categories/rules/" + std::to_string(id)).status, 404);
  EXPECT_EQ(send("DELETE", "/api/categories/overrides/google/g1").status, 204);

  auto bad =
      send("POST", "/api/categories/rules", R"({"category":"X","match":"regex","pattern":"("})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("pattern"));
  EXPECT_EQ(send("POST", "/api/categories/rules", "not json").status, 400);
  EXPECT_EQ(send("PUT", "/api/categories/overrides/bing/x", R"({"category":"A"})").status, 400);
}

TEST_F(ReportingApiTest, CachedReportsFollowTheData) {
  server::ReportCache cache({});
  ctx->reports = &cache;
  const std::string target = std::string("/api/meta-reports/dashboard?") + kRange;
  auto before = ok_json(target);
  EXPECT_EQ(ok_json(target), before);
  EXPECT_EQ(cache.stats().hits, 1);
  // Rows written without bumping the data generation are not seen: the cached answer stays.
  auto s = open_store();
  s.session() << "INSERT INTO campaign_daily (platform, account_id, campaign_id, date, "
                 "currency, spend_micros, impressions, clicks, purchases, "
                 "purchase_value_micros) VALUES ('meta', '1', 'c3', '2026-10-06', 'USD', "
                 "5000000, 10, 1, 0, 0)";
  EXPECT_EQ(ok_json(target), before);
  // A writer bumps it with its rows (the stream writer does, per checkpoint): the next answer
  // has them.
  store::bump_data_generation(s.session());
  auto after = ok_json(target);
  EXPECT_NEAR(after.at("totals").at("spend").to_number<double>(),
              before.at("totals").at("spend").to_number<double>() + 5.0, 1e-6);
  // A rule added through the API shows in the next answer at once.
  ASSERT_EQ(send("POST", "/api/categories/rules", R"({"category":"Zero","pattern":"zero"})").status,
            201);
  bool zero = false;
  auto with_rule = ok_json(target);
  for (const auto& c : with_rule.at("by_category").as_array())
    zero = zero || c.at("category") == "Zero";
  EXPECT_TRUE(zero);
  ctx->reports = nullptr;
}

TEST_F(ReportingApiTest, SyncWithoutARunnerIsUnavailableNotAnError) {
  auto r = send("POST", "/api/meta-reports/sync");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(error_code(r), "not_ready");
}

}  // namespace
}  // namespace connhost::test
