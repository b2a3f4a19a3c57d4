// Hot plugin reload end to end: a real `connhost serve` process serves the plugin file ops drop
// into its folder, same pid, and refuses a version the configuration does not validate against.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <thread>

#include "http/client.hpp"
#include "support/child_process.hpp"
#include "support/eventually.hpp"
#include "support/free_port.hpp"
#include "support/temp_dir.hpp"

namespace connhost::test {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace json = boost::json;

void drop(const fs::path& built, const fs::path& dir, const std::string& name) {
  auto tmp = dir / ("." + name + ".part");
  fs::copy_file(built, tmp, fs::copy_options::overwrite_existing);
  fs::rename(tmp, dir / name);
}

class ServeHotSwapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port = free_port();
    fs::create_directories(dir.path() / "plugins");
    // A connection of the plugin, so that a version whose schema refuses its settings is refused.
    std::ofstream(dir.path() / "connhost.toml")
        << "[host]\nplugin_watch_seconds = 1\n[store]\npath = \"store.db\"\n[server]\nlisten = "
           "\"127.0.0.1:"
        << port << "\"\n[connections.swapper]\nplugin = \"swap\"\nhold_file = \"\"\n";
  }
  void TearDown() override {
    if (child.pid > 0) {
      ::kill(child.pid, SIGKILL);
      reap(child);
    }
  }
  std::string log() const { return (dir.path() / "serve.log").string(); }
  bool eventually(const std::function<bool()>& ok) { return test::eventually(ok, 30s); }
  // GET /api/plugins, or null while the server does not answer.
  std::optional<json::object> plugins() {
    try {
      auto r = client.send({.url = "http://127.0.0.1:" + std::to_string(port) + "/api/plugins",
                            .timeout = std::chrono::milliseconds(2000)});
      if (r.status != 200) return std::nullopt;
      return json::parse(r.body).as_object();
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  std::optional<json::object> plugin(const std::string& id) {
    auto all = plugins();
    if (!all) return std::nullopt;
    for (const auto& p : all->at("plugins").as_array())
      if (p.at("id").as_string() == id) return p.as_object();
    return std::nullopt;
  }
  int post_webhook() {
    try {
      return client
          .send({.method = "POST",
                 .url = "http://127.0.0.1:" + std::to_string(port) + "/webhooks/swapper",
                 .body = "{}",
                 .timeout = std::chrono::milliseconds(5000)})
          .status;
    } catch (const std::exception&) {
      return 0;
    }
  }
  std::string version(const std::string& id) {
    auto p = plugin(id);
    return p ? std::string(p->at("version").as_string()) : "";
  }

  TempDir dir{"connhost-serve-hot"};
  uint16_t port = 0;
  Child child;
  http::Client client{{.max_retries = 0}};
};

TEST_F(ServeHotSwapTest, TheServedVersionFollowsTheFolderWithoutARestart) {
  const fs::path built = SWAP_PLUGIN_DIR;
  auto folder = dir.path() / "plugins";
  drop(built / "swap_v1.so", folder, "swap.so");
  child = spawn_child({CONNHOST_BIN, "--config", (dir.path() / "connhost.toml").string(), "serve",
                       "--no-scheduler"},
                      log());
  const pid_t pid = child.pid;
  ASSERT_TRUE(eventually([&] { return version(("swap")) == "0.1.0"; })) << log_tail(log());
  EXPECT_EQ(plugin("swap")->at("generation").as_int64(), 1);

  // A version that requires a setting the configured connection lacks: refused, 0.1.0 served.
  drop(built / "swap_v2_region.so", folder, "swap.so");
  ASSERT_TRUE(eventually([&] {
    auto all = plugins();
    return all && !all->at("refused").as_array().empty();
  })) << log_tail(log());
  auto refused = plugins()->at("refused").as_array().at(0).as_object();
  EXPECT_EQ(refused.at("file").as_string(), (folder / "swap.so").string());
  EXPECT_THAT(std::string(refused.at("reason").as_string()),
              HasSubstr("the configuration does not validate against it"));
  EXPECT_THAT(std::string(refused.at("reason").as_string()), HasSubstr("region"));
  EXPECT_EQ(refused.at("kept").as_string(), "swap");
  EXPECT_EQ(version("swap"), "0.1.0");

  // A version it validates against: served, by the same process.
  drop(built / "swap_v2.so", folder, "swap.so");
  ASSERT_TRUE(eventually([&] { return version("swap") == "0.2.0"; })) << log_tail(log());
  auto now = plugin("swap");
  EXPECT_EQ(now->at("generation").as_int64(), 2);
  EXPECT_EQ(now->at("file").as_string(), (folder / "swap.so").string());
  EXPECT_TRUE(plugins()->at("refused").as_array().empty());
  EXPECT_FALSE(wait_exit(child, 0)) << "the host stopped";
  std::ifstream in(log());
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_THAT(text,
              HasSubstr("plugin swap 0.1.0 -> 0.2.0 loaded from " + (folder / "swap.so").string()));

  // A delivery for a connection of a plugin without messaging: 404 while the plugin is served.
  EXPECT_EQ(post_webhook(), 404);
  // Gone from the folder: not served, and a delivery is 503, so the platform retries it.
  fs::remove(folder / "swap.so");
  EXPECT_TRUE(eventually([&] { return plugins() && !plugin("swap"); })) << log_tail(log());
  EXPECT_EQ(post_webhook(), 503);

  // The private copies the reloads were mapped from go with the process.
  auto copies = fs::temp_directory_path() / ("connhost-plugins-" + std::to_string(pid) + "-0");
  EXPECT_TRUE(fs::exists(copies));
  ASSERT_EQ(::kill(child.pid, SIGTERM), 0);
  ASSERT_TRUE(wait_exit(child, 20000)) << log_tail(log());
  EXPECT_EQ(reap(child), 0) << log_tail(log());
  EXPECT_FALSE(fs::exists(copies)) << copies;
}

}  // namespace
}  // namespace connhost::test
