// The Google connector's response parsers on hand-written bodies: the examples of
// shared/platforms/meta-google.md section 4 and the edge cases around them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "google_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace connhost::google {
namespace {

using ::testing::HasSubstr;

// Runs f, which must throw Error::data; returns its message.
template <class F>
std::string data_error(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::data) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error thrown";
  return {};
}

// The notes' searchStream example (section 4.2), verbatim.
constexpr std::string_view kNotesStream =
    R"([{"results":[{"campaign":{"resourceName":"customers/1234567890/campaigns/111","id":"111","name":"Brand",
                          "advertisingChannelType":"SEARCH"},
              "segments":{"date":"2026-09-01"},
              "metrics":{"costMicros":"12340000","impressions":"1000","clicks":"10",
                         "conversions":3,"conversionsValue":250.5}}],
  "fieldMask":"campaign.id,campaign.name,campaign.advertisingChannelType,segments.date,metrics.costMicros,metrics.impressions,metrics.clicks,metrics.conversions,metrics.conversionsValue",
  "requestId":"FAk-3h1TY-uJkxzKVt6jJg"}])";

std::string one_row(std::string_view metrics, std::string_view date = "2026-09-01",
                    std::string_view campaign = R"({"id":"111"})") {
  return R"([{"results":[{"campaign":)" + std::string(campaign) + R"(,"segments":{"date":")" +
         std::string(date) + R"("},"metrics":)" + std::string(metrics) +
         R"(}],"requestId":"RID-1"}])";
}

DailyRow parse_one(std::string_view metrics, std::string_view date = "2026-09-01",
                   std::string_view campaign = R"({"id":"111"})") {
  auto r = parse_daily_stream(one_row(metrics, date, campaign), "2026-09-01", "2026-09-30", "hdr");
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.rows.size(), 1u);
  return r.rows.empty() ? DailyRow{} : r.rows[0];
}

TEST(GoogleParseStream, NotesExampleGivesExactValues) {
  auto r = parse_daily_stream(kNotesStream, "2026-09-01", "2026-09-07", "header-rid");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.request_id, "FAk-3h1TY-uJkxzKVt6jJg");
  ASSERT_EQ(r.rows.size(), 1u);
  const DailyRow& d = r.rows[0];
  EXPECT_EQ(d.campaign_id, "111");
  EXPECT_EQ(d.date, "2026-09-01");
  EXPECT_EQ(d.cost_micros, 12'340'000);
  EXPECT_EQ(d.impressions, 1000);
  EXPECT_EQ(d.clicks, 10);
  EXPECT_EQ(d.conversions, 3.0);
  EXPECT_EQ(d.conversions_value_micros, 250'500'000);
}

TEST(GoogleParseStream, OmittedMetricsAreZero) {
  DailyRow d = parse_one(R"({"impressions":"5"})");
  EXPECT_EQ(d.cost_micros, 0);
  EXPECT_EQ(d.impressions, 5);
  EXPECT_EQ(d.clicks, 0);
  EXPECT_EQ(d.conversions, 0.0);
  EXPECT_EQ(d.conversions_value_micros, 0);

  auto r = parse_daily_stream(
      R"([{"results":[{"campaign":{"id":"7"},"segments":{"date":"2026-09-02"}}]}])", "2026-09-01",
      "2026-09-30", "hdr");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].cost_micros, 0);
  EXPECT_EQ(r.request_id, "hdr");  // no requestId in the body: the header's
}

TEST(GoogleParseStream, ToleratesInt64AsJsonNumbersAndDoublesAsStrings) {
  DailyRow d = parse_one(
      R"({"costMicros":990000,"impressions":12,"clicks":"3","conversions":"1.5","conversionsValue":"19.99"})");
  EXPECT_EQ(d.cost_micros, 990'000);
  EXPECT_EQ(d.impressions, 12);
  EXPECT_EQ(d.clicks, 3);
  EXPECT_EQ(d.conversions, 1.5);
  EXPECT_EQ(d.conversions_value_micros, 19'990'000);
}

TEST(GoogleParseStream, ConversionValueIsConvertedFromTheDigitsSent) {
  // Values a double cannot hold exactly still give the micros of their decimal text.
  EXPECT_EQ(parse_one(R"({"conversionsValue":0.1})").conversions_value_micros, 100'000);
  EXPECT_EQ(parse_one(R"({"conversionsValue":1234567.891234})").conversions_value_micros,
            1'234'567'891'234);
  EXPECT_EQ(parse_one(R"({"conversionsValue":4.35})").conversions_value_micros, 4'350'000);
  // Below a micro: rounded half away from zero.
  EXPECT_EQ(parse_one(R"({"conversionsValue":2.0000005})").conversions_value_micros, 2'000'001);
  EXPECT_EQ(parse_one(R"({"conversionsValue":2.00000049999})").conversions_value_micros, 2'000'000);
  EXPECT_EQ(parse_one(R"({"conversionsValue":1e2})").conversions_value_micros, 100'000'000);
  EXPECT_EQ(parse_one(R"({"conversionsValue":1.5E-3})").conversions_value_micros, 1'500);
  EXPECT_EQ(parse_one(R"({"conversionsValue":0})").conversions_value_micros, 0);
  EXPECT_EQ(parse_one(R"({"conversions":0.333333333333})").conversions, 0.333333333333);
}

TEST(GoogleParseStream, RejectsNonDecimalMetrics) {
  auto m = data_error([] { parse_one(R"({"costMicros":"12.5"})"); });
  EXPECT_THAT(m, HasSubstr("[0].results[0].metrics.costMicros"));
  EXPECT_THAT(m, HasSubstr("request id RID-1"));
  EXPECT_THAT(m, HasSubstr("'12.5'"));
  EXPECT_THAT(data_error([] { parse_one(R"({"clicks":"-"})"); }),
              HasSubstr("metrics.clicks: not a full decimal integer: '-'"));
  EXPECT_THAT(data_error([] { parse_one(R"({"impressions":""})"); }),
              HasSubstr("metrics.impressions"));
  EXPECT_THAT(data_error([] { parse_one(R"({"impressions":" 5"})"); }),
              HasSubstr("metrics.impressions"));
  EXPECT_THAT(data_error([] { parse_one(R"({"impressions":"+5"})"); }),
              HasSubstr("metrics.impressions"));
  EXPECT_THAT(data_error([] { parse_one(R"({"impressions":"1e3"})"); }),
              HasSubstr("metrics.impressions"));
  EXPECT_THAT(data_error([] { parse_one(R"({"impressions":1.0})"); }),
              HasSubstr("metrics.impressions: not a full decimal integer: '1.0'"));
  EXPECT_THAT(data_error([] { parse_one(R"({"impressions":"99999999999999999999"})"); }),
              HasSubstr("metrics.impressions"));
  EXPECT_THAT(data_error([] { parse_one(R"({"conversions":"NaN"})"); }),
              HasSubstr("metrics.conversions: not a decimal number: 'NaN'"));
  EXPECT_THAT(data_error([] { parse_one(R"({"conversions":"Infinity"})"); }),
              HasSubstr("metrics.conversions"));
  EXPECT_THAT(data_error([] { parse_one(R"({"conversionsValue":"-"})"); }),
              HasSubstr("metrics.conversionsValue"));
  EXPECT_THAT(data_error([] { parse_one(R"({"conversionsValue":true})"); }),
              HasSubstr("metrics.conversionsValue: expected a number, got a boolean"));
  EXPECT_THAT(data_error([] { parse_one(R"({"conversionsValue":1e300})"); }),
              HasSubstr("metrics.conversionsValue"));
}

TEST(GoogleParseStream, RejectsNegativeSpendAndMetrics) {
  EXPECT_THAT(data_error([] { parse_one(R"({"costMicros":"-5"})"); }),
              HasSubstr("[0].results[0].metrics.costMicros: negative spend -5"));
  EXPECT_THAT(data_error([] { parse_one(R"({"clicks":"-1"})"); }), HasSubstr("metrics.clicks"));
  EXPECT_THAT(data_error([] { parse_one(R"({"conversions":-1})"); }),
              HasSubstr("metrics.conversions"));
  EXPECT_THAT(data_error([] { parse_one(R"({"conversionsValue":-0.5})"); }),
              HasSubstr("metrics.conversionsValue: negative value"));
}

TEST(GoogleParseStream, RejectsMissingOrBadKeys) {
  EXPECT_THAT(data_error([] {
                parse_daily_stream(R"([{"results":[{"segments":{"date":"2026-09-01"}}]}])",
                                   "2026-09-01", "2026-09-30", "hdr");
              }),
              HasSubstr("google searchStream (request id hdr): [0].results[0].campaign: missing"));
  EXPECT_THAT(data_error([] { parse_one(R"({})", "2026-09-01", R"({"name":"x"})"); }),
              HasSubstr("[0].results[0].campaign.id: missing"));
  EXPECT_THAT(data_error([] {
                parse_daily_stream(R"([{"results":[{"campaign":{"id":"1"},"segments":{}}]}])",
                                   "2026-09-01", "2026-09-30", "hdr");
              }),
              HasSubstr("[0].results[0].segments.date: missing"));
  EXPECT_THAT(data_error([] { parse_one(R"({})", "2026-9-1"); }),
              HasSubstr("segments.date: not a YYYY-MM-DD day: '2026-9-1'"));
  EXPECT_THAT(data_error([] { parse_one(R"({})", "2026-02-30"); }),
              HasSubstr("segments.date: not a YYYY-MM-DD day"));
  EXPECT_THAT(data_error([] { parse_one(R"({})", "2026-10-01"); }),
              HasSubstr("2026-10-01 is outside the queried 2026-09-01..2026-09-30"));
  EXPECT_THAT(data_error([] { parse_one(R"({})", "2026-09-01", R"({"id":"0"})"); }),
              HasSubstr("campaign.id: not a positive id"));
  EXPECT_THAT(data_error([] { parse_one(R"([])"); }),
              HasSubstr("[0].results[0].metrics: expected an object, got an array"));
}

TEST(GoogleParseStream, RejectsDuplicateCampaignDays) {
  std::string body =
      R"([{"results":[{"campaign":{"id":"1"},"segments":{"date":"2026-09-01"}}]},
          {"results":[{"campaign":{"id":"1"},"segments":{"date":"2026-09-01"}}],"requestId":"R2"}])";
  EXPECT_THAT(data_error([&] { parse_daily_stream(body, "2026-09-01", "2026-09-30", "hdr"); }),
              HasSubstr("(request id R2): [1].results[0]: campaign 1 on 2026-09-01 appears twice"));
}

TEST(GoogleParseStream, ReadsEveryBatch) {
  std::string body =
      R"([{"results":[{"campaign":{"id":"1"},"segments":{"date":"2026-09-01"},"metrics":{"costMicros":"1"}}]},
          {"results":[{"campaign":{"id":"2"},"segments":{"date":"2026-09-01"},"metrics":{"costMicros":"2"}}]},
          {"fieldMask":"x","queryResourceConsumption":"12","requestId":"LAST"}])";
  auto r = parse_daily_stream(body, "2026-09-01", "2026-09-01", "hdr");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].campaign_id, "1");
  EXPECT_EQ(r.rows[1].cost_micros, 2);
  EXPECT_EQ(r.request_id, "LAST");
  EXPECT_TRUE(parse_daily_stream("[]", "2026-09-01", "2026-09-01", "h").rows.empty());
  EXPECT_TRUE(
      parse_daily_stream(R"([{"results":[]}])", "2026-09-01", "2026-09-01", "h").rows.empty());
}

TEST(GoogleParseStream, BrokenBodiesAreDataErrorsWithTheRequestId) {
  std::string truncated(kNotesStream.substr(0, kNotesStream.size() / 2));
  auto m = data_error([&] { parse_daily_stream(truncated, "2026-09-01", "2026-09-07", "HDR-9"); });
  EXPECT_THAT(m, HasSubstr("google searchStream (request id HDR-9): the body is not valid JSON"));
  EXPECT_THAT(data_error([] { parse_daily_stream("", "2026-09-01", "2026-09-07", "h"); }),
              HasSubstr("not valid JSON"));
  EXPECT_THAT(data_error([] { parse_daily_stream("[] []", "2026-09-01", "2026-09-07", "h"); }),
              HasSubstr("not valid JSON"));
  EXPECT_THAT(data_error([] { parse_daily_stream("<html>", "2026-09-01", "2026-09-07", "h"); }),
              HasSubstr("not valid JSON"));
  EXPECT_THAT(
      data_error([] { parse_daily_stream(R"({"results":[]})", "2026-09-01", "2026-09-07", "h"); }),
      HasSubstr("expected a JSON array of batches, got an object"));
  EXPECT_THAT(data_error([] { parse_daily_stream("[1]", "2026-09-01", "2026-09-07", "h"); }),
              HasSubstr("[0]: expected an object, got a number"));
}

TEST(GoogleParseStream, AnErrorInsideTheStreamIsReportedWithoutRows) {
  std::string body =
      R"([{"results":[{"campaign":{"id":"1"},"segments":{"date":"2026-09-01"}}]},
          {"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED",
           "details":[{"@type":"type.googleapis.com/google.ads.googleads.v24.errors.GoogleAdsFailure",
             "errors":[{"errorCode":{"quotaError":"RESOURCE_EXHAUSTED"},"message":"Too many requests.",
                        "details":{"quotaErrorDetails":{"rateScope":"ACCOUNT","rateName":"Requests per account","retryDelay":"60s"}}}],
             "requestId":"Q-1"}]}}])";
  auto r = parse_daily_stream(body, "2026-09-01", "2026-09-01", "hdr");
  EXPECT_TRUE(r.rows.empty());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->status, "RESOURCE_EXHAUSTED");
  EXPECT_EQ(r.error->code, 429);
  EXPECT_EQ(r.error->request_id, "Q-1");
  ASSERT_TRUE(r.error->retry_delay);
  EXPECT_EQ(r.error->retry_delay->count(), 60'000);
  EXPECT_TRUE(r.error->has("quotaError", "RESOURCE_EXHAUSTED"));
}

// --- errors --------------------------------------------------------------------------------

// The notes' unary error example (section 4.3), verbatim.
constexpr std::string_view kNotesError =
    R"({"error":{"code":400,"message":"Request contains an invalid argument.","status":"INVALID_ARGUMENT",
  "details":[{"@type":"type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure",
    "errors":[{"errorCode":{"queryError":"INVALID_VALUE_WITH_DURING_OPERATOR"},
               "message":"Invalid date literal supplied for DURING operator: LAST_90_DAYS.",
               "location":{"fieldPathElements":[{"fieldName":"query"}]}}],
    "requestId":"FAk-3h1TY-uJkxzKVt6jJg"}]}})";

TEST(GoogleParseError, ReadsTheNotesExample) {
  ApiError e = parse_api_error(400, kNotesError);
  EXPECT_TRUE(e.parsed);
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.code, 400);
  EXPECT_EQ(e.status, "INVALID_ARGUMENT");
  EXPECT_EQ(e.message, "Request contains an invalid argument.");
  EXPECT_EQ(e.request_id, "FAk-3h1TY-uJkxzKVt6jJg");
  ASSERT_EQ(e.errors.size(), 1u);
  EXPECT_EQ(e.errors[0].kind, "queryError");
  EXPECT_EQ(e.errors[0].code, "INVALID_VALUE_WITH_DURING_OPERATOR");
  EXPECT_EQ(e.errors[0].message,
            "Invalid date literal supplied for DURING operator: LAST_90_DAYS.");
  EXPECT_FALSE(e.retry_delay);
}

TEST(GoogleParseError, ReadsTheStreamWrappedFormAndRetryInfo) {
  ApiError e = parse_api_error(400, "[" + std::string(kNotesError) + "]");
  EXPECT_TRUE(e.parsed);
  EXPECT_EQ(e.status, "INVALID_ARGUMENT");
  EXPECT_EQ(e.request_id, "FAk-3h1TY-uJkxzKVt6jJg");

  ApiError r =
      parse_api_error(429, R"({"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[
               {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"2.5s"}]}})");
  ASSERT_TRUE(r.retry_delay);
  EXPECT_EQ(r.retry_delay->count(), 2500);
}

TEST(GoogleParseError, NeverThrowsOnOtherBodies) {
  for (std::string_view body :
       {"", "<html>502 Bad Gateway</html>", "[]", "{}", R"({"error":"x"})", R"([{"error":7}])",
        R"({"error":{"details":[1,{"errors":[2]}]}})"}) {
    ApiError e = parse_api_error(502, body);
    EXPECT_EQ(e.http_status, 502);
  }
  EXPECT_FALSE(parse_api_error(502, "<html>").parsed);
  EXPECT_TRUE(parse_api_error(500, R"({"error":{"details":[1,{"errors":[2]}]}})").parsed);
}

// --- accounts, customers, campaigns --------------------------------------------------------

TEST(GoogleParseAccounts, ListAccessibleCustomers) {
  auto ids = parse_accessible_customers(
      R"({"resourceNames":["customers/1234567890","customers/9876543210"]})", "r");
  EXPECT_EQ(ids, (std::vector<std::string>{"1234567890", "9876543210"}));
  EXPECT_TRUE(parse_accessible_customers("{}", "r").empty());  // empty repeated: omitted
  EXPECT_THAT(
      data_error([] { parse_accessible_customers(R"({"resourceNames":["customers/12x"]})", "r"); }),
      HasSubstr("resourceNames[0]: not a customers/{digits} resource name"));
  EXPECT_THAT(data_error([] { parse_accessible_customers(R"({"resourceNames":[5]})", "r"); }),
              HasSubstr("resourceNames[0]: expected a string"));
}

std::string customer_body(std::string_view fields) {
  return R"({"results":[{"customer":{"resourceName":"customers/1234567890","id":"1234567890")" +
         std::string(fields) + "}}]}";
}

TEST(GoogleParseAccounts, Customer) {
  Customer c = parse_customer(
      customer_body(
          R"(,"descriptiveName":"Shop DE","currencyCode":"EUR","timeZone":"Europe/Berlin")"),
      "1234567890", "rid");
  EXPECT_EQ(c.id, "1234567890");
  EXPECT_EQ(c.name, "Shop DE");
  EXPECT_EQ(c.currency, "EUR");
  EXPECT_EQ(c.time_zone, "Europe/Berlin");
  EXPECT_EQ(parse_customer(customer_body(R"(,"currencyCode":"JPY","timeZone":"Asia/Tokyo")"),
                           "1234567890", "rid")
                .name,
            "");
}

TEST(GoogleParseAccounts, CustomerErrors) {
  EXPECT_THAT(data_error([] {
                parse_customer(customer_body(R"(,"currencyCode":"XYZ","timeZone":"UTC")"),
                               "1234567890", "rid");
              }),
              HasSubstr("google customer search (request id rid): results[0].customer."
                        "currencyCode: unknown ISO 4217 currency 'XYZ'"));
  EXPECT_THAT(data_error([] {
                parse_customer(customer_body(R"(,"currencyCode":"","timeZone":"UTC")"),
                               "1234567890", "rid");
              }),
              HasSubstr("currencyCode: empty"));
  EXPECT_THAT(data_error([] {
                parse_customer(customer_body(R"(,"currencyCode":"usd","timeZone":"UTC")"),
                               "1234567890", "rid");
              }),
              HasSubstr("unknown ISO 4217 currency 'usd'"));
  EXPECT_THAT(data_error([] {
                parse_customer(customer_body(R"(,"timeZone":"UTC")"), "1234567890", "rid");
              }),
              HasSubstr("results[0].customer.currencyCode: missing"));
  EXPECT_THAT(data_error([] {
                parse_customer(customer_body(R"(,"currencyCode":"USD","timeZone":"GMT -5")"),
                               "1234567890", "rid");
              }),
              HasSubstr("timeZone: not an IANA time zone name 'GMT -5'"));
  EXPECT_THAT(data_error([] {
                parse_customer(customer_body(R"(,"currencyCode":"USD","timeZone":"UTC")"),
                               "1111111111", "rid");
              }),
              HasSubstr("asked for customer 1111111111, got 1234567890"));
  EXPECT_THAT(data_error([] { parse_customer(R"({"results":[]})", "1", "rid"); }),
              HasSubstr("results: no customer row"));
}

TEST(GoogleParseCampaigns, PageWithToken) {
  auto page = parse_campaign_page(
      R"({"results":[{"campaign":{"resourceName":"customers/1/campaigns/11","id":"11","name":"Brand","status":"ENABLED","advertisingChannelType":"SEARCH"}},
                     {"campaign":{"id":"12","name":"Old","status":"REMOVED"}}],
          "nextPageToken":"CAE","fieldMask":"campaign.id"})",
      "rid");
  ASSERT_EQ(page.campaigns.size(), 2u);
  EXPECT_EQ(page.campaigns[0].id, "11");
  EXPECT_EQ(page.campaigns[0].name, "Brand");
  EXPECT_EQ(page.campaigns[0].status, "ENABLED");
  EXPECT_EQ(page.campaigns[0].channel_type, "SEARCH");
  EXPECT_EQ(page.campaigns[1].status, "REMOVED");
  EXPECT_FALSE(page.campaigns[1].channel_type);
  EXPECT_EQ(page.next_page_token, "CAE");
  EXPECT_TRUE(parse_campaign_page("{}", "r").campaigns.empty());
  EXPECT_EQ(parse_campaign_page("{}", "r").next_page_token, "");
  EXPECT_THAT(data_error([] {
                parse_campaign_page(R"({"results":[{"campaign":{"id":"1","status":"PAUSED"}}]})",
                                    "rid");
              }),
              HasSubstr("results[0].campaign.name: missing"));
}

// --- OAuth ---------------------------------------------------------------------------------

TEST(GoogleParseToken, RefreshReply) {
  Token t = parse_token(
      R"({"access_token":"ya29.a0AfB","expires_in":3599,"scope":"https://www.googleapis.com/auth/adwords","token_type":"Bearer"})");
  EXPECT_EQ(t.access_token, "ya29.a0AfB");
  EXPECT_EQ(t.expires_in_s, 3599);
  EXPECT_EQ(parse_token(R"({"access_token":"x"})").expires_in_s, 0);
  auto m = data_error([] { parse_token(R"({"expires_in":3599})"); });
  EXPECT_EQ(m, "google token reply: access_token: missing");
  EXPECT_THAT(data_error([] { parse_token(R"({"access_token":"x","expires_in":-1})"); }),
              HasSubstr("expires_in: not positive"));
  EXPECT_THAT(
      data_error([] { parse_token(R"({"access_token":"secretvalue","token_type":"MAC"})"); }),
      HasSubstr("token_type: not Bearer"));
  EXPECT_THAT(data_error([] { parse_token(R"({"access_token":"secretval)"); }),
              ::testing::Not(HasSubstr("secretval")));
}

TEST(GoogleParseToken, OAuthError) {
  auto e = parse_oauth_error(
      R"({"error":"invalid_grant","error_description":"Token has been expired or revoked."})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->error, "invalid_grant");
  EXPECT_EQ(e->description, "Token has been expired or revoked.");
  EXPECT_FALSE(parse_oauth_error(std::string(kNotesError)));  // an Ads error is not this shape
  EXPECT_FALSE(parse_oauth_error("nope"));
}

// --- grammar -------------------------------------------------------------------------------

TEST(GoogleGrammar, Int64Text) {
  EXPECT_EQ(parse_int64_text("0"), 0);
  EXPECT_EQ(parse_int64_text("-42"), -42);
  EXPECT_EQ(parse_int64_text("9223372036854775807"), INT64_MAX);
  for (std::string_view bad :
       {"", "-", "+5", " 5", "5 ", "5.0", "1e3", "0x10", "9223372036854775808", "--1", "1-"})
    EXPECT_FALSE(parse_int64_text(bad)) << bad;
}

TEST(GoogleGrammar, DecimalToMicros) {
  EXPECT_EQ(decimal_to_micros("12.34"), 12'340'000);
  EXPECT_EQ(decimal_to_micros("0.000001"), 1);
  EXPECT_EQ(decimal_to_micros("0.0000005"), 1);
  EXPECT_EQ(decimal_to_micros("0.00000049"), 0);
  EXPECT_EQ(decimal_to_micros("-0.0000005"), -1);
  EXPECT_EQ(decimal_to_micros("-12.34"), -12'340'000);
  EXPECT_EQ(decimal_to_micros("1.9999995"), 2'000'000);
  EXPECT_EQ(decimal_to_micros("007"), 7'000'000);
  EXPECT_EQ(decimal_to_micros("1E+3"), 1'000'000'000);
  EXPECT_EQ(decimal_to_micros("123456789e-9"), 123'457);
  EXPECT_EQ(decimal_to_micros("5e-999999999"), 0);
  EXPECT_EQ(decimal_to_micros("9223372036854.775807"), INT64_MAX);
  EXPECT_FALSE(decimal_to_micros("9223372036854.775808"));
  EXPECT_FALSE(decimal_to_micros("1e20"));
  EXPECT_FALSE(decimal_to_micros("1e999999999999"));
  for (std::string_view bad : {"", "-", ".5", "5.", "+1", "1,5", "1.5.", "e5", "1e", "1e+", "NaN",
                               "Infinity", " 1", "0x1"})
    EXPECT_FALSE(decimal_to_micros(bad)) << bad;
}

TEST(GoogleGrammar, DurationsCurrenciesZonesDates) {
  EXPECT_EQ(parse_duration("60s")->count(), 60'000);
  EXPECT_EQ(parse_duration("1.5s")->count(), 1'500);
  EXPECT_EQ(parse_duration("0.0001s")->count(), 1);  // rounded up: never retry early
  EXPECT_EQ(parse_duration("0s")->count(), 0);
  for (std::string_view bad : {"60", "s", "-1s", "1.s", "1.0000000001s", "abc"})
    EXPECT_FALSE(parse_duration(bad)) << bad;

  EXPECT_TRUE(is_iso4217("USD"));
  EXPECT_TRUE(is_iso4217("EUR"));
  EXPECT_TRUE(is_iso4217("JPY"));
  EXPECT_FALSE(is_iso4217("XYZ"));
  EXPECT_FALSE(is_iso4217("usd"));
  EXPECT_FALSE(is_iso4217("XAU"));  // gold is no account currency
  EXPECT_FALSE(is_iso4217(""));

  EXPECT_TRUE(is_iana_zone_name("America/Argentina/Buenos_Aires"));
  EXPECT_TRUE(is_iana_zone_name("Etc/GMT+5"));
  EXPECT_TRUE(is_iana_zone_name("UTC"));
  EXPECT_FALSE(is_iana_zone_name(""));
  EXPECT_FALSE(is_iana_zone_name("+05:00"));
  EXPECT_FALSE(is_iana_zone_name("Europe/"));

  EXPECT_TRUE(is_iso_date("2024-02-29"));
  EXPECT_FALSE(is_iso_date("2026-02-29"));
  EXPECT_FALSE(is_iso_date("2026-13-01"));
  EXPECT_FALSE(is_iso_date("20260101"));
}

// What the fuzz target does, on a deterministic corpus: every prefix and every single-byte
// corruption of real bodies parses or fails with Error::data, never anything else.
TEST(GoogleParseRobustness, PrefixesAndByteFlipsFailCleanly) {
  const std::string bodies[] = {
      std::string(kNotesStream), std::string(kNotesError),
      customer_body(R"(,"descriptiveName":"S","currencyCode":"EUR","timeZone":"Europe/Berlin")"),
      R"({"resourceNames":["customers/1234567890"]})",
      R"({"access_token":"ya29.x","expires_in":3599,"token_type":"Bearer"})"};
  size_t runs = 0;
  for (const auto& body : bodies) {
    for (size_t n = 0; n <= body.size(); ++n, ++runs)
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(body.data()), n);
    for (size_t i = 0; i < body.size(); ++i)
      for (char c : {'\0', '"', '-', '9', '{', ']', '\xff'}) {
        std::string m = body;
        m[i] = c;
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(m.data()), m.size());
        ++runs;
      }
  }
  EXPECT_GT(runs, 5000u);
}

}  // namespace
}  // namespace connhost::google
