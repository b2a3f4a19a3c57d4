// GAQL as the sandbox reads it: the queries it serves, and for the ones it does not, Google's own
// 400 INVALID_ARGUMENT with a GoogleAdsFailure queryError located at the query (platform notes
// §4.3), never a crash.
#include <random>

#include "google_support.hpp"

namespace connhost::sandbox::testing {
namespace {

class Gaql : public GoogleTest {
 protected:
  void SetUp() override {
    GoogleTest::SetUp();
    token = access_token();
  }
  size_t rows(const std::string& query) {
    auto r = search(query, token);
    EXPECT_EQ(r.status, 200) << query << "\n" << r.body;
    auto o = parse(r.body).as_object();
    return o.contains("results") ? o.at("results").as_array().size() : 0;
  }
  std::string token;
};

struct BadQuery {
  const char* query;
  const char* code;
};

const BadQuery kBad[] = {
    {"SELEC campaign.id FROM campaign", "EXPECTED_SELECT"},
    {"SELECT campaign.id", "EXPECTED_FROM"},
    {"SELECT campaign.foo FROM campaign", "UNRECOGNIZED_FIELD"},
    {"SELECT campaign.id FROM campain", "BAD_RESOURCE_TYPE_IN_FROM_CLAUSE"},
    {"SELECT campaign.id FROM customer", "PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE"},
    {"SELECT customer.id FROM customer WHERE campaign.status = 'ENABLED'",
     "PROHIBITED_RESOURCE_TYPE_IN_WHERE_CLAUSE"},
    {"SELECT metrics.clicks FROM campaign WHERE segments.date DURING LAST_90_DAYS",
     "INVALID_VALUE_WITH_DURING_OPERATOR"},
    {"SELECT segments.date, metrics.clicks FROM campaign", "EXPECTED_FILTERS_ON_DATE_RANGE"},
    {"SELECT segments.date FROM campaign WHERE segments.date >= '2026-01-01'",
     "EXPECTED_FILTERS_ON_DATE_RANGE"},
    {"SELECT campaign.id FROM campaign WHERE campaign.status = 'ACTIVE'", "BAD_ENUM_CONSTANT"},
    {"SELECT campaign.id FROM campaign WHERE campaign.name = 'x", "STRING_NOT_TERMINATED"},
    {"SELECT campaign.id FROM campaign WHERE campaign.id = 1 OR campaign.id = 2",
     "UNEXPECTED_INPUT"},
    {"SELECT campaign.id FROM campaign LIMIT 0", "LIMIT_VALUE_TOO_LOW"},
    {"SELECT campaign.id FROM campaign LIMIT many", "BAD_LIMIT_VALUE"},
    {"SELECT campaign.id FROM campaign WHERE campaign.status IN ()",
     "PROHIBITED_EMPTY_LIST_IN_CONDITION"},
    {"SELECT campaign.id FROM campaign WHERE campaign.status IN ENABLED", "EXPECTED_LIST"},
    {"SELECT campaign.id FROM campaign WHERE segments.date BETWEEN '2026-01-01' '2026-02-01'",
     "EXPECTED_AND"},
    {"SELECT campaign.id FROM campaign WHERE segments.date BETWEEN 'jan' AND 'feb'",
     "INVALID_VALUE_WITH_BETWEEN_OPERATOR"},
    {"SELECT campaign.id FROM campaign WHERE campaign.name DURING LAST_7_DAYS",
     "OPERATOR_FIELD_MISMATCH"},
    {"SELECT campaign.id FROM campaign WHERE campaign.status LIKE 'EN%'",
     "OPERATOR_FIELD_MISMATCH"},
    {"SELECT campaign.id FROM campaign WHERE campaign.id = 'abc'", "BAD_NUMBER"},
    {"SELECT campaign.id FROM campaign WHERE campaign.id FOO 1", "BAD_OPERATOR"},
    {"SELECT campaign.id FROM campaign ORDER campaign.id", "EXPECTED_BY"},
    {"SELECT campaign.id FROM campaign PARAMETERS foo = true", "BAD_PARAMETER_NAME"},
    {"SELECT campaign.id FROM campaign PARAMETERS include_drafts = 3", "BAD_PARAMETER_VALUE"},
    {"SELECT campaign.id FROM campaign WHERE campaign.id = 1 $", "BAD_SYMBOL"},
    {"SELECT campaign.id, FROM campaign", "BAD_FIELD_NAME"},
    {"SELECT campaign.id FROM campaign WHERE", "UNEXPECTED_END_OF_QUERY"},
    {"SELECT campaign.id FROM campaign extra", "UNEXPECTED_INPUT"},
};

TEST_F(Gaql, UnservedQueriesGetGooglesQueryErrors) {
  for (const auto& bad : kBad) {
    for (bool streamed : {false, true}) {
      auto r = streamed ? stream(bad.query, token) : search(bad.query, token);
      ASSERT_EQ(r.status, 400) << bad.query << "\n" << r.body;
      auto body = parse(r.body);
      EXPECT_EQ(body.is_array(), streamed) << "searchStream wraps errors in an array";
      const auto& status = (streamed ? body.as_array().at(0) : body).at("error");
      EXPECT_EQ(status.at("code").as_int64(), 400);
      EXPECT_EQ(status.at("status").as_string(), "INVALID_ARGUMENT");
      const auto& failure = status.at("details").at(0);
      EXPECT_EQ(failure.at("@type").as_string(),
                "type.googleapis.com/google.ads.googleads.v24.errors.GoogleAdsFailure");
      EXPECT_EQ(r.header("request-id").value_or(""), failure.at("requestId").as_string());
      const auto& e = ads_error(body);
      EXPECT_EQ(e.at("errorCode").at("queryError").as_string(), bad.code) << bad.query;
      EXPECT_TRUE(e.at("message").is_string());
      EXPECT_EQ(e.at("location").at("fieldPathElements").at(0).at("fieldName").as_string(),
                "query");
    }
  }
}

TEST_F(Gaql, DuringErrorMessageMatchesGoogles) {
  auto r =
      search("SELECT metrics.clicks FROM campaign WHERE segments.date DURING LAST_90_DAYS", token);
  EXPECT_EQ(ads_error(parse(r.body)).at("message").as_string(),
            "Invalid date literal supplied for DURING operator: LAST_90_DAYS.");
}

TEST_F(Gaql, GarbageNeverCrashesTheEmulator) {
  const std::string alphabet =
      "SELECT FROM WHERE AND campaign.id metrics.clicks segments.date "
      "'2026-01-01' ( ) , = != >= IN LIKE DURING BETWEEN 12 \" \\ % $";
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) {
    std::string q;
    int n = 1 + static_cast<int>(rng() % 40);
    for (int j = 0; j < n; ++j) q.push_back(alphabet[rng() % alphabet.size()]);
    if (i % 2) q = "SELECT campaign.id FROM campaign WHERE " + q;
    auto r = search(q, token);
    ASSERT_TRUE(r.status == 200 || r.status == 400) << q << "\n" << r.body;
    ASSERT_NO_THROW(parse(r.body)) << q;
  }
}

TEST_F(Gaql, ServedQueryForms) {
  size_t all = rows("SELECT campaign.id FROM campaign");
  ASSERT_GT(all, 0u);
  // Keywords are case-insensitive; enum constants may be quoted or bare.
  EXPECT_EQ(rows("select campaign.id from campaign where campaign.status = ENABLED"),
            rows("SELECT campaign.id FROM campaign WHERE campaign.status = 'ENABLED'"));
  EXPECT_EQ(rows("SELECT campaign.id FROM campaign WHERE campaign.status IN ('ENABLED', 'PAUSED', "
                 "'REMOVED')"),
            all);
  EXPECT_EQ(rows("SELECT campaign.name FROM campaign WHERE campaign.name LIKE '%'"), all);
  EXPECT_EQ(rows("SELECT campaign.name FROM campaign WHERE campaign.name REGEXP_MATCH '.*'"), all);
  EXPECT_EQ(rows("SELECT campaign.id FROM campaign LIMIT 2"), 2u);
  // DURING LAST_30_DAYS is the 30 days before today.
  EXPECT_EQ(rows("SELECT campaign.id, segments.date, metrics.clicks FROM campaign WHERE "
                 "segments.date DURING LAST_30_DAYS"),
            rows("SELECT campaign.id, segments.date, metrics.clicks FROM campaign WHERE "
                 "segments.date BETWEEN '2026-10-21' AND '2026-11-19'"));
  EXPECT_EQ(rows("SELECT campaign.id, segments.date, metrics.clicks FROM campaign WHERE "
                 "segments.date >= '2026-11-01' AND segments.date <= '2026-11-07'"),
            rows("SELECT campaign.id, segments.date, metrics.clicks FROM campaign WHERE "
                 "segments.date BETWEEN '2026-11-01' AND '2026-11-07'"));
  EXPECT_EQ(rows("SELECT customer.id, segments.date, metrics.cost_micros FROM customer WHERE "
                 "segments.date DURING LAST_7_DAYS"),
            7u);
  EXPECT_GT(rows("SELECT campaign.id, metrics.clicks FROM campaign WHERE segments.date DURING "
                 "LAST_MONTH AND metrics.clicks > 0"),
            0u);
  EXPECT_EQ(rows("SELECT campaign.id FROM campaign PARAMETERS include_drafts = true"), all);
}

TEST_F(Gaql, CustomerFieldsWithCampaignCarryTheirResourceNameUnlessOmitted) {
  auto r = search("SELECT campaign.id, customer.currency_code FROM campaign LIMIT 1", token);
  auto c = parse(r.body).at("results").at(0).at("customer").as_object();
  EXPECT_TRUE(c.contains("resourceName"));
  r = search(
      "SELECT campaign.id, customer.currency_code FROM campaign LIMIT 1 PARAMETERS "
      "omit_unselected_resource_names = true",
      token);
  c = parse(r.body).at("results").at(0).at("customer").as_object();
  EXPECT_FALSE(c.contains("resourceName"));
  EXPECT_TRUE(c.contains("currencyCode"));
}

}  // namespace
}  // namespace connhost::sandbox::testing
