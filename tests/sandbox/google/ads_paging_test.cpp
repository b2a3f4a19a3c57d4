// Paging over more than one fixed 10,000-row page (platform notes §4.2): nextPageToken followed
// to the end gives every row once; searchStream cuts the same rows into batches of 10,000 with
// queryResourceConsumption only in the last; pageSize is refused.
#include <set>

#include "google_support.hpp"

namespace connhost::sandbox::testing {
namespace {

const std::string kAllDays =
    "SELECT campaign.id, segments.date, metrics.cost_micros, metrics.impressions FROM campaign "
    "WHERE segments.date BETWEEN '2025-10-17' AND '2026-11-20'";

class GooglePaging : public GoogleTest {
 protected:
  void customize(Options& o) override { o.campaigns_per_account = 60; }
  void SetUp() override {
    GoogleTest::SetUp();
    token = access_token();
  }
  static std::string key(const json::value& row) {
    return std::string(row.at("campaign").at("id").as_string()) + "/" +
           std::string(row.at("segments").at("date").as_string());
  }
  std::string token;
};

TEST_F(GooglePaging, FollowingNextPageTokenGivesEveryRowOnce) {
  std::set<std::string> seen;
  int64_t spend = 0;
  size_t pages = 0;
  std::string page_token;
  std::string total;
  do {
    json::object extra{{"searchSettings", json::object{{"returnTotalResultsCount", true}}}};
    if (!page_token.empty()) extra["pageToken"] = page_token;
    auto r = search(kAllDays, token, "", extra);
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = parse(r.body).as_object();
    const auto& results = body.at("results").as_array();
    ++pages;
    total = std::string(body.at("totalResultsCount").as_string());
    if (body.contains("nextPageToken")) {
      EXPECT_EQ(results.size(), 10000u) << "pages are fixed at 10,000 rows";
      page_token = std::string(body.at("nextPageToken").as_string());
    } else {
      page_token.clear();
    }
    for (const auto& row : results) {
      EXPECT_TRUE(seen.insert(key(row)).second) << "duplicate " << key(row);
      spend += std::stoll(std::string(row.at("metrics").at("costMicros").as_string()));
    }
  } while (!page_token.empty());
  EXPECT_GE(pages, 2u);
  auto truth = sandbox->truth("google", customer(), "2025-10-17", "2026-11-20");
  EXPECT_EQ(static_cast<int64_t>(seen.size()), truth.rows);
  EXPECT_EQ(total, std::to_string(truth.rows));
  EXPECT_EQ(spend, truth.total.spend_micros);
}

TEST_F(GooglePaging, StreamBatchesHoldTheSameRows) {
  auto r = stream(kAllDays, token);
  ASSERT_EQ(r.status, 200);
  auto batches = parse(r.body).as_array();
  ASSERT_GE(batches.size(), 2u);
  std::set<std::string> seen;
  std::string request_id(batches[0].at("requestId").as_string());
  for (size_t i = 0; i < batches.size(); ++i) {
    const auto& b = batches[i].as_object();
    const auto& results = b.at("results").as_array();
    if (i + 1 < batches.size()) {
      EXPECT_EQ(results.size(), 10000u);
      EXPECT_FALSE(b.contains("queryResourceConsumption")) << "only the final batch has it";
    } else {
      EXPECT_TRUE(b.contains("queryResourceConsumption"));
    }
    EXPECT_EQ(b.at("requestId").as_string(), request_id);
    for (const auto& row : results) EXPECT_TRUE(seen.insert(key(row)).second);
  }
  auto truth = sandbox->truth("google", customer(), "2025-10-17", "2026-11-20");
  EXPECT_EQ(static_cast<int64_t>(seen.size()), truth.rows);
}

TEST_F(GooglePaging, PageTokensAreBoundToTheirQuery) {
  auto first = search(kAllDays, token);
  ASSERT_EQ(first.status, 200);
  std::string next(parse(first.body).at("nextPageToken").as_string());
  // The same token with another query, or a made-up token: INVALID_PAGE_TOKEN.
  auto r = search(kAllDays + " AND campaign.status = 'ENABLED'", token, "", {{"pageToken", next}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ads_error(parse(r.body)).at("errorCode").at("requestError").as_string(),
            "INVALID_PAGE_TOKEN");
  r = search(kAllDays, token, "", {{"pageToken", "bm90LWEtdG9rZW4"}});
  EXPECT_EQ(ads_error(parse(r.body)).at("errorCode").at("requestError").as_string(),
            "INVALID_PAGE_TOKEN");
  // Asking for the total only on a later page.
  r = search(
      kAllDays, token, "",
      {{"pageToken", next}, {"searchSettings", json::object{{"returnTotalResultsCount", true}}}});
  EXPECT_EQ(ads_error(parse(r.body)).at("errorCode").at("requestError").as_string(),
            "TOTAL_RESULTS_COUNT_NOT_ORIGINALLY_REQUESTED");
}

TEST_F(GooglePaging, LaterPagesDoNotRestate) {
  auto epoch = [&] {
    return parse(get("/_sandbox/truth?platform=google&account=" + customer()).body)
        .at("restatement_epoch")
        .as_int64();
  };
  int64_t before = epoch();
  auto first = search(kAllDays, token);
  std::string next(parse(first.body).at("nextPageToken").as_string());
  ASSERT_EQ(search(kAllDays, token, "", {{"pageToken", next}}).status, 200);
  EXPECT_EQ(epoch(), before + 1);
}

TEST_F(GooglePaging, PageSizeIsNotSupported) {
  auto r = search(kAllDays, token, "", {{"pageSize", 1000}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ads_error(parse(r.body)).at("errorCode").at("requestError").as_string(),
            "PAGE_SIZE_NOT_SUPPORTED");
}

}  // namespace
}  // namespace connhost::sandbox::testing
