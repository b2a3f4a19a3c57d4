// Crash safety of the real binary: `connhost sync` against the in-process sandbox, killed with
// SIGKILL at pseudo-random moments several times in a row on the same store, then run to
// completion. campaign_daily must equal that of an uninterrupted run into a fresh store, and
// after every kill the rows already there must be rows of that run (nothing half-written).

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <map>
#include <random>

#include "pipeline_fixture.hpp"
#include "support/child_process.hpp"


namespace connhost::testing {
namespace {

using test::Child;
using test::log_tail;
using test::reap;
using test::spawn_child;
using test::wait_exit;

// About twelve months, all settled in the sandbox (its today is 2026-11-20, Meta settles in 28
// days), so that an uninterrupted run and an interrupted one read the same numbers.
constexpr const char* kFrom = "2025-10-20";
constexpr const char* kTo = "2026-10-15";
constexpr int kKills = 6;

class CrashTest : public PipelineTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void customize(sandbox::Options& o) override {
    o.accounts_per_platform = 4;
    o.threads = 4;
  }

  // A configuration file of its own for each store.
  std::filesystem::path write_config(const std::string& store_file) {
    auto file = dir.path() / (store_file + ".toml");
    std::ofstream(file) << sandbox_config(dir.path(), sandbox->base_url(), store_file);
    return file;
  }

  Child spawn(const std::filesystem::path& config_file) {
    return spawn_child({CONNHOST_BIN, "--config", config_file.string(), "sync",
                        GetParam() + "_sync", "--from", kFrom, "--to", kTo, "--no-progress"},
                       (dir.path() / "connhost.log").string());
  }

  std::string log_text() { return log_tail((dir.path() / "connhost.log").string()); }

  std::vector<DailyRow> table_of(const std::string& store_file) {
    store::StoreOptions so;
    so.sqlite_path = dir.path() / store_file;
    auto s = store::Store::open(so);
    return daily_table(s.session());
  }
};

TEST_P(CrashTest, KilledSyncsThenACompleteOneEqualAnUninterruptedRun) {
  // The reference: one uninterrupted run into a fresh store; its duration bounds the kill times.
  auto ref_config = write_config("reference.db");
  auto t0 = std::chrono::steady_clock::now();
  Child ref = spawn(ref_config);
  ASSERT_TRUE(wait_exit(ref, 300'000)) << "the reference run did not end in 5 minutes";
  ASSERT_EQ(reap(ref), 0) << log_text();
  auto duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  auto reference = table_of("reference.db");
  ASSERT_GT(reference.size(), 1000u);
  std::map<std::vector<std::string>, DailyRow> by_key;
  for (const auto& r : reference) by_key.emplace(DailyRow(r.begin(), r.begin() + 4), r);

  // Kills at pseudo-random moments of a run as long as the reference, on the same store.
  auto crash_config = write_config("crashed.db");
  std::mt19937 rng(20261120u + static_cast<unsigned>(GetParam().size()));
  std::uniform_int_distribution<int> when(0, static_cast<int>(std::max<int64_t>(1, duration_ms)));
  int landed = 0;
  size_t max_partial = 0;
  for (int i = 0; i < kKills; ++i) {
    int delay = when(rng);
    Child c = spawn(crash_config);
    if (!wait_exit(c, delay)) ::kill(c.pid, SIGKILL);
    int status = reap(c);
    // The child may end on its own just as the wait times out: then the kill found a zombie.
    if (status == 128 + SIGKILL) {
      ++landed;
    } else {
      EXPECT_EQ(status, 0) << "run " << i << " ended on its own, but not well: " << log_text();
    }
    if (!std::filesystem::exists(dir.path() / "crashed.db")) continue;
    // Nothing half-written: every row there is a row of the uninterrupted run.
    auto partial = table_of("crashed.db");
    max_partial = std::max(max_partial, partial.size());
    int wrong = 0;
    for (const auto& r : partial) {
      auto it = by_key.find(DailyRow(r.begin(), r.begin() + 4));
      if (it == by_key.end() || it->second != r) {
        if (++wrong <= 3)
          ADD_FAILURE() << "after kill " << i << " at " << delay << " ms: row " << r[1] << " "
                        << r[2] << " " << r[3] << " differs from the uninterrupted run";
      }
    }
    EXPECT_EQ(wrong, 0) << "after kill " << i;
  }
  EXPECT_GE(landed, kKills / 2) << "most kills came after the run ended (reference took "
                                << duration_ms << " ms): the test did not test much";
  EXPECT_GT(max_partial, 0u) << "no kill left any row behind: none landed mid-run";
  RecordProperty("reference_ms", static_cast<int>(duration_ms));
  RecordProperty("kills_mid_run", landed);

  // Then a run to completion on the same store.
  Child last = spawn(crash_config);
  ASSERT_TRUE(wait_exit(last, 300'000)) << "the final run did not end in 5 minutes";
  ASSERT_EQ(reap(last), 0) << log_text();
  auto recovered = table_of("crashed.db");
  {
    // Each killed run that had begun is marked interrupted by the next run; none stays running.
    store::StoreOptions so;
    so.sqlite_path = dir.path() / "crashed.db";
    auto s = store::Store::open(so);
    long long running = 0, interrupted = 0, succeeded = 0, all = 0;
    s.session() << "SELECT COUNT(*) FROM sync_runs WHERE status = 'running'", soci::into(running);
    s.session() << "SELECT COUNT(*) FROM sync_runs WHERE status = 'interrupted'",
        soci::into(interrupted);
    s.session() << "SELECT COUNT(*) FROM sync_runs WHERE status = 'succeeded'",
        soci::into(succeeded);
    s.session() << "SELECT COUNT(*) FROM sync_runs", soci::into(all);
    EXPECT_EQ(running, 0);
    EXPECT_GE(interrupted, 1) << "kills left rows behind, so at least one run had begun";
    EXPECT_LE(interrupted, landed);
    EXPECT_EQ(interrupted + succeeded, all);
    RecordProperty("sync_runs_interrupted", static_cast<int>(interrupted));
  }
  EXPECT_EQ(recovered.size(), reference.size());
  size_t shown = 0;
  for (size_t i = 0; i < std::min(recovered.size(), reference.size()) && shown < 3; ++i)
    if (recovered[i] != reference[i]) {
      ++shown;
      ADD_FAILURE() << "row " << i << " differs: " << recovered[i][1] << " " << recovered[i][2]
                    << " " << recovered[i][3] << " vs " << reference[i][1] << " " << reference[i][2]
                    << " " << reference[i][3];
    }
  EXPECT_TRUE(recovered == reference) << "campaign_daily after the kills and a complete run "
                                         "differs from an uninterrupted run";
}

std::string param_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

INSTANTIATE_TEST_SUITE_P(Platforms, CrashTest, ::testing::Values("tiktok", "meta", "google"),
                         param_name);

}  // namespace
}  // namespace connhost::testing
