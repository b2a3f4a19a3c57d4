// The declarative HTTP connector's pure helpers: exact decimal money, Retry-After in both of its
// forms, dotted paths, templates and the status-to-category mapping. Expected values are worked
// out by hand.
#include <gmock/gmock.h>

#include <boost/json/parse.hpp>

#include "http_values.hpp"

namespace connhost::http_connector {
namespace {

using ::testing::HasSubstr;

TEST(HttpValues, DecimalMicrosIsExact) {
  EXPECT_EQ(decimal_micros("12.34"), 12'340'000);
  EXPECT_EQ(decimal_micros("0.000001"), 1);
  EXPECT_EQ(decimal_micros("-0.5"), -500'000);
  EXPECT_EQ(decimal_micros("7"), 7'000'000);
  EXPECT_EQ(decimal_micros("1.5E2"), 150'000'000);
  EXPECT_EQ(decimal_micros("1E-1"), 100'000);
  EXPECT_EQ(decimal_micros("99.990000000"), 99'990'000);  // trailing zeros past the micro
  // 0.1 + 0.2 as doubles is 0.30000000000000004; as decimal text it is exact.
  EXPECT_EQ(decimal_micros("0.3"), 300'000);
  EXPECT_EQ(decimal_micros("9223372036854.775807"), INT64_MAX);
  EXPECT_FALSE(decimal_micros("0.0000001"));      // a tenth of a micro
  EXPECT_FALSE(decimal_micros("9223372036855"));  // overflows as micros
  EXPECT_FALSE(decimal_micros("12,34"));
  EXPECT_FALSE(decimal_micros(""));
  EXPECT_FALSE(decimal_micros("abc"));
}

TEST(HttpValues, IntegersFromNumbersAndText) {
  EXPECT_EQ(integer_of(boost::json::parse("42")), 42);
  EXPECT_EQ(integer_of(boost::json::parse("\"42\"")), 42);
  EXPECT_EQ(integer_of(boost::json::parse("42.0")), 42);
  EXPECT_FALSE(integer_of(boost::json::parse("42.5")));
  EXPECT_FALSE(integer_of(boost::json::parse("\"x\"")));
  EXPECT_FALSE(integer_of(boost::json::parse("null")));
}

TEST(HttpValues, DottedPaths) {
  auto v = boost::json::parse(R"({"a":{"b":[{"c":1},{"c":2}]},"d":null})");
  EXPECT_EQ(find_path(v, ""), &v);
  ASSERT_TRUE(find_path(v, "a.b.1.c"));
  EXPECT_EQ(find_path(v, "a.b.1.c")->as_int64(), 2);
  EXPECT_TRUE(find_path(v, "d")->is_null());
  EXPECT_FALSE(find_path(v, "a.b.2.c"));
  EXPECT_FALSE(find_path(v, "a.x"));
  EXPECT_FALSE(find_path(v, "a.b.c"));
}

TEST(HttpValues, TemplatesEncodeValues) {
  std::map<std::string, std::string> vars{{"account_id", "a/b"}, {"campaign_ids", "1,2"}};
  EXPECT_EQ(expand("/x/{account_id}/y", vars, true), "/x/a%2Fb/y");
  EXPECT_EQ(expand("{campaign_ids}", vars, false), "1,2");
  EXPECT_EQ(expand("{unknown}", vars, true), "{unknown}");
}

TEST(HttpValues, RetryAfterSecondsAndHttpDate) {
  EXPECT_EQ(retry_after("120", 0)->count(), 120'000);
  // Sun, 06 Nov 1994 08:49:37 GMT is 784111777 s after the epoch; ten seconds before it:
  EXPECT_EQ(retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784'111'767'000)->count(), 10'000);
  EXPECT_EQ(retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784'111'800'000)->count(), 0);
  EXPECT_FALSE(retry_after("soon", 0));
  EXPECT_FALSE(retry_after("", 0));
}

TEST(HttpValues, StatusCategories) {
  auto e = error_for(429, "{}", "3", 0, "campaigns /x", "message", {});
  EXPECT_EQ(e.category(), connhost::ErrorCategory::quota);
  EXPECT_EQ(e.retry_after()->count(), 3000);
  EXPECT_EQ(error_for(503, "", std::nullopt, 0, "w", "message", {}).category(),
            connhost::ErrorCategory::transient);
  EXPECT_EQ(error_for(401, "", std::nullopt, 0, "w", "message", {}).category(),
            connhost::ErrorCategory::auth);
  EXPECT_EQ(error_for(403, "", std::nullopt, 0, "w", "message", {}).category(),
            connhost::ErrorCategory::auth);
  auto c = error_for(400, R"({"error":{"msg":"bad date for tok-1"}})", std::nullopt, 0, "daily /d",
                     "error.msg", {"tok-1"});
  EXPECT_EQ(c.category(), connhost::ErrorCategory::config);
  EXPECT_THAT(c.what(), HasSubstr("daily /d answered HTTP 400: bad date for ***"));
}

}  // namespace
}  // namespace connhost::http_connector
