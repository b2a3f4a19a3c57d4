// Scale-out, proven on the real binary: three `connhost run` hosts on one PostgreSQL database share
// the scheduled runs of eight reporting pipelines ("every 1s", against the in-process sandbox,
// whose answers are slowed so that a run takes a few hundred milliseconds). Once some runs are
// done, one host is killed with SIGKILL while it holds a slot; the test goes on until at least 100
// slots are done and the killed host's slot was taken over, then stops the other two.
//
// Afterwards every slot must be done, each by exactly one completed sync run (counted per
// (pipeline, due_at) through sync_runs.slot_due_at), and the killed host's slot must have been
// taken over by another host only after its lease expired (the lease is 3 s, renewed every 1 s).

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <connhost/sandbox/sandbox.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "store/session.hpp"
#include "store/store.hpp"
#include "store/timestamp.hpp"
#include "support/child_process.hpp"
#include "support/postgres.hpp"
#include "support/temp_dir.hpp"

namespace connhost::test {
namespace {

using Clock = std::chrono::system_clock;

constexpr int kHosts = 3;
constexpr int kPipelines = 8;
constexpr long long kSlots = 100;
constexpr long long kKillAfter = 35;  // done slots before the kill
constexpr int kLeaseSeconds = 3;

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

class ScaleOutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox::Options o;
    o.seed = 42;
    o.threads = 4;
    sb = std::make_unique<sandbox::Sandbox>(o);
    sb->start();
    // Slow answers: a run holds its slot long enough for the kill to land inside one.
    sb->add_faults(R"({"platform":"tiktok","kind":"latency","latency_ms":120})");

    sandbox::Credentials c;
    std::ofstream(dir.path() / "tiktok_app_secret") << c.tiktok_app_secret;
    std::ofstream(dir.path() / "tiktok_access_token") << c.tiktok_advertiser_token;
    ::setenv("CONNHOST_SCALEOUT_PG_URL", pg.conninfo().c_str(), 1);
    std::string u = "\"" + sb->base_url() + "\"";
    std::string t =
        "[host]\nlog_level = \"info\"\nschedule_lease_seconds = " + std::to_string(kLeaseSeconds) +
        "\n\n"
        "[store]\nbackend = \"postgresql\"\nurl = \"${env:CONNHOST_SCALEOUT_PG_URL}\"\n\n"
        "[connections.tiktok_sb]\nplugin = \"tiktok\"\nbase_url = " +
        u + "\nopen_api_base_url = " + u + "\napp_id = \"" + c.tiktok_app_id +
        "\"\napp_secret = \"${file:tiktok_app_secret}\"\n"
        "access_token = \"${file:tiktok_access_token}\"\n\n";
    for (int i = 0; i < kPipelines; ++i)
      t += "[pipelines.sched_" + std::to_string(i) +
           "]\nconnection = \"tiktok_sb\"\ncapability = \"reporting\"\nstreams = [\"campaigns\", "
           "\"campaign_daily\"]\nlookback = \"1d\"\nschedule = \"every 1s\"\n\n";
    config_file = dir.path() / "connhost.toml";
    std::ofstream(config_file) << t;

    store::StoreOptions so;
    so.backend = store::Backend::postgresql;
    so.pg_connection = pg.conninfo();
    db = std::make_unique<store::Store>(store::Store::open(so));
    db->migrate();
  }

  void TearDown() override {
    for (auto& h : hosts)
      if (h.pid > 0) {
        ::kill(h.pid, SIGKILL);
        reap(h);
      }
  }

  std::string log_file(int i) {
    return (dir.path() / ("host" + std::to_string(i) + ".log")).string();
  }
  std::string logs() {
    std::string out;
    for (int i = 0; i < kHosts; ++i)
      out += "--- host " + std::to_string(i) + ":\n" + log_tail(log_file(i));
    return out;
  }

  long long count(const std::string& q) {
    long long n = 0;
    db->session() << q, soci::into(n);
    return n;
  }

  Clock::time_point ts(const std::string& text) {
    auto t = store::parse_timestamp(text);
    EXPECT_TRUE(t) << text;
    return t.value_or(Clock::time_point{});
  }

  PgTestDatabase pg;
  TempDir dir{"connhost-scaleout"};
  std::unique_ptr<sandbox::Sandbox> sb;
  std::filesystem::path config_file;
  std::unique_ptr<store::Store> db;
  std::vector<Child> hosts;
};

TEST_F(ScaleOutTest, EverySlotCompletesExactlyOnceAcrossThreeHostsWhenOneIsKilled) {
  for (int i = 0; i < kHosts; ++i)
    hosts.push_back(
        spawn_child({CONNHOST_BIN, "--config", config_file.string(), "run"}, log_file(i)));
  const std::string victim_owner = host_name() + ":" + std::to_string(hosts[0].pid);
  auto& sql = db->session();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);

  // Midway: enough slots are done and the victim holds a slot (its run is in flight). It is
  // stopped before the check, so that it cannot finish the slot between the check and the kill.
  std::string victim_pipeline, victim_due, lease_until;
  Clock::time_point killed_at;
  while (victim_pipeline.empty()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "no slot to kill the host in: " << logs();
    for (auto& h : hosts) ASSERT_FALSE(wait_exit(h, 0)) << "a host exited: " << logs();
    if (count("SELECT COUNT(*) FROM schedule_slots WHERE state = 'done'") >= kKillAfter) {
      ::kill(hosts[0].pid, SIGSTOP);
      auto stopped_at = Clock::now();
      std::string p, d, until;
      soci::indicator ind = soci::i_null;
      sql << "SELECT pipeline, " + store::timestamp_column(sql, "due_at") + ", " +
                 store::timestamp_column(sql, "lease_until") +
                 " FROM schedule_slots WHERE state = 'claimed' AND owner = :o",
          soci::use(victim_owner), soci::into(p, ind), soci::into(d), soci::into(until);
      if (ind == soci::i_ok) {
        ::kill(hosts[0].pid, SIGKILL);
        killed_at = stopped_at;
        EXPECT_EQ(reap(hosts[0]), 128 + SIGKILL);
        victim_pipeline = p;
        victim_due = d;
        lease_until = until;
        break;
      }
      ::kill(hosts[0].pid, SIGCONT);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  // Until the survivors have done 100 slots and the victim's slot is done again.
  for (;;) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << count("SELECT COUNT(*) FROM schedule_slots WHERE state = 'done'")
        << " slots done within 60 s: " << logs();
    for (int i = 1; i < kHosts; ++i)
      ASSERT_FALSE(wait_exit(hosts[i], 0)) << "a host exited: " << logs();
    std::string s;
    sql << "SELECT state FROM schedule_slots WHERE pipeline = :p AND due_at = :d",
        soci::use(victim_pipeline), soci::use(victim_due), soci::into(s);
    if (s == "done" && count("SELECT COUNT(*) FROM schedule_slots WHERE state = 'done'") >= kSlots)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (int i = 1; i < kHosts; ++i) ::kill(hosts[i].pid, SIGTERM);
  for (int i = 1; i < kHosts; ++i) {
    ASSERT_TRUE(wait_exit(hosts[i], 30'000)) << "a host did not stop on SIGTERM: " << logs();
    EXPECT_EQ(reap(hosts[i]), 0) << logs();
  }

  // Every slot done; each by exactly one completed run, linked both ways.
  long long slots = count("SELECT COUNT(*) FROM schedule_slots");
  EXPECT_GE(slots, kSlots);
  EXPECT_EQ(count("SELECT COUNT(*) FROM schedule_slots WHERE state <> 'done'"), 0) << logs();
  EXPECT_EQ(count("SELECT COUNT(*) FROM (SELECT s.pipeline, s.due_at FROM schedule_slots s LEFT "
                  "JOIN sync_runs r ON r.pipeline = s.pipeline AND r.slot_due_at = s.due_at AND "
                  "r.status IN ('succeeded', 'failed') GROUP BY s.pipeline, s.due_at HAVING "
                  "COUNT(r.id) <> 1) AS wrong"),
            0)
      << "slots not completed by exactly one run";
  EXPECT_EQ(count("SELECT COUNT(*) FROM sync_runs WHERE origin = 'schedule' AND status IN "
                  "('succeeded', 'failed')"),
            slots)
      << "a completed scheduled run outside the slots";
  EXPECT_EQ(count("SELECT COUNT(*) FROM schedule_slots s JOIN sync_runs r ON r.id = s.run_id AND "
                  "r.pipeline = s.pipeline AND r.slot_due_at = s.due_at AND r.status IN "
                  "('succeeded', 'failed')"),
            slots);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT owner) FROM sync_runs"), kHosts) << "every host ran";

  // The victim's slot: taken over by a survivor after its lease expired, and run again.
  long long attempts = 0, run_id = 0;
  std::string new_owner, from, claimed_at;
  soci::indicator from_ind = soci::i_null;
  sql << "SELECT attempts, owner, taken_over_from, " + store::timestamp_column(sql, "claimed_at") +
             ", run_id FROM schedule_slots WHERE pipeline = :p AND due_at = :d",
      soci::use(victim_pipeline), soci::use(victim_due), soci::into(attempts),
      soci::into(new_owner), soci::into(from, from_ind), soci::into(claimed_at), soci::into(run_id);
  EXPECT_EQ(attempts, 2);
  EXPECT_NE(new_owner, victim_owner);
  ASSERT_EQ(from_ind, soci::i_ok);
  EXPECT_EQ(from, victim_owner);
  EXPECT_GE(ts(claimed_at), ts(lease_until)) << "taken over before the lease expired";
  // Renewed every ttl/3: the lease ran at least 2/3 of the ttl past the kill.
  EXPECT_GE(ts(claimed_at) - killed_at,
            std::chrono::milliseconds(kLeaseSeconds * 1000 * 2 / 3 - 100));
  // What the run measured, for the report (docs/operations.md quotes it).
  std::cout
      << "scaleout: " << slots << " slots done, "
      << count("SELECT COUNT(*) FROM sync_runs WHERE status = 'failed'") << " runs failed, "
      << count("SELECT COUNT(*) FROM schedule_slots WHERE attempts > 1")
      << " taken over; the killed host's slot taken over "
      << std::chrono::duration_cast<std::chrono::milliseconds>(ts(claimed_at) - killed_at).count()
      << " ms after the kill\n";
  std::string run_owner;
  sql << "SELECT owner FROM sync_runs WHERE id = :id", soci::use(run_id), soci::into(run_owner);
  EXPECT_EQ(run_owner, new_owner) << "the slot's completed run is the new owner's";
}

}  // namespace
}  // namespace connhost::test
