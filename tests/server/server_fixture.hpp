#pragma once

// One in-process server as `connhost serve` assembles it (context, every route, auth, static
// files, dispatcher, transport) over a SQLite store in a temporary folder, with its own metrics
// registry so that each test reads only its own samples.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>

#include "config/config.hpp"
#include "http_call.hpp"
#include "server/auth.hpp"
#include "server/dispatcher.hpp"
#include "server/routes/routes.hpp"
#include "server/server.hpp"
#include "server/static_files.hpp"
#include "support/temp_dir.hpp"

namespace connhost::test {

inline const char* kServerTestToml = R"(
[store]
path = "store.db"

[connections.conn_a]
plugin = "example"
account_id = "act_1"
base_url = "http://127.0.0.1:1"
token = "${env:CONNHOST_SERVER_TEST_TOKEN}"

[pipelines.alpha]
connection = "conn_a"
capability = "reporting"
schedule = "every 1h"
lookback = "7d"

[pipelines.beta]
connection = "conn_a"
capability = "reporting"
schedule = "0 * * * *"
)";

struct StartOptions {
  std::string host = "127.0.0.1";
  std::vector<server::ApiKey> keys;
  bool migrate = true;
  size_t max_body_bytes = 4096;
  size_t max_header_bytes = 2048;
  size_t max_connections = 16;
  // Replaces the store: a factory that throws plays an unreachable database.
  std::function<store::Store()> open_store;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("CONNHOST_SERVER_TEST_TOKEN", "tok-value-never-shown", 1);
    auto loaded = config::load_string(kServerTestToml, dir.path() / "connhost.toml", {});
    ASSERT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
    cfg = std::move(loaded.config);
    store_options.sqlite_path = cfg->store.sqlite_path;
    web = dir.path() / "web";
    std::filesystem::create_directories(web / "static");
    std::ofstream(web / "index.html") << "<html>index</html>";
    std::ofstream(web / "static" / "app.js") << "console.log(1);";
    std::ofstream(dir.path() / "secret.txt") << "outside the web root";
  }

  void TearDown() override {
    if (srv) srv->stop();
  }

  store::Store open_store() { return store::Store::open(store_options); }

  // Routes a test adds before start() are served and documented like the others.
  void start(StartOptions o = {}) {
    if (o.migrate) open_store().migrate();
    auto factory = o.open_store ? o.open_store : [this] { return open_store(); };
    stores = std::make_unique<server::StorePool>(factory, 2);
    readiness.set(o.migrate ? server::Readiness::State::ready : server::Readiness::State::migrating,
                  o.migrate ? "" : "the store is migrating");
    ctx = std::make_unique<server::ServerContext>(
        server::ServerContext{.config = *cfg,
                              .plugins = registry,
                              .stores = *stores,
                              .readiness = readiness,
                              .metrics = metrics,
                              .scheduler_enabled = true,
                              .now = [this] { return now; }});
    server::add_routes(router, *ctx);
    auth = server::Auth(o.keys);
    files = std::make_unique<server::StaticFiles>(web);
    dispatcher = std::make_unique<server::Dispatcher>(
        router, auth, readiness, metrics, [this](const server::Request& r) { return (*files)(r); });
    server::ServerOptions so;
    so.listen = {o.host, 0};
    so.max_body_bytes = o.max_body_bytes;
    so.max_header_bytes = o.max_header_bytes;
    so.max_connections = o.max_connections;
    so.shutdown_grace = std::chrono::seconds(2);
    srv = std::make_unique<server::Server>([this](server::Request& r) { return (*dispatcher)(r); },
                                           so, metrics);
    port = srv->start();
  }

  Reply get(const std::string& target,
            const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return test::get(port, target, headers);
  }

  static boost::json::value json(const Reply& r) { return boost::json::parse(r.body); }

  // Asserts the one error shape and returns the code.
  static std::string error_code(const Reply& r) {
    auto v = json(r);
    const auto& err = v.at("error").as_object();
    EXPECT_TRUE(err.at("message").is_string());
    EXPECT_EQ(err.size(), 2u);
    return std::string(err.at("code").as_string());
  }

  TempDir dir{"connhost-server"};
  std::optional<config::HostConfig> cfg;
  store::StoreOptions store_options;
  std::filesystem::path web;
  plugin::Registry registry;
  metrics::Registry metrics;
  server::Readiness readiness;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  std::unique_ptr<server::StorePool> stores;
  std::unique_ptr<server::ServerContext> ctx;
  server::Router router;
  server::Auth auth;
  std::unique_ptr<server::StaticFiles> files;
  std::unique_ptr<server::Dispatcher> dispatcher;
  std::unique_ptr<server::Server> srv;
  uint16_t port = 0;
};

}  // namespace connhost::test
