// Fault injection on the Google endpoints, observed from a plain client: RESOURCE_EXHAUSTED with
// retryDelay (platform notes §4.3, §4.4), 5xx, expired and revoked tokens, expired page tokens,
// the OAuth endpoints' own error format, and the generic transport faults.
#include "google_support.hpp"

namespace connhost::sandbox::testing {
namespace {

const std::string kQuery =
    "SELECT campaign.id, segments.date, metrics.clicks FROM campaign WHERE segments.date DURING "
    "LAST_7_DAYS";

class GoogleFaults : public GoogleTest {
 protected:
  void SetUp() override {
    GoogleTest::SetUp();
    token = access_token();
  }
  void fault(const std::string& endpoint, const std::string& kind, const std::string& extra = "") {
    sandbox->add_faults(R"({"platform":"google","endpoint":")" + endpoint + R"(","kind":")" + kind +
                        R"(","times":1)" + extra + "}");
  }
  std::string token;
};

TEST_F(GoogleFaults, RateLimitIsResourceExhaustedWithRetryDelay) {
  fault("ads/search", "rate_limit");
  auto r = search(kQuery, token);
  EXPECT_EQ(r.status, 429);
  auto body = parse(r.body);
  EXPECT_EQ(body.at("error").at("status").as_string(), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(body.at("error").at("code").as_int64(), 429);
  const auto& e = ads_error(body);
  EXPECT_EQ(e.at("errorCode").at("quotaError").as_string(), "RESOURCE_EXHAUSTED");
  const auto& q = e.at("details").at("quotaErrorDetails");
  EXPECT_EQ(q.at("retryDelay").as_string(), "30s");
  EXPECT_TRUE(q.at("rateScope").is_string());
  EXPECT_TRUE(q.at("rateName").is_string());
  // The rule fired once; the next call goes through.
  EXPECT_EQ(search(kQuery, token).status, 200);

  fault("ads/searchStream", "rate_limit", R"(,"retry_after_s":7,"code":4)");
  r = stream(kQuery, token);
  EXPECT_EQ(r.status, 429);
  body = parse(r.body);
  ASSERT_TRUE(body.is_array());
  EXPECT_EQ(ads_error(body).at("errorCode").at("quotaError").as_string(),
            "RESOURCE_TEMPORARILY_EXHAUSTED");
  EXPECT_EQ(ads_error(body).at("details").at("quotaErrorDetails").at("retryDelay").as_string(),
            "7s");

  auto log = sandbox->requests();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back().endpoint, "ads/searchStream");
  EXPECT_EQ(log.back().fault, "rate_limit");
  EXPECT_EQ(log.back().status, 429);
}

TEST_F(GoogleFaults, ServerErrors) {
  fault("ads/listAccessibleCustomers", "server_error");
  auto r = get("/v24/customers:listAccessibleCustomers", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 500);
  auto body = parse(r.body);
  EXPECT_EQ(body.at("error").at("status").as_string(), "INTERNAL");
  EXPECT_EQ(ads_error(body).at("errorCode").at("internalError").as_string(), "INTERNAL_ERROR");

  fault("ads/search", "server_error", R"(,"status":503)");
  r = search(kQuery, token);
  EXPECT_EQ(r.status, 503);
  body = parse(r.body);
  EXPECT_EQ(body.at("error").at("status").as_string(), "UNAVAILABLE");
  EXPECT_EQ(ads_error(body).at("errorCode").at("internalError").as_string(), "TRANSIENT_ERROR");
}

TEST_F(GoogleFaults, ExpiredAndRevokedTokens) {
  fault("ads/search", "expired_token");
  auto r = search(kQuery, token);
  EXPECT_EQ(r.status, 401);
  auto body = parse(r.body);
  EXPECT_EQ(body.at("error").at("status").as_string(), "UNAUTHENTICATED");
  EXPECT_EQ(ads_error(body).at("errorCode").at("authenticationError").as_string(),
            "OAUTH_TOKEN_EXPIRED");
  EXPECT_TRUE(r.header("WWW-Authenticate").has_value());

  fault("ads/searchStream", "revoked_token");
  r = stream(kQuery, token);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(ads_error(parse(r.body)).at("errorCode").at("authenticationError").as_string(),
            "OAUTH_TOKEN_REVOKED");
}

TEST_F(GoogleFaults, ExpiredCursorHitsOnlyARequestWithAPageToken) {
  fault("ads/search", "expired_cursor");
  // No page token: nothing to expire, served as usual (and the one-shot rule is spent).
  EXPECT_EQ(search(kQuery, token).status, 200);
  fault("ads/search", "expired_cursor");
  auto r = search(kQuery, token, "", {{"pageToken", "c29tZS10b2tlbg"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ads_error(parse(r.body)).at("errorCode").at("requestError").as_string(),
            "EXPIRED_PAGE_TOKEN");
}

TEST_F(GoogleFaults, OAuthEndpointsAnswerInTheirFlatFormat) {
  std::vector<std::pair<std::string, std::string>> refresh{{"grant_type", "refresh_token"},
                                                           {"client_id", kClientId},
                                                           {"client_secret", kClientSecret},
                                                           {"refresh_token", kPreissuedRefresh}};
  int status = 0;
  fault("oauth/token", "rate_limit", R"(,"retry_after_s":12)");
  auto r = post("/token", form(refresh), "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(parse(r.body).at("error").as_string(), "rate_limit_exceeded");
  EXPECT_EQ(r.header("Retry-After").value_or(""), "12");

  fault("oauth/token", "server_error");
  auto body = parse(token_post(refresh, &status));
  EXPECT_EQ(status, 500);
  EXPECT_TRUE(body.at("error").is_string());

  fault("oauth/token", "revoked_token");
  body = parse(token_post(refresh, &status));
  EXPECT_EQ(status, 400);
  EXPECT_EQ(body.at("error").as_string(), "invalid_grant");

  fault("oauth/userinfo", "expired_token");
  r = get("/v1/userinfo", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(parse(r.body).at("error").as_string(), "invalid_request");

  fault("oauth/revoke", "server_error", R"(,"status":503)");
  r = post("/revoke?token=x", "", "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 503);

  fault("oauth/auth", "server_error");
  r = get("/o/oauth2/v2/auth?" + form(auth_params(kAdwords, "offline", "")));
  EXPECT_EQ(r.status, 500);
}

TEST_F(GoogleFaults, TransportFaultsOnAnAdsEndpoint) {
  fault("ads/search", "truncated_body");
  EXPECT_THROW(search(kQuery, token), std::runtime_error);

  fault("ads/searchStream", "malformed_json");
  auto r = stream(kQuery, token);
  EXPECT_EQ(r.status, 200);
  EXPECT_THROW(parse(r.body), std::exception);

  fault("ads/search", "connection_reset");
  EXPECT_THROW(search(kQuery, token), std::runtime_error);
  EXPECT_EQ(search(kQuery, token).status, 200);
}

}  // namespace
}  // namespace connhost::sandbox::testing
