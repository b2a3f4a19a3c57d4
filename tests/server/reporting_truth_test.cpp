// The reporting API over a store filled from the sandbox by the real pipelines: each
// platform's dashboard, monthly pivot and campaign table add up to the sandbox's ground truth.
// Every currency is given a rate of exactly 1 into USD for the range, so a converted sum is the
// plain sum of the accounts' native micros and can be compared with the truth to the micro.

#include <soci/soci.h>

#include <boost/json.hpp>
#include <cmath>

#include "http_call.hpp"
#include "metrics/metrics.hpp"
#include "pipeline_fixture.hpp"
#include "server/dispatcher.hpp"
#include "server/routes/routes.hpp"
#include "server/server.hpp"
#include "server/static_files.hpp"

namespace connhost::testing {
namespace {

namespace json = boost::json;
constexpr const char* kFrom = "2026-06-01";
constexpr const char* kTo = "2026-09-30";

class ApiTruthTest : public PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    if (HasFatalFailure()) return;
    for (const char* p : {"tiktok", "meta", "google"}) {
      auto r = sync(p, kFrom, kTo);
      ASSERT_EQ(r.status, "succeeded") << p << ": " << (r.error ? r.error->to_string() : "");
    }
    // Rate 1 for every currency but USD on every day of the range.
    sql() << "INSERT INTO fx_rates (date, currency, reporting_currency, rate) SELECT DISTINCT "
             "date, currency, 'USD', 1.0 FROM campaign_daily WHERE currency <> 'USD'";
    auto path = dir.path() / "store.db";
    stores = std::make_unique<server::StorePool>(
        [path] {
          store::StoreOptions so;
          so.sqlite_path = path;
          return store::Store::open(so);
        },
        2);
    readiness.set(server::Readiness::State::ready);
    ctx = std::make_unique<server::ServerContext>(server::ServerContext{.config = config,
                                                                        .plugins = registry,
                                                                        .stores = *stores,
                                                                        .readiness = readiness,
                                                                        .metrics = metrics});
    server::add_routes(router, *ctx);
    dispatcher = std::make_unique<server::Dispatcher>(
        router, auth, readiness, metrics,
        [](const server::Request&) { return server::error_response(404, "not_found", ""); });
    server::ServerOptions so;
    so.listen = {"127.0.0.1", 0};
    srv = std::make_unique<server::Server>([this](server::Request& r) { return (*dispatcher)(r); },
                                           so, metrics);
    port = srv->start();
  }
  void TearDown() override {
    if (srv) srv->stop();
  }

  json::value api(const std::string& target) {
    auto r = test::get(port, target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return json::parse(r.body);
  }

  sandbox::Totals truth(const std::string& platform) {
    sandbox::Totals t;
    for (const auto& a : sandbox->accounts(platform)) {
      auto x = sandbox->truth(platform, a.id, kFrom, kTo).total;
      t.spend_micros += x.spend_micros;
      t.impressions += x.impressions;
      t.clicks += x.clicks;
      t.purchases += x.purchases;
      t.purchase_value_micros += x.purchase_value_micros;
    }
    return t;
  }

  static void expect_equal(const json::value& m, const sandbox::Totals& t,
                           const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_GT(t.spend_micros, 0);
    EXPECT_EQ(std::llround(m.at("spend").to_number<double>() * 1e6), t.spend_micros);
    EXPECT_EQ(std::llround(m.at("revenue").to_number<double>() * 1e6), t.purchase_value_micros);
    EXPECT_EQ(m.at("impressions").to_number<int64_t>(), t.impressions);
    EXPECT_EQ(m.at("clicks").to_number<int64_t>(), t.clicks);
    EXPECT_EQ(std::llround(m.at("purchases").to_number<double>()), t.purchases);
    EXPECT_EQ(m.at("rows_without_rate").to_number<int64_t>(), 0);
  }

  metrics::Registry metrics;
  server::Readiness readiness;
  server::Auth auth;
  server::Router router;
  std::unique_ptr<server::StorePool> stores;
  std::unique_ptr<server::ServerContext> ctx;
  std::unique_ptr<server::Dispatcher> dispatcher;
  std::unique_ptr<server::Server> srv;
  uint16_t port = 0;
};

TEST_F(ApiTruthTest, EveryReportAddsUpToTheSandboxTruth) {
  const std::string range = std::string("start_date=") + kFrom + "&end_date=" + kTo;
  sandbox::Totals all;
  for (std::string p : {"tiktok", "meta", "google"}) {
    auto t = truth(p);
    all.spend_micros += t.spend_micros;
    all.impressions += t.impressions;
    all.clicks += t.clicks;
    all.purchases += t.purchases;
    all.purchase_value_micros += t.purchase_value_micros;

    expect_equal(api("/api/" + p + "-reports/dashboard?" + range).at("totals"), t,
                 p + " dashboard");
    expect_equal(api("/api/" + p + "-reports/monthly?" + range).at("total"), t, p + " monthly");
    // The campaign table, every page, adds up to the same.
    int64_t spend = 0, clicks = 0, seen = 0, total = -1;
    for (int page = 1; total < 0 || seen < total; ++page) {
      auto c = api("/api/" + p + "-reports/campaigns?page_size=7&page=" + std::to_string(page) +
                   "&" + range);
      total = c.at("total").to_number<int64_t>();
      const auto& list = c.at("campaigns").as_array();
      ASSERT_FALSE(list.empty()) << "page " << page << " of " << total << " campaigns";
      for (const auto& x : list) {
        spend += std::llround(x.at("spend").to_number<double>() * 1e6);
        clicks += x.at("clicks").to_number<int64_t>();
        ++seen;
      }
    }
    EXPECT_EQ(spend, t.spend_micros) << p;
    EXPECT_EQ(clicks, t.clicks) << p;
  }
  expect_equal(api("/api/unified-reports/dashboard?" + range).at("totals"), all, "unified");
}

}  // namespace
}  // namespace connhost::testing
