// The page-number and next-URL pagination styles, records at the root, query-parameter auth and
// the value transforms, against a loopback server that serves hand-written pages: each page is
// requested once and the stop condition (a short page, an empty page, no next URL) is honoured.
#include <gmock/gmock.h>
#include <connhost/ad_reporting.hpp>

#include <chrono>
#include <fstream>
#include <mutex>

#include "connector_fixture.hpp"
#include "server/http_server.hpp"
#include "server/http_types.hpp"
#include "support/temp_dir.hpp"

namespace connhost::testing {
namespace {

namespace ar = connhost::ad_reporting;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kKey = "styles-api-key-123";

// Answers GETs from a table of "path?query" -> JSON body written by hand; anything else is 404.
// The query as the server sees it, minus the credential, is the key.
class PageServer {
 public:
  PageServer()
      : server_([this](sandbox::Request& r) {
          std::lock_guard lock(m_);
          std::string query;
          bool keyed = false;
          for (const auto& [k, v] : r.query) {
            if (k == "key") {
              keyed = v == kKey;
              continue;
            }
            query += (query.empty() ? "" : "&") + k + "=" + v;
          }
          // The credential in a header instead (auth style "header").
          for (const auto& [k, v] : r.headers)
            if (sandbox::iequals(k, "X-Api-Key")) keyed = v == kKey;
          std::string target = r.path + (query.empty() ? "" : "?" + query);
          seen_.push_back(target);
          if (!keyed) return sandbox::Response::json(401, R"({"error":{"text":"bad key"}})");
          auto it = pages_.find(target);
          if (it == pages_.end())
            return sandbox::Response::json(404, R"({"error":{"text":"no page )" + target + "\"}}");
          return sandbox::Response::json(200, it->second);
        }) {
    port_ = server_.start({});
  }
  ~PageServer() { server_.stop(); }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void page(const std::string& target, std::string body) {
    std::lock_guard lock(m_);
    pages_[target] = std::move(body);
  }
  std::vector<std::string> seen() {
    std::lock_guard lock(m_);
    return seen_;
  }
  void clear() {
    std::lock_guard lock(m_);
    seen_.clear();
  }

 private:
  std::mutex m_;
  std::map<std::string, std::string> pages_;
  std::vector<std::string> seen_;
  sandbox::HttpServer server_;
  uint16_t port_ = 0;
};

// Page numbers from 1 with a short last page (accounts), next URLs (campaigns), one request a
// window with a root array and decimal money (campaign_daily).
constexpr const char* kManifest = R"(
base_url = "http://unused.invalid"
error_message_path = "error.text"

[auth]
style = "query"
name = "key"
secret = "api_key"

[streams.accounts]
path = "/accounts"
records = ""
[streams.accounts.pagination]
style = "page"
param = "page"
size_param = "per_page"
size = 2
start = 1
[streams.accounts.fields]
account_id = { path = "id", transform = "string" }
name = "profile.name"
currency = "currency"
time_zone = { path = "tz", default = "UTC" }

[streams.campaigns]
path = "/acc/{account_id}/campaigns"
records = "data"
[streams.campaigns.pagination]
style = "next_url"
next_path = "paging.next"
[streams.campaigns.fields]
campaign_id = "id"
name = "name"
status = { value = "ACTIVE" }
created_time = { path = "created", transform = "int", scale = 1000 }

[streams.campaign_daily]
path = "/acc/{account_id}/daily"
records = ""
[streams.campaign_daily.params]
from = "{start_date}"
to = "{end_date}"
[streams.campaign_daily.fields]
date = "day"
campaign_id = "campaign"
spend = { path = "cost", transform = "micros" }
impressions = "views"
clicks = "clicks"
purchases = { path = "orders", default = 0 }
purchase_value = { path = "revenue", transform = "micros", default = "0" }
currency = { account_field = "currency" }
)";

class HttpStylesTest : public ConnectorTest {
 protected:
  HttpStylesTest() : ConnectorTest("http") {}

  std::unique_ptr<plugin::Instance> connect(const std::string& manifest = kManifest) {
    auto path = dir.path() / "styles.toml";
    std::ofstream(path) << manifest;
    return make({{"manifest", path.string()}, {"base_url", pages.base()}}, {{"api_key", kKey}});
  }

  static std::string s(const plugin::Row& r, uint32_t c) {
    return std::get<std::string>(r.values[c]);
  }
  static int64_t n(const plugin::Row& r, uint32_t c) { return std::get<int64_t>(r.values[c]); }

  PageServer pages;
  test::TempDir dir{"connhost-http-styles"};
};

TEST_F(HttpStylesTest, PageNumbersStopAtTheShortPage) {
  pages.page("/accounts?per_page=2&page=1",
             R"([{"id":101,"profile":{"name":"One"},"currency":"EUR","tz":"Europe/Berlin"},
                 {"id":102,"profile":{"name":"Two"},"currency":"EUR"}])");
  pages.page("/accounts?per_page=2&page=2",
             R"([{"id":103,"profile":{"name":"Three"},"currency":"USD"},
                 {"id":104,"profile":{"name":"Four"},"currency":"USD"}])");
  pages.page("/accounts?per_page=2&page=3",
             R"([{"id":105,"profile":{"name":"Five"},"currency":"JPY"}])");
  auto inst = connect();
  auto r = inst->read("accounts", "2026-11-01", "2026-11-02", "");
  ASSERT_FALSE(r.error) << r.error->to_string();
  EXPECT_THAT(pages.seen(),
              ElementsAre("/accounts?per_page=2&page=1", "/accounts?per_page=2&page=2",
                          "/accounts?per_page=2&page=3"));
  ASSERT_EQ(r.rows.size(), 5u);
  EXPECT_EQ(s(r.rows[0], ar::kAccountId), "101");
  EXPECT_EQ(s(r.rows[0], ar::kAccountName), "One");
  EXPECT_EQ(s(r.rows[0], ar::kAccountTimeZone), "Europe/Berlin");
  EXPECT_EQ(s(r.rows[1], ar::kAccountTimeZone), "UTC");  // the default
  EXPECT_EQ(s(r.rows[4], ar::kAccountCurrency), "JPY");
  EXPECT_TRUE(null(r.rows[4], ar::kAccountStatus));
}

TEST_F(HttpStylesTest, PageNumbersFromZeroStopAtTheEmptyPage) {
  std::string m = kManifest;
  m.replace(m.find("start = 1"), 9, "start = 0");
  pages.page("/accounts?per_page=2&page=0",
             R"([{"id":1,"profile":{"name":"A"},"currency":"EUR"},
                 {"id":2,"profile":{"name":"B"},"currency":"EUR"}])");
  pages.page("/accounts?per_page=2&page=1",
             R"([{"id":3,"profile":{"name":"C"},"currency":"EUR"},
                 {"id":4,"profile":{"name":"D"},"currency":"EUR"}])");
  pages.page("/accounts?per_page=2&page=2", "[]");
  auto inst = connect(m);
  auto r = inst->read("accounts", "2026-11-01", "2026-11-02", "");
  ASSERT_FALSE(r.error) << r.error->to_string();
  EXPECT_EQ(r.rows.size(), 4u);
  EXPECT_THAT(pages.seen(),
              ElementsAre("/accounts?per_page=2&page=0", "/accounts?per_page=2&page=1",
                          "/accounts?per_page=2&page=2"));
}

// Without the connection's rate_limit_qps the plugin keeps to the manifest's [rate_limit] qps:
// three requests at 20 a second take at least two intervals of 50 ms.
TEST_F(HttpStylesTest, ManifestRateIsKeptWithoutTheHostsLimiter) {
  std::string m = kManifest;
  m.replace(m.find("[auth]"), 6, "[rate_limit]\nqps = 20\n\n[auth]");
  pages.page("/accounts?per_page=2&page=1",
             R"([{"id":1,"profile":{"name":"A"},"currency":"EUR"},
                 {"id":2,"profile":{"name":"B"},"currency":"EUR"}])");
  pages.page("/accounts?per_page=2&page=2",
             R"([{"id":3,"profile":{"name":"C"},"currency":"EUR"},
                 {"id":4,"profile":{"name":"D"},"currency":"EUR"}])");
  pages.page("/accounts?per_page=2&page=3", "[]");
  auto inst = connect(m);
  auto start = std::chrono::steady_clock::now();
  auto r = inst->read("accounts", "2026-11-01", "2026-11-02", "");
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.error) << r.error->to_string();
  EXPECT_EQ(pages.seen().size(), 3u);
  EXPECT_GE(elapsed, std::chrono::milliseconds(100));
}

TEST_F(HttpStylesTest, NextUrlsAbsoluteAndRelativeUntilNoneIsGiven) {
  pages.page("/acc/A1/campaigns",
             R"({"data":[{"id":"c1","name":"First","created":1700000000}],
                 "paging":{"next":")" +
                 pages.base() + R"(/acc/A1/campaigns?after=x1"}})");
  pages.page("/acc/A1/campaigns?after=x1",
             R"({"data":[{"id":"c2","name":"Second","created":1700000001}],
                 "paging":{"next":"/acc/A1/campaigns?after=x2"}})");
  pages.page("/acc/A1/campaigns?after=x2",
             R"({"data":[{"id":"c3","name":"Third","created":1700000002}],"paging":{}})");
  auto inst = connect();
  auto r = inst->read("campaigns", "2026-11-01", "2026-11-02", "", "A1");
  ASSERT_FALSE(r.error) << r.error->to_string();
  EXPECT_THAT(pages.seen(), ElementsAre("/acc/A1/campaigns", "/acc/A1/campaigns?after=x1",
                                        "/acc/A1/campaigns?after=x2"));
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(s(r.rows[2], ar::kCampaignId), "c3");
  EXPECT_EQ(s(r.rows[2], ar::kCampaignAccountId), "A1");   // the account read
  EXPECT_EQ(s(r.rows[2], ar::kCampaignStatus), "ACTIVE");  // a constant
  EXPECT_EQ(n(r.rows[2], ar::kCampaignCreatedTime), 1700000002000);
  EXPECT_TRUE(null(r.rows[2], ar::kCampaignObjective));
}

TEST_F(HttpStylesTest, NextUrlToAnotherHostIsNotFollowed) {
  pages.page("/acc/A1/campaigns",
             R"({"data":[{"id":"c1","name":"First","created":1}],
                 "paging":{"next":"http://198.51.100.7/steal"}})");
  auto inst = connect();
  auto r = inst->read("campaigns", "2026-11-01", "2026-11-02", "", "A1");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_DATA);
  EXPECT_THAT(r.error->message, HasSubstr("not followed"));
  EXPECT_EQ(pages.seen().size(), 1u);
}

TEST_F(HttpStylesTest, RootArrayWithExactDecimalMoney) {
  pages.page("/accounts?per_page=2&page=1",
             R"([{"id":"A1","profile":{"name":"A"},"currency":"EUR"}])");
  pages.page("/acc/A1/daily?from=2026-11-01&to=2026-11-02",
             R"([{"day":"2026-11-01T00:00:00+01:00","campaign":"c1","cost":"12.34","views":1000,
                  "clicks":"17","orders":2,"revenue":"99.990000"},
                 {"day":"2026-11-02","campaign":"c1","cost":0.1,"views":5,"clicks":0},
                 {"day":"2026-11-02","campaign":"c2","cost":1234567.891,"views":1,"clicks":1,
                  "orders":1.5,"revenue":7}])");
  auto inst = connect();
  auto r = inst->read("campaign_daily", "2026-11-01", "2026-11-02", "", "A1");
  ASSERT_FALSE(r.error) << r.error->to_string();
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(s(r.rows[0], ar::kDailyDate), "2026-11-01");
  EXPECT_EQ(n(r.rows[0], ar::kDailySpend), 12'340'000);
  EXPECT_EQ(n(r.rows[0], ar::kDailyClicks), 17);
  EXPECT_EQ(n(r.rows[0], ar::kDailyPurchaseValue), 99'990'000);
  EXPECT_EQ(s(r.rows[0], ar::kDailyCurrency), "EUR");
  EXPECT_EQ(n(r.rows[1], ar::kDailySpend), 100'000);
  EXPECT_EQ(f64(r.rows[1], ar::kDailyPurchases), 0.0);  // the default
  EXPECT_EQ(n(r.rows[1], ar::kDailyPurchaseValue), 0);
  EXPECT_EQ(n(r.rows[2], ar::kDailySpend), 1'234'567'891'000);
  EXPECT_EQ(f64(r.rows[2], ar::kDailyPurchases), 1.5);
  EXPECT_EQ(n(r.rows[2], ar::kDailyPurchaseValue), 7'000'000);
  EXPECT_TRUE(null(r.rows[2], ar::kDailyLinkClicks));
  ASSERT_EQ(r.checkpoints.size(), 1u);
  EXPECT_EQ(r.checkpoints[0].state, "2026-11-01..2026-11-02@2026-11-02");
}

TEST_F(HttpStylesTest, MissingRequiredFieldIsDataNamingStreamRecordAndPath) {
  pages.page("/accounts?per_page=2&page=1",
             R"([{"id":"A1","profile":{"name":"A"},"currency":"EUR"}])");
  pages.page("/acc/A1/daily?from=2026-11-01&to=2026-11-01",
             R"([{"day":"2026-11-01","campaign":"c1","cost":"1","views":1,"clicks":1},
                 {"day":"2026-11-01","campaign":"c2","cost":"1","clicks":1}])");
  auto inst = connect();
  auto r = inst->read("campaign_daily", "2026-11-01", "2026-11-01", "", "A1");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_DATA);
  EXPECT_THAT(r.error->message, HasSubstr("campaign_daily record 1"));
  EXPECT_THAT(r.error->message, HasSubstr("'views'"));
  EXPECT_TRUE(r.checkpoints.empty());
}

// account_ids without one_path: the accounts come from the settings and the manifest's
// constants, without a request; a non-nullable column with only a path is a config error.
TEST_F(HttpStylesTest, AccountIdsWithConstantsAndHeaderAuth) {
  std::string m = kManifest;
  auto sub = [](std::string& text, const std::string& from, const std::string& to) {
    auto pos = text.find(from);
    ASSERT_NE(pos, std::string::npos) << from;
    text.replace(pos, from.size(), to);
  };
  sub(m, "style = \"query\"\nname = \"key\"", "style = \"header\"\nname = \"X-Api-Key\"");
  auto path = dir.path() / "ids.toml";
  std::ofstream(path) << m;
  auto inst = make({{"manifest", path.string()}, {"base_url", pages.base()}, {"account_ids", "A1"}},
                   {{"api_key", kKey}});
  auto r = inst->read("accounts", "2026-11-01", "2026-11-02", "");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_CONFIG);
  EXPECT_THAT(r.error->message, HasSubstr("column name needs a constant value"));

  sub(m, "name = \"profile.name\"", "name = { value = \"Configured\" }");
  sub(m, "currency = \"currency\"", "currency = { value = \"EUR\" }");
  sub(m, "time_zone = { path = \"tz\", default = \"UTC\" }", "time_zone = { value = \"UTC\" }");
  std::ofstream(path) << m;
  inst = make({{"manifest", path.string()}, {"base_url", pages.base()}, {"account_ids", "A1"}},
              {{"api_key", kKey}});
  r = inst->read("accounts", "2026-11-01", "2026-11-02", "");
  ASSERT_FALSE(r.error) << r.error->to_string();
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(s(r.rows[0], ar::kAccountId), "A1");
  EXPECT_EQ(s(r.rows[0], ar::kAccountName), "Configured");
  EXPECT_EQ(s(r.rows[0], ar::kAccountCurrency), "EUR");
  EXPECT_TRUE(pages.seen().empty());

  pages.page("/acc/A1/campaigns", R"({"data":[{"id":"c1","name":"First","created":1}]})");
  auto c = inst->read("campaigns", "2026-11-01", "2026-11-02", "", "A1");
  ASSERT_FALSE(c.error) << c.error->to_string();
  EXPECT_EQ(c.rows.size(), 1u);
  EXPECT_THAT(pages.seen(), ElementsAre("/acc/A1/campaigns"));  // no key in the query
}

TEST_F(HttpStylesTest, FourHundredIsConfigWithTheBodysMessageAndNoKey) {
  auto inst = connect();
  auto r = inst->read("campaigns", "2026-11-01", "2026-11-02", "", "nope");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_CONFIG);
  EXPECT_THAT(r.error->message, HasSubstr("404"));
  EXPECT_THAT(r.error->message, HasSubstr("no page /acc/nope/campaigns"));  // error.text
  EXPECT_THAT(r.error->message, ::testing::Not(HasSubstr(kKey)));
}

}  // namespace
}  // namespace connhost::testing
