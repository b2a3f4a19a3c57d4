// `connhost run` with [alerts]: a real host process whose evaluator POSTs a signed alert about a
// plugin file it refused to a loopback receiver; and a secret that cannot be read stops the
// start.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

#include "metrics/metrics.hpp"
#include "server/server.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace connhost {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "cli-alert-key-51c2";

std::string signature_of(const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret, static_cast<int>(std::strlen(kSecret)),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  std::string out = "sha256=";
  char hex[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", mac[i]);
    out += hex;
  }
  return out;
}

struct Posted {
  std::string body, signature;
};

class AlertsCliTest : public ::testing::Test {
 protected:
  AlertsCliTest()
      : server_(
            [this](server::Request& r) {
              std::lock_guard lock(m_);
              posted_.push_back(
                  {r.body, std::string(r.header("x-connhost-signature").value_or(""))});
              return server::Response{.status = 200, .body = "{}"};
            },
            server::ServerOptions{.listen = {"127.0.0.1", 0},
                                  .shutdown_grace = std::chrono::seconds(1)},
            metrics_) {
    port_ = server_.start();
    std::filesystem::create_directories(dir_.path() / "plugins");
    // Not a shared library: the loader refuses it.
    std::ofstream(dir_.path() / "plugins" / "junk.so") << "not an ELF file\n";
  }
  ~AlertsCliTest() override { server_.stop(); }

  std::string write_config() {
    auto file = dir_.path() / "connhost.toml";
    std::ofstream(file) << "[host]\nplugin_dirs = [\"plugins\"]\n"
                        << "[store]\npath = \"store.db\"\n"
                        << "[alerts]\nurl = \"http://127.0.0.1:" << port_ << "/ops\"\n"
                        << "secret = \"${env:CONNHOST_CLI_ALERT_SECRET}\"\n"
                        << "interval_seconds = 1\n"
                        << "[alerts.rules.plugins]\nkind = \"plugin_refused\"\n";
    return file.string();
  }

  std::vector<Posted> posted() {
    std::lock_guard lock(m_);
    return posted_;
  }

  test::TempDir dir_{"connhost-alerts-cli"};
  metrics::Registry metrics_;
  std::mutex m_;
  std::vector<Posted> posted_;
  server::Server server_;
  uint16_t port_ = 0;
};

TEST_F(AlertsCliTest, RunPostsASignedAlertForARefusedPlugin) {
  ::setenv("CONNHOST_CLI_ALERT_SECRET", kSecret, 1);
  std::string log = (dir_.path() / "run.log").string();
  auto child = test::spawn_child({CONNHOST_BIN, "--config", write_config(), "run"}, log);
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (posted().empty() && std::chrono::steady_clock::now() < deadline &&
         !test::wait_exit(child, 50)) {
  }
  ::kill(child.pid, SIGTERM);
  bool exited = test::wait_exit(child, 20'000);
  if (!exited) ::kill(child.pid, SIGKILL);
  int rc = test::reap(child);
  EXPECT_TRUE(exited) << test::log_tail(log);
  EXPECT_EQ(rc, 0) << test::log_tail(log);
  auto got = posted();
  ASSERT_GE(got.size(), 1u) << test::log_tail(log);
  EXPECT_EQ(got[0].signature, signature_of(got[0].body));
  auto j = boost::json::parse(got[0].body).as_object();
  EXPECT_EQ(j["kind"], "plugin_refused");
  EXPECT_EQ(j["subject"].as_string(),
            "plugin file " + (dir_.path() / "plugins" / "junk.so").string());
  // Logged at error, without the key.
  std::string text = test::log_tail(log);
  EXPECT_NE(text.find("alert plugins"), std::string::npos) << text;
  EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
}

TEST_F(AlertsCliTest, AnUnsetSecretIsAConfigError) {
  ::unsetenv("CONNHOST_CLI_ALERT_SECRET");
  std::string log = (dir_.path() / "run.log").string();
  auto child = test::spawn_child({CONNHOST_BIN, "--config", write_config(), "run"}, log);
  bool exited = test::wait_exit(child, 30'000);
  if (!exited) ::kill(child.pid, SIGKILL);
  EXPECT_EQ(test::reap(child), 3) << test::log_tail(log);
  EXPECT_NE(test::log_tail(log).find("alerts.secret"), std::string::npos) << test::log_tail(log);
  EXPECT_TRUE(posted().empty());
}

}  // namespace
}  // namespace connhost
