// Reloading the configuration of a running `connhost serve` (docs/operations.md, "Reload"): a
// file with errors is refused, by SIGHUP and by `connhost reload`, and the old configuration keeps
// serving; a valid one is applied by the same process (same pid) starting again in place.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <thread>

#include "cli/run_connhost.hpp"
#include "http/client.hpp"
#include "support/child_process.hpp"
#include "support/eventually.hpp"
#include "support/free_port.hpp"
#include "support/temp_dir.hpp"

namespace connhost::test {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

class ReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port = free_port();
    std::ofstream(dir.path() / "client_secret") << "not-a-real-secret";
    write_config(false);
  }
  void TearDown() override {
    if (child.pid > 0) {
      ::kill(child.pid, SIGKILL);
      reap(child);
    }
  }
  // The valid file; `with_connection` adds a Google connection, which /api/connections shows once
  // the configuration that has it is the one running.
  void write_config(bool with_connection) {
    std::string t =
        "[store]\npath = \"store.db\"\n[server]\nlisten = \"127.0.0.1:" + std::to_string(port) +
        "\"\n";
    if (with_connection)
      t += "[connections.google_sb]\nplugin = \"google\"\nbase_url = \"http://127.0.0.1:9\"\n"
           "client_id = \"id.apps.googleusercontent.com\"\n"
           "client_secret = \"${file:client_secret}\"\n";
    std::ofstream(file()) << t;
  }
  void write_broken_config() {
    std::ofstream(file()) << "[store]\npath = \"store.db\"\n[server]\nlisten = \"127.0.0.1:" << port
                          << "\"\nmax_body_bytes = \"large\"\n";
  }
  std::filesystem::path file() const { return dir.path() / "connhost.toml"; }
  std::string log() const { return (dir.path() / "serve.log").string(); }

  std::optional<http::Response> get(const std::string& path) {
    try {
      return client.send({.url = "http://127.0.0.1:" + std::to_string(port) + path,
                          .timeout = std::chrono::milliseconds(2000)});
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  bool eventually(const std::function<bool()>& ok) { return test::eventually(ok, 30s); }
  bool serving_connection(const std::string& name) {
    auto r = get("/api/connections");
    return r && r->status == 200 && r->body.find("\"" + name + "\"") != std::string::npos;
  }
  std::string log_text() const {
    std::ifstream in(log());
    return {std::istreambuf_iterator<char>(in), {}};
  }

  TempDir dir{"connhost-reload"};
  uint16_t port = 0;
  Child child;
  http::Client client{{.max_retries = 0}};
};

TEST_F(ReloadTest, ABadFileIsRefusedAndAGoodOneIsAppliedByTheSameProcess) {
  child =
      spawn_child({CONNHOST_BIN, "--config", file().string(), "serve", "--no-scheduler"}, log());
  ASSERT_TRUE(eventually([&] {
    auto r = get("/readyz");
    return r && r->status == 200;
  })) << log_tail(log());
  EXPECT_FALSE(serving_connection("google_sb"));

  // SIGHUP with a broken file: refused, logged with the error's position, still serving.
  write_broken_config();
  ASSERT_EQ(::kill(child.pid, SIGHUP), 0);
  ASSERT_TRUE(eventually([&] { return log_text().find("reload refused") != std::string::npos; }))
      << log_tail(log());
  EXPECT_THAT(log_text(), HasSubstr("server.max_body_bytes"));
  EXPECT_FALSE(wait_exit(child, 0)) << "the host stopped on a refused reload";
  auto health = get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  // POST /api/reload with the broken file: 422 with the errors, still serving.
  auto posted = client.send({.method = "POST",
                             .url = "http://127.0.0.1:" + std::to_string(port) + "/api/reload",
                             .timeout = std::chrono::milliseconds(5000)});
  EXPECT_EQ(posted.status, 422) << posted.body;
  EXPECT_THAT(posted.body, HasSubstr("config_invalid"));
  EXPECT_THAT(posted.body, HasSubstr("server.max_body_bytes"));
  EXPECT_FALSE(wait_exit(child, 0));

  // `connhost reload` with the broken file: exit 3, the errors listed, nothing sent.
  auto refused = testing::run_connhost("--config " + file().string() + " reload");
  EXPECT_EQ(refused.code, 3) << refused.out;
  EXPECT_THAT(refused.out, HasSubstr("reload refused"));
  EXPECT_THAT(refused.out, HasSubstr("server.max_body_bytes"));
  EXPECT_FALSE(wait_exit(child, 0));

  // A valid file with a new connection: accepted, and the same process serves it.
  write_config(true);
  auto accepted = testing::run_connhost("--config " + file().string() + " reload");
  EXPECT_EQ(accepted.code, 0) << accepted.out << log_tail(log());
  EXPECT_THAT(accepted.out, HasSubstr("accepted"));
  ASSERT_TRUE(eventually([&] { return serving_connection("google_sb"); })) << log_tail(log());
  EXPECT_FALSE(wait_exit(child, 0)) << "the reload ended the process instead of restarting it";

  ::kill(child.pid, SIGTERM);
  ASSERT_TRUE(wait_exit(child, 30000)) << log_tail(log());
  EXPECT_EQ(reap(child), 0) << log_tail(log());
}

}  // namespace
}  // namespace connhost::test
