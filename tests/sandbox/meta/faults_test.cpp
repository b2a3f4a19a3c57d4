// Injected faults as a Graph client sees them (§1.6, §1.7): throttles with their codes and
// usage headers, 5xx, expired and revoked tokens, stale cursors, and transport faults.
#include "meta_test_util.hpp"

namespace connhost::sandbox::testing {
namespace {

class MetaFaults : public MetaTest {
 protected:
  void fault(const std::string& endpoint, const std::string& kind, const std::string& extra = "") {
    sandbox->add_faults(R"({"platform":"meta","endpoint":")" + endpoint + R"(","kind":")" + kind +
                        R"(","times":1)" + extra + "}");
  }
  std::string campaigns() { return "/act_" + meta_account() + "/campaigns"; }
};

TEST_F(MetaFaults, RateLimitDefaultsTo17WithUsageOver100) {
  fault("act/campaigns", "rate_limit");
  auto r = graph(campaigns());
  auto e = graph_error(r);
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.code, 17);
  EXPECT_EQ(e.subcode, 2446079);
  EXPECT_EQ(e.type, "OAuthException");
  EXPECT_FALSE(r.header("Retry-After").has_value());  // §1.7: none is sent
  auto app = json::parse(r.header("X-App-Usage").value_or("{}"));
  auto acc = json::parse(r.header("X-Ad-Account-Usage").value_or("{}"));
  auto buc = json::parse(r.header("X-Business-Use-Case-Usage").value_or("{}"));
  EXPECT_GT(app.at("call_count").as_int64(), 100);
  EXPECT_GT(acc.at("acc_id_util_pct").to_number<double>(), 100.0);
  bool over = false;
  for (const auto& entry : buc.at(meta_account()).as_array()) {
    over |= entry.at("call_count").as_int64() > 100;
    if (entry.at("call_count").as_int64() > 100) {
      EXPECT_GT(entry.at("estimated_time_to_regain_access").as_int64(), 0);
    }
  }
  EXPECT_TRUE(over);
  // times=1: the next call goes through.
  EXPECT_EQ(graph(campaigns()).status, 200);
}

TEST_F(MetaFaults, RateLimitCodes) {
  struct Case {
    int code;
    int64_t subcode;
    std::string endpoint;
  };
  for (const auto& c :
       {Case{4, 1504022, "act/insights"}, Case{613, 1487742, "act/campaigns"},
        Case{80004, 0, "act/campaigns"}, Case{80000, 0, "act/insights"}, Case{17, 0, "me"}}) {
    fault(c.endpoint, "rate_limit", ",\"code\":" + std::to_string(c.code));
    std::string path = c.endpoint == "me"             ? "/me"
                       : c.endpoint == "act/insights" ? "/act_" + meta_account() + "/insights"
                                                      : campaigns();
    auto e = graph_error(graph(path));
    EXPECT_EQ(e.code, c.code);
    EXPECT_EQ(e.subcode, c.subcode) << c.code;
    EXPECT_NE(e.message.find("#" + std::to_string(c.code)), std::string::npos) << e.message;
  }
}

TEST_F(MetaFaults, ServerErrorsAreTransient) {
  fault("act/insights", "server_error");
  auto r = graph("/act_" + meta_account() + "/insights");
  EXPECT_EQ(r.status, 500);
  auto v = body_json(r).at("error").as_object();
  EXPECT_EQ(v.at("code").as_int64(), 1);
  EXPECT_TRUE(v.at("is_transient").as_bool());
  fault("act/insights", "server_error", ",\"status\":503");
  auto s = graph("/act_" + meta_account() + "/insights");
  EXPECT_EQ(s.status, 503);
  EXPECT_EQ(graph_error(s).code, 2);
}

TEST_F(MetaFaults, ExpiredAndRevokedTokens) {
  fault("me/adaccounts", "expired_token");
  auto r = graph("/me/adaccounts");
  auto e = graph_error(r);
  EXPECT_EQ(e.code, 190);
  EXPECT_EQ(e.subcode, 463);
  EXPECT_NE(std::string(r.header("WWW-Authenticate").value_or("")).find("\"invalid_token\""),
            std::string::npos);
  fault("me/adaccounts", "revoked_token");
  EXPECT_EQ(graph_error(graph("/me/adaccounts")).subcode, 460);
  fault("me/adaccounts", "revoked_token", ",\"code\":458");
  EXPECT_EQ(graph_error(graph("/me/adaccounts")).subcode, 458);
  // The control API's expiry is real: the preissued token itself stops working.
  control("POST", "/_sandbox/tokens/expire?platform=meta");
  EXPECT_EQ(graph_error(graph("/me/adaccounts")).subcode, 463);
}

TEST_F(MetaFaults, ExpiredCursorOnTheSecondPage) {
  auto first = body_json(graph(campaigns() + "?limit=2"));
  std::string next(first.at("paging").at("next").as_string());
  fault("act/campaigns", "expired_cursor");
  auto e = graph_error(http_request("GET", next));
  EXPECT_EQ(e.code, 100);
  EXPECT_NE(e.message.find("cursor"), std::string::npos);
}

TEST_F(MetaFaults, TransportFaults) {
  fault("act/campaigns", "truncated_body");
  EXPECT_THROW(graph(campaigns() + "?fields=id,name"), std::runtime_error);
  fault("act/campaigns", "malformed_json");
  auto r = graph(campaigns() + "?fields=id,name");
  EXPECT_EQ(r.status, 200);
  EXPECT_THROW(json::parse(r.body), std::exception);
  EXPECT_EQ(graph(campaigns()).status, 200);
}

TEST_F(MetaFaults, RequestLogNamesTheEndpoint) {
  sandbox->clear_requests();
  graph("/act_" + meta_account() + "/insights");
  post("/v26.0/act_" + meta_account() + "/insights?access_token=" + std::string(kToken), "{}");
  auto log = sandbox->requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].platform, "meta");
  EXPECT_EQ(log[0].endpoint, "act/insights");
  EXPECT_EQ(log[1].endpoint, "act/insights:async");
}

}  // namespace
}  // namespace connhost::sandbox::testing
