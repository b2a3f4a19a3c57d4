// Marketing API v1.3 reads against tiktok.md §1.1, §1.2, §1.5, §1.6: shapes, auth answers,
// campaign filtering and paging.
#include <set>

#include "tiktok_test_util.hpp"

namespace connhost::sandbox::testing {
namespace {

class TikTokMarketing : public TikTokTest {};

TEST_F(TikTokMarketing, AdvertiserInfoShape) {
  auto r = v13_get("advertiser/info/", {{"advertiser_ids", "[\"" + advertisers[0] + "\"]"}});
  auto data = data_of(r);
  const auto& list = data.at("list").as_array();
  ASSERT_EQ(list.size(), 1u);
  const auto& a = list[0].as_object();
  EXPECT_EQ(s_of(a, "advertiser_id"), advertisers[0]);
  EXPECT_TRUE(a.at("name").is_string());
  EXPECT_EQ(s_of(a, "status"), "STATUS_ENABLE");
  EXPECT_EQ(s_of(a, "currency"), sandbox->accounts("tiktok")[0].currency);
  EXPECT_EQ(s_of(a, "display_timezone"), sandbox->accounts("tiktok")[0].time_zone);
  EXPECT_EQ(s_of(a, "timezone").rfind("Etc/GMT", 0), 0u);
  EXPECT_TRUE(a.at("balance").is_number());     // a number, not a string
  EXPECT_TRUE(a.at("create_time").is_int64());  // unix seconds
  EXPECT_LT(a.at("create_time").as_int64(), 4'000'000'000);
  // Money as a plain decimal ("12645.43"), not an exponent form ("1.264543E4").
  auto at = r.body.find("\"balance\":");
  ASSERT_NE(at, std::string::npos);
  std::string number = r.body.substr(at + 10, r.body.find(',', at) - at - 10);
  EXPECT_EQ(number.find_first_not_of("0123456789."), std::string::npos) << number;
}

TEST_F(TikTokMarketing, AdvertiserInfoFieldsSelectAndReject) {
  auto data =
      data_of(v13_get("advertiser/info/", {{"advertiser_ids", "[\"" + advertisers[1] + "\"]"},
                                           {"fields", "[\"name\",\"currency\"]"}}));
  const auto& a = data.at("list").as_array()[0].as_object();
  EXPECT_EQ(a.size(), 2u);
  EXPECT_TRUE(a.contains("currency"));
  EXPECT_EQ(code_of(v13_get("advertiser/info/", {{"advertiser_ids", "[\"" + advertisers[1] + "\"]"},
                                                 {"fields", "[\"nope\"]"}})),
            40002);
  // Arrays must be JSON text: a bare comma list is malformed.
  EXPECT_EQ(code_of(v13_get("advertiser/info/", {{"advertiser_ids", advertisers[0]}})), 40002);
  EXPECT_EQ(code_of(v13_get("advertiser/info/", {{"advertiser_ids", "[\"123\"]"}})), 40001);
}

TEST_F(TikTokMarketing, TokenAnswersInsideHttp200) {
  auto p = Params{{"advertiser_ids", "[\"" + advertisers[0] + "\"]"}};
  auto missing = v13_get("advertiser/info/", p, "");
  EXPECT_EQ(code_of(missing), 40104);
  EXPECT_EQ(s_of(obj(missing), "message"),
            "Access token is null, you should set it in http header with key Access-Token.");
  EXPECT_EQ(code_of(v13_get("advertiser/info/", p, "not-a-token")), 40105);
  // Bearer is not how v1.3 authenticates.
  auto bearer = get(std::string(kV13) + "advertiser/info/" + query(p),
                    {{"Authorization", std::string("Bearer ") + kAdvToken}});
  EXPECT_EQ(code_of(bearer), 40104);
  // The query form the official OpenAPI fragments declare is tolerated (notes §1.1 CONFLICT).
  auto in_query = p;
  in_query.emplace_back("Access-Token", kAdvToken);
  EXPECT_EQ(code_of(get(std::string(kV13) + "advertiser/info/" + query(in_query))), 0);
}

TEST_F(TikTokMarketing, PathsNeedTheTrailingSlashAndTheMethod) {
  auto no_slash =
      get(std::string(kV13) + "campaign/get" + query({{"advertiser_id", advertisers[0]}}),
          {{"Access-Token", kAdvToken}});
  EXPECT_EQ(no_slash.status, 404);
  auto wrong_method = post(std::string(kV13) + "campaign/get/", "{}", "application/json",
                           {{"Access-Token", kAdvToken}});
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(code_of(get("/open_api/v1.2/campaign/get/")), 40051);
  EXPECT_EQ(code_of(get(std::string(kV13) + "adgroup/get/", {{"Access-Token", kAdvToken}})), 40008);
}

TEST_F(TikTokMarketing, CampaignGetShape) {
  auto r = v13_get("campaign/get/", {{"advertiser_id", advertisers[0]}});
  auto data = data_of(r);
  const auto& info = data.at("page_info").as_object();
  EXPECT_EQ(info.at("page").as_int64(), 1);
  EXPECT_EQ(info.at("page_size").as_int64(), 10);  // the default
  EXPECT_TRUE(info.at("total_number").is_int64());
  EXPECT_TRUE(info.at("total_page").is_int64());
  const auto& list = data.at("list").as_array();
  ASSERT_FALSE(list.empty());
  for (const auto& v : list) {
    const auto& c = v.as_object();
    EXPECT_TRUE(c.at("campaign_id").is_string());
    EXPECT_EQ(s_of(c, "advertiser_id"), advertisers[0]);
    EXPECT_TRUE(c.at("budget").is_number());
    EXPECT_EQ(s_of(c, "budget_mode"), "BUDGET_MODE_DAY");
    std::string op = s_of(c, "operation_status");
    EXPECT_TRUE(op == "ENABLE" || op == "DISABLE") << op;  // deleted ones are hidden by default
    EXPECT_NE(s_of(c, "secondary_status"), "CAMPAIGN_STATUS_DELETE");
    for (const char* k : {"create_time", "modify_time"}) {
      std::string t = s_of(c, k);
      ASSERT_EQ(t.size(), 19u) << t;
      EXPECT_EQ(t[10], ' ');
      EXPECT_EQ(t[13], ':');
    }
    EXPECT_TRUE(c.at("app_id").is_null());
  }
}

TEST_F(TikTokMarketing, CampaignGetFieldsAndNullExclusion) {
  auto data =
      data_of(v13_get("campaign/get/", {{"advertiser_id", advertisers[0]},
                                        {"fields", "[\"campaign_id\",\"app_id\"]"},
                                        {"exclude_field_types_in_response", "[\"NULL_FIELD\"]"}}));
  for (const auto& v : data.at("list").as_array()) {
    EXPECT_EQ(v.as_object().size(), 1u);
    EXPECT_TRUE(v.as_object().contains("campaign_id"));
  }
}

TEST_F(TikTokMarketing, CampaignPagesCoverEveryCampaignOnce) {
  std::set<std::string> seen;
  int64_t total = -1;
  for (int page = 1;; ++page) {
    auto data = data_of(
        v13_get("campaign/get/", {{"advertiser_id", advertisers[0]},
                                  {"filtering", "{\"secondary_status\":\"CAMPAIGN_STATUS_ALL\"}"},
                                  {"page", std::to_string(page)},
                                  {"page_size", "3"}}));
    total = data.at("page_info").as_object().at("total_number").as_int64();
    for (const auto& v : data.at("list").as_array())
      EXPECT_TRUE(seen.insert(s_of(v, "campaign_id")).second);
    if (page >= data.at("page_info").as_object().at("total_page").as_int64()) break;
  }
  auto ids = sandbox->accounts("tiktok")[0].campaign_ids;
  EXPECT_EQ(static_cast<size_t>(total), ids.size());
  EXPECT_EQ(seen, std::set<std::string>(ids.begin(), ids.end()));
}

TEST_F(TikTokMarketing, CampaignFiltering) {
  auto all = data_of(
      v13_get("campaign/get/", {{"advertiser_id", advertisers[0]},
                                {"page_size", "1000"},
                                {"filtering", "{\"secondary_status\":\"CAMPAIGN_STATUS_ALL\"}"}}));
  auto def =
      data_of(v13_get("campaign/get/", {{"advertiser_id", advertisers[0]}, {"page_size", "1000"}}));
  size_t deleted = 0;
  std::string some_id, some_name;
  for (const auto& v : all.at("list").as_array()) {
    if (s_of(v, "operation_status") == "DELETE") ++deleted;
    some_id = s_of(v, "campaign_id");
    some_name = s_of(v, "campaign_name");
  }
  EXPECT_EQ(all.at("list").as_array().size(), def.at("list").as_array().size() + deleted);

  auto by_id = data_of(v13_get(
      "campaign/get/", {{"advertiser_id", advertisers[0]},
                        {"filtering", "{\"campaign_ids\":[\"" + some_id +
                                          "\"],\"secondary_status\":\"CAMPAIGN_STATUS_ALL\"}"}}));
  ASSERT_EQ(by_id.at("list").as_array().size(), 1u);
  EXPECT_EQ(s_of(by_id.at("list").as_array()[0], "campaign_id"), some_id);

  // campaign_name is a fuzzy match.
  std::string part = some_name.substr(0, 4);
  for (char& c : part) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto by_name = data_of(v13_get(
      "campaign/get/", {{"advertiser_id", advertisers[0]},
                        {"filtering", "{\"campaign_name\":\"" + part +
                                          "\",\"secondary_status\":\"CAMPAIGN_STATUS_ALL\"}"}}));
  EXPECT_GE(by_name.at("list").as_array().size(), 1u);

  EXPECT_EQ(code_of(v13_get("campaign/get/", {{"advertiser_id", advertisers[0]},
                                              {"filtering", "{\"campaign_ids\":"}})),
            40002);
  EXPECT_EQ(code_of(v13_get("campaign/get/",
                            {{"advertiser_id", advertisers[0]}, {"filtering", "{\"bogus\":1}"}})),
            40002);
  EXPECT_EQ(
      code_of(v13_get("campaign/get/", {{"advertiser_id", advertisers[0]}, {"page_size", "1001"}})),
      40002);
  EXPECT_EQ(code_of(v13_get("campaign/get/", {{"advertiser_id", advertisers[0]}, {"page", "0"}})),
            40002);
}

TEST_F(TikTokMarketing, AdvertiserGetListsTheTokensAdvertisers) {
  auto data =
      data_of(v13_get("oauth2/advertiser/get/", {{"app_id", kAppId}, {"secret", kAppSecret}}));
  std::set<std::string> ids;
  for (const auto& v : data.at("list").as_array()) {
    ids.insert(s_of(v, "advertiser_id"));
    EXPECT_TRUE(v.as_object().at("advertiser_name").is_string());
  }
  EXPECT_EQ(ids, std::set<std::string>(advertisers.begin(), advertisers.end()));
  EXPECT_EQ(code_of(v13_get("oauth2/advertiser/get/", {{"app_id", kAppId}, {"secret", "wrong"}})),
            40101);
}

}  // namespace
}  // namespace connhost::sandbox::testing
