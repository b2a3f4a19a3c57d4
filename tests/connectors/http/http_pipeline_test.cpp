// A Pinterest connection (plugin "http", platform "pinterest", the shipped manifest) synced by
// pipeline::Runner in process into a fresh SQLite store, as `connhost sync` runs it: rows filed
// under platform 'pinterest' in campaign_daily and the unified view, totals equal to the
// sandbox's truth.
#include <gmock/gmock.h>

#include <fstream>

#include "pipeline/pipeline_fixture.hpp"

namespace connhost::testing {
namespace {

constexpr const char* kFrom = "2026-09-01";
constexpr const char* kTo = "2026-10-31";

class HttpPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::init(log::Level::off, log::Format::text);
    registry.load_directories({CONNHOST_BUILD_PLUGIN_DIR});
    ASSERT_TRUE(registry.find("http")) << "http plugin not found in " << CONNHOST_BUILD_PLUGIN_DIR;
    sandbox::Options o;
    o.seed = 42;
    o.today = kSandboxToday;
    o.threads = 2;
    sandbox = std::make_unique<sandbox::Sandbox>(o);
    sandbox->start();
    // The secret as a file reference, never a literal (the same file config/demo.toml would use).
    std::ofstream(dir.path() / "pinterest_token") << "sandbox-pinterest-token";
    std::string t;
    t += "[host]\nlog_level = \"warn\"\n\n";
    t += "[store]\nbackend = \"sqlite\"\npath = \"store.db\"\n\n";
    t += "[connections.pinterest_sb]\nplugin = \"http\"\nplatform = \"pinterest\"\n";
    t += "manifest = \"" + std::string(CONNHOST_SOURCE_DIR) +
         "/config/connectors/pinterest.toml\"\n";
    t += "base_url = \"" + sandbox->base_url() + "\"\n";
    t += "token = \"${file:pinterest_token}\"\nrate_limit_qps = 200\n\n";
    t += "[pipelines.pinterest_sync]\nconnection = \"pinterest_sb\"\ncapability = \"reporting\"\n"
         "streams = [\"campaigns\", \"campaign_daily\"]\n";
    auto loaded = config::load_string(t, dir.path() / "connhost.toml", schema_lookup(registry));
    std::string errors;
    for (const auto& e : loaded.errors) errors += e.to_string() + "\n";
    ASSERT_TRUE(loaded.ok()) << errors;
    config = std::move(*loaded.config);
    store::StoreOptions so;
    so.backend = store::Backend::sqlite;
    so.sqlite_path = dir.path() / "store.db";
    db = std::make_unique<store::Store>(store::Store::open(so));
    db->migrate();
    runner =
        std::make_unique<pipeline::Runner>(*db, config, registry, std::make_shared<http::Client>());
  }

  int64_t count(const std::string& q) {
    long long n = 0;
    db->session() << q, soci::into(n);
    return n;
  }

  test::TempDir dir{"connhost-http-pipeline"};
  plugin::Registry registry;
  std::unique_ptr<sandbox::Sandbox> sandbox;
  config::HostConfig config;
  std::unique_ptr<store::Store> db;
  std::unique_ptr<pipeline::Runner> runner;
};

TEST_F(HttpPipelineTest, PinterestSyncFilesRowsUnderPinterestWithTruthTotals) {
  pipeline::RunOptions o;
  o.from = kFrom;
  o.to = kTo;
  o.backoff_base = std::chrono::milliseconds(10);
  auto result = runner->run(config.pipelines.at(0), o);
  ASSERT_EQ(result.status, "succeeded") << (result.error ? result.error->to_string() : "");

  auto accounts = sandbox->accounts("pinterest");
  ASSERT_EQ(accounts.size(), 2u);
  for (const auto& a : accounts) {
    SCOPED_TRACE(a.id);
    auto truth = sandbox->truth("pinterest", a.id, kFrom, kTo);
    ASSERT_GT(truth.total.spend_micros, 0);
    long long spend = 0, impressions = 0, clicks = 0, value = 0, rows = 0;
    double purchases = 0;
    std::string id = a.id;
    db->session() << "SELECT COALESCE(SUM(spend_micros),0), COALESCE(SUM(impressions),0), "
                     "COALESCE(SUM(clicks),0), COALESCE(SUM(purchases),0), "
                     "COALESCE(SUM(purchase_value_micros),0), COUNT(*) FROM campaign_daily "
                     "WHERE platform = 'pinterest' AND account_id = :a",
        soci::into(spend), soci::into(impressions), soci::into(clicks), soci::into(purchases),
        soci::into(value), soci::into(rows), soci::use(id);
    EXPECT_EQ(spend, truth.total.spend_micros);
    EXPECT_EQ(impressions, truth.total.impressions);
    EXPECT_EQ(clicks, truth.total.clicks);
    EXPECT_EQ(purchases, static_cast<double>(truth.total.purchases));
    EXPECT_EQ(value, truth.total.purchase_value_micros);
    EXPECT_EQ(rows, truth.rows);
    std::string currency;
    db->session() << "SELECT currency FROM ad_accounts WHERE platform = 'pinterest' AND "
                     "account_id = :a",
        soci::into(currency), soci::use(id);
    EXPECT_EQ(currency, a.currency);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM campaign_daily WHERE platform <> 'pinterest'"), 0);
  EXPECT_GT(count("SELECT COUNT(*) FROM unified_campaign_data WHERE platform = 'pinterest'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM unified_campaign_data WHERE platform <> 'pinterest'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM campaign_daily"),
            count("SELECT COUNT(*) FROM unified_campaign_data"));

  // A second run of the same window upserts: nothing doubles.
  int64_t before = count("SELECT COUNT(*) FROM campaign_daily");
  auto again = runner->run(config.pipelines.at(0), o);
  ASSERT_EQ(again.status, "succeeded");
  EXPECT_EQ(count("SELECT COUNT(*) FROM campaign_daily"), before);
}

}  // namespace
}  // namespace connhost::testing
