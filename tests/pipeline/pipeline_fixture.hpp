#pragma once

// The pipeline engine end to end, in process: the first-party connectors loaded from the build's
// plugin folder, an in-process sandbox with its today fixed, a configuration written for it, a
// fresh SQLite store (or a PostgreSQL database) and pipeline::Runner.

#include <gtest/gtest.h>
#include <connhost/sandbox/sandbox.hpp>

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "config/config.hpp"
#include "http/client.hpp"
#include "log/logger.hpp"
#include "pipeline/plugin_schemas.hpp"
#include "pipeline/runner.hpp"
#include "plugin/registry.hpp"
#include "store/session.hpp"
#include "support/temp_dir.hpp"

namespace connhost::testing {

inline constexpr const char* kSandboxToday = "2026-11-20";

// One campaign_daily row, every column, as text (NULL as "<null>"), for whole-table comparisons.
using DailyRow = std::vector<std::string>;

struct StoreTotals {
  int64_t spend_micros = 0;
  int64_t impressions = 0;
  int64_t clicks = 0;
  double purchases = 0;
  int64_t purchase_value_micros = 0;
  int64_t rows = 0;  // campaign-days with delivery (TikTok also reports live days with zeros)
};

inline config::SchemaLookup schema_lookup(const plugin::Registry& registry) {
  return pipeline::plugin_schemas(registry);
}

// Writes the sandbox's credentials as files in `dir` (secrets are only ever references) and
// returns a configuration with one connection and one pipeline per platform, named
// "<platform>_sb" and "<platform>_sync".
inline std::string sandbox_config(const std::filesystem::path& dir, const std::string& base_url,
                                  const std::string& store_path) {
  sandbox::Credentials c;
  auto write = [&](const char* name, const std::string& value) {
    std::ofstream(dir / name) << value;
  };
  write("tiktok_app_secret", c.tiktok_app_secret);
  write("tiktok_access_token", c.tiktok_advertiser_token);
  write("meta_app_secret", c.meta_app_secret);
  write("meta_access_token", c.meta_access_token);
  write("google_client_secret", c.google_client_secret);
  write("google_refresh_token", c.google_refresh_token);
  std::string u = "\"" + base_url + "\"";
  std::string t;
  t += "[host]\nlog_level = \"warn\"\n\n";
  t += "[store]\nbackend = \"sqlite\"\npath = \"" + store_path + "\"\n\n";
  t += "[connections.tiktok_sb]\nplugin = \"tiktok\"\nbase_url = " + u +
       "\nopen_api_base_url = " + u + "\napp_id = \"" + c.tiktok_app_id +
       "\"\napp_secret = \"${file:tiktok_app_secret}\"\n"
       "access_token = \"${file:tiktok_access_token}\"\n\n";
  t += "[connections.meta_sb]\nplugin = \"meta\"\nbase_url = " + u + "\napp_id = \"" +
       c.meta_app_id +
       "\"\napp_secret = \"${file:meta_app_secret}\"\naccess_token = "
       "\"${file:meta_access_token}\"\nasync_poll_initial_ms = 5\nasync_poll_max_ms = "
       "20\nrate_limit_qps = 50\n\n";
  t += "[connections.google_sb]\nplugin = \"google\"\nbase_url = " + u + "\noauth_base_url = " + u +
       "\nclient_id = \"" + c.google_client_id +
       "\"\nclient_secret = \"${file:google_client_secret}\"\n"
       "refresh_token = \"${file:google_refresh_token}\"\nrate_limit_qps = 50\n\n";
  for (const char* p : {"tiktok", "meta", "google"})
    t += std::string("[pipelines.") + p + "_sync]\nconnection = \"" + p +
         "_sb\"\ncapability = \"reporting\"\nstreams = [\"campaigns\", \"campaign_daily\"]\n\n";
  return t;
}

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::init(log::Level::off, log::Format::text);
    registry.load_directories({CONNHOST_BUILD_PLUGIN_DIR});
    for (const char* id : {"tiktok", "meta", "google"})
      ASSERT_TRUE(registry.find(id)) << id << " plugin not found in " << CONNHOST_BUILD_PLUGIN_DIR;
    sandbox::Options o;
    o.seed = 42;
    o.today = kSandboxToday;
    o.threads = 2;
    customize(o);
    sandbox = std::make_unique<sandbox::Sandbox>(o);
    sandbox->start();
    auto file = dir.path() / "connhost.toml";
    auto loaded = config::load_string(sandbox_config(dir.path(), sandbox->base_url(), "store.db"),
                                      file, schema_lookup(registry));
    std::string errors;
    for (const auto& e : loaded.errors) errors += e.to_string() + "\n";
    ASSERT_TRUE(loaded.ok()) << errors;
    config = std::move(*loaded.config);
    store::StoreOptions so;
    so.backend = store::Backend::sqlite;
    so.sqlite_path = dir.path() / "store.db";
    open_store(so);
  }

  virtual void customize(sandbox::Options&) {}

  void open_store(const store::StoreOptions& so) {
    db = std::make_unique<store::Store>(store::Store::open(so));
    db->migrate();
    http::ClientOptions co;
    co.backoff_base = std::chrono::milliseconds(1);
    co.backoff_max = std::chrono::milliseconds(10);
    runner = std::make_unique<pipeline::Runner>(*db, config, registry,
                                                std::make_shared<http::Client>(co));
  }

  const config::Pipeline& pipeline(const std::string& platform) const {
    for (const auto& p : config.pipelines)
      if (p.name == platform + "_sync") return p;
    throw std::runtime_error("no pipeline for " + platform);
  }

  pipeline::RunResult sync(const std::string& platform, const std::string& from,
                           const std::string& to,
                           const std::function<void(pipeline::RunOptions&)>& adjust = {}) {
    pipeline::RunOptions o;
    o.from = from;
    o.to = to;
    o.backoff_base = std::chrono::milliseconds(10);
    if (adjust) adjust(o);
    return runner->run(pipeline(platform), o);
  }

  soci::session& sql() { return db->session(); }

  StoreTotals totals(const std::string& platform, const std::string& account,
                     const std::string& from, const std::string& to) {
    StoreTotals t;
    long long spend = 0, impressions = 0, clicks = 0, value = 0, rows = 0;
    double purchases = 0;
    soci::indicator ind = soci::i_ok;
    std::string p = platform, a = account, f = from, e = to;
    sql() << "SELECT COALESCE(SUM(spend_micros), 0), COALESCE(SUM(impressions), 0), "
             "COALESCE(SUM(clicks), 0), COALESCE(SUM(purchases), 0), "
             "COALESCE(SUM(purchase_value_micros), 0), COALESCE(SUM(CASE WHEN impressions > 0 OR "
             "spend_micros > 0 THEN 1 ELSE 0 END), 0) FROM campaign_daily WHERE "
             "platform = :p AND account_id = :a AND date >= :f AND date <= :t",
        soci::into(spend), soci::into(impressions), soci::into(clicks), soci::into(purchases, ind),
        soci::into(value), soci::into(rows), soci::use(p), soci::use(a), soci::use(f), soci::use(e);
    t.spend_micros = spend, t.impressions = impressions, t.clicks = clicks;
    t.purchases = purchases, t.purchase_value_micros = value, t.rows = rows;
    return t;
  }

  // Store totals of every account of the platform equal the sandbox's truth, taken now.
  void expect_store_equals_truth(const std::string& platform, const std::string& from,
                                 const std::string& to) {
    auto accounts = sandbox->accounts(platform);
    ASSERT_FALSE(accounts.empty());
    for (const auto& a : accounts) {
      sandbox::Truth truth = sandbox->truth(platform, a.id, from, to);
      StoreTotals s = totals(platform, a.id, from, to);
      SCOPED_TRACE(platform + " account " + a.id + " " + from + ".." + to);
      EXPECT_GT(truth.total.spend_micros, 0);
      EXPECT_EQ(s.spend_micros, truth.total.spend_micros);
      EXPECT_EQ(s.impressions, truth.total.impressions);
      EXPECT_EQ(s.clicks, truth.total.clicks);
      EXPECT_EQ(s.purchases, static_cast<double>(truth.total.purchases));
      EXPECT_EQ(s.purchase_value_micros, truth.total.purchase_value_micros);
      EXPECT_EQ(s.rows, truth.rows);
    }
  }

  int64_t count(const std::string& query) {
    long long n = 0;
    sql() << query, soci::into(n);
    return n;
  }

  // campaign_daily, every column, ordered by its key.
  std::vector<DailyRow> daily_table() { return daily_table(sql()); }

  static std::vector<DailyRow> daily_table(soci::session& s) {
    std::vector<DailyRow> out;
    soci::rowset<soci::row> rs =
        (s.prepare << "SELECT platform, account_id, campaign_id, date, currency, spend_micros, "
                      "impressions, clicks, link_clicks, purchases, purchase_value_micros, "
                      "is_final FROM campaign_daily ORDER BY platform, account_id, campaign_id, "
                      "date");
    for (const auto& r : rs) {
      DailyRow row;
      for (size_t i = 0; i < r.size(); ++i) {
        if (r.get_indicator(i) == soci::i_null) {
          row.push_back("<null>");
          continue;
        }
        switch (r.get_properties(i).get_data_type()) {
          case soci::dt_string:
            row.push_back(r.get<std::string>(i));
            break;
          case soci::dt_double: {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.17g", r.get<double>(i));
            row.push_back(buf);
            break;
          }
          case soci::dt_integer:
            row.push_back(std::to_string(r.get<int>(i)));
            break;
          case soci::dt_long_long:
            row.push_back(std::to_string(r.get<long long>(i)));
            break;
          case soci::dt_unsigned_long_long:
            row.push_back(std::to_string(r.get<unsigned long long>(i)));
            break;
          default:
            row.push_back("?type");
        }
      }
      out.push_back(std::move(row));
    }
    return out;
  }

  test::TempDir dir{"connhost-pipeline"};
  plugin::Registry registry;
  std::unique_ptr<sandbox::Sandbox> sandbox;
  config::HostConfig config;
  std::unique_ptr<store::Store> db;
  std::unique_ptr<pipeline::Runner> runner;
};

}  // namespace connhost::testing
