// `connhost categories`, `connhost fx load` and `connhost report monthly --currency` as ops run
// them, on a temporary SQLite store with fixture rows.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include "cli/run_connhost.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "store/session.hpp"

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

namespace {

using connhost::testing::CliRun;

CliRun run(const std::string& args) {
  return connhost::testing::run_connhost(args);
}

class CategoriesCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("connhost-cat-cli-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    write("categories.toml",
          "[[rule]]\ncategory = \"Brand\"\nmatch = \"regex\"\npattern = '^brand\\b'\n"
          "[[rule]]\ncategory = \"Retargeting\"\npattern = \"rtg\"\n");
    config = write("connhost.toml",
                   "[host]\nplugin_dirs = []\n[store]\npath = \"store.db\"\n"
                   "[reporting]\ncategories_file = \"categories.toml\"\ncurrency = \"USD\"\n");
    connhost::store::StoreOptions o;
    o.sqlite_path = dir / "store.db";
    auto store = connhost::store::Store::open(o);
    store.migrate();
    auto& sql = store.session();
    sql << "INSERT INTO ad_campaigns (platform, account_id, campaign_id, name, status, objective) "
           "VALUES ('meta', 'a1', 'c1', 'Brand | Search | US', 'ACTIVE', 'OUTCOME_SALES'), "
           "('meta', 'a1', 'c2', 'RTG - Summer Sale', 'ACTIVE', 'OUTCOME_SALES'), "
           "('google', 'g1', 'c9', 'TOF_Broad_UGC', 'ACTIVE', 'SEARCH')";
    sql << "INSERT INTO campaign_daily (platform, account_id, campaign_id, date, currency, "
           "spend_micros, impressions, clicks, purchases, purchase_value_micros) VALUES "
           "('meta', 'a1', 'c1', '2026-10-01', 'USD', 10000000, 100, 10, 2, 50000000), "
           "('meta', 'a1', 'c2', '2026-10-01', 'USD', 5000000, 100, 0, 0, 0), "
           "('google', 'g1', 'c9', '2026-10-01', 'EUR', 100000000, 100, 40, 4, 300000000), "
           "('google', 'g1', 'c9', '2026-10-02', 'EUR', 50000000, 100, 10, 1, 0)";
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  }
  CliRun connhost(const std::string& args) {
    return run("--config " + config.string() + " " + args);
  }

  fs::path dir, config;
};

TEST_F(CategoriesCliTest, ApplyThenOverridesRecategorizeWithoutAResync) {
  auto r = connhost("categories apply");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("(2 rules)"));
  EXPECT_THAT(r.out,
              HasSubstr("categorized 3 campaigns: 0 by override, 2 by rule, 1 Uncategorized"));

  auto by_cat = connhost("report monthly --by-category");
  EXPECT_THAT(by_cat.out, HasSubstr("Brand"));
  EXPECT_THAT(by_cat.out, HasSubstr("Retargeting"));

  r = connhost("categories override set google c9 Prospecting --type Video");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("override google c9 -> Prospecting (type Video)"));
  EXPECT_THAT(r.out, HasSubstr("categorized 1 campaigns: 1 by override, 0 by rule"));
  r = connhost("categories override list");
  EXPECT_THAT(r.out, HasSubstr("google    c9        Prospecting  Video"));
  EXPECT_THAT(connhost("report monthly --by-category --platform google").out,
              HasSubstr("Prospecting"));

  r = connhost("categories override delete google c9");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(connhost("categories override list").out, HasSubstr("no overrides"));
  EXPECT_THAT(connhost("report monthly --by-category --platform google").out,
              HasSubstr("Uncategorized"));
  r = connhost("categories override delete google c9");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("no override for google c9"));
}

TEST_F(CategoriesCliTest, ABrokenRulesFileIsAConfigErrorWithLineAndColumn) {
  write("categories.toml", "[[rule]]\ncategory = \"X\"\nmatch = \"regex\"\npattern = \"(\"\n");
  auto r = connhost("categories apply");
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_THAT(r.out, HasSubstr("categories.toml:4:11: rule[0].pattern: rule 1 ('X'): invalid "
                               "regex '('"));
}

TEST_F(CategoriesCliTest, FxLoadRefusesABadFileWholeAndLoadsAGoodOne) {
  auto bad = write("bad.csv",
                   "date,currency,reporting_currency,rate\n2026-10-01,EUR,USD,1.1\n"
                   "2026-10-02,EUR,USD,zero\n");
  auto r = connhost("fx load " + bad.string());
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("bad.csv:3: rate 'zero': expected a positive number"));
  EXPECT_THAT(r.out, HasSubstr("1 error, nothing loaded"));

  // Nothing was loaded: every EUR row is flagged.
  r = connhost("report monthly --currency USD");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("2 rows without a USD rate, left out of converted sums"));
  EXPECT_THAT(r.out, HasSubstr("EUR: 2 rows, days 2026-10-01 to 2026-10-02"));

  auto good = write("fx.csv",
                    "date,currency,reporting_currency,rate\n2026-10-01,EUR,USD,1.1\n"
                    "2026-10-02,EUR,USD,1.2\n");
  r = connhost("fx load " + good.string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("loaded 2 rates"));
  // No value: [reporting] currency.
  r = connhost("report monthly --currency");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, Not(HasSubstr("without a")));
  // google: 100*1.1 + 50*1.2 = 170.00 USD spend, 330.00 revenue, 5 purchases, 50 clicks.
  EXPECT_THAT(r.out, HasSubstr("2026-10  google    USD       170.00"));
  EXPECT_THAT(r.out, HasSubstr("34.00  1.94  3.40"));
  // meta: 15.00 spend, 50.00 revenue; the unified row sums both platforms.
  EXPECT_THAT(r.out, HasSubstr("2026-10  meta      USD       15.00"));
  EXPECT_THAT(r.out, HasSubstr("2026-10  all       USD       185.00"));
}

TEST_F(CategoriesCliTest, ZeroDenominatorsPrintADash) {
  connhost("categories apply");
  auto r = connhost("report monthly --currency USD --platform meta --by-category");
  EXPECT_EQ(r.code, 0) << r.out;
  // Retargeting: 5.00 spend, no clicks, no purchases, no revenue: CPA and CPC '-', ROAS 0.00.
  EXPECT_THAT(r.out, HasSubstr("Retargeting  USD       5.00   100          0       0.00       "
                               "0.00     -     0.00  -"));
}

TEST_F(CategoriesCliTest, ABadCurrencyIsAUsageError) {
  auto r = connhost("report monthly --currency usd");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.out, HasSubstr("expected an ISO 4217 code"));
}

}  // namespace
