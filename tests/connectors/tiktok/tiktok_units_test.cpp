// The TikTok connector's pure parts besides the parsers: days and the campaign_daily state
// contract, report windows, request URLs, and HTTP status mapping.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

#include <map>
#include <string>

#include "tiktok_errors.hpp"
#include "tiktok_requests.hpp"
#include "tiktok_window.hpp"

namespace connhost::tiktok {
namespace {

Day day(const char* s) {
  return *parse_day(s);
}

TEST(TikTokWindow, Days) {
  EXPECT_EQ(format_day(day("2024-02-29")), "2024-02-29");
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-1-01", "2024-01-01 ", "", "20240101",
                          "2024/01/01", "abcd-ef-gh"})
    EXPECT_FALSE(parse_day(bad)) << bad;
}

TEST(TikTokWindow, StateFollowsTheContract) {
  EXPECT_EQ(make_state(day("2026-01-01"), day("2026-03-01"), day("2026-01-30")),
            "2026-01-01..2026-03-01@2026-01-30");
  const Day ws = day("2026-01-01"), we = day("2026-03-01");
  EXPECT_EQ(resume_from("", ws, we), ws);
  EXPECT_EQ(resume_from("2026-01-01..2026-03-01@2026-01-30", ws, we), day("2026-01-31"));
  EXPECT_EQ(resume_from("2026-01-01..2026-03-01@2026-03-01", ws, we), day("2026-03-02"));
  // Another window's state, or one that cannot have come from this window, is ignored.
  EXPECT_EQ(resume_from("2026-01-02..2026-03-01@2026-01-30", ws, we), ws);
  EXPECT_EQ(resume_from("2026-01-01..2026-03-02@2026-01-30", ws, we), ws);
  EXPECT_EQ(resume_from("2026-01-01..2026-03-01@2025-12-31", ws, we), ws);
  EXPECT_EQ(resume_from("2026-01-01..2026-03-01@2026-03-02", ws, we), ws);
  EXPECT_EQ(resume_from("garbage", ws, we), ws);
  EXPECT_EQ(resume_from("2026-01-01..2026-03-01@2026-01-3x", ws, we), ws);
}

TEST(TikTokWindow, ChunksAreAtMostThirtyDays) {
  auto chunks = plan_chunks(day("2026-01-01"), day("2026-03-01"), 30);
  ASSERT_EQ(chunks.size(), 2u);  // 60 days
  EXPECT_EQ(format_day(chunks[0].first), "2026-01-01");
  EXPECT_EQ(format_day(chunks[0].last), "2026-01-30");
  EXPECT_EQ(format_day(chunks[1].first), "2026-01-31");
  EXPECT_EQ(format_day(chunks[1].last), "2026-03-01");
  // Cut from the end: the newest days (still restated) form one whole chunk, read last.
  chunks = plan_chunks(day("2026-01-01"), day("2026-01-10"), 7);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(format_day(chunks[0].first), "2026-01-01");
  EXPECT_EQ(format_day(chunks[0].last), "2026-01-03");
  EXPECT_EQ(format_day(chunks[1].first), "2026-01-04");
  EXPECT_EQ(format_day(chunks[1].last), "2026-01-10");
  EXPECT_EQ(plan_chunks(day("2026-01-01"), day("2026-01-01"), 30).size(), 1u);
  EXPECT_TRUE(plan_chunks(day("2026-01-02"), day("2026-01-01"), 30).empty());
  // Thirteen months, contiguous, none longer than 30 days.
  auto year = plan_chunks(day("2025-10-20"), day("2026-11-19"), 30);
  EXPECT_EQ(year.size(), 14u);
  for (size_t i = 0; i < year.size(); ++i) {
    EXPECT_LE((year[i].last - year[i].first).count() + 1, 30);
    if (i > 0) {
      EXPECT_EQ(year[i].first, year[i - 1].last + date::days{1});
    }
  }
  EXPECT_EQ(year.back().last, day("2026-11-19"));
}

std::map<std::string, std::string> query_of(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  EXPECT_TRUE(u) << url;
  std::map<std::string, std::string> out;
  for (auto p : u->params()) out[p.key] = p.value;
  return out;
}

TEST(TikTokRequests, ApiSettingsAreChecked) {
  EXPECT_EQ(Api::make("https://business-api.tiktok.com/", "v1.3").base_url,
            "https://business-api.tiktok.com");
  EXPECT_EQ(Api::make("http://127.0.0.1:8080/prefix", "v1.3").url("campaign/get/", {}),
            "http://127.0.0.1:8080/prefix/open_api/v1.3/campaign/get/");
  for (const char* bad :
       {"ftp://x", "business-api.tiktok.com", "https://x/?a=b", "https://x/#f", ""})
    EXPECT_THROW(Api::make(bad, "v1.3"), connhost::Error) << bad;
  for (const char* bad : {"1.3", "v", "v1.", "v1..3", "v1.3/", "v1.3?x"})
    EXPECT_THROW(Api::make("https://x", bad), connhost::Error) << bad;
}

TEST(TikTokRequests, JsonParametersAreEncodedJsonText) {
  Api api = Api::make("https://h", "v1.3");
  auto r = get(api, "report/integrated/get/",
               report_query("42", Chunk{day("2026-01-01"), day("2026-01-30")}, 2), "tok+en/=");
  EXPECT_THAT(r.url, ::testing::StartsWith("https://h/open_api/v1.3/report/integrated/get/?"));
  EXPECT_EQ(r.url.find("tok"), std::string::npos) << "the token never goes into the URL";
  ASSERT_EQ(r.headers.at(0).first, "Access-Token");
  EXPECT_EQ(r.headers.at(0).second, "tok+en/=");
  // Nothing but unreserved characters and escapes after the '?'.
  auto q = r.url.substr(r.url.find('?') + 1);
  EXPECT_EQ(q.find_first_of("[]{}\" ,:+"), std::string::npos) << q;

  auto params = query_of(r.url);
  EXPECT_EQ(params["advertiser_id"], "42");
  EXPECT_EQ(params["report_type"], "BASIC");
  EXPECT_EQ(params["data_level"], "AUCTION_CAMPAIGN");
  EXPECT_EQ(params["start_date"], "2026-01-01");
  EXPECT_EQ(params["end_date"], "2026-01-30");
  EXPECT_EQ(params["page"], "2");
  EXPECT_EQ(params["page_size"], "1000");
  EXPECT_EQ(boost::json::parse(params["dimensions"]),
            boost::json::parse(R"(["campaign_id","stat_time_day"])"));
  EXPECT_EQ(
      boost::json::parse(params["metrics"]),
      boost::json::parse(
          R"(["spend","impressions","clicks","complete_payment","total_complete_payment_rate"])"));
  EXPECT_EQ(
      boost::json::parse(params["filtering"]),
      boost::json::parse(
          R"([{"field_name":"campaign_status","filter_type":"IN","filter_value":"[\"STATUS_ALL\"]"}])"));
}

TEST(TikTokRequests, CampaignsIncludeDeleted) {
  Api api = Api::make("https://h", "v1.3");
  auto params = query_of(api.url("campaign/get/", campaign_get_query("42", 3)));
  EXPECT_EQ(boost::json::parse(params["filtering"]),
            boost::json::parse(R"({"secondary_status":"CAMPAIGN_STATUS_ALL"})"));
  EXPECT_EQ(params["page"], "3");
  EXPECT_EQ(params["page_size"], "1000");
  params = query_of(api.url("advertiser/info/", advertiser_info_query({"1", "2"})));
  EXPECT_EQ(boost::json::parse(params["advertiser_ids"]), boost::json::parse(R"(["1","2"])"));
  params = query_of(api.url("oauth2/advertiser/get/", advertiser_get_query("7", "s&e+c=r")));
  EXPECT_EQ(params["app_id"], "7");
  EXPECT_EQ(params["secret"], "s&e+c=r");
}

TEST(TikTokErrors, HttpStatuses) {
  EXPECT_EQ(error_for_status("x/", 500, std::nullopt).category(), ErrorCategory::transient);
  EXPECT_EQ(error_for_status("x/", 503, std::nullopt).category(), ErrorCategory::transient);
  EXPECT_EQ(error_for_status("x/", 401, std::nullopt).category(), ErrorCategory::auth);
  EXPECT_EQ(error_for_status("x/", 404, std::nullopt).category(), ErrorCategory::config);
  auto e = error_for_status("x/", 429, std::string_view("7"));
  EXPECT_EQ(e.category(), ErrorCategory::quota);
  EXPECT_EQ(e.retry_after(), std::chrono::milliseconds(7'000));
  EXPECT_EQ(error_for_status("x/", 429, std::nullopt).retry_after(), kHttp429Wait);
}

TEST(TikTokErrors, ThrottleWaits) {
  EXPECT_EQ(throttle_wait(40133, "", 0), kQpsWait);
  EXPECT_EQ(throttle_wait(40100, "", 0), kQpmWait);
  EXPECT_EQ(throttle_wait(40100, "QPS limit", 0), kQpsWait);
  EXPECT_EQ(throttle_wait(40133, "app QPM limit", 0), kQpmWait);
  EXPECT_EQ(throttle_wait(40100, "qpd", 86'400'000LL * 3 + 1),
            std::chrono::milliseconds(86'399'999));
  EXPECT_FALSE(throttle_wait(40002, "QPS", 0));
}

}  // namespace
}  // namespace connhost::tiktok
