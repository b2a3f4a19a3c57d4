// The sandbox's Pinterest as a plain HTTP client sees it: the documented shapes and limits
// (docs/sandbox/pinterest.md), independent of the http connector.
#include <gmock/gmock.h>
#include <connhost/sandbox/http_client.hpp>
#include <connhost/sandbox/sandbox.hpp>

#include <boost/json.hpp>

namespace connhost::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

class PinterestSandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox::Options o;
    o.seed = 42;
    o.today = "2026-11-20";
    sb = std::make_unique<sandbox::Sandbox>(o);
    sb->start();
  }

  sandbox::ClientResponse get(const std::string& path,
                              const std::string& token = "sandbox-pinterest-token") {
    sandbox::HeaderList h;
    if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
    return sandbox::http_request("GET", sb->base_url() + path, h);
  }

  static json::value body(const sandbox::ClientResponse& r) { return json::parse(r.body); }

  // 400 with Pinterest's Error shape and a message containing `text`.
  void expect_refused(const std::string& path, const std::string& text) {
    SCOPED_TRACE(path);
    auto r = get(path);
    ASSERT_EQ(r.status, 400) << r.body;
    auto b = body(r).as_object();
    EXPECT_TRUE(b.at("code").is_int64());
    EXPECT_THAT(std::string(b.at("message").as_string()), HasSubstr(text));
  }

  std::unique_ptr<sandbox::Sandbox> sb;
};

TEST_F(PinterestSandboxTest, AccountsPageWithBookmarksUntilNull) {
  auto first = body(get("/v5/ad_accounts?page_size=1")).as_object();
  ASSERT_EQ(first.at("items").as_array().size(), 1u);
  ASSERT_TRUE(first.at("bookmark").is_string());
  auto second = body(get("/v5/ad_accounts?page_size=1&bookmark=" +
                         std::string(first.at("bookmark").as_string())))
                    .as_object();
  ASSERT_EQ(second.at("items").as_array().size(), 1u);
  EXPECT_TRUE(second.at("bookmark").is_null());
  auto accounts = sb->accounts("pinterest");
  ASSERT_EQ(accounts.size(), 2u);
  const auto& a = first.at("items").as_array()[0].as_object();
  EXPECT_EQ(a.at("id").as_string(), accounts[0].id);
  EXPECT_EQ(a.at("currency").as_string(), accounts[0].currency);
  EXPECT_TRUE(a.at("created_time").is_int64());
  EXPECT_FALSE(a.contains("time_zone"));
  EXPECT_EQ(accounts[0].time_zone, "UTC");
  expect_refused("/v5/ad_accounts?page_size=251", "page_size");
  expect_refused("/v5/ad_accounts?bookmark=zz", "bookmark");
}

TEST_F(PinterestSandboxTest, CampaignsLeaveArchivedOutUnlessAsked) {
  auto acc = sb->accounts("pinterest").at(0);
  auto plain = body(get("/v5/ad_accounts/" + acc.id + "/campaigns?page_size=250")).as_object();
  auto all = body(get("/v5/ad_accounts/" + acc.id +
                      "/campaigns?page_size=250&entity_statuses=ACTIVE,PAUSED,ARCHIVED"))
                 .as_object();
  EXPECT_EQ(all.at("items").as_array().size(), acc.campaign_ids.size());
  size_t archived = 0;
  for (const auto& c : all.at("items").as_array())
    if (c.as_object().at("status") == "ARCHIVED") ++archived;
  ASSERT_GT(archived, 0u);
  EXPECT_EQ(plain.at("items").as_array().size(), acc.campaign_ids.size() - archived);
  // A bookmark belongs to its listing.
  auto accounts_page = body(get("/v5/ad_accounts?page_size=1")).as_object();
  expect_refused("/v5/ad_accounts/" + acc.id +
                     "/campaigns?bookmark=" + std::string(accounts_page.at("bookmark").as_string()),
                 "bookmark");
}

TEST_F(PinterestSandboxTest, AnalyticsEnforceTheDocumentedLimits) {
  auto acc = sb->accounts("pinterest").at(0);
  std::string base = "/v5/ad_accounts/" + acc.id + "/campaigns/analytics?columns=IMPRESSION_1" +
                     "&granularity=DAY&campaign_ids=" + acc.campaign_ids[0];
  expect_refused(base + "&start_date=2026-08-21&end_date=2026-08-30", "90 days back");
  expect_refused(base + "&start_date=2026-08-22&end_date=2026-11-21", "90 days past");
  std::string many;
  for (int i = 0; i < 251; ++i) many += (i ? "," : "") + acc.campaign_ids[0];
  expect_refused("/v5/ad_accounts/" + acc.id +
                     "/campaigns/analytics?columns=IMPRESSION_1&granularity=DAY&start_date="
                     "2026-11-01&end_date=2026-11-02&campaign_ids=" +
                     many,
                 "250");
  expect_refused(base + "&start_date=2026-11-01&end_date=2026-11-02&columns=NOPE", "NOPE");
  auto ok = get(base + "&start_date=2026-08-22&end_date=2026-11-20");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(body(ok).is_array());
}

TEST_F(PinterestSandboxTest, AnalyticsRowsSumToTheTruth) {
  auto acc = sb->accounts("pinterest").at(1);
  std::string ids;
  for (const auto& c : acc.campaign_ids) ids += (ids.empty() ? "" : ",") + c;
  auto r = get("/v5/ad_accounts/" + acc.id +
               "/campaigns/analytics?start_date=2026-10-01&end_date=2026-10-31&granularity=DAY"
               "&columns=SPEND_IN_MICRO_DOLLAR,IMPRESSION_1,CLICKTHROUGH_1,TOTAL_CHECKOUT,"
               "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR&campaign_ids=" +
               ids);
  ASSERT_EQ(r.status, 200) << r.body;
  int64_t spend = 0, impressions = 0, clicks = 0, checkouts = 0, value = 0, rows = 0;
  const json::value rows_json = body(r);
  for (const auto& v : rows_json.as_array()) {
    const auto& o = v.as_object();
    EXPECT_TRUE(o.at("CAMPAIGN_ID").is_string());
    EXPECT_EQ(o.at("DATE").as_string().size(), 10u);
    spend += o.at("SPEND_IN_MICRO_DOLLAR").as_int64();
    impressions += o.at("IMPRESSION_1").as_int64();
    clicks += o.at("CLICKTHROUGH_1").as_int64();
    checkouts += o.at("TOTAL_CHECKOUT").as_int64();
    value += o.at("TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR").as_int64();
    ++rows;
  }
  auto t = sb->truth("pinterest", acc.id, "2026-10-01", "2026-10-31");
  EXPECT_EQ(spend, t.total.spend_micros);
  EXPECT_EQ(impressions, t.total.impressions);
  EXPECT_EQ(clicks, t.total.clicks);
  EXPECT_EQ(checkouts, t.total.purchases);
  EXPECT_EQ(value, t.total.purchase_value_micros);
  EXPECT_EQ(rows, t.rows);
}

TEST_F(PinterestSandboxTest, ErrorsHavePinterestsShape) {
  auto none = get("/v5/ad_accounts", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(body(none).as_object().at("message").as_string(), "Authentication failed.");
  sb->add_faults(R"({"platform":"pinterest","endpoint":"ad_accounts","kind":"rate_limit",)"
                 R"("retry_after_s":3,"times":1})");
  auto limited = get("/v5/ad_accounts");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("Retry-After").value_or(""), "3");
  EXPECT_EQ(body(limited).as_object().at("code").as_int64(), 29);
  EXPECT_EQ(get("/v5/ad_accounts").status, 200);  // once
  EXPECT_EQ(get("/v5/ad_accounts/123/campaigns").status, 403);
}

// Adding Pinterest changed nothing the other platforms generate: seed 42 still makes the accounts
// docs/sandbox/{tiktok,meta,google}.md list, written before Pinterest existed.
TEST_F(PinterestSandboxTest, OtherPlatformsWorldIsUnchanged) {
  auto ids = [&](const char* platform) {
    std::vector<std::string> out;
    for (const auto& a : sb->accounts(platform))
      out.push_back(a.id + " " + a.currency + " " + a.time_zone);
    return out;
  };
  EXPECT_THAT(ids("tiktok"), ::testing::ElementsAre("7032750394460526508 USD America/New_York",
                                                    "7017905763687197222 EUR Asia/Tokyo"));
  EXPECT_THAT(ids("meta"), ::testing::ElementsAre("860883280037529 EUR Europe/Berlin",
                                                  "670165143086971 GBP America/Sao_Paulo"));
  EXPECT_THAT(ids("google"),
              ::testing::ElementsAre("4908699733 GBP Europe/London", "3688348373 JPY Asia/Seoul"));
}

}  // namespace
}  // namespace connhost::testing
