// Persist, then acknowledge, proven on the real binary: `connhost serve` takes a burst of signed
// TikTok deliveries from the sandbox's webhook driver (several drivers at once, so that commits
// are in flight), is killed with SIGKILL in the middle, and restarted on the same store. Every
// delivery that was answered 200 must be in the inbox exactly once, and processed once into a
// message after the restart. Deliveries not answered (the kill cut them off) may or may not be
// there: the platform retries those, and the dedupe absorbs the retry.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <soci/soci.h>
#include <connhost/sandbox/http_client.hpp>
#include <connhost/sandbox/sandbox.hpp>

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>

#include "inbox_config.hpp"
#include "store/session.hpp"
#include "support/child_process.hpp"
#include "support/free_port.hpp"
#include "support/temp_dir.hpp"

namespace connhost::test {
namespace {

constexpr int kDrivers = 6;
constexpr int kPerDriver = 60;  // 360 deliveries in all
constexpr long long kKillAfter = 120;

class InboxCrashTest : public ::testing::Test {
 protected:
  // The [store] table's body and a connection to the same store from this process.
  virtual std::string store_toml() { return "store.db"; }
  virtual store::StoreOptions store_options() {
    store::StoreOptions so;
    so.sqlite_path = dir.path() / "store.db";
    return so;
  }

  void SetUp() override {
    sandbox::Options o;
    o.seed = 42;
    o.threads = 2;
    sb = std::make_unique<sandbox::Sandbox>(o);
    sb->start();
    config_file = dir.path() / "connhost.toml";
    std::ofstream(config_file) << inbox_config(dir.path(), sb->base_url(), store_toml());
    port = free_port();
  }

  void TearDown() override {
    if (child.pid > 0) {
      ::kill(child.pid, SIGKILL);
      reap(child);
    }
  }

  Child spawn() {
    return spawn_child({CONNHOST_BIN, "--config", config_file.string(), "serve", "--listen",
                        "127.0.0.1:" + std::to_string(port), "--no-scheduler"},
                       (dir.path() / "connhost.log").string());
  }

  std::string log_text() { return log_tail((dir.path() / "connhost.log").string()); }

  // Polls /readyz while the process starts and migrates (the only waiting here).
  void wait_ready() {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    std::string url = "http://127.0.0.1:" + std::to_string(port) + "/readyz";
    while (std::chrono::steady_clock::now() < until) {
      ASSERT_FALSE(wait_exit(child, 0)) << "serve exited: " << log_text();
      try {
        if (sandbox::http_request("GET", url, {}, "").status == 200) return;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << "serve was not ready within 60 s: " << log_text();
  }

  // `connhost --config F <args>`: exit code and output (both streams).
  std::pair<int, std::string> cli(const std::string& args) {
    std::string cmd =
        std::string(CONNHOST_BIN) + " --config " + config_file.string() + " " + args + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return {-1, "popen failed"};
    std::string out;
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
  }

  std::unique_ptr<store::Store> store() {
    return std::make_unique<store::Store>(store::Store::open(store_options()));
  }

  static long long count(store::Store& s, const std::string& q) {
    long long n = 0;
    s.session() << q, soci::into(n);
    return n;
  }

  TempDir dir{"connhost-inbox-crash"};
  std::unique_ptr<sandbox::Sandbox> sb;
  std::filesystem::path config_file;
  uint16_t port = 0;
  Child child;

 public:
  void run();
};

void InboxCrashTest::run() {
  child = spawn();
  wait_ready();
  std::vector<sandbox::WebhookResult> results(kDrivers);
  std::vector<std::thread> drivers;
  for (int i = 0; i < kDrivers; ++i)
    drivers.emplace_back([&, i] {
      sandbox::WebhookRequest w;
      w.platform = "tiktok";
      w.target_url = "http://127.0.0.1:" + std::to_string(port) + "/webhooks/tiktok_sb";
      w.mode = "burst";
      w.count = kPerDriver;
      w.text = "driver " + std::to_string(i);
      results[i] = sb->send_webhooks(w);
    });

  // Kill once a third of the burst is in: the store is read from outside, as any reader would.
  auto db = store();
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  bool killed = false;
  while (std::chrono::steady_clock::now() < until) {
    if (count(*db, "SELECT COUNT(*) FROM inbox_events") >= kKillAfter) {
      ::kill(child.pid, SIGKILL);
      killed = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  for (auto& t : drivers) t.join();
  ASSERT_TRUE(killed) << "the inbox never reached " << kKillAfter << " events: " << log_text();
  EXPECT_EQ(reap(child), 128 + SIGKILL);

  std::vector<std::string> answered;
  int cut_off = 0, other = 0;
  for (const auto& r : results) {
    ASSERT_EQ(r.statuses.size(), static_cast<size_t>(kPerDriver));
    for (size_t i = 0; i < r.statuses.size(); ++i) {
      if (r.statuses[i] == 200)
        answered.push_back(r.event_ids[i]);
      else if (r.statuses[i] == 0)
        ++cut_off;
      else
        ++other;
    }
  }
  EXPECT_EQ(other, 0) << "no delivery is refused before the kill";
  ASSERT_GE(answered.size(), static_cast<size_t>(kKillAfter) - kDrivers);
  ASSERT_GT(cut_off, 0) << "the kill came after the burst: the test tested nothing";
  RecordProperty("answered_200", static_cast<int>(answered.size()));
  RecordProperty("cut_off", cut_off);

  // Before any restart: what was acknowledged is in the store that the killed process left.
  db = store();
  int missing = 0;
  for (const auto& id : answered) {
    long long n = 0;
    db->session() << "SELECT COUNT(*) FROM inbox_events WHERE connection = 'tiktok_sb' AND "
                     "event_id = :e",
        soci::use(id), soci::into(n);
    if (n != 1 && ++missing <= 5) ADD_FAILURE() << "answered 200 but not stored once: " << id;
  }
  EXPECT_EQ(missing, 0) << "answered-but-missing deliveries";
  long long stored = count(*db, "SELECT COUNT(*) FROM inbox_events");
  EXPECT_GE(stored, static_cast<long long>(answered.size()));
  EXPECT_LE(stored, static_cast<long long>(answered.size()) + kDrivers)
      << "at most the requests in flight at the kill were stored without an answer";

  // Restarted on the same store: it processes what the killed one left pending, once.
  child = spawn();
  wait_ready();
  until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (count(*db, "SELECT COUNT(*) FROM inbox_events WHERE status <> 'processed'") > 0) {
    ASSERT_LT(std::chrono::steady_clock::now(), until) << "events still pending: " << log_text();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM messages"), stored);
  int not_once = 0;
  for (const auto& id : answered) {
    long long n = 0;
    db->session() << "SELECT COUNT(*) FROM messages WHERE platform_message_id = :e", soci::use(id),
        soci::into(n);
    if (n != 1) ++not_once;
  }
  EXPECT_EQ(not_once, 0);

  // The CLI next to the running host: the counts, then a replay of everything, which changes no
  // message.
  auto [status_rc, status_out] = cli("inbox status");
  EXPECT_EQ(status_rc, 0) << status_out;
  EXPECT_NE(status_out.find("tiktok_sb"), std::string::npos) << status_out;
  EXPECT_NE(status_out.find(std::to_string(stored)), std::string::npos) << status_out;
  auto [replay_rc, replay_out] = cli("inbox replay --all --connection tiktok_sb");
  EXPECT_EQ(replay_rc, 0) << replay_out;
  EXPECT_NE(replay_out.find("reset " + std::to_string(stored)), std::string::npos) << replay_out;
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM messages"), stored);
  auto [bad_rc, bad_out] = cli("inbox replay --connection nope");
  EXPECT_EQ(bad_rc, 2) << bad_out;
  EXPECT_NE(bad_out.find("no connection named 'nope'"), std::string::npos) << bad_out;
  auto [missing_rc, missing_out] = cli("inbox replay --event-id not-an-event");
  EXPECT_EQ(missing_rc, 1) << missing_out;

  // And it takes deliveries again.
  sandbox::WebhookRequest w;
  w.platform = "tiktok";
  w.target_url = "http://127.0.0.1:" + std::to_string(port) + "/webhooks/tiktok_sb";
  auto after = sb->send_webhooks(w);
  EXPECT_EQ(after.statuses, std::vector<int>{200});
  ::kill(child.pid, SIGTERM);
  ASSERT_TRUE(wait_exit(child, 30'000)) << log_text();
  EXPECT_EQ(reap(child), 0) << log_text();
}

}  // namespace
}  // namespace connhost::test

#ifdef INBOX_CRASH_POSTGRES
#include "support/postgres.hpp"
namespace connhost::test {
namespace {
// The same on PostgreSQL: a database of its own on the ctest fixture's server.
class InboxCrashPostgresTest : public InboxCrashTest {
 protected:
  std::string store_toml() override {
    ::setenv("CONNHOST_INBOX_CRASH_PG_URL", pg.conninfo().c_str(), 1);
    return "backend = \"postgresql\"\nurl = \"${env:CONNHOST_INBOX_CRASH_PG_URL}\"\n";
  }
  store::StoreOptions store_options() override {
    store::StoreOptions so;
    so.backend = store::Backend::postgresql;
    so.pg_connection = pg.conninfo();
    return so;
  }
  PgTestDatabase pg;
};
TEST_F(InboxCrashPostgresTest, EveryDeliveryAnswered200SurvivesSigkillExactlyOnce) {
  run();
}
}  // namespace
}  // namespace connhost::test
#else
namespace connhost::test {
namespace {
TEST_F(InboxCrashTest, EveryDeliveryAnswered200SurvivesSigkillExactlyOnce) {
  run();
}
}  // namespace
}  // namespace connhost::test
#endif
