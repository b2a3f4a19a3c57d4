#pragma once

// Record and replay end to end, in process: a sandbox with its generated world, the first-party
// connectors and pipeline::Runner record the tiktok, meta and google reporting pipelines through
// the host's HTTP client into fixture files; a second sandbox replays those files into a fresh
// store.

#include <gtest/gtest.h>
#include <connhost/sandbox/sandbox.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "http/client.hpp"
#include "http/recorder.hpp"
#include "pipeline/pipeline_fixture.hpp"
#include "support/temp_dir.hpp"

namespace connhost::testing {

inline constexpr const char* kReplayFrom = "2026-10-25";
inline constexpr const char* kReplayTo = "2026-11-20";
inline const std::vector<std::string> kReplayPlatforms = {"tiktok", "meta", "google"};

using Table = std::vector<std::vector<std::string>>;

// Every row of a table, every column but the sync timestamps, as text, ordered.
inline Table table_rows(soci::session& s, const std::string& name) {
  Table out;
  soci::rowset<soci::row> rs = (s.prepare << "SELECT * FROM " + name);
  for (const auto& r : rs) {
    std::vector<std::string> row;
    for (size_t i = 0; i < r.size(); ++i) {
      const auto& props = r.get_properties(i);
      if (props.get_name() == "updated_at" || props.get_name() == "synced_at") continue;
      row.push_back(props.get_name() + "=");
      if (r.get_indicator(i) == soci::i_null) {
        row.back() += "<null>";
        continue;
      }
      switch (props.get_data_type()) {
        case soci::dt_string:
          row.back() += r.get<std::string>(i);
          break;
        case soci::dt_double: {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%.17g", r.get<double>(i));
          row.back() += buf;
          break;
        }
        case soci::dt_integer:
          row.back() += std::to_string(r.get<int>(i));
          break;
        case soci::dt_long_long:
          row.back() += std::to_string(r.get<long long>(i));
          break;
        case soci::dt_unsigned_long_long:
          row.back() += std::to_string(r.get<unsigned long long>(i));
          break;
        default:
          row.back() += "?type";
      }
    }
    out.push_back(std::move(row));
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// One sandbox (generated or replaying), a configuration pointing at it and a fresh SQLite store.
class Side {
 public:
  Side(const plugin::Registry& registry, sandbox::Options o, const std::string& name)
      : registry_(registry), dir_("connhost-replay-" + name) {
    sandbox = std::make_unique<sandbox::Sandbox>(o);
    sandbox->start();
    auto file = dir_.path() / "connhost.toml";
    // Meta in small pages and through async report runs: the recording then holds paging.next
    // links to the recorded origin and a polled report run, which the replay must lead back to.
    std::string text = sandbox_config(dir_.path(), sandbox->base_url(), "store.db");
    const std::string poll = "async_poll_initial_ms = 5";
    auto at = text.find(poll);
    if (at == std::string::npos) throw std::runtime_error("no meta connection in the config");
    text.insert(at, "page_size = 5\nasync_after_days = 10\n");
    auto loaded = config::load_string(text, file, schema_lookup(registry));
    std::string errors;
    for (const auto& e : loaded.errors) errors += e.to_string() + "\n";
    if (!loaded.ok()) throw std::runtime_error(errors);
    config = std::move(*loaded.config);
    store::StoreOptions so;
    so.backend = store::Backend::sqlite;
    so.sqlite_path = dir_.path() / "store.db";
    db = std::make_unique<store::Store>(store::Store::open(so));
    db->migrate();
  }

  // Syncs the platform's pipeline over the test window, with its own client; `observer` sees
  // every exchange of that client only.
  pipeline::RunResult sync(const std::string& platform, http::ExchangeObserver observer = {}) {
    http::ClientOptions co;
    co.backoff_base = std::chrono::milliseconds(1);
    co.backoff_max = std::chrono::milliseconds(10);
    co.on_exchange = std::move(observer);
    pipeline::Runner runner(*db, config, registry_, std::make_shared<http::Client>(co));
    const config::Pipeline* p = nullptr;
    for (const auto& candidate : config.pipelines)
      if (candidate.name == platform + "_sync") p = &candidate;
    if (!p) throw std::runtime_error("no pipeline for " + platform);
    pipeline::RunOptions ro;
    ro.from = kReplayFrom;
    ro.to = kReplayTo;
    ro.backoff_base = std::chrono::milliseconds(10);
    return runner.run(*p, ro);
  }

  Table rows(const std::string& table) { return table_rows(db->session(), table); }

  std::unique_ptr<sandbox::Sandbox> sandbox;
  config::HostConfig config;
  std::unique_ptr<store::Store> db;

 private:
  const plugin::Registry& registry_;
  test::TempDir dir_;
};

inline sandbox::Options world_options() {
  sandbox::Options o;
  o.seed = 42;
  o.today = kSandboxToday;
  o.threads = 2;
  return o;
}

class RecordReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::init(log::Level::off, log::Format::text);
    registry.load_directories({CONNHOST_BUILD_PLUGIN_DIR});
    for (const char* id : {"tiktok", "meta", "google"})
      ASSERT_TRUE(registry.find(id)) << id << " plugin not found in " << CONNHOST_BUILD_PLUGIN_DIR;
    recorded = std::make_unique<Side>(registry, world_options(), "recorded");
    for (const auto& p : kReplayPlatforms) {
      auto recorder = std::make_shared<http::Recorder>(p);
      auto result = recorded->sync(p, recorder->observer());
      ASSERT_EQ(result.status, "succeeded")
          << p << ": " << (result.error ? result.error->to_string() : "");
      ASSERT_GT(recorder->size(), 0u) << p;
      recorder->write(fixtures.path() / (p + "_sb.json"));
    }
  }

  // A sandbox that answers from the recordings, with the same options otherwise.
  std::unique_ptr<Side> replaying() {
    auto o = world_options();
    o.replay_dir = fixtures.path().string();
    return std::make_unique<Side>(registry, o, "replayed");
  }

  void expect_same_rows(Side& replayed) {
    for (const char* t : {"ad_accounts", "ad_campaigns", "campaign_daily"}) {
      SCOPED_TRACE(t);
      auto a = recorded->rows(t);
      auto b = replayed.rows(t);
      EXPECT_FALSE(a.empty()) << "nothing recorded: the comparison proves nothing";
      EXPECT_EQ(a.size(), b.size());
      EXPECT_TRUE(a == b) << "the replayed rows differ from the recorded run's";
    }
    // Every platform contributed rows.
    for (const auto& p : kReplayPlatforms) {
      long long n = 0;
      replayed.db->session() << "SELECT COUNT(*) FROM campaign_daily WHERE platform = :p",
          soci::into(n), soci::use(p);
      EXPECT_GT(n, 0) << p;
    }
  }

  plugin::Registry registry;
  test::TempDir fixtures{"connhost-fixtures"};
  std::unique_ptr<Side> recorded;
};

}  // namespace connhost::testing
