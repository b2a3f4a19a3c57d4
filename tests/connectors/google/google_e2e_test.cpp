// The Google connector loaded from the build's plugin folder and driven through the host's
// Instance against the in-process sandbox (today 2026-11-20, seed 42): shapes, totals equal to
// the sandbox's ground truth to the micro, the state contract, and faults mapped to categories.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include <connhost/ad_reporting.hpp>

#include "connector_fixture.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class GoogleE2E : public ConnectorTest {
 protected:
  GoogleE2E() : ConnectorTest("google") {}

  std::unique_ptr<plugin::Instance> google(std::map<std::string, std::string> extra = {},
                                           std::map<std::string, std::string> secret_over = {}) {
    std::map<std::string, std::string> s{{"base_url", sandbox->base_url()},
                                         {"oauth_base_url", sandbox->base_url()},
                                         {"client_id", creds.google_client_id}};
    for (auto& [k, v] : extra) s[k] = v;
    std::map<std::string, std::string> sec{{"client_secret", creds.google_client_secret},
                                           {"refresh_token", creds.google_refresh_token}};
    for (auto& [k, v] : secret_over) sec[k] = v;
    return make(s, sec);
  }

  std::vector<sandbox::AccountInfo> accounts() const { return sandbox->accounts("google"); }

  size_t count(std::string_view endpoint) const {
    auto reqs = sandbox->requests();
    return std::count_if(reqs.begin(), reqs.end(),
                         [&](const sandbox::LoggedRequest& r) { return r.endpoint == endpoint; });
  }

  void fault(const std::string& json) { sandbox->add_faults(json); }

  // The rows a pipeline would commit: those before the last checkpoint.
  static size_t committed(const plugin::Instance::ReadResult& r) {
    return r.checkpoints.empty() ? 0 : r.checkpoints.back().rows_before;
  }

  struct Sum {
    int64_t spend = 0, impressions = 0, clicks = 0, value = 0;
    double purchases = 0;
    size_t rows = 0;
  };
  static Sum sum(const std::vector<plugin::Row>& rows, size_t from = 0, size_t to = SIZE_MAX) {
    Sum s;
    for (size_t i = from; i < std::min(to, rows.size()); ++i) {
      const auto& r = rows[i];
      s.spend += i64(r, ad_reporting::kDailySpend);
      s.impressions += i64(r, ad_reporting::kDailyImpressions);
      s.clicks += i64(r, ad_reporting::kDailyClicks);
      s.purchases += f64(r, ad_reporting::kDailyPurchases);
      s.value += i64(r, ad_reporting::kDailyPurchaseValue);
      ++s.rows;
    }
    return s;
  }
  static Sum add(Sum a, const Sum& b) {
    a.spend += b.spend, a.impressions += b.impressions, a.clicks += b.clicks;
    a.purchases += b.purchases, a.value += b.value, a.rows += b.rows;
    return a;
  }

  void expect_truth(const Sum& s, const std::string& account, const std::string& from,
                    const std::string& to) {
    sandbox::Truth t = sandbox->truth("google", account, from, to);
    EXPECT_GT(t.total.spend_micros, 0) << account;
    EXPECT_EQ(s.spend, t.total.spend_micros) << account;
    EXPECT_EQ(s.impressions, t.total.impressions) << account;
    EXPECT_EQ(s.clicks, t.total.clicks) << account;
    EXPECT_EQ(s.purchases, static_cast<double>(t.total.purchases)) << account;
    EXPECT_EQ(s.value, t.total.purchase_value_micros) << account;
  }

  static void expect_unique_keys(const std::vector<plugin::Row>& rows) {
    std::set<std::tuple<std::string, std::string, std::string>> keys;
    for (const auto& r : rows)
      EXPECT_TRUE(keys.emplace(str(r, ad_reporting::kDailyAccountId),
                               str(r, ad_reporting::kDailyDate),
                               str(r, ad_reporting::kDailyCampaignId))
                      .second)
          << str(r, ad_reporting::kDailyCampaignId) << " " << str(r, ad_reporting::kDailyDate);
  }

  sandbox::Credentials creds;
  const std::string kFrom60 = "2026-09-21", kTo = "2026-11-19";
};

// --- check and the dimension streams -------------------------------------------------------

TEST_F(GoogleE2E, CheckPassesAndSendsOnlyWhatTheNotesAsk) {
  auto inst = google();
  ASSERT_TRUE(inst);
  auto err = inst->check();
  EXPECT_FALSE(err) << err->to_string();
  EXPECT_EQ(count("oauth/token"), 1u);
  EXPECT_EQ(count("ads/listAccessibleCustomers"), 1u);
  for (const auto& r : sandbox->requests()) {
    if (r.platform != "google" || r.endpoint == "oauth/token") continue;
    EXPECT_THAT(r.path, HasSubstr("/v24/"));
    bool bearer = false;
    for (const auto& [k, v] : r.headers) {
      std::string key = k;
      std::transform(key.begin(), key.end(), key.begin(), ::tolower);
      if (key == "authorization") bearer = v.rfind("Bearer ", 0) == 0;
      EXPECT_NE(key, "developer-token");
      EXPECT_NE(key, "login-customer-id");
    }
    EXPECT_TRUE(bearer) << r.path;
  }
}

TEST_F(GoogleE2E, AccountsCarryCurrencyAndTimeZone) {
  auto inst = google();
  auto res = inst->read("accounts", "", "", "");
  ASSERT_FALSE(res.error) << res.error->to_string();
  auto expected = accounts();
  ASSERT_EQ(res.rows.size(), expected.size());
  ASSERT_FALSE(expected.empty());
  std::map<std::string, const plugin::Row*> by_id;
  for (const auto& r : res.rows) by_id[str(r, ad_reporting::kAccountId)] = &r;
  for (const auto& a : expected) {
    ASSERT_TRUE(by_id.count(a.id)) << a.id;
    const auto& r = *by_id[a.id];
    EXPECT_EQ(str(r, ad_reporting::kAccountName), a.name);
    EXPECT_EQ(str(r, ad_reporting::kAccountCurrency), a.currency);
    EXPECT_EQ(str(r, ad_reporting::kAccountTimeZone), a.time_zone);
    EXPECT_TRUE(null(r, ad_reporting::kAccountStatus));
  }
  ASSERT_EQ(res.checkpoints.size(), 1u);
  EXPECT_EQ(res.checkpoints[0].state, "");
  EXPECT_EQ(res.checkpoints[0].rows_before, res.rows.size());
}

TEST_F(GoogleE2E, AccountsFromTheCustomerIdsSetting) {
  auto expected = accounts();
  ASSERT_GE(expected.size(), 2u);
  std::string id = expected[1].id;
  std::string dashed = id.substr(0, 3) + "-" + id.substr(3, 3) + "-" + id.substr(6);
  auto inst = google({{"customer_ids", dashed}});
  auto res = inst->read("accounts", "", "", "");
  ASSERT_FALSE(res.error) << res.error->to_string();
  ASSERT_EQ(res.rows.size(), 1u);
  EXPECT_EQ(str(res.rows[0], ad_reporting::kAccountId), id);
  EXPECT_EQ(count("ads/listAccessibleCustomers"), 0u);
}

TEST_F(GoogleE2E, CampaignsOfEachAccount) {
  auto inst = google();
  for (const auto& a : accounts()) {
    auto res = inst->read("campaigns", "", "", "", a.id);
    ASSERT_FALSE(res.error) << res.error->to_string();
    std::set<std::string> got;
    for (const auto& r : res.rows) {
      EXPECT_EQ(str(r, ad_reporting::kCampaignAccountId), a.id);
      got.insert(str(r, ad_reporting::kCampaignId));
      EXPECT_FALSE(str(r, ad_reporting::kCampaignName).empty());
      EXPECT_THAT(str(r, ad_reporting::kCampaignStatus),
                  ::testing::AnyOf("ENABLED", "PAUSED", "REMOVED"));
      EXPECT_FALSE(null(r, ad_reporting::kCampaignObjective));
      EXPECT_TRUE(null(r, ad_reporting::kCampaignCreatedTime));
      EXPECT_TRUE(null(r, ad_reporting::kCampaignModifiedTime));
    }
    EXPECT_EQ(got.size(), res.rows.size());
    EXPECT_EQ(got, std::set<std::string>(a.campaign_ids.begin(), a.campaign_ids.end()));
    ASSERT_EQ(res.checkpoints.size(), 1u);
    EXPECT_EQ(res.checkpoints[0].state, "");
  }
}

// --- campaign_daily: the key test ----------------------------------------------------------

TEST_F(GoogleE2E, SixtyDaysPerAccountEqualTheTruthToTheMicro) {
  auto inst = google();
  for (const auto& a : accounts()) {
    sandbox->clear_requests();
    auto res = inst->read("campaign_daily", kFrom60, kTo, "", a.id);
    ASSERT_FALSE(res.error) << res.error->to_string();
    expect_truth(sum(res.rows), a.id, kFrom60, kTo);
    expect_unique_keys(res.rows);
    std::set<std::string> campaigns(a.campaign_ids.begin(), a.campaign_ids.end());
    for (const auto& r : res.rows) {
      EXPECT_EQ(str(r, ad_reporting::kDailyAccountId), a.id);
      EXPECT_EQ(str(r, ad_reporting::kDailyCurrency), a.currency);
      EXPECT_TRUE(null(r, ad_reporting::kDailyLinkClicks));
      EXPECT_GE(str(r, ad_reporting::kDailyDate), kFrom60);
      EXPECT_LE(str(r, ad_reporting::kDailyDate), kTo);
      EXPECT_TRUE(campaigns.count(str(r, ad_reporting::kDailyCampaignId)));
    }
    // Two 30-day chunks, a checkpoint after each, covering every row.
    EXPECT_EQ(count("ads/searchStream"), 2u);
    ASSERT_EQ(res.checkpoints.size(), 2u);
    EXPECT_EQ(res.checkpoints[0].state, "2026-09-21..2026-11-19@2026-10-20");
    EXPECT_EQ(res.checkpoints[1].state, "2026-09-21..2026-11-19@2026-11-19");
    EXPECT_EQ(res.checkpoints[1].rows_before, res.rows.size());
    for (size_t i = 0; i < res.checkpoints[0].rows_before; ++i)
      EXPECT_LE(str(res.rows[i], ad_reporting::kDailyDate), "2026-10-20");
    for (size_t i = res.checkpoints[0].rows_before; i < res.rows.size(); ++i)
      EXPECT_GT(str(res.rows[i], ad_reporting::kDailyDate), "2026-10-20");
    // Per campaign too.
    sandbox::Truth t = sandbox->truth("google", a.id, kFrom60, kTo);
    std::map<std::string, int64_t> spend;
    for (const auto& r : res.rows)
      spend[str(r, ad_reporting::kDailyCampaignId)] += i64(r, ad_reporting::kDailySpend);
    for (const auto& [cid, totals] : t.by_campaign) EXPECT_EQ(spend[cid], totals.spend_micros);
    EXPECT_EQ(static_cast<int64_t>(res.rows.size()), t.rows);
  }
}

TEST_F(GoogleE2E, ThirteenMonthsEqualTheTruth) {
  auto inst = google();
  const auto a = accounts().at(0);
  const std::string from = "2025-10-20";
  auto res = inst->read("campaign_daily", from, kTo, "", a.id);
  ASSERT_FALSE(res.error) << res.error->to_string();
  expect_truth(sum(res.rows), a.id, from, kTo);
  expect_unique_keys(res.rows);
  EXPECT_EQ(count("ads/searchStream"), 14u);  // 396 days in 30-day chunks
  ASSERT_EQ(res.checkpoints.size(), 14u);
  EXPECT_EQ(res.checkpoints.back().state, from + ".." + kTo + "@" + kTo);
  EXPECT_EQ(res.checkpoints.back().rows_before, res.rows.size());
}

// The sandbox restates the recent days (Google's conversion window) as reads go on, so chunks
// read at different moments only add up to one truth over settled days.
TEST_F(GoogleE2E, ChunkSizeIsASetting) {
  auto inst = google({{"report_chunk_days", "7"}});
  const auto a = accounts().at(1);
  const std::string from = "2026-06-01", to = "2026-07-30";
  auto res = inst->read("campaign_daily", from, to, "", a.id);
  ASSERT_FALSE(res.error) << res.error->to_string();
  expect_truth(sum(res.rows), a.id, from, to);
  EXPECT_EQ(count("ads/searchStream"), 9u);  // 60 days: 8 x 7 + 4
  EXPECT_EQ(res.checkpoints.size(), 9u);
}

TEST_F(GoogleE2E, AResumedReadEmitsOnlyTheRemainingDays) {
  auto inst = google();
  const auto a = accounts().at(0);
  auto full = inst->read("campaign_daily", kFrom60, kTo, "", a.id);
  ASSERT_FALSE(full.error) << full.error->to_string();
  ASSERT_EQ(full.checkpoints.size(), 2u);
  const auto& first = full.checkpoints[0];

  sandbox->clear_requests();
  auto rest = inst->read("campaign_daily", kFrom60, kTo, first.state, a.id);
  ASSERT_FALSE(rest.error) << rest.error->to_string();
  EXPECT_EQ(count("ads/searchStream"), 1u);
  for (const auto& r : rest.rows) EXPECT_GT(str(r, ad_reporting::kDailyDate), "2026-10-20");
  EXPECT_EQ(rest.rows.size(), full.rows.size() - first.rows_before);
  ASSERT_EQ(rest.checkpoints.size(), 1u);
  EXPECT_EQ(rest.checkpoints[0].state, "2026-09-21..2026-11-19@2026-11-19");
  expect_truth(add(sum(full.rows, 0, first.rows_before), sum(rest.rows)), a.id, kFrom60, kTo);

  // A completed window reads nothing; a state of another window is ignored.
  sandbox->clear_requests();
  auto done = inst->read("campaign_daily", kFrom60, kTo, rest.checkpoints[0].state, a.id);
  ASSERT_FALSE(done.error);
  EXPECT_TRUE(done.rows.empty());
  EXPECT_EQ(count("ads/searchStream"), 0u);
  auto other =
      inst->read("campaign_daily", kFrom60, kTo, "2026-01-01..2026-02-01@2026-01-30", a.id);
  ASSERT_FALSE(other.error);
  EXPECT_EQ(other.rows.size(), full.rows.size());
}

TEST_F(GoogleE2E, OneTokenServesManyReadsAndConcurrentThreads) {
  auto inst = google();
  auto accts = accounts();
  ASSERT_GE(accts.size(), 2u);
  std::vector<plugin::Instance::ReadResult> results(accts.size());
  std::vector<std::thread> threads;
  // A settled window, so the other thread's reads cannot restate what this one read.
  const std::string from = "2026-03-01", to = "2026-08-31";
  for (size_t i = 0; i < accts.size(); ++i)
    threads.emplace_back(
        [&, i] { results[i] = inst->read("campaign_daily", from, to, "", accts[i].id); });
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < accts.size(); ++i) {
    ASSERT_FALSE(results[i].error) << results[i].error->to_string();
    expect_truth(sum(results[i].rows), accts[i].id, from, to);
  }
  auto again = inst->read("campaigns", "", "", "", accts[0].id);
  ASSERT_FALSE(again.error);
  EXPECT_EQ(count("oauth/token"), 1u);
}

TEST_F(GoogleE2E, SettingsAreValidated) {
  auto expect_config = [&](std::map<std::string, std::string> extra, std::string_view text) {
    std::map<std::string, std::string> settings{{"base_url", sandbox->base_url()},
                                                {"oauth_base_url", sandbox->base_url()},
                                                {"client_id", creds.google_client_id}};
    for (auto& [k, v] : extra) settings[k] = v;
    plugin::Instance::Settings st;
    st.connection = "google_test";
    for (auto& [k, v] : settings) st.values.emplace_back(k, v);
    st.secret = [](std::string_view) { return std::nullopt; };
    st.http = std::make_shared<http::Client>();
    auto [inst, err] = plugin::Instance::create(plugin, std::move(st));
    ASSERT_TRUE(err);
    EXPECT_EQ(err->category, CH_ERROR_CONFIG);
    EXPECT_THAT(err->message, HasSubstr(std::string(text)));
  };
  expect_config({{"api_version", "24"}}, "api_version '24'");
  expect_config({{"customer_ids", "1234567890\n12345"}}, "'12345' is not a 10-digit");
  expect_config({{"login_customer_id", "abc"}}, "login_customer_id 'abc'");
  expect_config({{"report_chunk_days", "0"}}, "report_chunk_days");

  auto inst = google();
  auto bad_window = inst->read("campaign_daily", "2026-11-19", "2026-11-01", "", accounts()[0].id);
  ASSERT_TRUE(bad_window.error);
  EXPECT_EQ(bad_window.error->category, CH_ERROR_CONFIG);
  auto no_account = inst->read("campaign_daily", kFrom60, kTo, "");
  ASSERT_TRUE(no_account.error);
  EXPECT_EQ(no_account.error->category, CH_ERROR_CONFIG);
}

TEST_F(GoogleE2E, LoginCustomerIdAndApiVersionReachTheWire) {
  auto a = accounts().at(0);
  auto inst = google({{"login_customer_id", a.id}});
  auto res = inst->read("campaigns", "", "", "", a.id);
  ASSERT_FALSE(res.error) << res.error->to_string();
  size_t with_header = 0;
  for (const auto& r : sandbox->requests()) {
    if (r.endpoint != "ads/search") continue;
    for (const auto& [k, v] : r.headers)
      if (k == "login-customer-id" || k == "Login-Customer-Id") {
        EXPECT_EQ(v, a.id);
        ++with_header;
      }
  }
  EXPECT_GE(with_header, 1u);

  sandbox->clear_requests();
  auto v23 = google({{"api_version", "v23"}});
  (void)v23->read("campaigns", "", "", "", a.id);
  auto reqs = sandbox->requests();
  ASSERT_FALSE(reqs.empty());
  bool saw = false;
  for (const auto& r : reqs)
    if (r.path.find("googleAds:search") != std::string::npos) {
      EXPECT_THAT(r.path, HasSubstr("/v23/customers/"));
      saw = true;
    }
  EXPECT_TRUE(saw);
}

// --- faults --------------------------------------------------------------------------------

TEST_F(GoogleE2E, RateLimitIsQuotaWithRetryAfterAndKeepsCommittedChunks) {
  auto inst = google();
  const auto a = accounts().at(0);
  fault(
      R"({"platform":"google","endpoint":"ads/searchStream","kind":"rate_limit","times":1,"skip":1,"retry_after_s":42})");
  auto res = inst->read("campaign_daily", kFrom60, kTo, "", a.id);
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error->category, CH_ERROR_QUOTA) << res.error->to_string();
  ASSERT_TRUE(res.error->retry_after);
  EXPECT_EQ(*res.error->retry_after, std::chrono::seconds(42));
  EXPECT_THAT(res.error->message, HasSubstr("RESOURCE_EXHAUSTED"));
  EXPECT_THAT(res.error->message, HasSubstr("request id"));
  // The first chunk was committed with its checkpoint; nothing of the refused one.
  ASSERT_EQ(res.checkpoints.size(), 1u);
  EXPECT_EQ(res.rows.size(), committed(res));

  // The pipeline waits and resumes from the checkpoint: the two parts equal the truth.
  auto rest = inst->read("campaign_daily", kFrom60, kTo, res.checkpoints[0].state, a.id);
  ASSERT_FALSE(rest.error) << rest.error->to_string();
  expect_truth(add(sum(res.rows), sum(rest.rows)), a.id, kFrom60, kTo);
}

TEST_F(GoogleE2E, RateLimitOnSearchAndTokenIsQuota) {
  auto inst = google();
  fault(R"({"platform":"google","endpoint":"ads/search","kind":"rate_limit","times":1})");
  auto res = inst->read("campaigns", "", "", "", accounts()[0].id);
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error->category, CH_ERROR_QUOTA) << res.error->to_string();
  ASSERT_TRUE(res.error->retry_after);
  EXPECT_GT(res.error->retry_after->count(), 0);
  EXPECT_TRUE(res.rows.empty());

  auto fresh = google();
  fault(R"({"platform":"google","endpoint":"oauth/token","kind":"rate_limit","times":1})");
  auto tok = fresh->read("accounts", "", "", "");
  ASSERT_TRUE(tok.error);
  EXPECT_EQ(tok.error->category, CH_ERROR_QUOTA) << tok.error->to_string();
  EXPECT_TRUE(tok.error->retry_after);
}

TEST_F(GoogleE2E, ServerErrorOnAStreamIsTransientAndOnAGetIsRetriedByTheHost) {
  auto inst = google();
  const auto a = accounts().at(0);
  fault(
      R"({"platform":"google","endpoint":"ads/searchStream","kind":"server_error","times":1,"skip":1})");
  auto res = inst->read("campaign_daily", kFrom60, kTo, "", a.id);
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error->category, CH_ERROR_TRANSIENT) << res.error->to_string();
  EXPECT_EQ(res.rows.size(), committed(res));
  EXPECT_EQ(res.checkpoints.size(), 1u);

  // listAccessibleCustomers is a GET: the host retries it and the read completes.
  fault(
      R"({"platform":"google","endpoint":"ads/listAccessibleCustomers","kind":"server_error","times":1,"status":503})");
  auto acc = inst->read("accounts", "", "", "");
  ASSERT_FALSE(acc.error) << acc.error->to_string();
  EXPECT_EQ(acc.rows.size(), accounts().size());
  EXPECT_EQ(count("ads/listAccessibleCustomers"), 2u);
}

TEST_F(GoogleE2E, AnExpiredAccessTokenIsRefreshedOnceAndTheReadCompletes) {
  auto inst = google();
  const auto a = accounts().at(0);
  auto warm = inst->read("accounts", "", "", "");
  ASSERT_FALSE(warm.error);
  ASSERT_EQ(count("oauth/token"), 1u);
  fault(R"({"platform":"google","endpoint":"ads/searchStream","kind":"expired_token","times":1})");
  auto res = inst->read("campaign_daily", kFrom60, kTo, "", a.id);
  ASSERT_FALSE(res.error) << res.error->to_string();
  expect_truth(sum(res.rows), a.id, kFrom60, kTo);
  EXPECT_EQ(count("oauth/token"), 2u);
}

TEST_F(GoogleE2E, ARevokedRefreshTokenIsAuthWithoutSecretsInTheMessage) {
  auto inst = google();
  fault(R"({"platform":"google","endpoint":"oauth/token","kind":"revoked_token","times":5})");
  auto res = inst->read("campaign_daily", kFrom60, kTo, "", accounts()[0].id);
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error->category, CH_ERROR_AUTH) << res.error->to_string();
  EXPECT_THAT(res.error->message, HasSubstr("invalid_grant"));
  EXPECT_THAT(res.error->message, HasSubstr("sign in with Google again"));
  EXPECT_THAT(res.error->message, Not(HasSubstr(creds.google_refresh_token)));
  EXPECT_THAT(res.error->message, Not(HasSubstr(creds.google_client_secret)));
  EXPECT_TRUE(res.rows.empty());

  auto check = inst->check();
  ASSERT_TRUE(check);
  EXPECT_EQ(check->category, CH_ERROR_AUTH);
}

TEST_F(GoogleE2E, ARevokedAccessTokenIsAuthAfterOneRefresh) {
  auto inst = google();
  fault(R"({"platform":"google","endpoint":"ads/searchStream","kind":"revoked_token","times":5})");
  auto res = inst->read("campaign_daily", kFrom60, kTo, "", accounts()[0].id);
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error->category, CH_ERROR_AUTH) << res.error->to_string();
  EXPECT_THAT(res.error->message, HasSubstr("searchStream"));
  EXPECT_THAT(res.error->message, Not(HasSubstr(creds.google_refresh_token)));
  EXPECT_EQ(count("ads/searchStream"), 2u);
  EXPECT_EQ(count("oauth/token"), 2u);
  EXPECT_TRUE(res.rows.empty());
}

TEST_F(GoogleE2E, WrongCredentialsAreAuth) {
  auto inst = google({}, {{"client_secret", "not-the-secret"}});
  auto err = inst->check();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->category, CH_ERROR_AUTH) << err->to_string();
  EXPECT_THAT(err->message, Not(HasSubstr("not-the-secret")));

  auto bad_refresh = google({}, {{"refresh_token", "1//not-a-refresh-token"}});
  auto e2 = bad_refresh->check();
  ASSERT_TRUE(e2);
  EXPECT_EQ(e2->category, CH_ERROR_AUTH) << e2->to_string();
  EXPECT_THAT(e2->message, Not(HasSubstr("1//not-a-refresh-token")));
}

TEST_F(GoogleE2E, BrokenBodiesFailTheChunkWithoutItsRows) {
  const auto a = accounts().at(0);
  // A complete body that is not JSON is the platform's fault (data); a body cut short is caught
  // by the host's HTTP client as a partial message (transient). Either way the chunk's rows are
  // never emitted and the chunk before it stays committed.
  for (auto [kind, category] : {std::pair{"malformed_json", CH_ERROR_DATA},
                                std::pair{"truncated_body", CH_ERROR_TRANSIENT}}) {
    SCOPED_TRACE(kind);
    auto inst = google();
    sandbox->clear_faults();
    fault(R"({"platform":"google","endpoint":"ads/searchStream","kind":")" + std::string(kind) +
          R"(","times":1,"skip":1})");
    auto res = inst->read("campaign_daily", kFrom60, kTo, "", a.id);
    ASSERT_TRUE(res.error);
    EXPECT_EQ(res.error->category, category) << res.error->to_string();
    ASSERT_EQ(res.checkpoints.size(), 1u);
    EXPECT_EQ(res.rows.size(), committed(res));
    EXPECT_GT(res.rows.size(), 0u);
    for (const auto& r : res.rows) EXPECT_LE(str(r, ad_reporting::kDailyDate), "2026-10-20");
  }
  auto inst = google();
  sandbox->clear_faults();
  fault(R"({"platform":"google","endpoint":"ads/searchStream","kind":"malformed_json","times":1})");
  auto bad = inst->read("campaign_daily", kFrom60, kTo, "", a.id);
  ASSERT_TRUE(bad.error);
  EXPECT_THAT(bad.error->message,
              HasSubstr("google searchStream (request id "));  // the platform's id, for support
  EXPECT_THAT(bad.error->message, HasSubstr("not valid JSON"));
  EXPECT_TRUE(bad.rows.empty());

  // Broken dimension answers too.
  fault(R"({"platform":"google","endpoint":"ads/search","kind":"malformed_json","times":1})");
  auto res = google()->read("campaigns", "", "", "", a.id);
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error->category, CH_ERROR_DATA) << res.error->to_string();
  EXPECT_TRUE(res.rows.empty());
}

TEST_F(GoogleE2E, AConnectionResetBeforeTheAnswerIsRetriedByTheHost) {
  auto inst = google();
  const auto a = accounts().at(0);
  fault(
      R"({"platform":"google","endpoint":"ads/searchStream","kind":"connection_reset","times":1})");
  auto res = inst->read("campaign_daily", kFrom60, kTo, "", a.id);
  ASSERT_FALSE(res.error) << res.error->to_string();
  expect_truth(sum(res.rows), a.id, kFrom60, kTo);
  EXPECT_EQ(count("ads/searchStream"), 3u);  // 2 chunks + the retried one
}

}  // namespace
}  // namespace connhost::testing
