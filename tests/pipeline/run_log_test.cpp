// sync_runs bookkeeping: runs whose process died are marked interrupted, live ones are left be,
// and a run records its owner and heartbeat.

#include "metrics/host_metrics.hpp"
#include "pipeline_fixture.hpp"
#include "run_log_cases.hpp"
#include "store/data_generation.hpp"

namespace connhost::testing {
namespace {

TEST_F(PipelineTest, DeadAndSilentRunsAreMarkedInterrupted) {
  expect_interrupted_runs_marked(*db);
}

TEST_F(PipelineTest, LastRunStartIsTheNewestStart) {
  expect_last_run_start(*db);
}

TEST_F(PipelineTest, ARunRecordsItsOwnerAndHeartbeat) {
  double rows_before = metrics::sync_rows("google_sync").value();
  int64_t generation_before = store::data_generation(sql());
  auto result = sync("google", "2026-09-01", "2026-09-30");
  // Each checkpoint with rows, and the recategorization at the end, bumped the data generation.
  EXPECT_GT(store::data_generation(sql()), generation_before + 1);
  // The rows it committed are counted for /metrics too.
  EXPECT_EQ(metrics::sync_rows("google_sync").value() - rows_before,
            static_cast<double>(result.rows));
  ASSERT_EQ(result.status, "succeeded") << (result.error ? result.error->to_string() : "");
  std::string owner, beat, finished;
  long long id = result.run_id;
  sql() << "SELECT owner, heartbeat_at, finished_at FROM sync_runs WHERE id = :id",
      soci::into(owner), soci::into(beat), soci::into(finished), soci::use(id);
  EXPECT_EQ(owner, pipeline::run_owner());
  EXPECT_EQ(beat, finished);
}

}  // namespace
}  // namespace connhost::testing
