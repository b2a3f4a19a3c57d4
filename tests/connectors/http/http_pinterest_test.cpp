// The http plugin with config/connectors/pinterest.toml, loaded as the host loads it and driven
// through plugin::Instance against the sandbox's Pinterest: listings across bookmark pages,
// campaign_daily totals equal to the sandbox's truth, a resumed read, faults mapped to error
// categories, and manifest mistakes reported with file, line and key.
#include <gmock/gmock.h>
#include <connhost/ad_reporting.hpp>

#include <boost/url/parse.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "connector_fixture.hpp"
#include "server/http_types.hpp"
#include "support/temp_dir.hpp"

namespace connhost::testing {
namespace {

namespace ar = connhost::ad_reporting;
using ::testing::HasSubstr;

constexpr const char* kToken = "sandbox-pinterest-token";  // docs/sandbox/pinterest.md
// Inside Pinterest's 90 days back from the sandbox's today (2026-11-20), and settled.
constexpr const char* kFrom = "2026-09-01";
constexpr const char* kTo = "2026-10-31";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void replace(std::string& text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  ASSERT_NE(pos, std::string::npos) << from;
  text.replace(pos, from.size(), to);
}

class PinterestHttpTest : public ConnectorTest {
 protected:
  PinterestHttpTest() : ConnectorTest("http") {}

  void customize(sandbox::Options& o) override {
    o.accounts_per_platform = 5;
    o.campaigns_per_account = 30;
  }

  // The shipped manifest with small pages and batches, so that a handful of accounts and
  // campaigns take several bookmark pages and several analytics requests.
  std::string small_pages_manifest() {
    std::string m =
        read_file(std::string(CONNHOST_SOURCE_DIR) + "/config/connectors/pinterest.toml");
    replace(m, "page_size = 250", "page_size = 2");
    replace(m, "page_size = 100", "page_size = 7");
    replace(m, "batch_size = 100", "batch_size = 8");
    return write("pinterest_small.toml", m);
  }

  std::string write(const std::string& name, const std::string& text) {
    auto path = dir.path() / name;
    std::ofstream(path) << text;
    return path.string();
  }

  std::unique_ptr<plugin::Instance> connect(const std::string& manifest,
                                            std::map<std::string, std::string> extra = {}) {
    // The host's limiter (a generous one) instead of the manifest's 10 requests a second.
    std::map<std::string, std::string> s{
        {"manifest", manifest}, {"base_url", sandbox->base_url()}, {"rate_limit_qps", "1000"}};
    for (auto& [k, v] : extra) s[k] = v;
    return make(s, {{"token", kToken}});
  }

  std::optional<plugin::PluginError> create_error(const std::string& manifest) {
    plugin::Instance::Settings s;
    s.connection = "http_bad";
    s.values = {{"manifest", manifest}, {"base_url", sandbox->base_url()}};
    s.secret = [](std::string_view) -> std::optional<std::string> { return kToken; };
    s.http = std::make_shared<http::Client>();
    return plugin::Instance::create(plugin, std::move(s)).second;
  }

  std::vector<sandbox::LoggedRequest> requests_to(const std::string& endpoint) {
    std::vector<sandbox::LoggedRequest> out;
    for (auto& q : sandbox->requests())
      if (q.endpoint == endpoint && q.platform == "pinterest") out.push_back(q);
    return out;
  }

  static std::map<std::string, std::string> params(const sandbox::LoggedRequest& q) {
    std::map<std::string, std::string> out;
    const std::string text = "/?" + q.query;
    auto u = boost::urls::parse_uri_reference(text);
    if (!u) return out;
    for (auto p : u->params()) out[p.key] = p.value;
    return out;
  }

  static std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');) out.push_back(item);
    return out;
  }

  void fault(const std::string& json) { sandbox->add_faults(json); }

  test::TempDir dir{"connhost-http"};
};

struct Sums {
  sandbox::Totals total;
  std::map<std::string, sandbox::Totals> by_campaign;
  int64_t rows = 0;
};

Sums sum(const std::vector<plugin::Row>& rows, size_t upto = static_cast<size_t>(-1)) {
  Sums s;
  for (size_t i = 0; i < std::min(upto, rows.size()); ++i) {
    const auto& r = rows[i];
    auto add = [&](sandbox::Totals& t) {
      t.spend_micros += std::get<int64_t>(r.values[ar::kDailySpend]);
      t.impressions += std::get<int64_t>(r.values[ar::kDailyImpressions]);
      t.clicks += std::get<int64_t>(r.values[ar::kDailyClicks]);
      t.purchases += static_cast<int64_t>(std::get<double>(r.values[ar::kDailyPurchases]));
      t.purchase_value_micros += std::get<int64_t>(r.values[ar::kDailyPurchaseValue]);
    };
    add(s.total);
    add(s.by_campaign[std::get<std::string>(r.values[ar::kDailyCampaignId])]);
    ++s.rows;
  }
  return s;
}

void expect_equal(const sandbox::Totals& got, const sandbox::Totals& want) {
  EXPECT_EQ(got.spend_micros, want.spend_micros);
  EXPECT_EQ(got.impressions, want.impressions);
  EXPECT_EQ(got.clicks, want.clicks);
  EXPECT_EQ(got.purchases, want.purchases);
  EXPECT_EQ(got.purchase_value_micros, want.purchase_value_micros);
}

TEST_F(PinterestHttpTest, AccountsCompleteAcrossBookmarkPages) {
  auto inst = connect(small_pages_manifest());
  sandbox->clear_requests();
  auto r = inst->read("accounts", kFrom, kTo, "");
  ASSERT_FALSE(r.error) << r.error->to_string();
  auto want = sandbox->accounts("pinterest");
  ASSERT_EQ(want.size(), 5u);
  ASSERT_EQ(r.rows.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(std::get<std::string>(r.rows[i].values[ar::kAccountId]), want[i].id);
    EXPECT_EQ(std::get<std::string>(r.rows[i].values[ar::kAccountName]), want[i].name);
    EXPECT_EQ(std::get<std::string>(r.rows[i].values[ar::kAccountCurrency]), want[i].currency);
    EXPECT_EQ(std::get<std::string>(r.rows[i].values[ar::kAccountTimeZone]), "UTC");
  }
  // 5 accounts, 2 a page: three pages, the first without a bookmark, each bookmark once.
  auto calls = requests_to("ad_accounts");
  ASSERT_EQ(calls.size(), 3u);
  std::set<std::string> bookmarks;
  for (size_t i = 0; i < calls.size(); ++i) {
    auto p = params(calls[i]);
    EXPECT_EQ(p["page_size"], "2");
    EXPECT_EQ(p.count("bookmark"), i == 0 ? 0u : 1u);
    if (i > 0) EXPECT_TRUE(bookmarks.insert(p["bookmark"]).second);
    EXPECT_THAT(calls[i].query, ::testing::Not(HasSubstr(kToken)));
    bool bearer = false;
    for (const auto& [k, v] : calls[i].headers)
      if (sandbox::iequals(k, "Authorization")) bearer = v == std::string("Bearer ") + kToken;
    EXPECT_TRUE(bearer);
  }
  ASSERT_EQ(r.checkpoints.size(), 1u);
  EXPECT_EQ(r.checkpoints.back().state, "");
}

TEST_F(PinterestHttpTest, CampaignsCompleteAcrossBookmarkPagesArchivedIncluded) {
  auto inst = connect(small_pages_manifest());
  for (const auto& acc : sandbox->accounts("pinterest")) {
    sandbox->clear_requests();
    auto r = inst->read("campaigns", kFrom, kTo, "", acc.id);
    ASSERT_FALSE(r.error) << r.error->to_string();
    std::set<std::string> got, want(acc.campaign_ids.begin(), acc.campaign_ids.end());
    std::set<std::string> statuses;
    for (const auto& row : r.rows) {
      EXPECT_EQ(std::get<std::string>(row.values[ar::kCampaignAccountId]), acc.id);
      EXPECT_TRUE(got.insert(std::get<std::string>(row.values[ar::kCampaignId])).second);
      statuses.insert(std::get<std::string>(row.values[ar::kCampaignStatus]));
      // Pinterest's seconds, in milliseconds.
      EXPECT_EQ(std::get<int64_t>(row.values[ar::kCampaignCreatedTime]) % 1000, 0);
    }
    EXPECT_EQ(got, want);
    EXPECT_TRUE(statuses.count("ARCHIVED")) << "30 campaigns hold an archived one";
    // 30 campaigns, 7 a page: five pages.
    EXPECT_EQ(requests_to("campaigns").size(), 5u);
  }
}

TEST_F(PinterestHttpTest, DailyTotalsEqualTruthInBatchesAndChunks) {
  auto inst = connect(small_pages_manifest());
  for (const auto& acc : sandbox->accounts("pinterest")) {
    SCOPED_TRACE(acc.id);
    sandbox->clear_requests();
    auto r = inst->read("campaign_daily", kFrom, kTo, "", acc.id);
    ASSERT_FALSE(r.error) << r.error->to_string();
    auto truth = sandbox->truth("pinterest", acc.id, kFrom, kTo);
    ASSERT_GT(truth.total.spend_micros, 0);
    auto s = sum(r.rows);
    expect_equal(s.total, truth.total);
    EXPECT_EQ(s.rows, truth.rows);
    for (const auto& [id, t] : truth.by_campaign) {
      if (t.spend_micros == 0 && t.impressions == 0) continue;
      SCOPED_TRACE(id);
      expect_equal(s.by_campaign[id], t);
    }
    for (const auto& row : r.rows)
      EXPECT_EQ(std::get<std::string>(row.values[ar::kDailyCurrency]), acc.currency);
    // 61 days in chunks of 30 (30, 30, 1), each chunk's campaigns in batches of at most 8.
    std::vector<std::string> states;
    for (const auto& c : r.checkpoints) states.push_back(c.state);
    EXPECT_EQ(states, (std::vector<std::string>{"2026-09-01..2026-10-31@2026-09-30",
                                                "2026-09-01..2026-10-31@2026-10-30",
                                                "2026-09-01..2026-10-31@2026-10-31"}));
    std::map<std::string, std::set<std::string>> per_chunk;
    for (const auto& q : requests_to("campaigns/analytics")) {
      auto p = params(q);
      auto ids = split(p["campaign_ids"]);
      EXPECT_LE(ids.size(), 8u);
      EXPECT_EQ(p["granularity"], "DAY");
      for (auto& id : ids) EXPECT_TRUE(per_chunk[p["start_date"]].insert(id).second);
    }
    ASSERT_EQ(per_chunk.size(), 3u);
    for (const auto& [start, ids] : per_chunk) EXPECT_EQ(ids.size(), acc.campaign_ids.size());
  }
}

TEST_F(PinterestHttpTest, ResumedReadContinuesAfterTheLastCheckpoint) {
  auto inst = connect(small_pages_manifest());
  auto acc = sandbox->accounts("pinterest").at(1);
  // 30 campaigns in batches of 8: four analytics requests a chunk. The second chunk fails.
  fault(R"({"platform":"pinterest","endpoint":"campaigns/analytics","kind":"server_error",)"
        R"("status":500,"skip":4,"times":-1})");
  auto first = inst->read("campaign_daily", kFrom, kTo, "", acc.id);
  ASSERT_TRUE(first.error);
  EXPECT_EQ(first.error->category, CH_ERROR_TRANSIENT) << first.error->to_string();
  ASSERT_EQ(first.checkpoints.size(), 1u);
  EXPECT_EQ(first.checkpoints[0].state, "2026-09-01..2026-10-31@2026-09-30");

  sandbox->clear_faults();
  sandbox->clear_requests();
  auto second = inst->read("campaign_daily", kFrom, kTo, first.checkpoints[0].state, acc.id);
  ASSERT_FALSE(second.error) << second.error->to_string();
  for (const auto& q : requests_to("campaigns/analytics"))
    EXPECT_GE(params(q)["start_date"], "2026-10-01") << "a completed chunk was read again";

  // The committed rows of both reads together are the window, each row once.
  auto a = sum(first.rows, first.checkpoints[0].rows_before), b = sum(second.rows);
  auto truth = sandbox->truth("pinterest", acc.id, kFrom, kTo);
  sandbox::Totals both = a.total;
  both.spend_micros += b.total.spend_micros;
  both.impressions += b.total.impressions;
  both.clicks += b.total.clicks;
  both.purchases += b.total.purchases;
  both.purchase_value_micros += b.total.purchase_value_micros;
  expect_equal(both, truth.total);
  EXPECT_EQ(a.rows + b.rows, truth.rows);

  // A state of another window is ignored: the whole window again.
  sandbox->clear_requests();
  auto other =
      inst->read("campaign_daily", kFrom, kTo, "2026-08-01..2026-08-31@2026-08-15", acc.id);
  ASSERT_FALSE(other.error);
  EXPECT_EQ(sum(other.rows).rows, truth.rows);
}

TEST_F(PinterestHttpTest, AccountIdsSkipTheListing) {
  auto acc = sandbox->accounts("pinterest").at(2);
  auto inst = connect(small_pages_manifest(), {{"account_ids", acc.id}});
  sandbox->clear_requests();
  auto r = inst->read("accounts", kFrom, kTo, "");
  ASSERT_FALSE(r.error) << r.error->to_string();
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(std::get<std::string>(r.rows[0].values[ar::kAccountCurrency]), acc.currency);
  EXPECT_TRUE(requests_to("ad_accounts").empty());
  EXPECT_EQ(requests_to("ad_account").size(), 1u);
  auto other = sandbox->accounts("pinterest").at(0);
  auto refused = inst->read("campaigns", kFrom, kTo, "", other.id);
  ASSERT_TRUE(refused.error);
  EXPECT_EQ(refused.error->category, CH_ERROR_CONFIG);
  EXPECT_THAT(refused.error->message, HasSubstr("account_ids"));
}

// --- faults --------------------------------------------------------------------------------

TEST_F(PinterestHttpTest, RateLimitIsQuotaWithRetryAfter) {
  auto inst = connect(small_pages_manifest());
  auto acc = sandbox->accounts("pinterest").at(0);
  fault(R"({"platform":"pinterest","endpoint":"campaigns","kind":"rate_limit","retry_after_s":7,)"
        R"("times":1})");
  auto r = inst->read("campaigns", kFrom, kTo, "", acc.id);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_QUOTA) << r.error->to_string();
  ASSERT_TRUE(r.error->retry_after);
  EXPECT_EQ(r.error->retry_after->count(), 7000);
  EXPECT_THAT(r.error->message, HasSubstr("429"));
  EXPECT_THAT(r.error->message, HasSubstr("exceeded your rate limit"));
}

TEST_F(PinterestHttpTest, ServiceUnavailableIsTransient) {
  auto inst = connect(small_pages_manifest());
  fault(R"({"platform":"pinterest","endpoint":"ad_accounts","kind":"server_error","status":503})");
  auto r = inst->read("accounts", kFrom, kTo, "");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_TRANSIENT) << r.error->to_string();
  EXPECT_THAT(r.error->message, HasSubstr("503"));
}

TEST_F(PinterestHttpTest, RefusedTokenIsAuth) {
  auto inst = connect(small_pages_manifest());
  fault(R"({"platform":"pinterest","endpoint":"ad_accounts","kind":"expired_token","times":1})");
  auto r = inst->read("accounts", kFrom, kTo, "");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_AUTH) << r.error->to_string();
  EXPECT_THAT(r.error->message, HasSubstr("401"));
  EXPECT_THAT(r.error->message, ::testing::Not(HasSubstr(kToken)));

  // A wrong token: the platform's own 401, no fault involved.
  auto wrong = make({{"manifest", small_pages_manifest()}, {"base_url", sandbox->base_url()}},
                    {{"token", "not-the-token"}});
  auto w = wrong->read("accounts", kFrom, kTo, "");
  ASSERT_TRUE(w.error);
  EXPECT_EQ(w.error->category, CH_ERROR_AUTH);
  EXPECT_THAT(w.error->message, HasSubstr("Authentication failed"));
}

TEST_F(PinterestHttpTest, PlatformRefusalIsConfigWithItsMessage) {
  auto inst = connect(small_pages_manifest());
  auto acc = sandbox->accounts("pinterest").at(0);
  // More than 90 days back from the sandbox's today: Pinterest refuses the request.
  auto r = inst->read("campaign_daily", "2026-06-01", "2026-06-10", "", acc.id);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_CONFIG) << r.error->to_string();
  EXPECT_THAT(r.error->message, HasSubstr("400"));
  EXPECT_THAT(r.error->message, HasSubstr("90 days back"));
}

// --- manifest errors -----------------------------------------------------------------------

TEST_F(PinterestHttpTest, MissingManifestIsConfigNamingThePath) {
  auto missing = (dir.path() / "nowhere.toml").string();
  auto err = create_error(missing);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->category, CH_ERROR_CONFIG);
  EXPECT_THAT(err->message, HasSubstr(missing));
  EXPECT_THAT(err->message, HasSubstr("no such file"));
}

TEST_F(PinterestHttpTest, BadTomlIsConfigNamingFileLineAndColumn) {
  auto path = write("bad.toml", "base_url = \"http://x\"\n\n[auth\nstyle = \"bearer\"\n");
  auto err = create_error(path);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->category, CH_ERROR_CONFIG);
  EXPECT_THAT(err->message, HasSubstr(path + ":3:"));
  EXPECT_THAT(err->message, HasSubstr("invalid TOML"));
}

TEST_F(PinterestHttpTest, UnknownPaginationStyleIsConfigNamingLineAndKey) {
  std::string m = read_file(std::string(CONNHOST_SOURCE_DIR) + "/config/connectors/pinterest.toml");
  replace(m, "[streams.campaigns.pagination]\nstyle = \"cursor\"",
          "[streams.campaigns.pagination]\nstyle = \"offset\"");
  // The line the bad value is on, counted in the text written.
  auto at = m.find("style = \"offset\"");
  int line = 1 + static_cast<int>(std::count(m.begin(), m.begin() + at, '\n'));
  auto path = write("style.toml", m);
  auto err = create_error(path);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->category, CH_ERROR_CONFIG);
  EXPECT_THAT(err->message, HasSubstr(path + ":" + std::to_string(line) + ":"));
  EXPECT_THAT(err->message, HasSubstr("streams.campaigns.pagination.style"));
  EXPECT_THAT(err->message, HasSubstr("'offset'"));
}

TEST_F(PinterestHttpTest, UnknownKeyAndMissingColumnAreConfigErrors) {
  std::string m = read_file(std::string(CONNHOST_SOURCE_DIR) + "/config/connectors/pinterest.toml");
  std::string typo = m;
  replace(typo, "records = \"items\"\none_path", "recods = \"items\"\none_path");
  auto err = create_error(write("typo.toml", typo));
  ASSERT_TRUE(err);
  EXPECT_THAT(err->message, HasSubstr("streams.accounts.recods: unknown key"));
  std::string missing = m;
  replace(missing, "clicks = { path = \"CLICKTHROUGH_1\", default = 0 }\n", "");
  err = create_error(write("missing.toml", missing));
  ASSERT_TRUE(err);
  EXPECT_THAT(err->message, HasSubstr("streams.campaign_daily.fields"));
  EXPECT_THAT(err->message, HasSubstr("'clicks'"));
}

}  // namespace
}  // namespace connhost::testing
