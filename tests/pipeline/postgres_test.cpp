// The pipeline into PostgreSQL: a sync of one platform into a fresh database of the test server
// (the ctest fixture `postgres`) leaves totals equal to the sandbox's truth, as into SQLite, and a
// second run of the same settled range leaves campaign_daily identical.

#include "support/postgres.hpp"
#include "pipeline_fixture.hpp"
#include "run_log_cases.hpp"

namespace connhost::testing {
namespace {

class PostgresPipelineTest : public PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    if (HasFatalFailure()) return;
    pg = std::make_unique<test::PgTestDatabase>();
    store::StoreOptions so;
    so.backend = store::Backend::postgresql;
    so.pg_connection = pg->conninfo();
    open_store(so);
  }
  void TearDown() override {
    // The store's connection must close before the database is dropped.
    runner.reset();
    db.reset();
    pg.reset();
  }

  std::unique_ptr<test::PgTestDatabase> pg;
};

TEST_F(PostgresPipelineTest, GoogleTotalsEqualSandboxTruthAndReRunIsIdentical) {
  ASSERT_EQ(db->backend(), store::Backend::postgresql);
  auto result = sync("google", "2026-06-01", "2026-09-30");
  ASSERT_EQ(result.status, "succeeded") << (result.error ? result.error->to_string() : "");
  expect_store_equals_truth("google", "2026-06-01", "2026-09-30");
  for (const auto& a : sandbox->accounts("google")) {
    std::string id = a.id, cur = a.currency;
    long long wrong = -1;
    sql() << "SELECT COUNT(*) FROM campaign_daily WHERE account_id = :a AND currency <> :c",
        soci::into(wrong), soci::use(id), soci::use(cur);
    EXPECT_EQ(wrong, 0) << id;
  }
  std::string status;
  long long rows = 0, requests = 0, id = result.run_id;
  sql() << "SELECT status, row_count, request_count FROM sync_runs WHERE id = :id",
      soci::into(status), soci::into(rows), soci::into(requests), soci::use(id);
  EXPECT_EQ(status, "succeeded");
  EXPECT_EQ(rows, result.rows);
  EXPECT_EQ(requests, result.requests);
  EXPECT_GT(requests, 0);

  auto before = daily_table();
  ASSERT_FALSE(before.empty());
  auto second = sync("google", "2026-06-01", "2026-09-30");
  ASSERT_EQ(second.status, "succeeded") << (second.error ? second.error->to_string() : "");
  EXPECT_TRUE(daily_table() == before) << "campaign_daily changed on a re-run of settled days";
}

TEST_F(PostgresPipelineTest, DeadAndSilentRunsAreMarkedInterrupted) {
  expect_interrupted_runs_marked(*db);
}

TEST_F(PostgresPipelineTest, LastRunStartIsTheNewestStart) {
  expect_last_run_start(*db);
}

}  // namespace
}  // namespace connhost::testing
