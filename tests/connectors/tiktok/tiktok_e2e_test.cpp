// The TikTok plugin loaded as the host loads it, driven through plugin::Instance against the
// in-process sandbox: streams, totals equal to the sandbox's ground truth, the state contract,
// paging, and faults mapped to error categories.
#include <gmock/gmock.h>
#include <connhost/ad_reporting.hpp>

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "connector_fixture.hpp"

namespace connhost::testing {
namespace {

namespace ar = connhost::ad_reporting;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kReportEndpoint = "report/integrated/get";

struct Sums {
  int64_t spend = 0, impressions = 0, clicks = 0, value = 0;
  double purchases = 0;
  size_t rows = 0;
  std::map<std::string, sandbox::Totals> by_campaign;
};

class TikTokConnectorTest : public ConnectorTest {
 protected:
  TikTokConnectorTest() : ConnectorTest("tiktok") {}

  sandbox::Credentials creds;

  std::map<std::string, std::string> settings(std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> s{{"base_url", sandbox->base_url()},
                                         {"app_id", creds.tiktok_app_id}};
    for (auto& [k, v] : extra) s[k] = v;
    return s;
  }
  std::map<std::string, std::string> secrets(std::string token = {}) {
    return {{"app_secret", creds.tiktok_app_secret},
            {"access_token", token.empty() ? creds.tiktok_advertiser_token : token}};
  }
  std::unique_ptr<plugin::Instance> connect(std::map<std::string, std::string> extra = {}) {
    return make(settings(std::move(extra)), secrets());
  }
  // The error of creating an instance with these settings (which must fail).
  std::optional<plugin::PluginError> create_error(std::map<std::string, std::string> extra) {
    plugin::Instance::Settings s;
    s.connection = "tiktok_bad";
    for (auto& [k, v] : settings(std::move(extra))) s.values.emplace_back(k, v);
    auto sec = secrets();
    s.secret = [sec](std::string_view k) -> std::optional<std::string> {
      auto it = sec.find(std::string(k));
      if (it == sec.end()) return std::nullopt;
      return it->second;
    };
    s.http = std::make_shared<http::Client>();
    return plugin::Instance::create(plugin, std::move(s)).second;
  }

  std::string account(size_t i = 0) { return sandbox->accounts("tiktok").at(i).id; }

  void fault(const std::string& json) { sandbox->add_faults(json); }
  static std::string report_fault(const std::string& kind, const std::string& extra = {}) {
    return R"({"platform":"tiktok","endpoint":"report/integrated/get","kind":")" + kind + "\"" +
           extra + "}";
  }

  static Sums sum(const std::vector<plugin::Row>& rows, size_t from = 0,
                  size_t to = static_cast<size_t>(-1)) {
    Sums s;
    for (size_t i = from; i < std::min(to, rows.size()); ++i) {
      const auto& r = rows[i];
      s.spend += i64(r, ar::kDailySpend);
      s.impressions += i64(r, ar::kDailyImpressions);
      s.clicks += i64(r, ar::kDailyClicks);
      s.purchases += f64(r, ar::kDailyPurchases);
      s.value += i64(r, ar::kDailyPurchaseValue);
      auto& c = s.by_campaign[str(r, ar::kDailyCampaignId)];
      c.spend_micros += i64(r, ar::kDailySpend);
      c.impressions += i64(r, ar::kDailyImpressions);
      c.clicks += i64(r, ar::kDailyClicks);
      c.purchases += static_cast<int64_t>(f64(r, ar::kDailyPurchases));
      c.purchase_value_micros += i64(r, ar::kDailyPurchaseValue);
      ++s.rows;
    }
    return s;
  }

  static void expect_totals(const Sums& s, const sandbox::Totals& t) {
    EXPECT_EQ(s.spend, t.spend_micros);
    EXPECT_EQ(s.impressions, t.impressions);
    EXPECT_EQ(s.clicks, t.clicks);
    EXPECT_EQ(s.purchases, static_cast<double>(t.purchases));
    EXPECT_EQ(s.value, t.purchase_value_micros);
  }

  // Sums equal the sandbox's truth for the account and window, in total and per campaign.
  void expect_truth(const Sums& s, const std::string& acct, const std::string& from,
                    const std::string& to) {
    auto truth = sandbox->truth("tiktok", acct, from, to);
    SCOPED_TRACE(acct + " " + from + ".." + to);
    EXPECT_GT(truth.total.spend_micros, 0);
    expect_totals(s, truth.total);
    for (const auto& [id, t] : truth.by_campaign) {
      if (t.impressions == 0 && t.spend_micros == 0) continue;
      SCOPED_TRACE("campaign " + id);
      auto it = s.by_campaign.find(id);
      ASSERT_NE(it, s.by_campaign.end());
      EXPECT_EQ(it->second.spend_micros, t.spend_micros);
      EXPECT_EQ(it->second.impressions, t.impressions);
      EXPECT_EQ(it->second.clicks, t.clicks);
      EXPECT_EQ(it->second.purchases, t.purchases);
      EXPECT_EQ(it->second.purchase_value_micros, t.purchase_value_micros);
    }
  }

  // Every campaign_daily row: the account, a day inside the window, the account's currency,
  // no link clicks, and no (account, date, campaign) twice.
  void expect_rows_well_formed(const std::vector<plugin::Row>& rows, const std::string& acct,
                               const std::string& from, const std::string& to) {
    auto currency = sandbox->truth("tiktok", acct, from, to).currency;
    std::set<std::tuple<std::string, std::string, std::string>> keys;
    for (const auto& r : rows) {
      EXPECT_EQ(str(r, ar::kDailyAccountId), acct);
      auto d = str(r, ar::kDailyDate);
      EXPECT_GE(d, from);
      EXPECT_LE(d, to);
      EXPECT_EQ(str(r, ar::kDailyCurrency), currency);
      EXPECT_TRUE(null(r, ar::kDailyLinkClicks));
      EXPECT_GE(i64(r, ar::kDailySpend), 0);
      EXPECT_TRUE(keys.emplace(acct, d, str(r, ar::kDailyCampaignId)).second)
          << "duplicate row " << d << " " << str(r, ar::kDailyCampaignId);
    }
  }

  static std::map<std::string, std::string> params(const sandbox::LoggedRequest& q) {
    std::map<std::string, std::string> out;
    std::string_view query = q.query;
    if (!query.empty() && query.front() == '?') query.remove_prefix(1);
    const std::string text = "/?" + std::string(query);  // the view below points into it
    auto u = boost::urls::parse_uri_reference(text);
    if (!u) return out;
    for (auto p : u->params()) out[p.key] = p.value;
    return out;
  }
  std::vector<sandbox::LoggedRequest> requests_to(const std::string& endpoint) {
    std::vector<sandbox::LoggedRequest> out;
    for (auto& q : sandbox->requests())
      if (q.endpoint == endpoint) out.push_back(q);
    return out;
  }
  // (start_date, end_date, page) of each report request, in order.
  std::vector<std::tuple<std::string, std::string, std::string>> report_calls() {
    std::vector<std::tuple<std::string, std::string, std::string>> out;
    for (auto& q : requests_to(kReportEndpoint)) {
      auto p = params(q);
      out.emplace_back(p["start_date"], p["end_date"], p["page"]);
    }
    return out;
  }

  // The rows a host would have committed: those before the last checkpoint.
  static size_t committed(const plugin::Instance::ReadResult& r) {
    return r.checkpoints.empty() ? 0 : r.checkpoints.back().rows_before;
  }
};

// ---------------------------------------------------------------------------------------------
// check and accounts

TEST_F(TikTokConnectorTest, CheckListsTheTokensAdvertisers) {
  auto inst = connect();
  auto err = inst->check();
  ASSERT_FALSE(err) << err->to_string();
  ASSERT_EQ(requests_to("oauth2/advertiser/get").size(), 1u);
  ASSERT_EQ(requests_to("advertiser/info").size(), 1u);
  for (const auto& q : sandbox->requests()) {
    EXPECT_THAT(q.path, ::testing::StartsWith("/open_api/v1.3/"));
    EXPECT_EQ(q.path.back(), '/');
    EXPECT_THAT(q.query, Not(HasSubstr(creds.tiktok_advertiser_token)));
    bool header = false;
    for (const auto& [k, v] : q.headers)
      if (k == "Access-Token" || k == "access-token") header = v == creds.tiktok_advertiser_token;
    EXPECT_TRUE(header) << q.path;
  }
}

TEST_F(TikTokConnectorTest, AccountsCarryCurrencyAndTheAdvertisersTimeZone) {
  auto inst = connect();
  auto r = inst->read("accounts", "2026-11-01", "2026-11-19", "");
  ASSERT_FALSE(r.error) << r.error->to_string();
  auto expected = sandbox->accounts("tiktok");
  ASSERT_EQ(r.rows.size(), expected.size());
  ASSERT_EQ(r.checkpoints.size(), 1u);
  EXPECT_EQ(r.checkpoints[0].state, "");
  EXPECT_EQ(r.checkpoints[0].rows_before, r.rows.size());

  // The advertiser's `timezone` (tiktok.md §1.5), as the API itself answers it.
  auto info = http::Client().send({"GET",
                                   sandbox->base_url() +
                                       "/open_api/v1.3/advertiser/info/?advertiser_ids=%5B%22" +
                                       expected[0].id + "%22%2C%22" + expected[1].id + "%22%5D",
                                   {{"Access-Token", creds.tiktok_advertiser_token}}});
  auto list = boost::json::parse(info.body).at("data").at("list").as_array();
  std::map<std::string, std::string> zones;
  for (const auto& a : list)
    zones[std::string(a.at("advertiser_id").as_string())] =
        std::string(a.at("timezone").as_string());

  for (const auto& a : expected) {
    auto it = std::find_if(r.rows.begin(), r.rows.end(), [&](const plugin::Row& row) {
      return str(row, ar::kAccountId) == a.id;
    });
    ASSERT_NE(it, r.rows.end()) << a.id;
    EXPECT_EQ(str(*it, ar::kAccountCurrency), a.currency);
    EXPECT_FALSE(str(*it, ar::kAccountName).empty());
    EXPECT_EQ(str(*it, ar::kAccountTimeZone), zones.at(a.id));
    EXPECT_FALSE(null(*it, ar::kAccountStatus));
  }
}

TEST_F(TikTokConnectorTest, AdvertiserIdsSettingReplacesTheListing) {
  const std::string second = account(1);
  auto inst = connect({{"advertiser_ids", second}});
  auto r = inst->read("accounts", "2026-11-01", "2026-11-19", "");
  ASSERT_FALSE(r.error) << r.error->to_string();
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(str(r.rows[0], ar::kAccountId), second);
  EXPECT_TRUE(requests_to("oauth2/advertiser/get").empty());
  // An account outside the setting is refused before any request.
  sandbox->clear_requests();
  auto d = inst->read("campaign_daily", "2026-11-01", "2026-11-19", "", account(0));
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.error->category, CH_ERROR_CONFIG);
  EXPECT_THAT(d.error->message, HasSubstr("advertiser_ids"));
  EXPECT_TRUE(sandbox->requests().empty());
}

// ---------------------------------------------------------------------------------------------
// campaigns

TEST_F(TikTokConnectorTest, CampaignsOfEachAccountIncludingDeleted) {
  auto inst = connect();
  for (const auto& a : sandbox->accounts("tiktok")) {
    sandbox->clear_requests();
    auto r = inst->read("campaigns", "2026-11-01", "2026-11-19", "", a.id);
    ASSERT_FALSE(r.error) << r.error->to_string();
    std::set<std::string> got, want(a.campaign_ids.begin(), a.campaign_ids.end());
    for (const auto& row : r.rows) {
      EXPECT_EQ(str(row, ar::kCampaignAccountId), a.id);
      EXPECT_FALSE(str(row, ar::kCampaignName).empty());
      EXPECT_FALSE(str(row, ar::kCampaignStatus).empty());
      EXPECT_FALSE(null(row, ar::kCampaignCreatedTime));
      // Created before the sandbox's today, after 2000.
      EXPECT_GT(i64(row, ar::kCampaignCreatedTime), 946'684'800'000);
      EXPECT_LT(i64(row, ar::kCampaignCreatedTime), 1'795'219'200'000);
      EXPECT_TRUE(got.insert(str(row, ar::kCampaignId)).second);
    }
    EXPECT_EQ(got, want);
    ASSERT_EQ(r.checkpoints.size(), 1u);
    EXPECT_EQ(r.checkpoints[0].state, "");
    auto calls = requests_to("campaign/get");
    ASSERT_EQ(calls.size(), 1u);
    auto p = params(calls[0]);
    EXPECT_EQ(p["page_size"], "1000");
    EXPECT_EQ(boost::json::parse(p["filtering"]).at("secondary_status"), "CAMPAIGN_STATUS_ALL");
  }
  // No account: every advertiser's campaigns.
  auto all = inst->read("campaigns", "2026-11-01", "2026-11-19", "");
  ASSERT_FALSE(all.error) << all.error->to_string();
  size_t n = 0;
  for (const auto& a : sandbox->accounts("tiktok")) n += a.campaign_ids.size();
  EXPECT_EQ(all.rows.size(), n);
}

// ---------------------------------------------------------------------------------------------
// campaign_daily: totals, windows, state

TEST_F(TikTokConnectorTest, SixtyDaysEqualTheTruthForEveryAccount) {
  auto inst = connect();
  const std::string from = "2026-09-01", to = "2026-10-30";
  for (const auto& a : sandbox->accounts("tiktok")) {
    sandbox->clear_requests();
    auto r = inst->read("campaign_daily", from, to, "", a.id);
    ASSERT_FALSE(r.error) << r.error->to_string();
    expect_truth(sum(r.rows), a.id, from, to);
    expect_rows_well_formed(r.rows, a.id, from, to);
    // The report lists campaign-days without delivery too; the truth counts those with some.
    auto delivered = std::count_if(r.rows.begin(), r.rows.end(), [](const plugin::Row& row) {
      return i64(row, ar::kDailyImpressions) > 0 || i64(row, ar::kDailySpend) > 0;
    });
    EXPECT_EQ(delivered, sandbox->truth("tiktok", a.id, from, to).rows);
    // Two 30-day windows, each checkpointed once it is complete.
    ASSERT_EQ(r.checkpoints.size(), 2u);
    EXPECT_EQ(r.checkpoints[0].state, "2026-09-01..2026-10-30@2026-09-30");
    EXPECT_EQ(r.checkpoints[1].state, "2026-09-01..2026-10-30@2026-10-30");
    EXPECT_EQ(r.checkpoints[1].rows_before, r.rows.size());
    for (size_t i = 0; i < r.checkpoints[0].rows_before; ++i)
      EXPECT_LE(str(r.rows[i], ar::kDailyDate), "2026-09-30");
    using Call = std::tuple<std::string, std::string, std::string>;
    EXPECT_EQ(report_calls(), (std::vector<Call>{{"2026-09-01", "2026-09-30", "1"},
                                                 {"2026-10-01", "2026-10-30", "1"}}));
    for (const auto& q : requests_to(kReportEndpoint)) {
      auto p = params(q);
      EXPECT_EQ(p["advertiser_id"], a.id);
      EXPECT_EQ(p["page_size"], "1000");
      EXPECT_EQ(p["data_level"], "AUCTION_CAMPAIGN");
      EXPECT_EQ(boost::json::parse(p["filtering"]).at(0).at("filter_value"), "[\"STATUS_ALL\"]");
    }
  }
}

TEST_F(TikTokConnectorTest, ThirteenMonthsEqualTheTruth) {
  auto inst = connect();
  const std::string acct = account(1), from = "2025-10-20", to = "2026-11-19";
  auto r = inst->read("campaign_daily", from, to, "", acct);
  ASSERT_FALSE(r.error) << r.error->to_string();
  expect_truth(sum(r.rows), acct, from, to);
  expect_rows_well_formed(r.rows, acct, from, to);
  EXPECT_EQ(r.checkpoints.size(), 14u);  // 396 days in windows of 30
  EXPECT_EQ(r.checkpoints.back().state, "2025-10-20..2026-11-19@2026-11-19");
  auto calls = report_calls();
  ASSERT_EQ(calls.size(), 14u);
  EXPECT_EQ(std::get<0>(calls.front()), from);
  EXPECT_EQ(std::get<1>(calls.back()), to);
  for (size_t i = 1; i < calls.size(); ++i) {
    // Contiguous: each window starts the day after the previous one ended.
    auto prev_end = std::get<1>(calls[i - 1]), start = std::get<0>(calls[i]);
    EXPECT_LT(prev_end, start);
  }
}

TEST_F(TikTokConnectorTest, ResumesAfterTheLastCompletedWindow) {
  auto inst = connect();
  const std::string acct = account(0), from = "2026-07-01", to = "2026-09-28";  // 90 days
  auto full = inst->read("campaign_daily", from, to, "", acct);
  ASSERT_FALSE(full.error);
  ASSERT_EQ(full.checkpoints.size(), 3u);
  const auto& first = full.checkpoints[0];
  EXPECT_EQ(first.state, "2026-07-01..2026-09-28@2026-07-30");

  sandbox->clear_requests();
  auto rest = inst->read("campaign_daily", from, to, first.state, acct);
  ASSERT_FALSE(rest.error) << rest.error->to_string();
  for (const auto& row : rest.rows) EXPECT_GT(str(row, ar::kDailyDate), "2026-07-30");
  using Call = std::tuple<std::string, std::string, std::string>;
  EXPECT_EQ(report_calls(), (std::vector<Call>{{"2026-07-31", "2026-08-29", "1"},
                                               {"2026-08-30", "2026-09-28", "1"}}));
  EXPECT_EQ(rest.checkpoints.back().state, "2026-07-01..2026-09-28@2026-09-28");

  // The first part as committed plus the resumed part: exactly the truth, no row twice.
  std::vector<plugin::Row> both(full.rows.begin(), full.rows.begin() + first.rows_before);
  both.insert(both.end(), rest.rows.begin(), rest.rows.end());
  expect_truth(sum(both), acct, from, to);
  expect_rows_well_formed(both, acct, from, to);

  // A complete window reads nothing; another window's state is ignored.
  sandbox->clear_requests();
  auto done = inst->read("campaign_daily", from, to, rest.checkpoints.back().state, acct);
  ASSERT_FALSE(done.error);
  EXPECT_TRUE(done.rows.empty());
  EXPECT_TRUE(report_calls().empty());
  auto other = inst->read("campaign_daily", from, to, "2026-07-02..2026-09-28@2026-07-30", acct);
  ASSERT_FALSE(other.error);
  EXPECT_EQ(std::get<0>(report_calls().front()), from);
  expect_truth(sum(other.rows), acct, from, to);
}

TEST_F(TikTokConnectorTest, WindowDaysSettingSetsTheChunk) {
  auto inst = connect({{"report_window_days", "7"}});
  const std::string acct = account(0);
  auto r = inst->read("campaign_daily", "2026-10-01", "2026-10-20", "", acct);
  ASSERT_FALSE(r.error) << r.error->to_string();
  std::vector<std::string> states;
  for (const auto& c : r.checkpoints) states.push_back(c.state);
  EXPECT_EQ(states, (std::vector<std::string>{"2026-10-01..2026-10-20@2026-10-06",
                                              "2026-10-01..2026-10-20@2026-10-13",
                                              "2026-10-01..2026-10-20@2026-10-20"}));
  expect_truth(sum(r.rows), acct, "2026-10-01", "2026-10-20");
  for (const char* bad : {"0", "31", "x"}) {
    auto err = create_error({{"report_window_days", bad}});
    ASSERT_TRUE(err) << bad;
    EXPECT_EQ(err->category, CH_ERROR_CONFIG) << bad;
  }
}

// More campaigns than one report page holds: 60 campaigns x 30 days > 1000 rows.
class TikTokPagingTest : public TikTokConnectorTest {
 protected:
  void customize(sandbox::Options& o) override { o.campaigns_per_account = 60; }
};

TEST_F(TikTokPagingTest, ReportPagesAreFollowedToTheEnd) {
  auto inst = connect();
  const std::string acct = account(0), from = "2026-09-01", to = "2026-09-30";
  ASSERT_GT(sandbox->truth("tiktok", acct, from, to).rows, 1000);
  auto r = inst->read("campaign_daily", from, to, "", acct);
  ASSERT_FALSE(r.error) << r.error->to_string();
  using Call = std::tuple<std::string, std::string, std::string>;
  EXPECT_EQ(report_calls(), (std::vector<Call>{{from, to, "1"}, {from, to, "2"}}));
  expect_truth(sum(r.rows), acct, from, to);
  expect_rows_well_formed(r.rows, acct, from, to);
  ASSERT_EQ(r.checkpoints.size(), 1u);
  EXPECT_EQ(r.checkpoints[0].rows_before, r.rows.size());
}

TEST_F(TikTokPagingTest, MemoryIsBoundedByOneWindow) {
  auto inst = connect({{"report_window_days", "7"}});
  const std::string acct = account(0), from = "2026-08-01", to = "2026-09-30";
  size_t largest = 0, total = 0;
  Sums sums;
  std::vector<plugin::Row> all;
  auto r = inst->read("campaign_daily", from, to, "", acct,
                      [&](std::vector<plugin::Row>& rows, std::string_view) {
                        largest = std::max(largest, rows.size());
                        total += rows.size();
                        all.insert(all.end(), rows.begin(), rows.end());
                      });
  ASSERT_FALSE(r.error) << r.error->to_string();
  EXPECT_TRUE(r.rows.empty());
  EXPECT_LE(largest, 60u * 7u);
  EXPECT_EQ(total, all.size());
  expect_truth(sum(all), acct, from, to);
}

TEST_F(TikTokPagingTest, AnExpiredLaterPageIsTransientAndEmitsNothing) {
  auto inst = connect();
  const std::string acct = account(0), from = "2026-08-02", to = "2026-09-30";
  // Page 1 of the first window passes; its page 2 is refused.
  fault(report_fault("expired_cursor", R"(,"times":1,"skip":1)"));
  auto r = inst->read("campaign_daily", from, to, "", acct);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_TRANSIENT) << r.error->to_string();
  EXPECT_THAT(r.error->message, HasSubstr("page 2"));
  EXPECT_EQ(committed(r), 0u);
  // Retried from its (empty) state, the read completes.
  auto again = inst->read("campaign_daily", from, to, "", acct);
  ASSERT_FALSE(again.error);
  expect_truth(sum(again.rows), acct, from, to);
}

// ---------------------------------------------------------------------------------------------
// faults

TEST_F(TikTokConnectorTest, AppRateLimitFailsWithQuotaAfterCommittingTheFirstWindow) {
  auto inst = connect();
  const std::string acct = account(0), from = "2026-09-01", to = "2026-10-30";
  fault(report_fault("rate_limit", R"(,"times":1,"skip":1)"));
  auto r = inst->read("campaign_daily", from, to, "", acct);
  ASSERT_TRUE(r.error);
  // 40100: no retry inside the plugin; the host waits the QPM advice (5 minutes) and resumes.
  EXPECT_EQ(r.error->category, CH_ERROR_QUOTA) << r.error->to_string();
  EXPECT_EQ(r.error->retry_after, std::chrono::milliseconds(300'000));
  EXPECT_THAT(r.error->message, HasSubstr("40100"));
  ASSERT_EQ(r.checkpoints.size(), 1u);
  EXPECT_EQ(r.checkpoints[0].state, "2026-09-01..2026-10-30@2026-09-30");
  EXPECT_EQ(committed(r), r.rows.size());

  auto rest = inst->read("campaign_daily", from, to, r.checkpoints[0].state, acct);
  ASSERT_FALSE(rest.error) << rest.error->to_string();
  std::vector<plugin::Row> both = r.rows;
  both.insert(both.end(), rest.rows.begin(), rest.rows.end());
  expect_truth(sum(both), acct, from, to);
  expect_rows_well_formed(both, acct, from, to);
}

TEST_F(TikTokConnectorTest, AdvertiserQpsLimitWaitsOneSecond) {
  auto inst = connect();
  fault(report_fault("rate_limit", R"(,"times":1,"code":40133)"));
  auto r = inst->read("campaign_daily", "2026-09-01", "2026-09-10", "", account(0));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_QUOTA);
  EXPECT_EQ(r.error->retry_after, std::chrono::milliseconds(1'000));
  EXPECT_TRUE(r.rows.empty());
}

TEST_F(TikTokConnectorTest, RateLimitOnCampaignsAndAccounts) {
  auto inst = connect();
  fault(R"({"platform":"tiktok","endpoint":"campaign/get","kind":"rate_limit","times":1})");
  auto r = inst->read("campaigns", "2026-09-01", "2026-09-10", "", account(0));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_QUOTA);
  EXPECT_TRUE(r.error->retry_after);
  EXPECT_TRUE(r.checkpoints.empty());
  fault(R"({"platform":"tiktok","endpoint":"advertiser/info","kind":"rate_limit","times":1})");
  auto a = inst->read("accounts", "2026-09-01", "2026-09-10", "");
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->category, CH_ERROR_QUOTA);
  EXPECT_TRUE(a.rows.empty());
}

TEST_F(TikTokConnectorTest, ServerErrors) {
  auto inst = connect();
  const std::string acct = account(0), from = "2026-09-01", to = "2026-10-30";
  // A 500 is not retried by the host: the read fails as transient.
  fault(report_fault("server_error", R"(,"times":1,"status":500)"));
  auto r = inst->read("campaign_daily", from, to, "", acct);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_TRANSIENT) << r.error->to_string();
  EXPECT_THAT(r.error->message, HasSubstr("HTTP 500"));
  EXPECT_TRUE(r.rows.empty());
  // A 503 on a GET is retried by the host: the read completes with the right totals.
  sandbox->clear_faults();
  fault(report_fault("server_error", R"(,"times":1,"status":503)"));
  auto ok = inst->read("campaign_daily", from, to, "", acct);
  ASSERT_FALSE(ok.error) << ok.error->to_string();
  expect_truth(sum(ok.rows), acct, from, to);
  // So is a reset connection.
  fault(report_fault("connection_reset", R"(,"times":1)"));
  auto reset = inst->read("campaign_daily", from, to, "", acct);
  ASSERT_FALSE(reset.error) << reset.error->to_string();
  expect_truth(sum(reset.rows), acct, from, to);
}

TEST_F(TikTokConnectorTest, ExpiredAndRevokedTokensAreAuthErrorsWithoutTheToken) {
  auto inst = connect();
  struct Case {
    const char* kind;
    const char* says;
  } cases[] = {{"expired_token", "access token has expired"},
               {"revoked_token", "invalid or has been revoked"}};
  for (const auto& c : cases) {
    sandbox->clear_faults();
    fault(report_fault(c.kind, R"(,"times":1)"));
    auto r = inst->read("campaign_daily", "2026-09-01", "2026-09-10", "", account(0));
    ASSERT_TRUE(r.error) << c.kind;
    EXPECT_EQ(r.error->category, CH_ERROR_AUTH) << c.kind;
    EXPECT_FALSE(r.error->retry_after);
    EXPECT_THAT(r.error->message, HasSubstr(c.says));
    EXPECT_THAT(r.error->message, Not(HasSubstr(creds.tiktok_advertiser_token)));
    EXPECT_TRUE(r.rows.empty());
  }
  // A token the platform does not know, and app credentials it refuses.
  auto wrong = make(settings(), secrets("not-a-token"));
  auto err = wrong->check();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->category, CH_ERROR_AUTH);
  EXPECT_THAT(err->message, Not(HasSubstr("not-a-token")));
  auto bad_app = make(settings(), {{"app_secret", "wrong-secret"},
                                   {"access_token", creds.tiktok_advertiser_token}});
  err = bad_app->check();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->category, CH_ERROR_AUTH);
  EXPECT_THAT(err->message, Not(HasSubstr("wrong-secret")));
}

TEST_F(TikTokConnectorTest, MalformedJsonIsADataErrorAndEmitsNothingOfThatPage) {
  auto inst = connect();
  const std::string acct = account(0), from = "2026-09-01", to = "2026-10-30";
  fault(report_fault("malformed_json", R"(,"times":1,"skip":1)"));
  auto r = inst->read("campaign_daily", from, to, "", acct);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_DATA) << r.error->to_string();
  EXPECT_THAT(r.error->message, HasSubstr("report/integrated/get/"));
  EXPECT_THAT(r.error->message, HasSubstr("not JSON"));
  ASSERT_EQ(r.checkpoints.size(), 1u);
  EXPECT_EQ(r.rows.size(), committed(r)) << "rows of the broken page were emitted";
  expect_truth(sum(r.rows), acct, from, "2026-09-30");
}

TEST_F(TikTokConnectorTest, TruncatedBodyNeverYieldsRowsOfThatPage) {
  auto inst = connect();
  const std::string acct = account(0), from = "2026-09-01", to = "2026-10-30";
  fault(report_fault("truncated_body", R"(,"times":1,"skip":1)"));
  auto r = inst->read("campaign_daily", from, to, "", acct);
  if (r.error) {
    EXPECT_TRUE(r.error->category == CH_ERROR_DATA || r.error->category == CH_ERROR_TRANSIENT)
        << r.error->to_string();
    EXPECT_EQ(r.rows.size(), committed(r));
    expect_truth(sum(r.rows), acct, from, "2026-09-30");
  } else {
    // The host saw the body end early and asked again.
    expect_truth(sum(r.rows), acct, from, to);
    expect_rows_well_formed(r.rows, acct, from, to);
  }
}

// ---------------------------------------------------------------------------------------------
// settings

TEST_F(TikTokConnectorTest, ApiVersionIsInEveryPath) {
  auto inst = connect({{"api_version", "v1.4"}});
  auto err = inst->check();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->category, CH_ERROR_CONFIG) << err->to_string();
  ASSERT_FALSE(sandbox->requests().empty());
  for (const auto& q : sandbox->requests())
    EXPECT_THAT(q.path, ::testing::StartsWith("/open_api/v1.4/"));
}

TEST_F(TikTokConnectorTest, BadSettingsAndRequestsAreConfigErrors) {
  for (std::map<std::string, std::string> bad :
       {std::map<std::string, std::string>{{"base_url", "ftp://example.test"}},
        {{"api_version", "1.3"}},
        {{"advertiser_ids", "12\nabc"}}}) {
    auto err = create_error(bad);
    ASSERT_TRUE(err) << bad.begin()->first;
    EXPECT_EQ(err->category, CH_ERROR_CONFIG);
  }
  auto inst = connect();
  struct Case {
    const char *stream, *from, *to, *acct;
  } cases[] = {{"nope", "2026-09-01", "2026-09-02", ""},
               {"campaign_daily", "2026-09-01", "2026-09-02", ""},
               {"campaign_daily", "2026-09-31", "2026-10-02", "1"},
               {"campaign_daily", "2026-09-05", "2026-09-02", "1"},
               {"campaigns", "2026-09-01", "2026-09-02", "act_1"}};
  for (const auto& c : cases) {
    auto r = inst->read(c.stream, c.from, c.to, "", c.acct);
    ASSERT_TRUE(r.error) << c.stream << " " << c.from;
    EXPECT_EQ(r.error->category, CH_ERROR_CONFIG) << r.error->to_string();
  }
  // An advertiser the token cannot read.
  auto r = inst->read("campaign_daily", "2026-09-01", "2026-09-02", "", "1234567");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_CONFIG) << r.error->to_string();
}

}  // namespace
}  // namespace connhost::testing
