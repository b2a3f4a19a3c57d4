// The Meta connector loaded from the build's plugin folder and driven through the real ABI by the
// host's Instance, against the in-process sandbox (today 2026-11-20, seed 42): shapes, paging,
// totals equal to the sandbox's ground truth to the micro, checkpoints and resume, and every
// fault mapped to its category.
#include <gmock/gmock.h>

#include <cmath>
#include <set>
#include <tuple>

#include <connhost/ad_reporting.hpp>

#include "connector_fixture.hpp"
#include "meta_parse.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace ar = connhost::ad_reporting;

constexpr std::string_view kToday = "2026-11-20";
constexpr std::string_view k60From = "2026-09-22";  // 60 days ending today
constexpr std::string_view k13From = "2025-10-21";  // 396 days (13 months) ending today

struct Sum {
  int64_t spend = 0, impressions = 0, clicks = 0, value = 0, rows = 0;
  double purchases = 0;
};

class MetaConnectorTest : public ConnectorTest {
 protected:
  MetaConnectorTest() : ConnectorTest("meta") {}

  std::unique_ptr<plugin::Instance> connect(
      std::map<std::string, std::string> extra = {},
      std::string token = sandbox::Credentials{}.meta_access_token) {
    sandbox::Credentials cr;
    std::map<std::string, std::string> settings{{"base_url", sandbox->base_url()},
                                                {"app_id", cr.meta_app_id},
                                                // Polls without real waits: no sleeps in tests.
                                                {"async_poll_initial_ms", "1"},
                                                {"async_poll_max_ms", "2"}};
    for (auto& [k, v] : extra) settings[k] = v;
    return make(settings, {{"access_token", token}, {"app_secret", cr.meta_app_secret}});
  }

  std::vector<sandbox::AccountInfo> accounts() const { return sandbox->accounts("meta"); }

  static Sum sum(const std::vector<plugin::Row>& rows, size_t from = 0,
                 size_t to = std::string::npos) {
    Sum s;
    for (size_t i = from; i < std::min(to, rows.size()); ++i) {
      const auto& r = rows[i];
      s.spend += i64(r, ar::kDailySpend);
      s.impressions += i64(r, ar::kDailyImpressions);
      s.clicks += i64(r, ar::kDailyClicks);
      s.purchases += f64(r, ar::kDailyPurchases);
      s.value += i64(r, ar::kDailyPurchaseValue);
      ++s.rows;
    }
    return s;
  }

  static void expect_truth(const Sum& s, const sandbox::Truth& t) {
    EXPECT_GT(t.rows, 0);
    EXPECT_EQ(s.spend, t.total.spend_micros);
    EXPECT_EQ(s.impressions, t.total.impressions);
    EXPECT_EQ(s.clicks, t.total.clicks);
    EXPECT_EQ(std::llround(s.purchases), t.total.purchases);
    EXPECT_DOUBLE_EQ(s.purchases, double(t.total.purchases));
    EXPECT_EQ(s.value, t.total.purchase_value_micros);
    EXPECT_EQ(s.rows, t.rows);
  }

  // Every row of one account's daily read: its account, currency, a day inside the window, and
  // unique on (account, date, campaign).
  static void expect_rows_shape(const std::vector<plugin::Row>& rows, const sandbox::AccountInfo& a,
                                std::string_view from, std::string_view to) {
    std::set<std::tuple<std::string, std::string, std::string>> keys;
    std::set<std::string> campaigns(a.campaign_ids.begin(), a.campaign_ids.end());
    for (const auto& r : rows) {
      EXPECT_EQ(str(r, ar::kDailyAccountId), a.id);
      EXPECT_EQ(str(r, ar::kDailyCurrency), a.currency);
      auto d = str(r, ar::kDailyDate);
      EXPECT_GE(d, std::string(from));
      EXPECT_LE(d, std::string(to));
      EXPECT_TRUE(campaigns.count(str(r, ar::kDailyCampaignId))) << str(r, ar::kDailyCampaignId);
      EXPECT_TRUE(keys.emplace(a.id, d, str(r, ar::kDailyCampaignId)).second)
          << "duplicate " << d << " " << str(r, ar::kDailyCampaignId);
    }
  }

  size_t count_requests(std::string_view endpoint) const {
    size_t n = 0;
    for (const auto& r : sandbox->requests())
      if (r.platform == "meta" && r.endpoint == endpoint) ++n;
    return n;
  }

  void fault(const std::string& json) { sandbox->add_faults(json); }
};

// --- accounts and check ------------------------------------------------------------------------

TEST_F(MetaConnectorTest, AccountsComeFromTheTokenWithCurrencyAndTimeZone) {
  auto inst = connect();
  auto out = inst->read("accounts", "", "", "");
  ASSERT_FALSE(out.error) << out.error->to_string();
  auto expected = accounts();
  ASSERT_EQ(out.rows.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(str(out.rows[i], ar::kAccountId), expected[i].id);
    EXPECT_EQ(str(out.rows[i], ar::kAccountName), expected[i].name);
    EXPECT_EQ(str(out.rows[i], ar::kAccountCurrency), expected[i].currency);
    EXPECT_EQ(str(out.rows[i], ar::kAccountTimeZone), expected[i].time_zone);
    EXPECT_EQ(str(out.rows[i], ar::kAccountStatus), "1");
  }
  ASSERT_EQ(out.checkpoints.size(), 1u);
  EXPECT_EQ(out.checkpoints[0].state, "");
  auto reqs = sandbox->requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].endpoint, "me/adaccounts");
  EXPECT_EQ(reqs[0].path, "/v26.0/me/adaccounts");
  EXPECT_THAT(
      reqs[0].query,
      HasSubstr("fields=id%2Caccount_id%2Cname%2Ccurrency%2Ctimezone_name%2Caccount_status"));
}

TEST_F(MetaConnectorTest, AccountPagesAreFollowedToTheEnd) {
  auto inst = connect({{"page_size", "1"}});
  auto out = inst->read("accounts", "", "", "");
  ASSERT_FALSE(out.error) << out.error->to_string();
  EXPECT_EQ(out.rows.size(), accounts().size());
  EXPECT_EQ(count_requests("me/adaccounts"), accounts().size());
}

TEST_F(MetaConnectorTest, ConfiguredAccountsAreReadOneByOne) {
  auto second = accounts().at(1);
  auto inst = connect({{"ad_account_ids", "act_" + second.id}});
  auto out = inst->read("accounts", "", "", "");
  ASSERT_FALSE(out.error) << out.error->to_string();
  ASSERT_EQ(out.rows.size(), 1u);
  EXPECT_EQ(str(out.rows[0], ar::kAccountId), second.id);
  EXPECT_EQ(str(out.rows[0], ar::kAccountCurrency), second.currency);
  EXPECT_EQ(str(out.rows[0], ar::kAccountTimeZone), second.time_zone);
  EXPECT_EQ(count_requests("me/adaccounts"), 0u);

  // An account outside the configured list is refused before any request.
  sandbox->clear_requests();
  for (std::string_view stream : {"accounts", "campaigns", "campaign_daily"}) {
    out = inst->read(stream, k60From, kToday, "", accounts().at(0).id);
    ASSERT_TRUE(out.error) << stream;
    EXPECT_EQ(out.error->category, CH_ERROR_CONFIG) << stream;
    EXPECT_THAT(out.error->message, HasSubstr("not in the connection's ad_account_ids"));
  }
  EXPECT_TRUE(sandbox->requests().empty());
}

TEST_F(MetaConnectorTest, CheckAcceptsTheTokenAndRejectsAWrongOne) {
  EXPECT_FALSE(connect()->check());
  auto err = connect({}, "not-the-sandbox-token")->check();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->category, CH_ERROR_AUTH);
  EXPECT_THAT(err->message, HasSubstr("access token was rejected"));
  EXPECT_THAT(err->message, Not(HasSubstr("not-the-sandbox-token")));
}

// --- campaigns --------------------------------------------------------------------------------

TEST_F(MetaConnectorTest, CampaignsAcrossPagesIncludingDeletedAndArchived) {
  auto inst = connect({{"page_size", "3"}});
  for (const auto& a : accounts()) {
    sandbox->clear_requests();
    auto out = inst->read("campaigns", "", "", "", a.id);
    ASSERT_FALSE(out.error) << out.error->to_string();
    std::set<std::string> ids, statuses;
    for (const auto& r : out.rows) {
      EXPECT_EQ(str(r, ar::kCampaignAccountId), a.id);
      EXPECT_FALSE(str(r, ar::kCampaignName).empty());
      EXPECT_FALSE(null(r, ar::kCampaignObjective));
      EXPECT_GT(i64(r, ar::kCampaignCreatedTime), 1'600'000'000'000);
      EXPECT_GE(i64(r, ar::kCampaignModifiedTime), i64(r, ar::kCampaignCreatedTime));
      EXPECT_TRUE(ids.insert(str(r, ar::kCampaignId)).second);
      statuses.insert(str(r, ar::kCampaignStatus));
    }
    EXPECT_EQ(ids, std::set<std::string>(a.campaign_ids.begin(), a.campaign_ids.end()));
    EXPECT_EQ(count_requests("act/campaigns"), (a.campaign_ids.size() + 2) / 3);
    for (const auto& s : statuses)
      EXPECT_TRUE(s == "ACTIVE" || s == "PAUSED" || s == "DELETED" || s == "ARCHIVED") << s;
    ASSERT_EQ(out.checkpoints.size(), 1u);
    EXPECT_EQ(out.checkpoints[0].state, "");
  }
}

// --- campaign_daily: totals equal the ground truth ---------------------------------------------

TEST_F(MetaConnectorTest, SixtyDaysSynchronousEqualTruthPerAccount) {
  auto inst = connect({{"async_after_days", "90"}});
  for (const auto& a : accounts()) {
    sandbox->clear_requests();
    auto out = inst->read("campaign_daily", k60From, kToday, "", a.id);
    ASSERT_FALSE(out.error) << out.error->to_string();
    expect_rows_shape(out.rows, a, k60From, kToday);
    expect_truth(sum(out.rows), sandbox->truth("meta", a.id, k60From, kToday));
    // Two chunks of at most 30 days, each followed by its checkpoint.
    ASSERT_EQ(out.checkpoints.size(), 2u);
    EXPECT_EQ(out.checkpoints[0].state, "2026-09-22..2026-11-20@2026-10-21");
    EXPECT_EQ(out.checkpoints[1].state, "2026-09-22..2026-11-20@2026-11-20");
    EXPECT_EQ(out.checkpoints[1].rows_before, out.rows.size());
    EXPECT_EQ(count_requests("act/insights:async"), 0u);
    EXPECT_EQ(count_requests("act/insights"), 2u);
    for (const auto& r : sandbox->requests()) {
      EXPECT_EQ(r.path.rfind("/v26.0/", 0), 0u) << r.path;
      if (r.endpoint == "act/insights") {
        EXPECT_THAT(r.query, HasSubstr("level=campaign"));
        EXPECT_THAT(r.query, HasSubstr("time_increment=1"));
        EXPECT_THAT(r.query, HasSubstr("time_range="));
      }
    }
  }
}

TEST_F(MetaConnectorTest, SixtyDaysThroughAsyncReportRunsEqualTruth) {
  auto inst = connect();  // default async_after_days 31: a 60-day window runs async
  for (const auto& a : accounts()) {
    sandbox->clear_requests();
    auto out = inst->read("campaign_daily", k60From, kToday, "", a.id);
    ASSERT_FALSE(out.error) << out.error->to_string();
    expect_rows_shape(out.rows, a, k60From, kToday);
    expect_truth(sum(out.rows), sandbox->truth("meta", a.id, k60From, kToday));
    EXPECT_EQ(out.checkpoints.size(), 2u);
    EXPECT_EQ(count_requests("act/insights:async"), 2u);
    EXPECT_GE(count_requests("report_run"), 2u);
    EXPECT_GE(count_requests("report_run/insights"), 2u);
    EXPECT_EQ(count_requests("act/insights"), 0u);
  }
}

TEST_F(MetaConnectorTest, ThirteenMonthsEqualTruthAndCheckpointEveryChunk) {
  auto a = accounts().at(0);
  auto inst = connect({{"page_size", "100"}});
  auto out = inst->read("campaign_daily", k13From, kToday, "", a.id);
  ASSERT_FALSE(out.error) << out.error->to_string();
  expect_rows_shape(out.rows, a, k13From, kToday);
  expect_truth(sum(out.rows), sandbox->truth("meta", a.id, k13From, kToday));
  // 396 days in chunks of 30 aligned to the window's end: a first chunk of 6 days, then 13 of 30,
  // the last one holding the whole 28-day settling period.
  ASSERT_EQ(out.checkpoints.size(), 14u);
  EXPECT_EQ(out.checkpoints[0].state, "2025-10-21..2026-11-20@2025-10-26");
  int64_t day = *meta::day_number("2025-10-26");
  size_t rows_before = 0;
  for (const auto& c : out.checkpoints) {
    EXPECT_EQ(c.state,
              std::string(k13From) + ".." + std::string(kToday) + "@" + meta::day_text(day));
    day += 30;
    EXPECT_GE(c.rows_before, rows_before);
    rows_before = c.rows_before;
  }
  EXPECT_EQ(rows_before, out.rows.size());
  // Rows of a chunk never precede the checkpoint of an earlier chunk.
  for (size_t k = 0; k < out.checkpoints.size(); ++k) {
    std::string last = out.checkpoints[k].state.substr(out.checkpoints[k].state.size() - 10);
    for (size_t i = k ? out.checkpoints[k - 1].rows_before : 0; i < out.checkpoints[k].rows_before;
         ++i)
      EXPECT_LE(str(out.rows[i], ar::kDailyDate), last);
  }
  EXPECT_GT(count_requests("report_run/insights"), 14u);  // several pages of 100 per chunk
}

TEST_F(MetaConnectorTest, ReportRunsOverlapUpToTheConfiguredNumber) {
  auto a = accounts().at(0);
  for (int runs : {1, 3}) {
    sandbox->clear_requests();
    auto out = connect({{"async_concurrent_runs", std::to_string(runs)}})
                   ->read("campaign_daily", k13From, kToday, "", a.id);
    ASSERT_FALSE(out.error) << out.error->to_string();
    expect_truth(sum(out.rows), sandbox->truth("meta", a.id, k13From, kToday));
    ASSERT_EQ(out.checkpoints.size(), 14u);
    // Report runs started before the first one's rows are read, and the most started but not
    // yet read at any moment.
    size_t before_first_read = 0, most = 0, open = 0;
    bool read_any = false;
    for (const auto& r : sandbox->requests()) {
      if (r.platform != "meta") continue;
      if (r.endpoint == "act/insights:async") {
        ++open;
        if (!read_any) ++before_first_read;
      }
      // The first page of a run's rows closes it (no paging at the default page size here).
      if (r.endpoint == "report_run/insights" && r.query.find("after=") == std::string::npos) {
        read_any = true;
        --open;
      }
      most = std::max(most, open);
    }
    EXPECT_EQ(before_first_read, size_t(runs));
    EXPECT_EQ(most, size_t(runs));
    EXPECT_EQ(count_requests("act/insights:async"), 14u);
  }
}

TEST_F(MetaConnectorTest, EveryAccountInOneReadWhenNoneIsNamed) {
  auto inst = connect({{"async_after_days", "90"}});
  auto out = inst->read("campaign_daily", k60From, kToday, "");
  ASSERT_FALSE(out.error) << out.error->to_string();
  for (const auto& a : accounts()) {
    std::vector<plugin::Row> mine;
    for (const auto& r : out.rows)
      if (str(r, ar::kDailyAccountId) == a.id) mine.push_back(r);
    expect_rows_shape(mine, a, k60From, kToday);
    expect_truth(sum(mine), sandbox->truth("meta", a.id, k60From, kToday));
  }
  EXPECT_EQ(out.checkpoints.size(), 2u);
}

// --- state: resume after a checkpoint ----------------------------------------------------------

TEST_F(MetaConnectorTest, ResumedReadEmitsOnlyTheRemainingDays) {
  auto a = accounts().at(1);
  auto inst = connect({{"async_after_days", "400"}});
  auto full = inst->read("campaign_daily", k13From, kToday, "", a.id);
  ASSERT_FALSE(full.error) << full.error->to_string();
  ASSERT_GE(full.checkpoints.size(), 5u);
  const auto& cut = full.checkpoints[4];  // an interrupted backfill committed this far
  std::string last = cut.state.substr(cut.state.size() - 10);

  sandbox->clear_requests();
  auto rest = inst->read("campaign_daily", k13From, kToday, cut.state, a.id);
  ASSERT_FALSE(rest.error) << rest.error->to_string();
  for (const auto& r : rest.rows) EXPECT_GT(str(r, ar::kDailyDate), last);
  EXPECT_EQ(rest.checkpoints.size(), full.checkpoints.size() - 5);
  EXPECT_EQ(rest.checkpoints.back().state, full.checkpoints.back().state);
  // The first request starts the day after the checkpoint.
  for (const auto& r : sandbox->requests())
    if (r.endpoint == "act/insights") {
      EXPECT_THAT(r.query,
                  HasSubstr("%22since%22%3A%22" + meta::day_text(*meta::day_number(last) + 1)));
      break;
    }

  Sum first = sum(full.rows, 0, cut.rows_before), second = sum(rest.rows);
  Sum both{first.spend + second.spend,   first.impressions + second.impressions,
           first.clicks + second.clicks, first.value + second.value,
           first.rows + second.rows,     first.purchases + second.purchases};
  expect_truth(both, sandbox->truth("meta", a.id, k13From, kToday));

  // A finished state reads nothing more; a state of another window is ignored.
  auto none = inst->read("campaign_daily", k13From, kToday, full.checkpoints.back().state, a.id);
  ASSERT_FALSE(none.error);
  EXPECT_TRUE(none.rows.empty());
  auto other = inst->read("campaign_daily", k60From, kToday, cut.state, a.id);
  ASSERT_FALSE(other.error);
  expect_truth(sum(other.rows), sandbox->truth("meta", a.id, k60From, kToday));
}

// --- settings in the requests ------------------------------------------------------------------

TEST_F(MetaConnectorTest, ApiVersionSettingIsInEveryPath) {
  auto inst = connect({{"api_version", "v25.0"}, {"page_size", "50"}});
  auto a = accounts().at(0);
  ASSERT_FALSE(inst->read("accounts", "", "", "").error);
  ASSERT_FALSE(inst->read("campaigns", "", "", "", a.id).error);
  auto out = inst->read("campaign_daily", k60From, kToday, "", a.id);
  ASSERT_FALSE(out.error) << out.error->to_string();
  auto reqs = sandbox->requests();
  EXPECT_GT(reqs.size(), 10u);
  for (const auto& r : reqs) EXPECT_EQ(r.path.rfind("/v25.0/", 0), 0u) << r.path;
}

TEST_F(MetaConnectorTest, CustomPurchasePriorityChangesTheCount) {
  // The pixel type alone: fewer or equal purchases than the default priority picks.
  auto a = accounts().at(0);
  auto def =
      connect({{"async_after_days", "90"}})->read("campaign_daily", k60From, kToday, "", a.id);
  auto pixel = connect({{"async_after_days", "90"},
                        {"purchase_action_types", "offsite_conversion.fb_pixel_purchase"}})
                   ->read("campaign_daily", k60From, kToday, "", a.id);
  ASSERT_FALSE(def.error);
  ASSERT_FALSE(pixel.error);
  EXPECT_EQ(sum(pixel.rows).spend, sum(def.rows).spend);
  EXPECT_NE(sum(pixel.rows).purchases, sum(def.rows).purchases);
}

// --- faults -------------------------------------------------------------------------------------

TEST_F(MetaConnectorTest, RateLimitFailsWithQuotaAndTheRegainTimeThenResumes) {
  auto a = accounts().at(0);
  // The second insights request (the second chunk) is throttled with code 17.
  fault(R"({"platform":"meta","endpoint":"act/insights","kind":"rate_limit","times":1,"skip":1})");
  auto inst = connect({{"async_after_days", "90"}});
  auto out = inst->read("campaign_daily", k60From, kToday, "", a.id);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_QUOTA);
  // No Retry-After exists; the BUC header's estimated_time_to_regain_access (5 min) is used.
  EXPECT_EQ(out.error->retry_after, std::chrono::minutes(5));
  EXPECT_THAT(out.error->message, HasSubstr("rate limited"));
  EXPECT_THAT(out.error->message, HasSubstr("code 17"));
  EXPECT_THAT(out.error->message, HasSubstr("fbtrace_id "));
  // The first chunk is committed with its checkpoint; nothing of the second was emitted.
  ASSERT_EQ(out.checkpoints.size(), 1u);
  EXPECT_EQ(out.rows.size(), out.checkpoints[0].rows_before);

  auto rest = inst->read("campaign_daily", k60From, kToday, out.checkpoints[0].state, a.id);
  ASSERT_FALSE(rest.error) << rest.error->to_string();
  std::vector<plugin::Row> all(out.rows);
  all.insert(all.end(), rest.rows.begin(), rest.rows.end());
  expect_rows_shape(all, a, k60From, kToday);
  expect_truth(sum(all), sandbox->truth("meta", a.id, k60From, kToday));
}

TEST_F(MetaConnectorTest, RateLimitHintInHeadersSetsRetryAfter) {
  fault(
      R"({"platform":"meta","endpoint":"act/campaigns","kind":"rate_limit","times":1,"retry_after_s":120,"code":613})");
  auto out = connect()->read("campaigns", "", "", "", accounts().at(0).id);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_QUOTA);
  EXPECT_EQ(out.error->retry_after, std::chrono::minutes(2));
  EXPECT_TRUE(out.rows.empty());
}

TEST_F(MetaConnectorTest, BusinessUseCaseThrottleWhilePollingIsQuota) {
  fault(
      R"({"platform":"meta","endpoint":"report_run","kind":"rate_limit","times":1,"code":80000})");
  auto out = connect()->read("campaign_daily", k60From, kToday, "", accounts().at(0).id);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_QUOTA);
  EXPECT_TRUE(out.error->retry_after);
  EXPECT_THAT(out.error->message, HasSubstr("code 80000"));
  EXPECT_TRUE(out.rows.empty());
}

TEST_F(MetaConnectorTest, UsageHeadersStopTheReadBeforeGraphThrottles) {
  // The sandbox's first answer reports the ad account at 0.01%; with the stop threshold below
  // that, the next request is not sent: quota, retry after the account's reset_time_duration.
  auto inst =
      connect({{"usage_pace_pct", "0"}, {"usage_stop_pct", "0.001"}, {"async_after_days", "90"}});
  auto out = inst->read("campaign_daily", k60From, kToday, "", accounts().at(0).id);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_QUOTA);
  EXPECT_THAT(out.error->message, HasSubstr("x-ad-account-usage.acc_id_util_pct"));
  EXPECT_THAT(out.error->message, HasSubstr("pausing before Graph throttles"));
  ASSERT_TRUE(out.error->retry_after);
  EXPECT_GT(*out.error->retry_after, std::chrono::seconds(0));
  EXPECT_LE(*out.error->retry_after, std::chrono::seconds(300));
  EXPECT_EQ(count_requests("act/insights"), 0u);
}

TEST_F(MetaConnectorTest, ServerErrorIsTransientAndNothingOfTheChunkIsEmitted) {
  fault(
      R"({"platform":"meta","endpoint":"act/insights","kind":"server_error","times":5,"skip":1,"status":500})");
  auto out = connect({{"async_after_days", "90"}})
                 ->read("campaign_daily", k60From, kToday, "", accounts().at(0).id);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_TRANSIENT);
  ASSERT_EQ(out.checkpoints.size(), 1u);
  EXPECT_EQ(out.rows.size(), out.checkpoints[0].rows_before);
}

TEST_F(MetaConnectorTest, A503IsRetriedByTheHostAndTheReadCompletes) {
  auto a = accounts().at(0);
  fault(
      R"({"platform":"meta","endpoint":"act/insights","kind":"server_error","times":1,"status":503})");
  auto out =
      connect({{"async_after_days", "90"}})->read("campaign_daily", k60From, kToday, "", a.id);
  ASSERT_FALSE(out.error) << out.error->to_string();
  expect_truth(sum(out.rows), sandbox->truth("meta", a.id, k60From, kToday));
  EXPECT_EQ(count_requests("act/insights"), 3u);  // one refused, then two chunks
}

TEST_F(MetaConnectorTest, AConnectionResetOnAGetIsRetriedByTheHost) {
  auto a = accounts().at(0);
  fault(R"({"platform":"meta","endpoint":"act/campaigns","kind":"connection_reset","times":1})");
  auto out = connect()->read("campaigns", "", "", "", a.id);
  ASSERT_FALSE(out.error) << out.error->to_string();
  EXPECT_EQ(out.rows.size(), a.campaign_ids.size());
}

TEST_F(MetaConnectorTest, AFailedReportRunStartIsTransient) {
  fault(R"({"platform":"meta","endpoint":"act/insights:async","kind":"server_error","times":1})");
  auto out = connect()->read("campaign_daily", k60From, kToday, "", accounts().at(0).id);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_TRANSIENT);
  EXPECT_TRUE(out.rows.empty());
  EXPECT_EQ(count_requests("act/insights:async"), 1u);  // a POST is never repeated blindly
}

TEST_F(MetaConnectorTest, ExpiredTokenIsAuthAndNamesTheProblemWithoutTheToken) {
  fault(R"({"platform":"meta","endpoint":"act/campaigns","kind":"expired_token","times":1})");
  auto out = connect()->read("campaigns", "", "", "", accounts().at(0).id);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_AUTH);
  EXPECT_THAT(out.error->message, HasSubstr("the token has expired"));
  EXPECT_THAT(out.error->message, HasSubstr("code 190, subcode 463"));
  EXPECT_THAT(out.error->message, Not(HasSubstr(sandbox::Credentials{}.meta_access_token)));
  EXPECT_TRUE(out.rows.empty());
}

TEST_F(MetaConnectorTest, RevokedTokenIsAuth) {
  fault(R"({"platform":"meta","endpoint":"me/adaccounts","kind":"revoked_token","times":1})");
  auto out = connect()->read("accounts", "", "", "");
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_AUTH);
  EXPECT_THAT(out.error->message, HasSubstr("access token was rejected"));
  EXPECT_THAT(out.error->message, Not(HasSubstr(sandbox::Credentials{}.meta_access_token)));
  EXPECT_TRUE(out.rows.empty());
  EXPECT_TRUE(out.checkpoints.empty());
}

TEST_F(MetaConnectorTest, MalformedJsonIsADataErrorAndNoRowOfThePageIsEmitted) {
  fault(
      R"({"platform":"meta","endpoint":"act/insights","kind":"malformed_json","times":1,"skip":1})");
  auto out = connect({{"async_after_days", "90"}})
                 ->read("campaign_daily", k60From, kToday, "", accounts().at(0).id);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_DATA);
  EXPECT_THAT(out.error->message, HasSubstr("field '(body)' is not valid JSON"));
  EXPECT_THAT(out.error->message, HasSubstr("fbtrace_id "));
  ASSERT_EQ(out.checkpoints.size(), 1u);
  EXPECT_EQ(out.rows.size(), out.checkpoints[0].rows_before);
}

TEST_F(MetaConnectorTest, TruncatedBodyNeverYieldsRowsOfTheBrokenPage) {
  fault(
      R"({"platform":"meta","endpoint":"act/insights","kind":"truncated_body","times":5,"skip":1})");
  auto out = connect({{"async_after_days", "90"}})
                 ->read("campaign_daily", k60From, kToday, "", accounts().at(0).id);
  ASSERT_TRUE(out.error);
  EXPECT_TRUE(out.error->category == CH_ERROR_DATA || out.error->category == CH_ERROR_TRANSIENT)
      << out.error->to_string();
  ASSERT_EQ(out.checkpoints.size(), 1u);
  EXPECT_EQ(out.rows.size(), out.checkpoints[0].rows_before);
}

TEST_F(MetaConnectorTest, AnInvalidatedCursorRestartsTheListingWithoutDuplicates) {
  auto a = accounts().at(0);
  // The second results page of the first report run refuses its cursor (code 100).
  fault(
      R"({"platform":"meta","endpoint":"report_run/insights","kind":"expired_cursor","times":1,"skip":1})");
  auto out = connect({{"page_size", "50"}})->read("campaign_daily", k60From, kToday, "", a.id);
  ASSERT_FALSE(out.error) << out.error->to_string();
  expect_rows_shape(out.rows, a, k60From, kToday);
  expect_truth(sum(out.rows), sandbox->truth("meta", a.id, k60From, kToday));
}

TEST_F(MetaConnectorTest, BadWindowsAreConfigErrors) {
  auto inst = connect();
  auto out = inst->read("campaign_daily", "2026-11-20", "2026-11-01", "", accounts().at(0).id);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_CONFIG);
  out = inst->read("campaign_daily", "2026-11-31", "2026-12-01", "", accounts().at(0).id);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_CONFIG);
  out = inst->read("campaign_hourly", k60From, kToday, "", accounts().at(0).id);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_CONFIG);
  out = inst->read("campaigns", "", "", "", "act_12x");
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_CONFIG);
  EXPECT_TRUE(sandbox->requests().empty());
}

}  // namespace
}  // namespace connhost::testing
