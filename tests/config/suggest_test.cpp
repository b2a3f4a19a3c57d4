#include "config/suggest.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace connhost::config {
namespace {

TEST(SuggestTest, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("base_ur", "base_url"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("tiktok_mian", "tiktok_main"), 2u);
}

TEST(SuggestTest, ClosestWithinTwoEdits) {
  const std::vector<std::string> keys = {"base_url", "app_id", "app_secret"};
  EXPECT_EQ(closest("base_ur", keys), "base_url");
  EXPECT_EQ(closest("app_secert", keys), "app_secret");
  EXPECT_EQ(closest("app_idd", keys), "app_id");
  EXPECT_EQ(closest("region", keys), std::nullopt);
  EXPECT_EQ(closest("base", keys), std::nullopt);  // 4 edits
}

TEST(SuggestTest, NearestWinsAndTiesGoToTheFirstListed) {
  EXPECT_EQ(closest("ab", std::vector<std::string>{"abcd", "abc"}), "abc");
  EXPECT_EQ(closest("abx", std::vector<std::string>{"aby", "abz"}), "aby");
}

TEST(SuggestTest, NoSuggestionThatSharesNothing) {
  EXPECT_EQ(closest("ab", std::vector<std::string>{"cd"}), std::nullopt);
  EXPECT_EQ(closest("x", std::vector<std::string>{"off"}), std::nullopt);
}

TEST(SuggestTest, DidYouMeanText) {
  const std::vector<std::string> keys = {"host", "store"};
  EXPECT_EQ(did_you_mean("hots", keys), "; did you mean 'host'?");
  EXPECT_EQ(did_you_mean("pipelines", keys), "");
}

}  // namespace
}  // namespace connhost::config
