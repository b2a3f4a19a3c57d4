// pipeline::Launcher, which the API's "Sync now" uses: the run id comes back once the run is
// recorded, progress is readable while it goes on, a second start of the same pipeline is
// refused while the first runs, and a pipeline the runner refuses fails the start itself.

#include "pipeline/launcher.hpp"

#include "pipeline_fixture.hpp"

namespace connhost::testing {
namespace {

TEST_F(PipelineTest, LauncherReturnsTheRunIdAndRefusesASecondStart) {
  // Every google request takes 300 ms, so the run is certainly still going when the second
  // start comes, microseconds after the first returned.
  sandbox->add_faults(R"({"platform":"google","kind":"latency","latency_ms":300})");
  int64_t id = 0;
  {
    pipeline::Launcher launcher(*runner);
    pipeline::RunOptions o;
    o.from = "2026-09-01";
    o.to = "2026-09-30";
    o.origin = "api";
    id = launcher.start(pipeline("google"), o);
    EXPECT_GT(id, 0);
    EXPECT_TRUE(launcher.progress(id).has_value());
    try {
      launcher.start(pipeline("google"), o);
      ADD_FAILURE() << "a second start of a running pipeline was accepted";
    } catch (const pipeline::AlreadyRunning& e) {
      EXPECT_EQ(e.run_id(), id);
    }
    // The runner itself refuses too, so a scheduled run cannot overlap one started here.
    try {
      runner->run(pipeline("google"), o);
      ADD_FAILURE() << "the runner started a second run of a running pipeline";
    } catch (const pipeline::AlreadyRunning& e) {
      EXPECT_EQ(e.run_id(), id);
    }
  }  // the launcher waits for its run here
  std::string status, origin;
  long long key = id;
  sql() << "SELECT status, origin FROM sync_runs WHERE id = :id", soci::into(status),
      soci::into(origin), soci::use(key);
  EXPECT_EQ(status, "succeeded");
  EXPECT_EQ(origin, "api");
  expect_store_equals_truth("google", "2026-09-01", "2026-09-30");
}

TEST_F(PipelineTest, LauncherStartFailsForAPipelineTheRunnerRefuses) {
  pipeline::Launcher launcher(*runner);
  config::Pipeline login = pipeline("google");
  login.capability = "login";
  EXPECT_THROW(launcher.start(login, {}), std::invalid_argument);
  // Nothing was recorded and nothing is active.
  EXPECT_EQ(count("SELECT COUNT(*) FROM sync_runs"), 0);
}

}  // namespace
}  // namespace connhost::testing
