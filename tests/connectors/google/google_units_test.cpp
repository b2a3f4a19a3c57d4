// The Google connector's error mapping, request builders and day windows, without a network.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "google_errors.hpp"
#include "google_requests.hpp"
#include "google_window.hpp"

namespace connhost::google {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::Not;

Error from(int status, std::string_view body, std::optional<milliseconds> retry_after = {}) {
  return ads_error(parse_api_error(status, body), "searchStream for customer 1234567890", "HDR-RID",
                   retry_after);
}

std::string failure(int code, std::string_view status, std::string_view kind,
                    std::string_view value, std::string_view extra = "") {
  return R"({"error":{"code":)" + std::to_string(code) + R"(,"message":"top","status":")" +
         std::string(status) +
         R"(","details":[{"@type":"type.googleapis.com/google.ads.googleads.v24.errors.GoogleAdsFailure","errors":[{"errorCode":{")" +
         std::string(kind) + R"(":")" + std::string(value) + R"("},"message":"inner message")" +
         std::string(extra) + R"(}],"requestId":"BODY-RID"}]}})";
}

TEST(GoogleErrors, RateLimitIsQuotaWithTheRetryDelay) {
  Error e = from(
      429,
      "[" +
          failure(
              429, "RESOURCE_EXHAUSTED", "quotaError", "RESOURCE_EXHAUSTED",
              R"(,"details":{"quotaErrorDetails":{"rateScope":"ACCOUNT","retryDelay":"42s"}})") +
          "]");
  EXPECT_EQ(e.category(), ErrorCategory::quota);
  ASSERT_TRUE(e.retry_after());
  EXPECT_EQ(*e.retry_after(), milliseconds(42'000));
  EXPECT_EQ(std::string(e.what()),
            "google searchStream for customer 1234567890: HTTP 429 RESOURCE_EXHAUSTED, "
            "quotaError RESOURCE_EXHAUSTED: inner message [request id BODY-RID]");
}

TEST(GoogleErrors, RateLimitWithoutDelayUsesTheHeaderThenTheDefault) {
  Error h = from(429, "{}", milliseconds(7'000));
  EXPECT_EQ(h.category(), ErrorCategory::quota);
  EXPECT_EQ(*h.retry_after(), milliseconds(7'000));
  Error d = from(429, "");
  EXPECT_EQ(d.category(), ErrorCategory::quota);
  EXPECT_EQ(*d.retry_after(), kDefaultQuotaRetry);
  EXPECT_THAT(d.what(), HasSubstr("[request id HDR-RID]"));
  Error t =
      from(200, failure(429, "RESOURCE_EXHAUSTED", "quotaError", "RESOURCE_TEMPORARILY_EXHAUSTED"));
  EXPECT_EQ(t.category(), ErrorCategory::quota);
  EXPECT_THAT(t.what(), HasSubstr("HTTP 200 (stream error 429)"));
}

TEST(GoogleErrors, AuthPermissionConfigAndTransient) {
  Error unauth =
      from(401, failure(401, "UNAUTHENTICATED", "authenticationError", "OAUTH_TOKEN_REVOKED"));
  EXPECT_EQ(unauth.category(), ErrorCategory::auth);
  EXPECT_THAT(unauth.what(), HasSubstr("authenticationError OAUTH_TOKEN_REVOKED"));

  Error perm =
      from(403, failure(403, "PERMISSION_DENIED", "authorizationError", "USER_PERMISSION_DENIED"));
  EXPECT_EQ(perm.category(), ErrorCategory::config);
  EXPECT_THAT(perm.what(), HasSubstr("login_customer_id"));
  EXPECT_EQ(from(403, failure(403, "PERMISSION_DENIED", "authorizationError",
                              "DEVELOPER_TOKEN_NOT_APPROVED"))
                .category(),
            ErrorCategory::auth);
  EXPECT_EQ(
      from(403, failure(403, "PERMISSION_DENIED", "quotaError", "ACCESS_PROHIBITED")).category(),
      ErrorCategory::auth);

  Error bad = from(400, failure(400, "INVALID_ARGUMENT", "queryError", "UNRECOGNIZED_FIELD"));
  EXPECT_EQ(bad.category(), ErrorCategory::config);
  EXPECT_EQ(std::string(bad.what()),
            "google searchStream for customer 1234567890: HTTP 400 INVALID_ARGUMENT, queryError "
            "UNRECOGNIZED_FIELD: inner message [request id BODY-RID]");
  EXPECT_EQ(from(404, "<html>Not Found</html>").category(), ErrorCategory::config);

  for (int status : {500, 502, 503, 504}) {
    Error e = from(status, "<html>oops</html>");
    EXPECT_EQ(e.category(), ErrorCategory::transient) << status;
    EXPECT_THAT(e.what(), HasSubstr("not a Google error object"));
    EXPECT_THAT(e.what(), HasSubstr("[request id HDR-RID]"));
  }
  EXPECT_EQ(from(500, failure(500, "INTERNAL", "internalError", "INTERNAL_ERROR")).category(),
            ErrorCategory::transient);
  EXPECT_EQ(from(200, failure(503, "UNAVAILABLE", "internalError", "TRANSIENT_ERROR")).category(),
            ErrorCategory::transient);
}

TEST(GoogleErrors, OAuthErrors) {
  Error grant = oauth_error(
      400, R"({"error":"invalid_grant","error_description":"Token has been expired or revoked."})",
      std::nullopt);
  EXPECT_EQ(grant.category(), ErrorCategory::auth);
  EXPECT_THAT(grant.what(), HasSubstr("invalid_grant: Token has been expired or revoked."));
  EXPECT_THAT(grant.what(), HasSubstr("sign in with Google again"));
  Error client = oauth_error(401, R"({"error":"invalid_client"})", std::nullopt);
  EXPECT_EQ(client.category(), ErrorCategory::auth);
  EXPECT_THAT(client.what(), HasSubstr("client_id and client_secret"));
  Error quota = oauth_error(429, "", milliseconds(3000));
  EXPECT_EQ(quota.category(), ErrorCategory::quota);
  EXPECT_EQ(*quota.retry_after(), milliseconds(3000));
  EXPECT_EQ(oauth_error(503, "", std::nullopt).category(), ErrorCategory::transient);
  EXPECT_EQ(oauth_error(404, "<html>", std::nullopt).category(), ErrorCategory::config);
  EXPECT_EQ(parse_retry_after(" 12 "), milliseconds(12'000));
  EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"));
}

TEST(GoogleRequests, UrlsAndIds) {
  Endpoints e{strip_trailing_slash("https://googleads.googleapis.com/"), "v24",
              strip_trailing_slash("https://oauth2.googleapis.com")};
  EXPECT_EQ(token_url(e), "https://oauth2.googleapis.com/token");
  EXPECT_EQ(list_accessible_customers_url(e),
            "https://googleads.googleapis.com/v24/customers:listAccessibleCustomers");
  EXPECT_EQ(search_url(e, "1234567890"),
            "https://googleads.googleapis.com/v24/customers/1234567890/googleAds:search");
  EXPECT_EQ(search_stream_url(e, "1234567890"),
            "https://googleads.googleapis.com/v24/customers/1234567890/googleAds:searchStream");
  EXPECT_EQ(normalize_customer_id("123-456-7890"), "1234567890");
  EXPECT_EQ(normalize_customer_id("1234567890"), "1234567890");
  EXPECT_FALSE(normalize_customer_id("123456789"));
  EXPECT_FALSE(normalize_customer_id("12345678901"));
  EXPECT_FALSE(normalize_customer_id("customers/1234567890"));
  EXPECT_TRUE(valid_api_version("v24"));
  EXPECT_FALSE(valid_api_version("24"));
  EXPECT_FALSE(valid_api_version("v24/../x"));
}

TEST(GoogleRequests, BodiesAndQueries) {
  EXPECT_EQ(refresh_form("id.apps", "s&c=t", "1//x y"),
            "grant_type=refresh_token&client_id=id.apps&client_secret=s%26c%3Dt&refresh_token="
            "1%2F%2Fx%20y");
  EXPECT_EQ(daily_query("2026-09-01", "2026-09-30"),
            "SELECT campaign.id, segments.date, metrics.cost_micros, metrics.impressions, "
            "metrics.clicks, metrics.conversions, metrics.conversions_value FROM campaign WHERE "
            "segments.date BETWEEN '2026-09-01' AND '2026-09-30'");
  auto body = boost::json::parse(query_body(customer_query()));
  EXPECT_EQ(body.at("query").as_string(),
            "SELECT customer.id, customer.descriptive_name, customer.currency_code, "
            "customer.time_zone FROM customer");
  EXPECT_FALSE(body.as_object().contains("pageToken"));
  auto paged = boost::json::parse(query_body(campaigns_query(), "TOKEN\"2"));
  EXPECT_EQ(paged.at("pageToken").as_string(), "TOKEN\"2");
}

TEST(GoogleWindow, Chunks) {
  // Cut from the end: the newest days (still restated) form one whole chunk, read last.
  auto c = chunk_days("2026-01-15", "2026-03-20", 30);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].from, "2026-01-15");
  EXPECT_EQ(c[0].to, "2026-01-19");
  EXPECT_EQ(c[1].from, "2026-01-20");
  EXPECT_EQ(c[1].to, "2026-02-18");
  EXPECT_EQ(c[2].from, "2026-02-19");
  EXPECT_EQ(c[2].to, "2026-03-20");
  EXPECT_EQ(chunk_days("2026-01-01", "2026-01-01", 30).size(), 1u);
  EXPECT_TRUE(chunk_days("2026-01-02", "2026-01-01", 30).empty());
  EXPECT_EQ(next_day("2024-02-28"), "2024-02-29");
  EXPECT_EQ(next_day("2025-12-31"), "2026-01-01");
}

TEST(GoogleWindow, StateContract) {
  EXPECT_EQ(make_state("2026-01-01", "2026-03-01", "2026-01-30"),
            "2026-01-01..2026-03-01@2026-01-30");
  EXPECT_EQ(resume_from("", "2026-01-01", "2026-03-01"), "2026-01-01");
  EXPECT_EQ(resume_from("2026-01-01..2026-03-01@2026-01-30", "2026-01-01", "2026-03-01"),
            "2026-01-31");
  // Another window: start over.
  EXPECT_EQ(resume_from("2026-01-01..2026-02-01@2026-01-30", "2026-01-01", "2026-03-01"),
            "2026-01-01");
  EXPECT_EQ(resume_from("garbage", "2026-01-01", "2026-03-01"), "2026-01-01");
  EXPECT_EQ(resume_from("2026-01-01..2026-03-01@2026-13-30", "2026-01-01", "2026-03-01"),
            "2026-01-01");
  EXPECT_EQ(resume_from("2026-01-01..2026-03-01@2025-12-31", "2026-01-01", "2026-03-01"),
            "2026-01-01");
  EXPECT_FALSE(resume_from("2026-01-01..2026-03-01@2026-03-01", "2026-01-01", "2026-03-01"));
}

}  // namespace
}  // namespace connhost::google
