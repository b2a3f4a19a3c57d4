#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "categories/rules.hpp"
#include "config/categories.hpp"
#include "support/temp_dir.hpp"

namespace connhost::categories {
namespace {

using ::testing::HasSubstr;

constexpr const char* kFile = "/cfg/categories.toml";

Rules rules(std::string_view toml) {
  auto r = config::load_category_rules_string(toml, kFile);
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front().to_string());
  return Rules(std::move(r.rules));
}

std::string category(const Rules& r, std::string_view platform, std::string_view name) {
  auto m = r.classify(platform, name);
  return m ? m->category : std::string(kFallback);
}

std::string errors(std::string_view toml) {
  auto r = config::load_category_rules_string(toml, kFile);
  std::string out;
  for (const auto& e : r.errors) out += e.to_string() + "\n";
  EXPECT_TRUE(r.rules.empty());
  return out;
}

TEST(CategoryRules, FirstMatchWins) {
  auto r = rules(R"(
[[rule]]
category = "Awareness"
pattern = "awareness"
[[rule]]
category = "Brand"
pattern = "brand"
)");
  EXPECT_EQ(category(r, "meta", "Awareness - Brand Video"), "Awareness");
  EXPECT_EQ(category(r, "meta", "Brand | Search | US"), "Brand");
  EXPECT_EQ(category(r, "meta", "TOF_Broad_UGC"), "Uncategorized");
}

TEST(CategoryRules, ContainsIsLiteralAndIgnoresCase) {
  auto r = rules(R"(
[[rule]]
category = "Shopping"
match = "contains"
pattern = "| SHOPPING |"
)");
  EXPECT_EQ(category(r, "google", "Generic | Shopping | DE"), "Shopping");
  // '|' is literal here; as a regex it would match everything.
  EXPECT_EQ(category(r, "google", "Shopping Feed"), "Uncategorized");
}

TEST(CategoryRules, RegexSearchesAnywhereIgnoringCase) {
  auto r = rules(R"(
[[rule]]
category = "Retargeting"
match = "regex"
pattern = '^(rtg|retargeting)\b'
[[rule]]
category = "Lookalike"
match = "regex"
pattern = 'lookalike \d+%'
)");
  EXPECT_EQ(category(r, "meta", "RTG - Summer Sale"), "Retargeting");
  EXPECT_EQ(category(r, "meta", "retargeting - Cart Abandoners"), "Retargeting");
  EXPECT_EQ(category(r, "meta", "Not RTG - anchored"), "Uncategorized");
  EXPECT_EQ(category(r, "meta", "Prospecting | LOOKALIKE 1% | US"), "Lookalike");
}

TEST(CategoryRules, PlatformFilterAndCampaignType) {
  auto r = rules(R"(
[[rule]]
category = "Brand"
pattern = "brand"
platform = "google"
campaign_type = "Search"
[[rule]]
category = "Social brand"
pattern = "brand"
)");
  auto g = r.classify("google", "Brand | Search | US");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->category, "Brand");
  EXPECT_EQ(g->campaign_type, "Search");
  auto m = r.classify("meta", "Brand | Search | US");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->category, "Social brand");
  EXPECT_FALSE(m->campaign_type);
}

TEST(CategoryRules, EmptyRulesFallBack) {
  Rules r;
  EXPECT_FALSE(r.classify("meta", "Anything"));
  EXPECT_EQ(rules("").size(), 0u);
}

TEST(CategoryRules, InvalidRegexIsAnErrorNamingTheRuleWithLineAndColumn) {
  auto e = errors(R"([[rule]]
category = "Brand"
pattern = "brand"

[[rule]]
category = "Broken"
match = "regex"
pattern = "(unclosed"
)");
  EXPECT_THAT(e, HasSubstr("/cfg/categories.toml:8:11: rule[1].pattern: rule 2 ('Broken'): "
                           "invalid regex '(unclosed'"));
}

TEST(CategoryRules, BadKeysAndValuesAreReportedWithLineAndColumn) {
  auto e = errors(R"([[rule]]
category = "Brand"
match = "glob"
pattern = "brand"
platfrom = "meta"

[[rule]]
pattern = "x"

[[rule]]
category = "X"
pattern = ""
campaign_type = 3
)");
  EXPECT_THAT(e, HasSubstr("categories.toml:3:9: rule[0].match: unknown match kind 'glob' "
                           "(expected contains|regex)"));
  EXPECT_THAT(e, HasSubstr("categories.toml:5:1: rule[0].platfrom: unknown key 'platfrom'"));
  EXPECT_THAT(e, HasSubstr("did you mean 'platform'"));
  EXPECT_THAT(e, HasSubstr("rule[1].category: missing required key 'category'"));
  EXPECT_THAT(e, HasSubstr("categories.toml:12:11: rule[2].pattern: must not be empty"));
  EXPECT_THAT(e, HasSubstr("categories.toml:13:17: rule[2].campaign_type: expected string, got "
                           "integer"));
}

TEST(CategoryRules, SyntaxErrorAndWrongShape) {
  EXPECT_THAT(errors("[[rule]\ncategory = 1\n"), HasSubstr("categories.toml:1:"));
  EXPECT_THAT(errors("rule = \"x\"\n"),
              HasSubstr("categories.toml:1:8: rule: expected an array of tables"));
}

TEST(CategoryRules, LoadRulesThrowsWithEveryDiagnostic) {
  test::TempDir dir;
  auto file = dir.path() / "categories.toml";
  std::ofstream(file) << "[[rule]]\ncategory = \"A\"\nmatch = \"regex\"\npattern = \"[\"\n";
  try {
    load_rules(file);
    FAIL() << "no error";
  } catch (const RulesError& e) {
    EXPECT_THAT(e.what(), HasSubstr(file.string() + ":4:11: rule[0].pattern: rule 1 ('A')"));
  }
  EXPECT_THROW(load_rules(dir.path() / "missing.toml"), RulesError);
}

TEST(CategoryRules, TheShippedRulesCoverTheSandboxNames) {
  auto r = load_rules(std::filesystem::path(CONNHOST_SOURCE_DIR) / "config/categories.toml");
  struct Case {
    const char* platform;
    const char* name;
    const char* category;
  };
  for (auto c : {Case{"google", "Brand | Search | US", "Brand"},
                 Case{"meta", "Brand Protection - Exact", "Brand"},
                 Case{"google", "Competitor | Search | UK", "Competitor"},
                 Case{"google", "Generic | Shopping | DE", "Shopping"},
                 Case{"meta", "RTG - Summer Sale", "Retargeting"},
                 Case{"meta", "Retargeting - Cart Abandoners", "Retargeting"},
                 Case{"tiktok", "BOF_Catalog_Sales", "Retargeting"},
                 Case{"meta", "DPA - Past Purchasers", "Retargeting"},
                 Case{"tiktok", "TOF_Prospecting_Video", "Prospecting"},
                 Case{"tiktok", "TOF_Broad_UGC", "Prospecting"},
                 Case{"meta", "Prospecting | Lookalike 1% | US", "Prospecting"},
                 Case{"tiktok", "MOF_Engagement_Carousel", "Engagement"},
                 Case{"meta", "Awareness - Brand Video", "Awareness"},
                 Case{"google", "App Install | iOS | FR", "App Install"},
                 Case{"meta", "Lead Gen | Webinar | US", "Lead Generation"}})
    EXPECT_EQ(category(r, c.platform, c.name), c.category) << c.name;
  EXPECT_EQ(r.classify("google", "Brand | Search | US")->campaign_type, "Search");
  EXPECT_FALSE(r.classify("meta", "Brand | Search | US")->campaign_type);
}

}  // namespace
}  // namespace connhost::categories
