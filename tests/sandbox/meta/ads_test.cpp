// Marketing API objects (§1.1, §1.2): ad accounts, campaigns, field selection, cursor paging
// with absolute next URLs, token encodings, versions and the basic error envelope.
#include <regex>
#include <set>

#include "meta_test_util.hpp"

namespace connhost::sandbox::testing {
namespace {

using MetaAds = MetaTest;

TEST_F(MetaAds, AdAccountsDefaultFieldsAndSelection) {
  auto r = graph("/me/adaccounts");
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = body_json(r);
  const auto& data = v.at("data").as_array();
  ASSERT_EQ(data.size(), sandbox->accounts("meta").size());
  for (const auto& a : data) {
    const auto& o = a.as_object();
    EXPECT_EQ(o.size(), 2u);  // account_id and id
    EXPECT_EQ(std::string(o.at("id").as_string()),
              "act_" + std::string(o.at("account_id").as_string()));
  }
  auto f = body_json(
      graph("/me/adaccounts?fields=id,account_id,name,currency,timezone_name,account_status"));
  const auto& first = f.at("data").as_array()[0].as_object();
  EXPECT_TRUE(first.at("name").is_string());
  EXPECT_EQ(first.at("currency").as_string(), sandbox->accounts("meta")[0].currency);
  EXPECT_EQ(first.at("timezone_name").as_string(), sandbox->accounts("meta")[0].time_zone);
  EXPECT_EQ(first.at("account_status").as_int64(), 1);
}

TEST_F(MetaAds, AdAccountNode) {
  std::string id = meta_account();
  auto plain = body_json(graph("/act_" + id)).as_object();
  EXPECT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain.at("id").as_string(), "act_" + id);
  auto full = body_json(graph("/act_" + id + "?fields=name,currency,account_id"));
  EXPECT_EQ(full.at("account_id").as_string(), id);
  auto missing = graph_error(graph("/act_999"));
  EXPECT_EQ(missing.code, 100);
  EXPECT_EQ(missing.subcode, 33);
  EXPECT_EQ(missing.type, "GraphMethodException");
}

TEST_F(MetaAds, CampaignsOnlyIdByDefault) {
  auto v = body_json(graph("/act_" + meta_account() + "/campaigns"));
  for (const auto& c : v.at("data").as_array()) {
    EXPECT_EQ(c.as_object().size(), 1u);
    EXPECT_TRUE(c.at("id").is_string());
  }
}

TEST_F(MetaAds, CampaignFieldsHaveGraphTypes) {
  auto v = body_json(
      graph("/act_" + meta_account() +
            "/campaigns?fields=id,name,objective,status,effective_status,"
            "daily_budget,created_time,updated_time,account_id,special_ad_categories&limit=100"));
  std::regex time(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000)");
  std::set<std::string> statuses;
  for (const auto& c : v.at("data").as_array()) {
    const auto& o = c.as_object();
    EXPECT_TRUE(o.at("name").is_string());
    EXPECT_TRUE(std::regex_match(std::string(o.at("created_time").as_string()), time));
    EXPECT_TRUE(std::regex_match(std::string(o.at("updated_time").as_string()), time));
    std::string budget(o.at("daily_budget").as_string());  // numeric string, minor units
    EXPECT_TRUE(std::regex_match(budget, std::regex(R"(\d+)"))) << budget;
    EXPECT_TRUE(o.at("special_ad_categories").is_array());
    statuses.insert(std::string(o.at("status").as_string()));
    EXPECT_EQ(o.at("status"), o.at("effective_status"));
  }
  for (const auto& s : statuses)
    EXPECT_TRUE(s == "ACTIVE" || s == "PAUSED" || s == "DELETED" || s == "ARCHIVED") << s;
  EXPECT_TRUE(statuses.count("ACTIVE"));
}

TEST_F(MetaAds, CampaignPagingVisitsEveryCampaignOnceWithAbsoluteNext) {
  std::string acct = meta_account();
  std::set<std::string> seen;
  std::string url =
      base + "/v26.0/act_" + acct + "/campaigns?fields=id,name&limit=3&access_token=" + kToken;
  int pages = 0;
  while (true) {
    auto r = http_request("GET", url);
    ASSERT_EQ(r.status, 200) << r.body;
    auto v = body_json(r);
    for (const auto& c : v.at("data").as_array())
      EXPECT_TRUE(seen.insert(std::string(c.at("id").as_string())).second);
    ++pages;
    const auto* paging = v.as_object().if_contains("paging");
    ASSERT_NE(paging, nullptr);
    EXPECT_TRUE(paging->at("cursors").as_object().contains("after"));
    if (pages > 1) {
      EXPECT_TRUE(paging->as_object().contains("previous"));
    }
    const auto* next = paging->as_object().if_contains("next");
    if (!next) break;
    url = std::string(next->as_string());
    EXPECT_EQ(url.rfind(base + "/v26.0/act_" + acct + "/campaigns?", 0), 0u) << url;
    ASSERT_LT(pages, 50);
  }
  auto expected = sandbox->accounts("meta")[0].campaign_ids;
  EXPECT_EQ(seen, std::set<std::string>(expected.begin(), expected.end()));
  EXPECT_EQ(pages, static_cast<int>((expected.size() + 2) / 3));
}

TEST_F(MetaAds, CampaignNode) {
  std::string id = sandbox->accounts("meta")[0].campaign_ids.at(0);
  auto plain = body_json(graph("/" + id)).as_object();
  EXPECT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain.at("id").as_string(), id);
  auto v = body_json(graph("/" + id + "?fields=name,objective,account_id,effective_status"));
  EXPECT_EQ(v.at("account_id").as_string(), meta_account());
  EXPECT_TRUE(v.at("objective").is_string());
  // Not readable with a token that does not cover its account: the object "does not exist".
  auto page = body_json(graph("/me/accounts"));
  std::string page_token(page.at("data").at(0).at("access_token").as_string());
  auto e = graph_error(graph("/" + id, page_token));
  EXPECT_EQ(e.code, 100);
  EXPECT_EQ(e.subcode, 33);
}

TEST_F(MetaAds, EffectiveStatusFilter) {
  std::string acct = meta_account();
  auto r =
      graph("/act_" + acct +
            "/campaigns?fields=effective_status&limit=100&effective_status=%5B%22PAUSED%22%5D");
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = body_json(r);
  for (const auto& c : v.at("data").as_array())
    EXPECT_EQ(c.at("effective_status").as_string(), "PAUSED");
  auto bad =
      graph_error(graph("/act_" + acct + "/campaigns?effective_status=%5B%22SLEEPING%22%5D"));
  EXPECT_EQ(bad.code, 100);
}

TEST_F(MetaAds, UnknownFieldIsCode100) {
  auto e = graph_error(graph("/act_" + meta_account() + "/campaigns?fields=id,colour"));
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.code, 100);
  EXPECT_NE(e.message.find("colour"), std::string::npos);
  EXPECT_TRUE(e.has_trace);
}

TEST_F(MetaAds, TokenInQueryFormOrJsonBodyOrHeader) {
  std::string path = "/v26.0/act_" + meta_account();
  EXPECT_EQ(get(path + "?access_token=" + kToken).status, 200);
  EXPECT_EQ(
      http_request("GET", base + path, {{"Authorization", std::string("OAuth ") + kToken}}).status,
      200);
  EXPECT_EQ(
      http_request("GET", base + path, {{"Content-Type", "application/x-www-form-urlencoded"}},
                   std::string("access_token=") + kToken)
          .status,
      200);
  EXPECT_EQ(http_request("GET", base + path, {{"Content-Type", "application/json"}},
                         std::string(R"({"access_token":")") + kToken + "\"}")
                .status,
            200);
  auto none = get(path);
  auto e = graph_error(none);
  EXPECT_EQ(e.code, 104);
  EXPECT_NE(std::string(none.header("WWW-Authenticate").value_or("")).find("invalid_request"),
            std::string::npos);
  auto bad = get(path + "?access_token=nope");
  EXPECT_EQ(graph_error(bad).code, 190);
  EXPECT_EQ(std::string(bad.header("WWW-Authenticate").value_or(""))
                .rfind("OAuth \"Facebook Platform\" \"invalid_token\" \"", 0),
            0u);
}

TEST_F(MetaAds, VersionsInThePath) {
  std::string acct = meta_account();
  auto v25 = get("/v25.0/act_" + acct + "?access_token=" + std::string(kToken));
  EXPECT_EQ(v25.status, 200);
  EXPECT_EQ(v25.header("facebook-api-version").value_or(""), "v25.0");
  auto unversioned = get("/act_" + acct + "?access_token=" + std::string(kToken));
  EXPECT_EQ(unversioned.header("facebook-api-version").value_or(""), "v26.0");
  // Past its end of availability (24 Sep 2026): Marketing calls are upgraded (§0).
  auto v20 = get("/v20.0/act_" + acct + "?access_token=" + std::string(kToken));
  EXPECT_EQ(v20.status, 200);
  EXPECT_EQ(v20.header("facebook-api-version").value_or(""), "v21.0");
  auto old = graph_error(get("/v19.0/act_" + acct + "?access_token=" + std::string(kToken)));
  EXPECT_EQ(old.code, 2635);
  auto future = graph_error(get("/v99.0/me?access_token=" + std::string(kToken)));
  EXPECT_EQ(future.code, 12);
  auto unknown = graph_error(graph("/act_" + acct + "/adsets_of_the_future"));
  EXPECT_EQ(unknown.code, 2500);
  EXPECT_EQ(unknown.message, "Unknown path components: /adsets_of_the_future");
}

TEST_F(MetaAds, UsageHeadersAreJsonPercentagesThatGrowAndReset) {
  std::string acct = meta_account();
  auto first = graph("/act_" + acct + "/campaigns");
  auto app0 = json::parse(first.header("X-App-Usage").value_or("{}"));
  auto acc0 = json::parse(first.header("X-Ad-Account-Usage").value_or("{}"));
  auto buc = json::parse(first.header("X-Business-Use-Case-Usage").value_or("{}"));
  EXPECT_TRUE(app0.at("call_count").is_int64());
  EXPECT_TRUE(app0.at("total_time").is_int64());
  EXPECT_EQ(acc0.at("ads_api_access_tier").as_string(), "standard_access");
  const auto& entries = buc.at(acct).as_array();
  ASSERT_FALSE(entries.empty());
  EXPECT_TRUE(entries[0].as_object().contains("estimated_time_to_regain_access"));
  for (int i = 0; i < 120; ++i) graph("/act_" + acct);
  auto later = graph("/act_" + acct);
  auto app1 = json::parse(later.header("X-App-Usage").value_or("{}"));
  auto acc1 = json::parse(later.header("X-Ad-Account-Usage").value_or("{}"));
  EXPECT_GE(app1.at("call_count").as_int64(), 1);
  EXPECT_GT(acc1.at("acc_id_util_pct").to_number<double>(),
            acc0.at("acc_id_util_pct").to_number<double>());
  // The ad-account score decays within 300 s; the app window within an hour.
  advance_clock(301);
  auto decayed = json::parse(graph("/act_" + acct).header("X-Ad-Account-Usage").value_or("{}"));
  EXPECT_LT(decayed.at("acc_id_util_pct").to_number<double>(), 0.05);
  advance_clock(3600);
  auto reset = json::parse(graph("/act_" + acct).header("X-App-Usage").value_or("{}"));
  EXPECT_EQ(reset.at("call_count").as_int64(), 0);
}

TEST_F(MetaAds, PageTokenFromMeAccounts) {
  auto r = graph("/me/accounts");
  ASSERT_EQ(r.status, 200) << r.body;
  auto page = body_json(r).at("data").as_array().at(0).as_object();
  EXPECT_TRUE(page.at("access_token").is_string());
  EXPECT_TRUE(page.at("tasks").is_array());
  auto me =
      body_json(graph("/me?fields=id,name", std::string(page.at("access_token").as_string())));
  EXPECT_EQ(me.at("id"), page.at("id"));
}

TEST_F(MetaAds, MeAccountsAnswersTheFieldsAsked) {
  // The profile capability's business profiles read these (User Accounts reference; Page and
  // IG User fields).
  auto r = graph(
      "/me/accounts?fields=id,name,category,fan_count,followers_count,website,picture,"
      "instagram_business_account%7Bid,username,name,followers_count,profile_picture_url%7D");
  ASSERT_EQ(r.status, 200) << r.body;
  auto page = body_json(r).at("data").as_array().at(0).as_object();
  EXPECT_FALSE(page.contains("access_token")) << "only the fields asked";
  EXPECT_FALSE(page.contains("tasks"));
  EXPECT_TRUE(page.at("name").is_string());
  EXPECT_TRUE(page.at("category").is_string());
  EXPECT_TRUE(page.at("fan_count").is_int64());
  EXPECT_TRUE(page.at("followers_count").is_int64());
  EXPECT_EQ(std::string(page.at("website").as_string()).rfind("https://", 0), 0u);
  EXPECT_TRUE(page.at("picture").at("data").at("url").is_string());
  const auto& ig = page.at("instagram_business_account").as_object();
  EXPECT_EQ(ig.size(), 5u);
  EXPECT_TRUE(ig.at("followers_count").is_int64());
  // The same account as the Page's own instagram_business_account and the IG node's username.
  auto plain = body_json(graph("/me/accounts")).at("data").as_array().at(0).as_object();
  EXPECT_EQ(ig.at("id"), plain.at("instagram_business_account").at("id"));
  auto node = body_json(graph("/" + std::string(ig.at("id").as_string()) + "?fields=username"));
  EXPECT_EQ(node.at("username"), ig.at("username"));

  auto bad = graph_error(graph("/me/accounts?fields=id,shoe_size"));
  EXPECT_EQ(bad.code, 100);
}

}  // namespace
}  // namespace connhost::sandbox::testing
