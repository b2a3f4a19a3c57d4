#pragma once

// The webhook intake as `connhost serve` assembles it, in process: the real TikTok and Meta
// plugins, the in-process sandbox (whose webhook driver posts signed deliveries), every route
// behind the dispatcher and the Beast server on an ephemeral port, the InboxWriter and the
// Processor on a SQLite store in a temporary folder, and a metrics registry of its own.

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <connhost/sandbox/sandbox.hpp>

#include <fstream>
#include <memory>
#include <optional>

#include "config/config.hpp"
#include "http/client.hpp"
#include "inbox/inbox_writer.hpp"
#include "inbox/processor.hpp"
#include "inbox_config.hpp"
#include "log/logger.hpp"
#include "pipeline/plugin_schemas.hpp"
#include "plugin/registry.hpp"
#include "server/auth.hpp"
#include "server/dispatcher.hpp"
#include "server/http_call.hpp"
#include "server/routes/routes.hpp"
#include "server/server.hpp"
#include "server/static_files.hpp"
#include "store/session.hpp"
#include "support/temp_dir.hpp"

namespace connhost::test {

class InboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::init(std::getenv("INBOX_TEST_LOG") ? log::Level::debug : log::Level::off,
              log::Format::text);
    registry.load_directories({CONNHOST_BUILD_PLUGIN_DIR});
    for (const char* id : {"tiktok", "meta", "google"})
      ASSERT_TRUE(registry.find(id)) << id << " plugin not found";
    sandbox::Options o;
    o.seed = 42;
    o.threads = 2;
    sb = std::make_unique<sandbox::Sandbox>(o);
    sb->start();
    auto loaded =
        config::load_string(inbox_config(dir.path(), sb->base_url(), "store.db"),
                            dir.path() / "connhost.toml", pipeline::plugin_schemas(registry));
    std::string errors;
    for (const auto& e : loaded.errors) errors += e.to_string() + "\n";
    ASSERT_TRUE(loaded.ok()) << errors;
    cfg = std::move(loaded.config);
    store_options.sqlite_path = dir.path() / "store.db";
    open_store().migrate();
    db = std::make_unique<store::Store>(open_store());
    start_server();
  }

  void TearDown() override {
    if (srv) srv->stop();
    writer.reset();
    processor.reset();
  }

  store::Store open_store() { return store::Store::open(store_options); }
  soci::session& sql() { return db->session(); }

  void start_server() {
    stores = std::make_unique<server::StorePool>([this] { return open_store(); }, 2);
    readiness.set(server::Readiness::State::ready);
    auto gate = std::make_shared<inbox::WriteGate>();
    processor = std::make_unique<inbox::Processor>(
        [this] { return open_store(); }, inbox::Processor::Options{.write_gate = gate}, metrics);
    writer = std::make_unique<inbox::InboxWriter>(
        [this] { return open_store(); },
        inbox::InboxWriter::Options{.committed = [this] { processor->notify(); },
                                    .write_gate = gate},
        metrics);
    ctx = std::make_unique<server::ServerContext>(
        server::ServerContext{.config = *cfg,
                              .plugins = registry,
                              .stores = *stores,
                              .readiness = readiness,
                              .metrics = metrics,
                              .inbox = writer.get(),
                              .http = std::make_shared<http::Client>()});
    server::add_routes(router, *ctx);
    files = std::make_unique<server::StaticFiles>(dir.path());
    dispatcher = std::make_unique<server::Dispatcher>(
        router, auth, readiness, metrics, [this](const server::Request& r) { return (*files)(r); });
    server::ServerOptions so;
    so.listen = {"127.0.0.1", 0};
    so.threads = 32;  // as `connhost serve` runs
    so.shutdown_grace = std::chrono::seconds(2);
    srv = std::make_unique<server::Server>([this](server::Request& r) { return (*dispatcher)(r); },
                                           so, metrics);
    port = srv->start();
  }

  std::string url(const std::string& connection) const {
    return "http://127.0.0.1:" + std::to_string(port) + "/webhooks/" + connection;
  }

  sandbox::WebhookResult drive(const std::string& platform, const std::string& connection,
                               const std::string& mode, int count = 1,
                               const std::string& event = {}, const std::string& text = "hi") {
    sandbox::WebhookRequest w;
    w.platform = platform;
    w.target_url = url(connection);
    w.mode = mode;
    w.count = count;
    w.event = event;
    w.text = text;
    return sb->send_webhooks(w);
  }

  // Waits for the processor to finish what was committed so far.
  void settle() { ASSERT_TRUE(processor->wait_idle(std::chrono::seconds(20))); }

  long long scalar(const std::string& q) {
    long long n = 0;
    sql() << q, soci::into(n);
    return n;
  }
  std::string text(const std::string& q) {
    std::string s;
    soci::indicator ind = soci::i_ok;
    sql() << q, soci::into(s, ind);
    return ind == soci::i_ok ? s : "<null>";
  }

  // Every row of a table, every column as text, in id order: for whole-table comparisons.
  std::vector<std::vector<std::string>> table(const std::string& name,
                                              const std::vector<std::string>& skip = {}) {
    std::vector<std::vector<std::string>> out;
    soci::rowset<soci::row> rs = (sql().prepare << "SELECT * FROM " + name + " ORDER BY id");
    for (const auto& r : rs) {
      std::vector<std::string> row;
      for (size_t i = 0; i < r.size(); ++i) {
        const auto& p = r.get_properties(i);
        if (std::find(skip.begin(), skip.end(), p.get_name()) != skip.end()) continue;
        if (r.get_indicator(i) == soci::i_null) {
          row.push_back("<null>");
        } else if (p.get_data_type() == soci::dt_string) {
          row.push_back(r.get<std::string>(i));
        } else if (p.get_data_type() == soci::dt_double) {
          row.push_back(std::to_string(r.get<double>(i)));
        } else if (p.get_data_type() == soci::dt_integer) {
          row.push_back(std::to_string(r.get<int>(i)));
        } else {
          row.push_back(std::to_string(r.get<long long>(i)));
        }
      }
      out.push_back(std::move(row));
    }
    return out;
  }

  double counter(const std::string& needle) {
    // The exposition text's line for one series: `name{labels} value`.
    std::string all = metrics.render();
    auto at = all.find(needle);
    if (at == std::string::npos) return 0;
    auto sp = all.find(' ', at + needle.size());
    return std::stod(all.substr(sp + 1, all.find('\n', sp) - sp - 1));
  }

  TempDir dir{"connhost-inbox"};
  plugin::Registry registry;
  std::unique_ptr<sandbox::Sandbox> sb;
  std::optional<config::HostConfig> cfg;
  store::StoreOptions store_options;
  std::unique_ptr<store::Store> db;
  metrics::Registry metrics;
  server::Readiness readiness;
  std::unique_ptr<server::StorePool> stores;
  std::unique_ptr<inbox::Processor> processor;
  std::unique_ptr<inbox::InboxWriter> writer;
  std::unique_ptr<server::ServerContext> ctx;
  server::Router router;
  server::Auth auth;
  std::unique_ptr<server::StaticFiles> files;
  std::unique_ptr<server::Dispatcher> dispatcher;
  std::unique_ptr<server::Server> srv;
  uint16_t port = 0;
};

}  // namespace connhost::test
