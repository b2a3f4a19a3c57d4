// Each fault mode as a TikTok client sees it (tiktok.md §1.2, §1.3, §2.4, §4): throttling and
// token errors inside HTTP 200 on v1.3, real statuses on v2, 5xx from the gateway, and the
// generic transport faults on a TikTok endpoint.
#include <stdexcept>

#include "tiktok_test_util.hpp"

namespace connhost::sandbox::testing {
namespace {

class TikTokFaults : public TikTokTest {
 protected:
  ClientResponse campaigns() {
    return v13_get("campaign/get/", {{"advertiser_id", advertisers[0]}});
  }
  ClientResponse report() {
    return v13_get("report/integrated/get/", {{"advertiser_id", advertisers[0]},
                                              {"report_type", "BASIC"},
                                              {"data_level", "AUCTION_CAMPAIGN"},
                                              {"dimensions", "[\"campaign_id\",\"stat_time_day\"]"},
                                              {"start_date", "2026-11-01"},
                                              {"end_date", "2026-11-20"}});
  }
  void fault(const std::string& json) { sandbox->add_faults(json); }
};

TEST_F(TikTokFaults, RateLimitIsCode40100InHttp200WithoutHeaders) {
  fault(
      R"({"platform":"tiktok","endpoint":"report/integrated/get","kind":"rate_limit","times":1})");
  auto r = report();
  EXPECT_EQ(code_of(r), 40100);
  EXPECT_NE(s_of(obj(r), "message").find("are temporarily restricted"), std::string::npos);
  EXPECT_FALSE(r.header("Retry-After"));
  EXPECT_FALSE(r.header("X-RateLimit-Limit"));
  EXPECT_EQ(code_of(report()), 0);  // once only
  bool logged = false;
  for (const auto& e : sandbox->requests())
    if (e.platform == "tiktok" && e.endpoint == "report/integrated/get" && e.fault == "rate_limit")
      logged = true;
  EXPECT_TRUE(logged);
}

TEST_F(TikTokFaults, AdvertiserQpsCode) {
  fault(
      R"({"platform":"tiktok","endpoint":"report/integrated/get","kind":"rate_limit","code":40133,"times":1})");
  auto r = report();
  EXPECT_EQ(code_of(r), 40133);
  EXPECT_NE(s_of(obj(r), "message").find(advertisers[0]), std::string::npos);
  EXPECT_NE(s_of(obj(r), "message").find("QPS limit"), std::string::npos);
}

TEST_F(TikTokFaults, RatePerSecond) {
  fault(
      R"({"platform":"tiktok","endpoint":"campaign/get","kind":"rate_limit","rate_per_second":2})");
  int limited = 0;
  for (int i = 0; i < 4; ++i)
    if (code_of(campaigns()) == 40100) ++limited;
  EXPECT_GE(limited, 1);
}

TEST_F(TikTokFaults, V2RateLimitIsHttp429) {
  fault(R"({"platform":"tiktok","endpoint":"v2/user/info","kind":"rate_limit","times":1})");
  auto r = get("/v2/user/info/?fields=open_id", {{"Authorization", "Bearer x"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(s_of(obj(r).at("error"), "code"), "rate_limit_exceeded");
  fault(R"({"platform":"tiktok","endpoint":"v2/oauth/token","kind":"rate_limit","times":1})");
  auto t =
      post("/v2/oauth/token/", "grant_type=refresh_token", "application/x-www-form-urlencoded");
  EXPECT_EQ(t.status, 429);
  EXPECT_EQ(s_of(obj(t), "error"), "rate_limit_exceeded");  // flat body
}

TEST_F(TikTokFaults, ServerErrors) {
  fault(R"({"platform":"tiktok","endpoint":"campaign/get","kind":"server_error","times":1})");
  auto r = campaigns();
  EXPECT_EQ(r.status, 500);
  EXPECT_THROW(json::parse(r.body), std::exception);  // the gateway's page, not the envelope
  fault(
      R"({"platform":"tiktok","endpoint":"campaign/get","kind":"server_error","status":503,"times":1})");
  EXPECT_EQ(campaigns().status, 503);
  fault(
      R"({"platform":"tiktok","endpoint":"campaign/get","kind":"server_error","code":50002,"times":1})");
  EXPECT_EQ(code_of(campaigns()), 50002);  // a system error inside the envelope
  EXPECT_EQ(code_of(campaigns()), 0);
  fault(R"({"platform":"tiktok","endpoint":"v2/user/info","kind":"server_error","times":1})");
  auto v2 = get("/v2/user/info/?fields=open_id");
  EXPECT_EQ(v2.status, 500);
  EXPECT_EQ(s_of(obj(v2).at("error"), "code"), "internal_error");
}

TEST_F(TikTokFaults, ExpiredAndRevokedTokens) {
  fault(R"({"platform":"tiktok","endpoint":"campaign/get","kind":"expired_token","times":1})");
  EXPECT_EQ(code_of(campaigns()), 40102);
  fault(R"({"platform":"tiktok","endpoint":"campaign/get","kind":"revoked_token","times":1})");
  EXPECT_EQ(code_of(campaigns()), 40105);
  fault(
      R"({"platform":"tiktok","endpoint":"tt_user/oauth2/refresh_token","kind":"expired_token","times":1})");
  EXPECT_EQ(code_of(v13_post("tt_user/oauth2/refresh_token/", {{"refresh_token", "x"}})), 40103);
  fault(R"({"platform":"tiktok","endpoint":"v2/user/info","kind":"expired_token","times":1})");
  auto v2 = get("/v2/user/info/?fields=open_id");
  EXPECT_EQ(v2.status, 401);
  EXPECT_EQ(s_of(obj(v2).at("error"), "code"), "access_token_invalid");
  fault(R"({"platform":"tiktok","endpoint":"v2/oauth/token","kind":"revoked_token","times":1})");
  auto tok =
      post("/v2/oauth/token/", "grant_type=refresh_token", "application/x-www-form-urlencoded");
  EXPECT_EQ(tok.status, 400);
  EXPECT_EQ(s_of(obj(tok), "error"), "invalid_grant");
  EXPECT_EQ(code_of(campaigns()), 0);

  // The token itself expired through the control API: the same answer from the real check.
  post("/_sandbox/tokens/expire?platform=tiktok&token=" + std::string(kAdvToken), "");
  EXPECT_EQ(code_of(campaigns()), 40102);
}

TEST_F(TikTokFaults, ExpiredCursor) {
  auto login = business_login("message.list.read");
  fault(
      R"({"platform":"tiktok","endpoint":"business/message/conversation/list","kind":"expired_cursor","times":1})");
  auto r = v13_get(
      "business/message/conversation/list/",
      {{"business_id", s_of(login, "open_id")}, {"conversation_type", "SINGLE"}, {"cursor", "5"}},
      s_of(login, "access_token"));
  EXPECT_EQ(code_of(r), 40002);
  EXPECT_NE(s_of(obj(r), "message").find("cursor"), std::string::npos);
}

TEST_F(TikTokFaults, TransportFaults) {
  fault(R"({"platform":"tiktok","endpoint":"campaign/get","kind":"truncated_body","times":1})");
  EXPECT_THROW(campaigns(), std::runtime_error);
  fault(
      R"({"platform":"tiktok","endpoint":"report/integrated/get","kind":"malformed_json","times":1})");
  auto r = report();
  EXPECT_EQ(r.status, 200);
  EXPECT_THROW(json::parse(r.body), std::exception);
  EXPECT_EQ(code_of(report()), 0);
}

}  // namespace
}  // namespace connhost::sandbox::testing
