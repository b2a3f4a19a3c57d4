// The Meta response parser and request builder on hand-written bodies taken from the platform
// notes (shared/platforms/meta-google.md section 1) and their edge cases: exact values out, or
// the exact error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "meta_parse.hpp"
#include "meta_requests.hpp"

namespace {

using connhost::Error;
using connhost::ErrorCategory;
using ::testing::HasSubstr;
using ::testing::Not;

const std::vector<std::string> kDefaultPriority = {"omni_purchase", "purchase",
                                                   "offsite_conversion.fb_pixel_purchase"};

// Runs f, which must throw connhost::Error; returns it.
template <class F>
Error thrown(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no connhost::Error thrown";
  return Error(ErrorCategory::internal, "none");
}

// Section 1.3's example daily campaign row, verbatim.
constexpr std::string_view kNotesInsights =
    R"({"data":[{"campaign_id":"120210000000000001","campaign_name":"Spring Sale",
  "spend":"123.45","impressions":"10234","clicks":"321","inline_link_clicks":"250","cpc":"0.384579",
  "actions":[{"action_type":"link_click","value":"250"},
             {"action_type":"offsite_conversion.fb_pixel_purchase","value":"7"},
             {"action_type":"purchase","value":"7"},
             {"action_type":"omni_purchase","value":"7"}],
  "action_values":[{"action_type":"offsite_conversion.fb_pixel_purchase","value":"699.3"},
                   {"action_type":"omni_purchase","value":"699.3"}],
  "date_start":"2026-09-01","date_stop":"2026-09-01"}],
 "paging":{"cursors":{"before":"MAZDZD","after":"MQZDZD"}}})";

const int64_t kSep1 = 20697;  // 2026-09-01 as days since 1970-01-01

// One insights row with the given members spliced in, for edge cases.
std::string row_with(std::string_view members) {
  return R"({"data":[{"campaign_id":"1","date_start":"2026-09-01","date_stop":"2026-09-01",)" +
         std::string(members) + "}]}";
}
std::string good_metrics(std::string_view spend = R"("1.00")") {
  return R"("spend":)" + std::string(spend) + R"(,"impressions":"10","clicks":"2")";
}

meta::Page<meta::DailyRow> insights(std::string_view body, int64_t since = kSep1,
                                    int64_t until = kSep1,
                                    const std::vector<std::string>& priority = kDefaultPriority) {
  return meta::parse_insights_page(body, "T1", priority, since, until);
}

TEST(MetaMoney, DecimalStringsBecomeExactMicros) {
  EXPECT_EQ(meta::money_micros("123.45", "f", "r"), 123'450'000);
  EXPECT_EQ(meta::money_micros("699.3", "f", "r"), 699'300'000);
  EXPECT_EQ(meta::money_micros("7", "f", "r"), 7'000'000);
  EXPECT_EQ(meta::money_micros("0.000001", "f", "r"), 1);
  EXPECT_EQ(meta::money_micros("0", "f", "r"), 0);
  EXPECT_EQ(meta::money_micros("1.2345670000", "f", "r"), 1'234'567);  // trailing zeros are exact
  // 0.1 + 0.2 style values that a double would round differently.
  EXPECT_EQ(meta::money_micros("9007199254.740993", "f", "r"), 9'007'199'254'740'993);
}

TEST(MetaMoney, RefusesWhatIsNotAnExactNonNegativeDecimal) {
  auto e = thrown([] { meta::money_micros("-5.00", "data[0].spend", "T9"); });
  EXPECT_EQ(e.category(), ErrorCategory::data);
  EXPECT_STREQ(e.what(),
               "Meta response (fbtrace_id T9): field 'data[0].spend' is negative ('-5.00')");
  EXPECT_STREQ(thrown([] { meta::money_micros("-", "s", "T9"); }).what(),
               "Meta response (fbtrace_id T9): field 's' is not a decimal number ('-')");
  EXPECT_STREQ(thrown([] { meta::money_micros("1.2345678", "s", ""); }).what(),
               "Meta response (no fbtrace_id): field 's' has more than 6 decimal places "
               "('1.2345678')");
  EXPECT_STREQ(thrown([] { meta::money_micros("", "s", "T"); }).what(),
               "Meta response (fbtrace_id T): field 's' is empty");
  for (std::string_view bad : {"1e3", "1,5", " 1", "1.", ".5", "+1", "0x10", "NaN", "1.2.3"})
    EXPECT_EQ(thrown([&] { meta::money_micros(bad, "s", "T"); }).category(), ErrorCategory::data)
        << bad;
  EXPECT_STREQ(thrown([] { meta::money_micros("99999999999999", "s", "T"); }).what(),
               "Meta response (fbtrace_id T): field 's' is too large");
}

TEST(MetaCounts, WholeNumbersOnly) {
  EXPECT_EQ(meta::count("10234", "f", "r"), 10234);
  EXPECT_STREQ(thrown([] { meta::count("1.0", "c", "T"); }).what(),
               "Meta response (fbtrace_id T): field 'c' is not a whole number ('1.0')");
  EXPECT_STREQ(thrown([] { meta::count("-3", "c", "T"); }).what(),
               "Meta response (fbtrace_id T): field 'c' is negative ('-3')");
  EXPECT_STREQ(thrown([] { meta::count("-", "c", "T"); }).what(),
               "Meta response (fbtrace_id T): field 'c' is not a whole number ('-')");
  EXPECT_STREQ(thrown([] { meta::count("99999999999999999999", "c", "T"); }).what(),
               "Meta response (fbtrace_id T): field 'c' is too large");
  EXPECT_DOUBLE_EQ(meta::decimal("2.5", "f", "r"), 2.5);
}

TEST(MetaDates, DaysAndGraphTimes) {
  EXPECT_EQ(meta::day_number("2026-09-01"), kSep1);
  EXPECT_EQ(meta::day_text(kSep1), "2026-09-01");
  EXPECT_EQ(meta::day_number("2024-02-29"), meta::day_number("2024-02-28").value() + 1);
  EXPECT_FALSE(meta::day_number("2026-02-29"));
  EXPECT_FALSE(meta::day_number("2026-9-01"));
  EXPECT_FALSE(meta::day_number("2026-09-01T"));
  EXPECT_EQ(meta::graph_time_ms("2026-01-11T12:30:14+0000"), 1768134614000);
  EXPECT_EQ(meta::graph_time_ms("2026-01-11T12:30:14Z"), 1768134614000);
  EXPECT_EQ(meta::graph_time_ms("2026-01-11T04:30:14-08:00"), 1768134614000);
  EXPECT_EQ(meta::graph_time_ms("2026-01-11T12:30:14.250+0000"), 1768134614250);
  EXPECT_EQ(meta::graph_time_ms("2026-01-11T12:30:14+0230"), 1768125614000);
  EXPECT_FALSE(meta::graph_time_ms("2026-01-11 12:30:14+0000"));
  EXPECT_FALSE(meta::graph_time_ms("2026-01-11T12:30:14"));
  EXPECT_FALSE(meta::graph_time_ms("2026-01-11T25:30:14+0000"));
}

TEST(MetaCurrency, KnownCodesOnly) {
  EXPECT_TRUE(meta::is_currency("EUR"));
  EXPECT_TRUE(meta::is_currency("JPY"));
  EXPECT_TRUE(meta::is_currency("AED"));
  EXPECT_TRUE(meta::is_currency("ZWG"));
  EXPECT_FALSE(meta::is_currency("XXX"));
  EXPECT_FALSE(meta::is_currency("eur"));
  EXPECT_FALSE(meta::is_currency(""));
}

TEST(MetaInsights, TheNotesExampleRow) {
  auto page = insights(kNotesInsights);
  ASSERT_EQ(page.items.size(), 1u);
  const auto& r = page.items[0];
  EXPECT_EQ(r.campaign_id, "120210000000000001");
  EXPECT_EQ(r.date, "2026-09-01");
  EXPECT_EQ(r.spend_micros, 123'450'000);
  EXPECT_EQ(r.impressions, 10234);
  EXPECT_EQ(r.clicks, 321);
  EXPECT_EQ(r.link_clicks, 250);
  // omni_purchase is first in the default priority: 7 purchases, never 7+7+7.
  EXPECT_DOUBLE_EQ(r.purchases, 7);
  EXPECT_EQ(r.purchase_value_micros, 699'300'000);
  EXPECT_FALSE(r.currency);
  EXPECT_FALSE(page.next);  // only the absence of paging.next ends the list (section 1.1)
}

TEST(MetaInsights, PurchaseValueComesFromTheChosenTypeOnly) {
  // `purchase` wins in `actions`, but action_values has no `purchase` entry: the value is 0, not
  // the pixel's or omni's value (count and value always describe one action type).
  auto page =
      insights(kNotesInsights, kSep1, kSep1, {"purchase", "offsite_conversion.fb_pixel_purchase"});
  EXPECT_DOUBLE_EQ(page.items[0].purchases, 7);
  EXPECT_EQ(page.items[0].purchase_value_micros, 0);

  auto p = meta::pick_purchases({{"purchase", "3"}, {"omni_purchase", "4"}},
                                {{"purchase", "30.5"}, {"omni_purchase", "40"}}, kDefaultPriority,
                                "r", "T");
  EXPECT_EQ(p.type, "omni_purchase");
  EXPECT_DOUBLE_EQ(p.count, 4);
  EXPECT_EQ(p.value_micros, 40'000'000);

  // No purchase type among the actions: the value is still reported from action_values.
  p = meta::pick_purchases({{"link_click", "9"}}, {{"purchase", "12.5"}}, kDefaultPriority, "r",
                           "T");
  EXPECT_EQ(p.type, "purchase");
  EXPECT_DOUBLE_EQ(p.count, 0);
  EXPECT_EQ(p.value_micros, 12'500'000);

  p = meta::pick_purchases({}, {}, kDefaultPriority, "r", "T");
  EXPECT_FALSE(p.type);
  EXPECT_DOUBLE_EQ(p.count, 0);
  EXPECT_EQ(p.value_micros, 0);
}

TEST(MetaInsights, OptionalMembersAndJsonIntegers) {
  // No actions at all, no inline_link_clicks, integers sent as JSON integers, account_currency.
  auto page =
      insights(row_with(R"("spend":"0.5","impressions":12,"clicks":0,"account_currency":"EUR")"));
  const auto& r = page.items[0];
  EXPECT_EQ(r.spend_micros, 500'000);
  EXPECT_EQ(r.impressions, 12);
  EXPECT_EQ(r.clicks, 0);
  EXPECT_FALSE(r.link_clicks);
  EXPECT_DOUBLE_EQ(r.purchases, 0);
  EXPECT_EQ(r.purchase_value_micros, 0);
  EXPECT_EQ(r.currency, "EUR");
}

TEST(MetaInsights, EmptyPageWithNext) {
  auto page = insights(
      R"({"data":[],"paging":{"next":"https://graph.facebook.com/v26.0/act_1/insights?after=x"}})");
  EXPECT_TRUE(page.items.empty());
  EXPECT_EQ(page.next, "https://graph.facebook.com/v26.0/act_1/insights?after=x");
}

TEST(MetaInsights, EveryBadRowIsADataErrorNamingFieldAndRequest) {
  struct Case {
    std::string body;
    std::string message;
  };
  const std::string p = "Meta response (fbtrace_id T1): field ";
  std::vector<Case> cases = {
      {row_with(good_metrics(R"("-")")), p + "'data[0].spend' is not a decimal number ('-')"},
      {row_with(good_metrics(R"("-12.50")")), p + "'data[0].spend' is negative ('-12.50')"},
      {row_with(good_metrics("123.45")), p + "'data[0].spend' is not a numeric string"},
      {row_with(R"("impressions":"10","clicks":"2")"), p + "'data[0].spend' is missing"},
      {row_with(R"("spend":"1","clicks":"2")"), p + "'data[0].impressions' is missing"},
      {row_with(R"("spend":"1","impressions":"-","clicks":"2")"),
       p + "'data[0].impressions' is not a whole number ('-')"},
      {row_with(good_metrics() + R"(,"inline_link_clicks":"2.5")"),
       p + "'data[0].inline_link_clicks' is not a whole number ('2.5')"},
      {row_with(good_metrics() + R"(,"account_currency":"XYZ")"),
       p + "'data[0].account_currency' is not an ISO 4217 code ('XYZ')"},
      {row_with(good_metrics() + R"(,"account_currency":"")"),
       p + "'data[0].account_currency' is not an ISO 4217 code ('')"},
      {row_with(good_metrics() + R"(,"actions":[{"action_type":"purchase","value":"x"}])"),
       p + "'data[0].actions[purchase].value' is not a decimal number ('x')"},
      {row_with(
           good_metrics() +
           R"(,"actions":[{"action_type":"purchase","value":"1"},{"action_type":"purchase","value":"1"}])"),
       p + "'data[0].actions[1]' repeats action_type 'purchase'"},
      {row_with(good_metrics() + R"(,"action_values":[{"action_type":"purchase","value":"-3"}])"),
       p + "'data[0].action_values[purchase].value' is negative ('-3')"},
      {row_with(good_metrics() + R"(,"actions":{"purchase":1})"),
       p + "'data[0].actions' is not an array"},
      {R"({"data":[{"date_start":"2026-09-01","date_stop":"2026-09-01","spend":"1","impressions":"1","clicks":"1"}]})",
       p + "'data[0].campaign_id' is missing"},
      {R"({"data":[{"campaign_id":"1","date_start":"2026-09-02","date_stop":"2026-09-02","spend":"1","impressions":"1","clicks":"1"}]})",
       p + "'data[0].date_start' (2026-09-02) lies outside the requested range "
           "2026-09-01..2026-09-01"},
      {R"({"data":[{"campaign_id":"1","date_start":"2026-09-01","date_stop":"2026-09-30","spend":"1","impressions":"1","clicks":"1"}]})",
       p + "'data[0].date_stop' differs from date_start (expected one row per day)"},
      {R"({"data":[{"campaign_id":"1","date_start":"2026-13-01","date_stop":"2026-13-01","spend":"1","impressions":"1","clicks":"1"}]})",
       p + "'data[0].date_start' is not a YYYY-MM-DD day"},
      {R"({"paging":{}})", p + "'data' is missing"},
      {R"({"data":{}})", p + "'data' is not an array"},
      {R"({"data":[],"paging":{"next":7}})", p + "'paging.next' is not a string"},
      {R"([1,2])", p + "'(body)' is not an object"},
  };
  for (const auto& c : cases) {
    auto e = thrown([&] { insights(c.body); });
    EXPECT_EQ(e.category(), ErrorCategory::data) << c.body;
    EXPECT_EQ(std::string(e.what()), c.message) << c.body;
  }
}

TEST(MetaInsights, TruncatedOrMalformedBodiesAreDataErrorsAtEveryCut) {
  // Every prefix of the notes' body, and a few garbage bodies: a data error or a full parse,
  // never anything else (this is the property the libFuzzer target checks at scale).
  std::string body(kNotesInsights);
  for (size_t n = 0; n < body.size(); ++n) {
    try {
      insights(std::string_view(body).substr(0, n));
      ADD_FAILURE() << "a body cut at " << n << " parsed";
    } catch (const Error& e) {
      EXPECT_EQ(e.category(), ErrorCategory::data) << n;
      EXPECT_THAT(e.what(), HasSubstr("fbtrace_id T1")) << n;
    }
  }
  auto e = thrown([] { insights("<html>upstream error</html>"); });
  EXPECT_THAT(e.what(), HasSubstr("field '(body)' is not valid JSON"));
}

TEST(MetaAccounts, PageAndNode) {
  auto page = meta::parse_accounts_page(
      R"({"data":[{"id":"act_860883280037529","account_id":"860883280037529","name":"Acme EUR 1","currency":"EUR","timezone_name":"Europe\/Berlin","account_status":1},
                  {"id":"act_42","name":"No account_id","currency":"JPY","timezone_name":"Asia/Tokyo"}],
          "paging":{"cursors":{"before":"a","after":"b"},"next":"https://graph.facebook.com/v26.0/me/adaccounts?after=b"}})",
      "T");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].account_id, "860883280037529");
  EXPECT_EQ(page.items[0].name, "Acme EUR 1");
  EXPECT_EQ(page.items[0].currency, "EUR");
  EXPECT_EQ(page.items[0].time_zone, "Europe/Berlin");
  EXPECT_EQ(page.items[0].status, "1");
  EXPECT_EQ(page.items[1].account_id, "42");
  EXPECT_FALSE(page.items[1].status);
  EXPECT_EQ(page.next, "https://graph.facebook.com/v26.0/me/adaccounts?after=b");

  auto a = meta::parse_account(
      R"({"id":"act_7","account_id":"7","name":"n","currency":"GBP","timezone_name":"America\/Sao_Paulo","account_status":2})",
      "T");
  EXPECT_EQ(a.account_id, "7");
  EXPECT_EQ(a.status, "2");

  EXPECT_STREQ(
      thrown([] {
        meta::parse_account(R"({"account_id":"7","name":"n","currency":"","timezone_name":"UTC"})",
                            "T");
      }).what(),
      "Meta response (fbtrace_id T): field '(account).currency' is not an ISO 4217 code ('')");
  EXPECT_STREQ(
      thrown([] {
        meta::parse_account(
            R"({"account_id":"7","name":"n","currency":"usd","timezone_name":"UTC"})", "T");
      }).what(),
      "Meta response (fbtrace_id T): field '(account).currency' is not an ISO 4217 code ('usd')");
  EXPECT_STREQ(thrown([] {
                 meta::parse_account(R"({"account_id":"7","name":"n","currency":"USD"})", "T");
               }).what(),
               "Meta response (fbtrace_id T): field '(account).timezone_name' is missing");
  EXPECT_STREQ(
      thrown([] {
        meta::parse_account(
            R"({"id":"act_8","account_id":"7","name":"n","currency":"USD","timezone_name":"UTC"})",
            "T");
      }).what(),
      "Meta response (fbtrace_id T): field '(account).id' does not match account_id 7");
}

TEST(MetaCampaigns, TheNotesExamplePage) {
  // Section 1.2's example response, verbatim.
  auto page = meta::parse_campaigns_page(
      R"({"data":[{"id":"120210000000000001","name":"Spring Sale","objective":"OUTCOME_SALES",
          "status":"ACTIVE","effective_status":"ACTIVE","daily_budget":"5000"}],
 "paging":{"cursors":{"before":"QVFIUk9x","after":"QVFIUjZA"},
           "next":"https://graph.facebook.com/v26.0/act_123/campaigns?fields=id%2Cname&limit=25&after=QVFIUjZA"}})",
      "T");
  ASSERT_EQ(page.items.size(), 1u);
  const auto& c = page.items[0];
  EXPECT_EQ(c.id, "120210000000000001");
  EXPECT_EQ(c.name, "Spring Sale");
  EXPECT_EQ(c.status, "ACTIVE");
  EXPECT_EQ(c.objective, "OUTCOME_SALES");
  EXPECT_FALSE(c.created_ms);
  EXPECT_EQ(page.next,
            "https://graph.facebook.com/v26.0/act_123/campaigns?fields=id%2Cname&limit=25&after="
            "QVFIUjZA");

  page = meta::parse_campaigns_page(
      R"({"data":[{"id":"5","name":"Old","status":"DELETED","created_time":"2026-01-11T12:30:14+0000","updated_time":"2026-01-11T12:30:14+0000"}]})",
      "T");
  EXPECT_EQ(page.items[0].status, "DELETED");
  EXPECT_FALSE(page.items[0].objective);
  EXPECT_EQ(page.items[0].created_ms, 1768134614000);
  EXPECT_STREQ(
      thrown([] {
        meta::parse_campaigns_page(
            R"({"data":[{"id":"5","name":"x","status":"ACTIVE","created_time":"yesterday"}]})",
            "T");
      }).what(),
      "Meta response (fbtrace_id T): field 'data[0].created_time' is not a Graph "
      "datetime ('yesterday')");
  EXPECT_STREQ(thrown([] {
                 meta::parse_campaigns_page(R"({"data":[{"id":"5","status":"ACTIVE"}]})", "T");
               }).what(),
               "Meta response (fbtrace_id T): field 'data[0].name' is missing");
}

TEST(MetaReportRun, StartAndPoll) {
  EXPECT_EQ(meta::parse_report_run_id(R"({"report_run_id":"6123456789"})", "T"), "6123456789");
  EXPECT_EQ(meta::parse_report_run_id(R"({"report_run_id":6123456789})", "T"), "6123456789");
  EXPECT_STREQ(thrown([] { meta::parse_report_run_id(R"({"id":"1"})", "T"); }).what(),
               "Meta response (fbtrace_id T): field 'report_run_id' is missing");
  // Section 1.5's observed poll response, verbatim.
  auto run = meta::parse_report_run(
      R"({"id":"1128003977936306","account_id":"212551616838260","time_ref":1642989751,
 "time_completed":1642989754,"async_status":"Job Completed","async_percent_completion":100,
 "date_start":"2021-02-24","date_stop":"2021-02-24"})",
      "T");
  EXPECT_EQ(run.id, "1128003977936306");
  EXPECT_EQ(run.async_status, "Job Completed");
  EXPECT_EQ(run.percent, 100);
  EXPECT_FALSE(run.error_code);
  run = meta::parse_report_run(
      R"({"id":"1","async_status":"Job Failed","async_percent_completion":40,"error_code":-1,"error_subcode":2,"error_message":"boom","error_user_msg":"try later"})",
      "T");
  EXPECT_EQ(run.error_code, -1);
  EXPECT_EQ(run.error_subcode, 2);
  EXPECT_EQ(run.error_message, "boom / try later");
}

meta::Usage throttled_usage();

TEST(MetaReportRun, FailedRunsKeepTokenAndThrottleCategories) {
  using std::chrono::milliseconds;
  meta::ReportRun run;
  run.id = "61";
  run.async_status = "Job Failed";
  run.error_message = "Please reduce the amount of data";
  auto e = meta::report_run_failed(run, "T", {}, 95, milliseconds(9000), "async insights");
  EXPECT_EQ(e.category(), ErrorCategory::transient);
  EXPECT_STREQ(e.what(),
               "Meta async insights: report run 61 ended with 'Job Failed': Please reduce the "
               "amount of data (fbtrace_id T)");
  run.async_status = "Job Skipped";
  run.error_message.clear();
  run.error_code = 2;
  EXPECT_STREQ(meta::report_run_failed(run, "T", {}, 95, milliseconds(9000), "a").what(),
               "Meta a: report run 61 ended with 'Job Skipped' (error_code 2, fbtrace_id T)");
  run.error_code = 190;
  run.error_subcode = 463;
  EXPECT_EQ(meta::report_run_failed(run, "T", {}, 95, milliseconds(9000), "a").category(),
            ErrorCategory::auth);
  run.error_code = 80000;
  e = meta::report_run_failed(run, "T", {}, 95, milliseconds(9000), "a");
  EXPECT_EQ(e.category(), ErrorCategory::quota);
  EXPECT_EQ(e.retry_after(), milliseconds(9000));
}

meta::Usage throttled_usage() {
  // Section 1.7's header examples, with the BUC entry at 100% and 5 minutes to regain access.
  return meta::parse_usage(
      {R"({"call_count":28,"total_time":25,"total_cputime":25})",
       R"({"acc_id_util_pct":9.67,"reset_time_duration":100,"ads_api_access_tier":"standard_access"})",
       R"({"123":[{"type":"ads_management","call_count":100,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":5}]})",
       std::nullopt});
}

TEST(MetaUsage, HeadersFromTheNotes) {
  auto u = meta::parse_usage(
      {R"({"call_count":28,"total_time":25,"total_cputime":25})",
       R"({"acc_id_util_pct":9.67,"reset_time_duration":100,"ads_api_access_tier":"standard_access"})",
       R"({"<id>":[{"type":"ads_management","call_count":95,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":0}]})",
       R"({"app_id_util_pct":12.5,"acc_id_util_pct":40,"ads_api_access_tier":"development_access"})"});
  EXPECT_DOUBLE_EQ(u.max_pct, 95);
  EXPECT_EQ(u.max_counter, "x-business-use-case-usage.ads_management.call_count");
  EXPECT_DOUBLE_EQ(u.account_pct, 9.67);
  EXPECT_EQ(u.account_reset_seconds, 100);
  EXPECT_EQ(u.regain_minutes, 0);

  // Garbage headers count for nothing.
  u = meta::parse_usage({"{not json", "[]", "7", std::nullopt});
  EXPECT_DOUBLE_EQ(u.max_pct, 0);
}

TEST(MetaUsage, PaceThenStopBeforeTheLimit) {
  using std::chrono::milliseconds;
  meta::Usage u;
  u.max_pct = 50;
  auto p = meta::pace_for(u, 75, 95, milliseconds(5000));
  EXPECT_FALSE(p.stop);
  EXPECT_EQ(p.sleep, milliseconds(0));
  u.max_pct = 85;
  p = meta::pace_for(u, 75, 95, milliseconds(5000));
  EXPECT_FALSE(p.stop);
  EXPECT_EQ(p.sleep, milliseconds(2500));
  u.max_pct = 95;
  EXPECT_TRUE(meta::pace_for(u, 75, 95, milliseconds(5000)).stop);

  // The regain time: BUC minutes first, then the ad account's reset when it is the one that is
  // full, else the fallback.
  EXPECT_EQ(meta::regain_after(throttled_usage(), 95, milliseconds(1)), std::chrono::minutes(5));
  meta::Usage acc;
  acc.account_pct = 99;
  acc.account_reset_seconds = 120;
  EXPECT_EQ(meta::regain_after(acc, 95, milliseconds(1)), std::chrono::seconds(120));
  acc.account_pct = 50;
  EXPECT_EQ(meta::regain_after(acc, 95, milliseconds(7)), milliseconds(7));
}

TEST(MetaErrors, EnvelopeCodesMapToCategories) {
  using std::chrono::milliseconds;
  meta::Usage none;
  auto classify = [&](int status, std::string_view body, const meta::Usage& u) {
    return meta::classify(status, body, u, 95, milliseconds(300'000), "HDR", "insights of act_1");
  };
  // Section 1.6's sample envelope: 190/460.
  auto e = classify(
      400,
      R"({"error":{"message":"Message describing the error","type":"OAuthException","code":190,
          "error_subcode":460,"error_user_title":"A title","error_user_msg":"A message",
          "fbtrace_id":"EJplcsCHuLu"}})",
      none);
  EXPECT_EQ(e.category(), ErrorCategory::auth);
  EXPECT_STREQ(e.what(),
               "Meta insights of act_1: the access token was rejected (the password changed, so "
               "the token was invalidated); issue a new token: Message describing the error (code "
               "190, subcode 460, fbtrace_id EJplcsCHuLu, HTTP 400)");
  e = classify(400, R"({"error":{"message":"expired","code":190,"error_subcode":463}})", none);
  EXPECT_EQ(e.category(), ErrorCategory::auth);
  EXPECT_THAT(e.what(), HasSubstr("the token has expired"));
  EXPECT_THAT(e.what(), HasSubstr("fbtrace_id HDR"));  // the header's id when the body has none

  for (int code : {4, 17, 32, 613, 80000, 80004, 80014}) {
    e = classify(400,
                 R"({"error":{"message":"limit","code":)" + std::to_string(code) +
                     R"(,"is_transient":true,"fbtrace_id":"X"}})",
                 throttled_usage());
    EXPECT_EQ(e.category(), ErrorCategory::quota) << code;
    EXPECT_EQ(e.retry_after(), milliseconds(300'000)) << code;
  }
  e = classify(400, R"({"error":{"message":"(#4) Application request limit reached","code":4}})",
               none);
  EXPECT_EQ(e.category(), ErrorCategory::quota);
  EXPECT_EQ(e.retry_after(), milliseconds(300'000));  // the documented fallback
  EXPECT_STREQ(e.what(),
               "Meta insights of act_1: rate limited: (#4) Application request limit reached "
               "(code 4, fbtrace_id HDR, HTTP 400; retry in 300 s)");

  for (int code : {1, 2})
    EXPECT_EQ(
        classify(500, R"({"error":{"message":"x","code":)" + std::to_string(code) + "}}", none)
            .category(),
        ErrorCategory::transient);
  EXPECT_EQ(classify(400, R"({"error":{"message":"x","code":9999,"is_transient":true}})", none)
                .category(),
            ErrorCategory::transient);
  e = classify(400, R"({"error":{"message":"Invalid parameter","code":100,"fbtrace_id":"F"}})",
               none);
  EXPECT_EQ(e.category(), ErrorCategory::config);
  EXPECT_STREQ(e.what(),
               "Meta insights of act_1: Graph refused the request: Invalid parameter (code 100, "
               "fbtrace_id F, HTTP 400)");
  EXPECT_THAT(
      classify(400, R"({"error":{"message":"too much","code":100,"error_subcode":1487534}})", none)
          .what(),
      HasSubstr("lower chunk_days"));
  EXPECT_EQ(classify(403, R"({"error":{"message":"no","code":200}})", none).category(),
            ErrorCategory::auth);

  EXPECT_EQ(classify(502, "<html>bad gateway</html>", none).category(), ErrorCategory::transient);
  EXPECT_EQ(classify(429, "", none).category(), ErrorCategory::quota);
  e = classify(200, R"({"error": trunc)", none);
  EXPECT_EQ(e.category(), ErrorCategory::data);
  EXPECT_STREQ(e.what(),
               "Meta insights of act_1: HTTP 200 without a Graph error envelope (fbtrace_id HDR)");
}

// --- Requests ---------------------------------------------------------------------------------

struct Cfg {
  std::vector<std::pair<std::string, std::string>> kv;
  std::vector<ch_config_entry> entries;
  ch_config c{};
  Cfg(std::initializer_list<std::pair<std::string, std::string>> values) : kv(values) {
    for (auto& [k, v] : kv) entries.push_back({{k.data(), k.size()}, {v.data(), v.size()}});
    c = {entries.data(), entries.size()};
  }
  Cfg(const Cfg&) = delete;  // entries point into kv
  meta::Settings settings() const { return meta::Settings::from(connhost::Config(&c)); }
};

TEST(MetaRequests, UrlsCarryTheVersionAndExplicitFields) {
  Cfg cfg({{"base_url", "https://graph.facebook.com/"}, {"api_version", "v25.0"}});
  auto s = cfg.settings();
  meta::Urls u(s);
  EXPECT_EQ(u.ad_accounts(500),
            "https://graph.facebook.com/v25.0/me/adaccounts?fields=id%2Caccount_id%2Cname%"
            "2Ccurrency%2Ctimezone_name%2Caccount_status&limit=500");
  EXPECT_EQ(u.ad_account("123"),
            "https://graph.facebook.com/v25.0/act_123?fields=id%2Caccount_id%2Cname%2Ccurrency%"
            "2Ctimezone_name%2Caccount_status");
  EXPECT_EQ(u.campaigns("123", 25),
            "https://graph.facebook.com/v25.0/act_123/campaigns?fields=id%2Cname%2Cstatus%"
            "2Ceffective_status%2Cobjective%2Ccreated_time%2Cupdated_time&limit=25");
  EXPECT_EQ(u.insights("123", "2026-09-01", "2026-09-30", 500),
            "https://graph.facebook.com/v25.0/act_123/insights?level=campaign&time_increment=1&"
            "time_range=%7B%22since%22%3A%222026-09-01%22%2C%22until%22%3A%222026-09-30%22%7D&"
            "fields=campaign_id%2Cspend%2Cimpressions%2Cclicks%2Cinline_link_clicks%2Cactions%"
            "2Caction_values%2Cdate_start%2Cdate_stop%2Caccount_currency&limit=500");
  EXPECT_EQ(u.report_run("61234"),
            "https://graph.facebook.com/v25.0/61234?fields=id%2Casync_status%2Casync_percent_"
            "completion%2Cerror_code%2Cerror_message%2Cerror_subcode%2Cerror_user_title%2Cerror_"
            "user_msg");
  EXPECT_EQ(u.report_run_insights("61234", 100),
            "https://graph.facebook.com/v25.0/61234/insights?limit=100");
  EXPECT_EQ(
      meta::Urls::insights_async_body("2026-01-01", "2026-01-30"),
      R"({"level":"campaign","time_increment":1,"time_range":{"since":"2026-01-01","until":"2026-01-30"},"fields":"campaign_id,spend,impressions,clicks,inline_link_clicks,actions,action_values,date_start,date_stop,account_currency"})");
}

TEST(MetaRequests, TokenAndNextLinks) {
  Cfg cfg({{"base_url", "http://127.0.0.1:8080"}});
  auto s = cfg.settings();
  meta::Urls u(s);
  EXPECT_EQ(meta::Urls::authorize("http://127.0.0.1:8080/v26.0/me/adaccounts?limit=5", "ab+c/d="),
            "http://127.0.0.1:8080/v26.0/me/adaccounts?limit=5&access_token=ab%2Bc%2Fd%3D");
  // Graph's own next links already carry the token: left verbatim.
  EXPECT_EQ(meta::Urls::authorize("http://127.0.0.1:8080/v26.0/x?access_token=OLD&after=z", "NEW"),
            "http://127.0.0.1:8080/v26.0/x?access_token=OLD&after=z");
  EXPECT_EQ(u.next("http://127.0.0.1:8080/v26.0/act_1/insights?after=QQ", "T"),
            "http://127.0.0.1:8080/v26.0/act_1/insights?after=QQ");
  EXPECT_EQ(u.next("HTTP://127.0.0.1:8080/v26.0/x", "T"), "HTTP://127.0.0.1:8080/v26.0/x");
  for (std::string_view off : {"http://evil.example:8080/v26.0/x", "https://127.0.0.1:8080/v26.0/x",
                               "http://127.0.0.1:8081/v26.0/x", "/v26.0/relative"}) {
    auto e = thrown([&] { u.next(off, "T"); });
    EXPECT_EQ(e.category(), ErrorCategory::data) << off;
    EXPECT_THAT(e.what(), HasSubstr("paging.next")) << off;
  }
}

TEST(MetaRequests, SettingsAreValidated) {
  EXPECT_EQ(thrown([] {
              Cfg({{"api_version", "26"}}).settings();
            }).category(),
            ErrorCategory::config);
  EXPECT_STREQ(thrown([] {
                 Cfg({{"ad_account_ids", "123\nabc"}}).settings();
               }).what(),
               "setting 'ad_account_ids' holds 'abc', which is not an ad account number");
  EXPECT_STREQ(thrown([] {
                 Cfg({{"chunk_days", "0"}}).settings();
               }).what(),
               "setting 'chunk_days' must be between 1 and 366, got 0");
  EXPECT_EQ(thrown([] {
              Cfg({{"usage_pace_pct", "90"}, {"usage_stop_pct", "80"}}).settings();
            }).category(),
            ErrorCategory::config);
  EXPECT_EQ(thrown([] {
              auto s = Cfg({{"base_url", "ftp://x"}}).settings();
              meta::Urls u(s);
            }).category(),
            ErrorCategory::config);
  auto s = Cfg({{"ad_account_ids", "act_123\n456\n123"}, {"purchase_action_types", "purchase"}})
               .settings();
  EXPECT_EQ(s.account_ids, (std::vector<std::string>{"123", "456"}));
  EXPECT_EQ(s.purchase_types, (std::vector<std::string>{"purchase"}));
  EXPECT_EQ(Cfg{}.settings().purchase_types, kDefaultPriority);
}

}  // namespace
