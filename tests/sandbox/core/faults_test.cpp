// Fault rules: parsing with precise errors, and when each rule fires.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/faults.hpp"

namespace connhost::sandbox {
namespace {

using ::testing::HasSubstr;

TEST(Faults, ParsesTheFileFormatAndSingleRules) {
  auto rules = Faults::parse(R"({"faults":[
      {"platform":"tiktok","endpoint":"report/integrated/get","kind":"rate_limit","code":40133,"times":2},
      {"kind":"latency","latency_ms":250}]})");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].kind, FaultKind::rate_limit);
  EXPECT_EQ(rules[0].code, 40133);
  EXPECT_EQ(rules[1].latency.count(), 250);
  EXPECT_EQ(Faults::parse(R"({"kind":"connection_reset"})").size(), 1u);
}

TEST(Faults, RejectsBadRulesNamingTheField) {
  auto error = [](std::string_view json) {
    try {
      Faults::parse(json);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_THAT(error(R"({"kind":"meteor"})"), HasSubstr("faults[0].kind: unknown fault kind"));
  EXPECT_THAT(error(R"([{"kind":"latency"},{"kind":"latency","latnecy_ms":5}])"),
              HasSubstr("faults[1]: unknown field 'latnecy_ms'"));
  EXPECT_THAT(error(R"({"kind":"latency","platform":"myspace"})"), HasSubstr("faults[0].platform"));
  EXPECT_THAT(error(R"({"times":2})"), HasSubstr("missing 'kind'"));
  EXPECT_THAT(error("{not json"), HasSubstr("invalid JSON"));
}

TEST(Faults, SkipTimesAndEvery) {
  Faults f;
  f.add(Faults::parse(
      R"({"platform":"meta","endpoint":"act/insights","kind":"server_error","skip":1,"times":2,"every":2})"));
  std::vector<bool> fired;
  for (int i = 0; i < 8; ++i) fired.push_back(f.decide("meta", "act/insights").has_value());
  // Skip one, then every second request, twice.
  EXPECT_EQ(fired, (std::vector<bool>{false, true, false, true, false, false, false, false}));
  EXPECT_FALSE(f.decide("tiktok", "act/insights")) << "another platform";
  EXPECT_FALSE(f.decide("meta", "act/campaigns")) << "another endpoint";
}

TEST(Faults, EndpointsMatchExactlyOrByPattern) {
  Faults f;
  f.add(Faults::parse(R"({"endpoint":"ads/search","kind":"server_error"})"));
  f.add(Faults::parse(R"({"endpoint":"act/*","kind":"latency"})"));
  EXPECT_TRUE(f.decide("google", "ads/search"));
  EXPECT_FALSE(f.decide("google", "ads/searchStream")) << "a name must not match its prefix";
  EXPECT_EQ(f.decide("meta", "act/insights:async")->kind, FaultKind::latency);
  EXPECT_FALSE(f.decide("meta", "me/adaccounts"));
}

TEST(Faults, RateLimitAnswersEveryRequestBeyondTheRate) {
  Faults f;
  f.add(Faults::parse(R"({"platform":"google","kind":"rate_limit","rate_per_second":3})"));
  int limited = 0;
  // Requests in a tight loop all fall in one second (a 10-request loop takes microseconds).
  for (int i = 0; i < 10; ++i) limited += f.decide("google", "ads/search").has_value();
  EXPECT_EQ(limited, 7);
}

TEST(Faults, ClearRemovesEveryRuleAndToJsonRoundTrips) {
  Faults f;
  f.add(Faults::parse(R"({"kind":"slow_drip","drip_chunk":16,"drip_interval_ms":5})"));
  auto again = Faults::parse(Faults::to_json(f.rules()));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].drip_chunk, 16u);
  f.clear();
  EXPECT_FALSE(f.decide("tiktok", "anything"));
}

}  // namespace
}  // namespace connhost::sandbox
