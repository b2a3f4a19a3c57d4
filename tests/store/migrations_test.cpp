#include <gtest/gtest.h>

#include <set>
#include <string>

#include "store/migrations.hpp"

namespace connhost::store {
namespace {

TEST(StoreMigrationsTest, AreNumberedFromOneWithoutGaps) {
  auto all = migrations();
  ASSERT_FALSE(all.empty());
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
  EXPECT_EQ(latest_version(), all.back().version);
}

TEST(StoreMigrationsTest, HaveUniqueNamesAndSqlForBothBackends) {
  std::set<std::string> names;
  for (const auto& m : migrations()) {
    EXPECT_FALSE(m.name.empty()) << "migration " << m.version;
    EXPECT_TRUE(names.insert(std::string(m.name)).second) << "duplicate name " << m.name;
    EXPECT_FALSE(m.sql_for(Backend::sqlite).empty()) << "migration " << m.version;
    EXPECT_FALSE(m.sql_for(Backend::postgresql).empty()) << "migration " << m.version;
  }
}

TEST(StoreMigrationsTest, BackendSpecificSqlOverridesTheCommonOne) {
  Migration both{.version = 1, .name = "x", .sql = "common"};
  EXPECT_EQ(both.sql_for(Backend::sqlite), "common");
  EXPECT_EQ(both.sql_for(Backend::postgresql), "common");
  Migration split{.version = 1, .name = "x", .sql = "common", .postgresql_sql = "pg"};
  EXPECT_EQ(split.sql_for(Backend::sqlite), "common");
  EXPECT_EQ(split.sql_for(Backend::postgresql), "pg");
}

TEST(StoreMigrationsTest, BackendNamesRoundTrip) {
  for (auto b : {Backend::sqlite, Backend::postgresql}) EXPECT_EQ(parse_backend(to_string(b)), b);
  EXPECT_EQ(parse_backend("postgres"), Backend::postgresql);
  EXPECT_EQ(parse_backend("mysql"), std::nullopt);
}

}  // namespace
}  // namespace connhost::store
