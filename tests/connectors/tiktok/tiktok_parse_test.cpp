// The TikTok parsers on hand-written bodies shaped as the examples of tiktok.md §1.4-§1.8, and
// on the edge cases the notes call out: "-" values, numbers where strings are usual, missing
// fields, negative money, unknown currencies, broken JSON.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <connhost/connector.hpp>

#include <optional>
#include <string>

#include "tiktok_errors.hpp"
#include "tiktok_parse.hpp"

namespace connhost::tiktok {
namespace {

using ::testing::HasSubstr;

// Runs f, which must throw connhost::Error, and returns that error.
template <class F>
std::optional<Error> error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

// Expects a data error whose message names the request id and contains `what`.
template <class F>
void expect_data_error(F&& f, const std::string& what, const std::string& request_id = "RID-1") {
  auto e = error_of(f);
  ASSERT_TRUE(e) << "expected a data error containing: " << what;
  EXPECT_EQ(e->category(), ErrorCategory::data) << e->what();
  EXPECT_NE(std::string(e->what()).find(what), std::string::npos) << e->what();
  EXPECT_NE(std::string(e->what()).find(request_id), std::string::npos) << e->what();
}

// The §1.8 example response.
const std::string kReportExample =
    R"({"code":0,"message":"OK","request_id":"20251114113337267C3017B572313C5F0A","data":{
  "page_info":{"page":1,"page_size":10,"total_number":2,"total_page":1},
  "list":[
    {"dimensions":{"campaign_id":"1790000000000001","stat_time_day":"2024-05-01 00:00:00"},
     "metrics":{"spend":"12.34","impressions":"1000","clicks":"25","cpc":"0.49",
                "conversion":"2","complete_payment":"1","total_complete_payment_rate":"49.90",
                "campaign_name":"Spring sale"}},
    {"dimensions":{"campaign_id":"1790000000000001","stat_time_day":"2024-05-02 00:00:00"},
     "metrics":{"spend":"0.00","impressions":"0","clicks":"0","cpc":"0.00",
                "conversion":"0","complete_payment":"0","total_complete_payment_rate":"0.00",
                "campaign_name":"Spring sale"}}]}})";

// A one-row report page with these dimensions and metrics (JSON object bodies).
std::string report(const std::string& dimensions, const std::string& metrics) {
  return R"({"code":0,"message":"OK","request_id":"RID-1","data":{"page_info":{"page":1,"page_size":1000,"total_number":1,"total_page":1},"list":[{"dimensions":)" +
         dimensions + R"(,"metrics":)" + metrics + "}]}}";
}
const std::string kDims = R"({"campaign_id":"17","stat_time_day":"2026-03-04 00:00:00"})";
std::string metrics_with(const std::string& spend, const std::string& impressions = R"("10")",
                         const std::string& value = R"("1.50")") {
  return R"({"spend":)" + spend + R"(,"impressions":)" + impressions +
         R"(,"clicks":"3","complete_payment":"1","total_complete_payment_rate":)" + value + "}";
}

TEST(TikTokReportParse, NotesExampleExactValues) {
  ReportPage p = parse_report_body(kReportExample);
  EXPECT_EQ(p.page_info.page, 1);
  EXPECT_EQ(p.page_info.page_size, 10);
  EXPECT_EQ(p.page_info.total_number, 2);
  EXPECT_EQ(p.page_info.total_page, 1);
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].campaign_id, "1790000000000001");
  EXPECT_EQ(p.rows[0].date, "2024-05-01");
  EXPECT_EQ(p.rows[0].spend_micros, 12'340'000);
  EXPECT_EQ(p.rows[0].impressions, 1000);
  EXPECT_EQ(p.rows[0].clicks, 25);
  EXPECT_EQ(p.rows[0].purchases, 1.0);
  EXPECT_EQ(p.rows[0].purchase_value_micros, 49'900'000);
  EXPECT_EQ(p.rows[1].date, "2024-05-02");
  EXPECT_EQ(p.rows[1].spend_micros, 0);
  EXPECT_EQ(p.rows[1].purchase_value_micros, 0);
  EXPECT_EQ(p.placeholders, 0);
}

TEST(TikTokReportParse, DashReadsAsZeroAndIsCounted) {
  auto p = parse_report_body(report(kDims, metrics_with(R"("-")", R"("-")", R"("-")")));
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].spend_micros, 0);
  EXPECT_EQ(p.rows[0].impressions, 0);
  EXPECT_EQ(p.rows[0].purchase_value_micros, 0);
  EXPECT_EQ(p.rows[0].clicks, 3);
  EXPECT_EQ(p.placeholders, 3);
}

TEST(TikTokReportParse, DashIsOnlyTheBareDash) {
  expect_data_error([] { parse_report_body(report(kDims, metrics_with(R"("--")"))); },
                    "data.list[0].metrics.spend: not a decimal number");
  expect_data_error([] { parse_report_body(report(kDims, metrics_with(R"(" - ")"))); },
                    "data.list[0].metrics.spend: not a decimal number");
}

TEST(TikTokReportParse, NumbersAreToleratedAndExact) {
  auto p = parse_report_body(report(kDims, metrics_with("12.34", "1000", "49.9")));
  EXPECT_EQ(p.rows[0].spend_micros, 12'340'000);
  EXPECT_EQ(p.rows[0].impressions, 1000);
  EXPECT_EQ(p.rows[0].purchase_value_micros, 49'900'000);
  // Values that are not exact in binary still come back as the decimal that was written.
  p = parse_report_body(report(kDims, metrics_with("0.1", "7", "1234567.89")));
  EXPECT_EQ(p.rows[0].spend_micros, 100'000);
  EXPECT_EQ(p.rows[0].purchase_value_micros, 1'234'567'890'000);
  // A whole number written as a JSON double is still a whole count.
  p = parse_report_body(report(kDims, metrics_with("5", "116.0")));
  EXPECT_EQ(p.rows[0].impressions, 116);
  EXPECT_EQ(p.rows[0].spend_micros, 5'000'000);
}

TEST(TikTokReportParse, MoneyByStringArithmetic) {
  Where at{"x/", "RID-1"};
  EXPECT_EQ(decimal_micros(at, "f", "12.34"), 12'340'000);
  EXPECT_EQ(decimal_micros(at, "f", "0"), 0);
  EXPECT_EQ(decimal_micros(at, "f", "0.000001"), 1);
  EXPECT_EQ(decimal_micros(at, "f", "1.2345670"), 1'234'567);
  EXPECT_EQ(decimal_micros(at, "f", "007.5"), 7'500'000);
  EXPECT_EQ(decimal_micros(at, "f", "9223372036854.775807"), INT64_MAX);
  EXPECT_EQ(decimal_micros(at, "f", "19999999.99"), 19'999'999'990'000);
  expect_data_error([&] { decimal_micros(at, "f", "9223372036854.775808"); }, "f: out of range");
  expect_data_error([&] { decimal_micros(at, "f", "1.2345678"); }, "f: more than 6 decimal places");
  for (const char* bad : {"", ".5", "5.", "+1", "1e3", " 1", "1 ", "1,5", "0x10", "1.2.3", "NaN"})
    expect_data_error([&] { decimal_micros(at, "f", bad); }, "f: not a decimal number");
  expect_data_error([&] { decimal_micros(at, "f", "-0.01"); }, "f: negative value '-0.01'");
}

TEST(TikTokReportParse, CountsAreWhole) {
  Where at{"x/", "RID-1"};
  EXPECT_EQ(decimal_count(at, "n", "116.0"), 116);
  EXPECT_EQ(decimal_count(at, "n", "9223372036854775807"), INT64_MAX);
  expect_data_error([&] { decimal_count(at, "n", "116.5"); }, "n: not a whole number: '116.5'");
  expect_data_error([&] { decimal_count(at, "n", "9223372036854775808"); }, "n: out of range");
  EXPECT_DOUBLE_EQ(decimal_double(at, "p", "2.5"), 2.5);
}

TEST(TikTokReportParse, NegativeSpendIsADataError) {
  expect_data_error([] { parse_report_body(report(kDims, metrics_with(R"("-12.34")"))); },
                    "data.list[0].metrics.spend: negative value '-12.34'");
  expect_data_error([] { parse_report_body(report(kDims, metrics_with("-1"))); },
                    "data.list[0].metrics.spend: negative value");
}

TEST(TikTokReportParse, MissingAndMistypedFields) {
  expect_data_error(
      [] {
        parse_report_body(report(
            kDims,
            R"({"spend":"1","impressions":"1","complete_payment":"0","total_complete_payment_rate":"0"})"));
      },
      "data.list[0].metrics.clicks: missing");
  expect_data_error(
      [] {
        parse_report_body(
            report(R"({"stat_time_day":"2026-03-04 00:00:00"})", metrics_with(R"("1")")));
      },
      "data.list[0].dimensions.campaign_id: missing");
  expect_data_error([] { parse_report_body(report(kDims, metrics_with("null"))); },
                    "data.list[0].metrics.spend: not a number or a numeric string");
  expect_data_error([] { parse_report_body(report(kDims, metrics_with("true"))); },
                    "data.list[0].metrics.spend: not a number");
  expect_data_error(
      [] {
        parse_report_body(R"({"code":0,"message":"OK","request_id":"RID-1","data":{"list":[]}})");
      },
      "data.page_info: missing");
  expect_data_error(
      [] {
        parse_report_body(
            R"({"code":0,"request_id":"RID-1","data":{"page_info":{"page":1,"total_page":1}}})");
      },
      "data.list: missing");
  expect_data_error(
      [] {
        parse_report_body(
            R"({"code":0,"request_id":"RID-1","data":{"list":{},"page_info":{"page":1,"total_page":1}}})");
      },
      "data.list: not an array");
}

TEST(TikTokReportParse, IdsMayBeNumbers) {
  auto p = parse_report_body(
      report(R"({"campaign_id":1790000000000001,"stat_time_day":"2024-05-01 00:00:00"})",
             metrics_with(R"("1")")));
  EXPECT_EQ(p.rows[0].campaign_id, "1790000000000001");
  expect_data_error(
      [] {
        parse_report_body(report(R"({"campaign_id":"17x","stat_time_day":"2024-05-01 00:00:00"})",
                                 metrics_with(R"("1")")));
      },
      "data.list[0].dimensions.campaign_id: not an id");
}

TEST(TikTokReportParse, StatTimeDayIsStrict) {
  for (const char* bad : {"2024-05-01", "2024-05-01 01:00:00", "2024-02-30 00:00:00",
                          "2024-5-01 00:00:00", "2024-05-01T00:00:00"})
    expect_data_error(
        [&] {
          parse_report_body(
              report(std::string(R"({"campaign_id":"1","stat_time_day":")") + bad + R"("})",
                     metrics_with(R"("1")")));
        },
        "data.list[0].dimensions.stat_time_day: not 'YYYY-MM-DD 00:00:00'");
}

TEST(TikTokReportParse, BrokenBodies) {
  std::string truncated = kReportExample.substr(0, kReportExample.size() / 2);
  auto e = error_of([&] { parse_report_body(truncated); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->category(), ErrorCategory::data);
  EXPECT_THAT(e->what(), HasSubstr("report/integrated/get/ (no request_id): body: not JSON"));
  for (const char* bad : {"", "[]", "null", "<html>502</html>", "{\"code\":0}"}) {
    auto e2 = error_of([&] { parse_report_body(bad); });
    ASSERT_TRUE(e2) << bad;
    EXPECT_EQ(e2->category(), ErrorCategory::data) << bad;
  }
  expect_data_error([] { parse_report_body(R"({"code":"0","request_id":"RID-1","data":{}})"); },
                    "code: not an integer");
  expect_data_error([] { parse_report_body(R"({"code":0,"request_id":"RID-1","data":[]})"); },
                    "data: not an object");
}

TEST(TikTokReportParse, NonZeroCodesBecomeTheirCategories) {
  auto body = [](int code, const std::string& message) {
    return R"({"code":)" + std::to_string(code) + R"(,"message":")" + message +
           R"(","request_id":"RID-9","data":{}})";
  };
  auto e = error_of([&] {
    parse_report_body(
        body(40100, "Due to too many requests, requests from App 1 are temporarily restricted."));
  });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->category(), ErrorCategory::quota);
  EXPECT_EQ(e->retry_after(), std::chrono::milliseconds(300'000));
  EXPECT_THAT(e->what(), HasSubstr("RID-9"));

  e = error_of([&] {
    parse_report_body(
        body(40133, "Advertiser (1)'s QPS (11) reaches QPS limit 10 for current path"));
  });
  EXPECT_EQ(e->category(), ErrorCategory::quota);
  EXPECT_EQ(e->retry_after(), std::chrono::milliseconds(1'000));

  e = error_of([&] { parse_report_body(body(40016, "Too many requests")); });
  EXPECT_EQ(e->category(), ErrorCategory::quota);
  EXPECT_EQ(e->retry_after(), std::chrono::milliseconds(300'000));

  // A daily quota waits for 00:00 UTC: from 2026-11-20 23:00:00 UTC that is one hour.
  const int64_t at_23h = 1'795'215'600'000;
  e = error_of([&] { parse_report_body(body(40100, "App QPD limit reached"), at_23h); });
  EXPECT_EQ(e->retry_after(), std::chrono::milliseconds(3'600'000));

  for (int code : {40102, 40104, 40105, 40106, 40101}) {
    e = error_of([&] { parse_report_body(body(code, "token problem")); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->category(), ErrorCategory::auth) << code;
    EXPECT_FALSE(e->retry_after()) << code;
  }
  e = error_of([&] { parse_report_body(body(40102, "Access token has expired.")); });
  EXPECT_THAT(e->what(), HasSubstr("access token has expired"));
  e = error_of(
      [&] { parse_report_body(body(40105, "Access token is incorrect or has been revoked.")); });
  EXPECT_THAT(e->what(), HasSubstr("invalid or has been revoked"));

  for (int code : {40000, 40001, 40002, 40006, 40051, 40007, 40300})
    EXPECT_EQ(error_of([&] { parse_report_body(body(code, "x")); })->category(),
              ErrorCategory::config)
        << code;
  for (int code : {50000, 50002, 60001, 20001})
    EXPECT_EQ(error_of([&] { parse_report_body(body(code, "x")); })->category(),
              ErrorCategory::transient)
        << code;
  EXPECT_EQ(error_of([&] { parse_report_body(body(12345, "x")); })->category(),
            ErrorCategory::data);
}

TEST(TikTokAdvertiserParse, InfoNotesExample) {
  auto list =
      parse_advertiser_info_body(R"({"code":0,"message":"OK","request_id":"2024...","data":{"list":[
  {"advertiser_id":"7012345678901234567","name":"Acme Ads","status":"STATUS_ENABLE",
   "currency":"USD","timezone":"Etc/GMT","display_timezone":"Europe/London",
   "balance":5325.43,"create_time":1510740064,"role":"ROLE_ADVERTISER"}]}})");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].id, "7012345678901234567");
  EXPECT_EQ(list[0].name, "Acme Ads");
  EXPECT_EQ(list[0].currency, "USD");
  EXPECT_EQ(list[0].time_zone, "Etc/GMT");
  EXPECT_EQ(list[0].status, "STATUS_ENABLE");
}

std::string info_with(const std::string& fields) {
  return R"({"code":0,"message":"OK","request_id":"RID-1","data":{"list":[{"advertiser_id":"1",)" +
         fields + "}]}}";
}

TEST(TikTokAdvertiserParse, CurrencyAndZoneAreChecked) {
  expect_data_error(
      [] { parse_advertiser_info_body(info_with(R"("currency":"XYZ","timezone":"UTC")")); },
      "data.list[0].currency: not an ISO 4217 currency: 'XYZ'");
  expect_data_error(
      [] { parse_advertiser_info_body(info_with(R"("currency":"","timezone":"UTC")")); },
      "data.list[0].currency: not an ISO 4217 currency: ''");
  expect_data_error(
      [] { parse_advertiser_info_body(info_with(R"("currency":"usd","timezone":"UTC")")); },
      "not an ISO 4217 currency");
  expect_data_error([] { parse_advertiser_info_body(info_with(R"("timezone":"UTC")")); },
                    "data.list[0].currency: missing");
  expect_data_error([] { parse_advertiser_info_body(info_with(R"("currency":"EUR")")); },
                    "data.list[0].timezone: missing");
  expect_data_error(
      [] { parse_advertiser_info_body(info_with(R"("currency":"EUR","timezone":"UTC+08:00")")); },
      "data.list[0].timezone: not an IANA time zone name");
  // Without `timezone`, the display zone is the only zone there is.
  auto list =
      parse_advertiser_info_body(info_with(R"("currency":"JPY","display_timezone":"Asia/Tokyo")"));
  EXPECT_EQ(list[0].time_zone, "Asia/Tokyo");
  EXPECT_FALSE(list[0].status);
  EXPECT_EQ(list[0].name, "");
}

TEST(TikTokAdvertiserParse, AuthorizedAdvertisers) {
  auto list = parse_authorized_advertisers_body(
      R"({"code":0,"message":"OK","request_id":"R","data":{"list":[
    {"advertiser_id":"7012345678901234567","advertiser_name":"Acme"},
    {"advertiser_id":7012345678901234568,"advertiser_name":"Beta"}]}})");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "7012345678901234567");
  EXPECT_EQ(list[0].name, "Acme");
  EXPECT_EQ(list[1].id, "7012345678901234568");
  expect_data_error(
      [] {
        parse_authorized_advertisers_body(
            R"({"code":0,"request_id":"RID-1","data":{"list":[{"advertiser_name":"x"}]}})");
      },
      "data.list[0].advertiser_id: missing");
}

const std::string kCampaignExample = R"({"code":0,"message":"OK","request_id":"RID-1","data":{
  "list":[{"advertiser_id":"7012345678901234567","campaign_id":"1790000000000001",
           "campaign_name":"Spring sale","objective_type":"WEB_CONVERSIONS",
           "budget_mode":"BUDGET_MODE_DAY","budget":50.0,"operation_status":"ENABLE",
           "secondary_status":"CAMPAIGN_STATUS_ENABLE",
           "create_time":"2024-04-01 08:00:00","modify_time":"2024-04-02 09:30:00"}],
  "page_info":{"page":1,"page_size":10,"total_number":1,"total_page":1}}})";

TEST(TikTokCampaignParse, NotesExample) {
  auto p = parse_campaigns_body(kCampaignExample, "7012345678901234567");
  ASSERT_EQ(p.campaigns.size(), 1u);
  const auto& c = p.campaigns[0];
  EXPECT_EQ(c.id, "1790000000000001");
  EXPECT_EQ(c.name, "Spring sale");
  EXPECT_EQ(c.status, "ENABLE");
  EXPECT_EQ(c.objective, "WEB_CONVERSIONS");
  EXPECT_EQ(c.created_ms, 1'711'958'400'000);   // 2024-04-01T08:00:00Z
  EXPECT_EQ(c.modified_ms, 1'712'050'200'000);  // 2024-04-02T09:30:00Z
  EXPECT_EQ(p.page_info.total_page, 1);
}

TEST(TikTokCampaignParse, Strictness) {
  expect_data_error([] { parse_campaigns_body(kCampaignExample, "7012345678901234999"); },
                    "data.list[0].advertiser_id: names advertiser 7012345678901234567");
  auto replace = [](std::string s, const std::string& from, const std::string& to) {
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  expect_data_error(
      [&] {
        parse_campaigns_body(
            replace(kCampaignExample, R"("2024-04-01 08:00:00")", R"("2024-04-01")"),
            "7012345678901234567");
      },
      "data.list[0].create_time: not 'YYYY-MM-DD HH:MM:SS'");
  expect_data_error(
      [&] {
        parse_campaigns_body(replace(kCampaignExample, R"("campaign_name":"Spring sale",)", ""),
                             "7012345678901234567");
      },
      "data.list[0].campaign_name: missing");
  // Without operation_status the secondary status stands in; times may be absent.
  auto p = parse_campaigns_body(
      R"({"code":0,"request_id":"R","data":{"list":[{"campaign_id":"5","campaign_name":"n","secondary_status":"CAMPAIGN_STATUS_DELETE"}],"page_info":{"page":1,"total_page":1}}})",
      "1");
  EXPECT_EQ(p.campaigns[0].status, "CAMPAIGN_STATUS_DELETE");
  EXPECT_FALSE(p.campaigns[0].created_ms);
  EXPECT_FALSE(p.campaigns[0].objective);
}

TEST(TikTokScrub, SecretsNeverReachMessages) {
  EXPECT_EQ(scrub("token abc123 and abc123 again", {"abc123"}), "token *** and *** again");
  EXPECT_EQ(scrub("line\nbreak", {}), "line break");
  EXPECT_EQ(scrub(std::string(400, 'x'), {}).size(), 303u);
}

}  // namespace
}  // namespace connhost::tiktok
