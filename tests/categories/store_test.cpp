#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "categories/fixture.hpp"
#include "categories/recategorize.hpp"
#include "config/categories.hpp"
#include "store/data_generation.hpp"

namespace connhost::categories {
namespace {

Rules rules(std::string_view toml) {
  auto r = config::load_category_rules_string(toml, "/cfg/categories.toml");
  EXPECT_TRUE(r.ok());
  return Rules(std::move(r.rules));
}

constexpr std::string_view kRules = R"(
[[rule]]
category = "Brand"
match = "regex"
pattern = '^brand\b'
campaign_type = "Search"
[[rule]]
category = "Retargeting"
pattern = "rtg"
)";

class CategoriesRecategorizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db.account("meta", "a1", "USD");
    db.account("google", "g1", "EUR");
    db.campaign("meta", "a1", "c1", "Brand | Search | US", "OUTCOME_SALES");
    db.campaign("meta", "a1", "c2", "RTG - Summer Sale", "OUTCOME_TRAFFIC");
    db.campaign("meta", "a1", "c3", "TOF_Broad_UGC", "OUTCOME_AWARENESS");
    db.campaign("google", "g1", "c1", "Brand | Search | DE", "SEARCH");
    for (auto [p, a, c] : {std::tuple{"meta", "a1", "c1"}, std::tuple{"meta", "a1", "c2"},
                           std::tuple{"meta", "a1", "c3"}, std::tuple{"google", "g1", "c1"}})
      db.day(p, a, c, "2026-10-01", p == std::string("meta") ? "USD" : "EUR", 10'000'000, 5, 1,
             30'000'000);
  }

  // platform/campaign -> "category|type|source" from campaign_categories.
  std::map<std::string, std::string> categories() {
    std::map<std::string, std::string> out;
    std::string p, c, cat, type, src;
    soci::indicator ti;
    soci::statement st =
        (db.sql().prepare << "SELECT platform, campaign_id, category, "
                             "campaign_type, source FROM campaign_categories",
         soci::into(p), soci::into(c), soci::into(cat), soci::into(type, ti), soci::into(src));
    st.execute();
    while (st.fetch()) out[p + "/" + c] = cat + "|" + (ti == soci::i_ok ? type : "") + "|" + src;
    return out;
  }

  // platform/campaign -> "category|campaign_type" as the unified view shows them.
  std::map<std::string, std::string> view() {
    std::map<std::string, std::string> out;
    std::string p, c, cat, type;
    soci::indicator ti;
    soci::statement st =
        (db.sql().prepare << "SELECT platform, campaign_id, category, campaign_type FROM "
                             "unified_campaign_data",
         soci::into(p), soci::into(c), soci::into(cat), soci::into(type, ti));
    st.execute();
    while (st.fetch()) out[p + "/" + c] = cat + "|" + (ti == soci::i_ok ? type : "");
    return out;
  }

  std::string daily_digest() {
    long long n = 0, spend = 0, value = 0;
    db.sql() << "SELECT COUNT(*), SUM(spend_micros), SUM(purchase_value_micros) FROM "
                "campaign_daily",
        soci::into(n), soci::into(spend), soci::into(value);
    return std::to_string(n) + "/" + std::to_string(spend) + "/" + std::to_string(value);
  }

  test::StoreFixture db;
};

TEST_F(CategoriesRecategorizeTest, BeforeAnyRunTheViewFallsBackToUncategorizedAndTheObjective) {
  EXPECT_EQ(view()["meta/c2"], "Uncategorized|OUTCOME_TRAFFIC");
}

TEST_F(CategoriesRecategorizeTest, RulesFillCampaignCategoriesAndTheView) {
  auto before = daily_digest();
  int64_t generation = store::data_generation(db.sql());
  auto r = recategorize(db.sql(), rules(kRules));
  EXPECT_EQ(store::data_generation(db.sql()), generation + 1);
  EXPECT_EQ(r.campaigns, 4);
  EXPECT_EQ(r.by_rule, 3);
  EXPECT_EQ(r.by_fallback, 1);
  EXPECT_EQ(r.by_override, 0);
  auto c = categories();
  EXPECT_EQ(c["meta/c1"], "Brand|Search|rule");
  EXPECT_EQ(c["meta/c2"], "Retargeting||rule");
  EXPECT_EQ(c["meta/c3"], "Uncategorized||fallback");
  EXPECT_EQ(c["google/c1"], "Brand|Search|rule");
  auto v = view();
  EXPECT_EQ(v["meta/c1"], "Brand|Search");
  EXPECT_EQ(v["meta/c2"], "Retargeting|OUTCOME_TRAFFIC");  // no rule type: the objective
  EXPECT_EQ(v["meta/c3"], "Uncategorized|OUTCOME_AWARENESS");
  EXPECT_EQ(daily_digest(), before);
}

TEST_F(CategoriesRecategorizeTest, OverrideWinsOverRulesAndDeletingItRestoresTheRule) {
  auto rs = rules(kRules);
  set_override(db.sql(), {"meta", "c1", "Hero", "Flagship", {}});
  set_override(db.sql(), {"meta", "c3", "Prospecting", "", {}});
  auto r = recategorize(db.sql(), rs);
  EXPECT_EQ(r.by_override, 2);
  auto c = categories();
  EXPECT_EQ(c["meta/c1"], "Hero|Flagship|override");
  EXPECT_EQ(c["meta/c3"], "Prospecting||override");
  EXPECT_EQ(c["google/c1"], "Brand|Search|rule");  // same campaign id, other platform
  EXPECT_EQ(view()["meta/c3"], "Prospecting|OUTCOME_AWARENESS");

  set_override(db.sql(), {"meta", "c1", "Hero 2", "", {}});  // an upsert, not a second row
  auto list = list_overrides(db.sql());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].category, "Hero 2");
  EXPECT_EQ(list[0].campaign_type, "");
  EXPECT_FALSE(list[0].updated_at.empty());

  EXPECT_TRUE(delete_override(db.sql(), "meta", "c1"));
  EXPECT_FALSE(delete_override(db.sql(), "meta", "c1"));
  recategorize(db.sql(), rs);
  EXPECT_EQ(categories()["meta/c1"], "Brand|Search|rule");
}

TEST_F(CategoriesRecategorizeTest, ChangedRulesRecategorizeWithoutTouchingFacts) {
  recategorize(db.sql(), rules(kRules));
  auto before = daily_digest();
  recategorize(db.sql(), rules(R"(
[[rule]]
category = "Everything"
pattern = "|"
)"));
  auto v = view();
  EXPECT_EQ(v["meta/c1"], "Everything|OUTCOME_SALES");
  // Neither name has a '|': Retargeting is gone, not kept from the previous rules.
  EXPECT_EQ(v["meta/c2"], "Uncategorized|OUTCOME_TRAFFIC");
  EXPECT_EQ(v["meta/c3"], "Uncategorized|OUTCOME_AWARENESS");
  EXPECT_EQ(daily_digest(), before);
  long long n = 0;
  db.sql() << "SELECT COUNT(*) FROM campaign_categories", soci::into(n);
  EXPECT_EQ(n, 4);  // replaced, not appended
}

TEST_F(CategoriesRecategorizeTest, OnePlatformLeavesTheOthersAlone) {
  recategorize(db.sql(), rules(kRules));
  auto r = recategorize(db.sql(), Rules(), "google");
  EXPECT_EQ(r.campaigns, 1);
  auto c = categories();
  EXPECT_EQ(c["google/c1"], "Uncategorized||fallback");
  EXPECT_EQ(c["meta/c1"], "Brand|Search|rule");
}

}  // namespace
}  // namespace connhost::categories
