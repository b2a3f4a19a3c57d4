// [reporting]: the categories file, the reporting currency and the FX file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/categories.hpp"
#include "config/config.hpp"
#include "fake_plugins.hpp"
#include "test_env.hpp"

namespace connhost::config {
namespace {

using testing::fake_plugins;
using ::testing::HasSubstr;
using testing::TempDir;

std::string dump(const LoadResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.to_string() + "\n";
  return out;
}

constexpr const char* kRules = "[[rule]]\ncategory = \"Brand\"\npattern = \"brand\"\n";

TEST(ReportingConfig, DefaultsWithoutTheSection) {
  auto r = load_string("", "/nonexistent/cfg/test.toml", fake_plugins());
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(r.config->reporting.currency, "USD");
  EXPECT_TRUE(r.config->reporting.categories_file.empty());
  EXPECT_TRUE(r.config->reporting.fx_file.empty());
}

TEST(ReportingConfig, PathsAreRelativeToTheConfigFile) {
  TempDir dir;
  dir.write("rules/categories.toml", kRules);
  auto cfg = dir.write("connhost.toml",
                       "[reporting]\ncategories_file = \"rules/categories.toml\"\n"
                       "currency = \"EUR\"\nfx_file = \"fx.csv\"\n");
  auto r = load_file(cfg, fake_plugins());
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(r.config->reporting.categories_file, dir.path() / "rules/categories.toml");
  EXPECT_EQ(r.config->reporting.currency, "EUR");
  EXPECT_EQ(r.config->reporting.fx_file, dir.path() / "fx.csv");
}

TEST(ReportingConfig, BadValuesAreReportedWithLineAndColumn) {
  TempDir dir;
  auto cfg = dir.write("connhost.toml",
                       "[reporting]\ncurrency = \"usd\"\nfx_file = \"\"\ncategory_file = \"x\"\n"
                       "categories_file = \"missing.toml\"\n");
  auto r = load_file(cfg, fake_plugins());
  ASSERT_FALSE(r.ok());
  auto e = dump(r);
  EXPECT_THAT(e, HasSubstr("connhost.toml:2:12: reporting.currency: expected an ISO 4217 code"));
  EXPECT_THAT(e, HasSubstr("connhost.toml:3:11: reporting.fx_file: empty path"));
  EXPECT_THAT(e, HasSubstr("connhost.toml:4:1: reporting.category_file: unknown key "
                           "'category_file'"));
  EXPECT_THAT(e, HasSubstr("connhost.toml:5:19: reporting.categories_file: the categories file "
                           "has 1 error"));
  EXPECT_THAT(e, HasSubstr("missing.toml: cannot read categories file"));
}

TEST(ReportingConfig, ErrorsOfTheCategoriesFileAreReportedWithTheirOwnFileLineAndColumn) {
  TempDir dir;
  dir.write("categories.toml", "[[rule]]\ncategory = \"A\"\nmatch = \"regex\"\npattern = \"(\"\n");
  auto cfg = dir.write("connhost.toml", "[reporting]\ncategories_file = \"categories.toml\"\n");
  auto r = load_file(cfg, fake_plugins());
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 2u) << dump(r);
  EXPECT_EQ(r.errors[0].pos.file, cfg.string());
  EXPECT_EQ(r.errors[1].pos.file, (dir.path() / "categories.toml").string());
  EXPECT_EQ(r.errors[1].pos.line, 4);
  EXPECT_EQ(r.errors[1].pos.column, 11);
  EXPECT_THAT(r.errors[1].message, HasSubstr("rule 1 ('A'): invalid regex '('"));
}

TEST(ReportingConfig, TheShippedConfigsNameTheShippedRules) {
  for (const char* name : {"demo.toml", "production.toml"}) {
    auto r = load_file(std::filesystem::path(CONNHOST_CONFIG_DIR) / name, {});
    // production.toml needs its environment; only [reporting] is checked here.
    for (const auto& e : r.errors)
      EXPECT_THAT(e.key_path, ::testing::Not(HasSubstr("reporting"))) << e.to_string();
  }
  auto rules = load_category_rules(std::filesystem::path(CONNHOST_CONFIG_DIR) / "categories.toml");
  EXPECT_TRUE(rules.ok());
  EXPECT_GE(rules.rules.size(), 10u);
}

}  // namespace
}  // namespace connhost::config
