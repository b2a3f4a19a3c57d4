// The ops endpoints against a store with rows: runs (filters, pages, one run), pipelines (last
// run, next due), connections (secrets by kind only), plugins (loaded and refused).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server_fixture.hpp"
#include "store/session.hpp"
#include "store/timestamp.hpp"

using ::testing::HasSubstr;
using ::testing::Not;

namespace connhost::test {
namespace {

namespace json = boost::json;

class ServerOpsRoutes : public ServerTest {
 protected:
  // Runs as the pipeline runner records them.
  void add_run(const std::string& pipeline, const std::string& started, const std::string& status,
               long long rows, const std::string& error = "") {
    auto s = open_store();
    std::string conn = "conn_a", origin = "schedule", ws = "2026-01-01", we = "2026-01-07";
    soci::indicator err_ind = error.empty() ? soci::i_null : soci::i_ok;
    soci::indicator fin_ind = status == "running" ? soci::i_null : soci::i_ok;
    std::string cat = "quota";
    s.session() << "INSERT INTO sync_runs (pipeline, connection, origin, window_start, window_end, "
                   "started_at, finished_at, status, row_count, request_count, error_category, "
                   "error) VALUES (:p, :c, :o, :ws, :we, :s, :f, :st, :r, 3, :ec, :e)",
        soci::use(pipeline), soci::use(conn), soci::use(origin), soci::use(ws), soci::use(we),
        soci::use(started), soci::use(started, fin_ind), soci::use(status), soci::use(rows),
        soci::use(cat, err_ind), soci::use(error, err_ind);
  }

  void fill() {
    add_run("alpha", "2026-01-01T08:00:00.000Z", "succeeded", 10);
    add_run("beta", "2026-01-01T09:00:00.000Z", "failed", 0, "quota exhausted");
    add_run("alpha", "2026-01-01T10:00:00.000Z", "succeeded", 20);
    add_run("alpha", "2026-01-01T10:20:00.000Z", "running", 5);
  }

  static std::vector<int64_t> ids(const json::value& v) {
    std::vector<int64_t> out;
    for (const auto& r : v.at("runs").as_array()) out.push_back(r.at("id").as_int64());
    return out;
  }
};

TEST_F(ServerOpsRoutes, RunsAreListedNewestFirstWithFiltersAndPages) {
  start();
  fill();
  auto all = json(get("/api/runs"));
  EXPECT_EQ(ids(all), (std::vector<int64_t>{4, 3, 2, 1}));
  EXPECT_EQ(all.at("total"), 4);
  EXPECT_EQ(ids(json(get("/api/runs?pipeline=alpha"))), (std::vector<int64_t>{4, 3, 1}));
  EXPECT_EQ(ids(json(get("/api/runs?status=failed"))), (std::vector<int64_t>{2}));
  EXPECT_EQ(ids(json(get("/api/runs?pipeline=alpha&status=succeeded"))),
            (std::vector<int64_t>{3, 1}));
  auto page = json(get("/api/runs?limit=2&offset=1"));
  EXPECT_EQ(ids(page), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(page.at("total"), 4);
  EXPECT_EQ(page.at("limit"), 2);
  EXPECT_EQ(page.at("offset"), 1);
}

TEST_F(ServerOpsRoutes, OneRunByIdAnd404WithoutIt) {
  start();
  fill();
  auto r = get("/api/runs/2");
  ASSERT_EQ(r.status, 200);
  auto run = json(r);
  EXPECT_EQ(run.at("pipeline"), "beta");
  EXPECT_EQ(run.at("status"), "failed");
  EXPECT_EQ(run.at("error"), "quota exhausted");
  EXPECT_EQ(run.at("error_category"), "quota");
  EXPECT_EQ(run.at("window_start"), "2026-01-01");
  EXPECT_EQ(run.at("started_at"), "2026-01-01T09:00:00.000Z");
  EXPECT_EQ(run.at("requests"), 3);
  auto running = json(get("/api/runs/4"));
  EXPECT_TRUE(running.at("finished_at").is_null());
  EXPECT_TRUE(running.at("error").is_null());
  auto missing = get("/api/runs/99");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_code(missing), "not_found");
}

TEST_F(ServerOpsRoutes, PipelinesShowTheLastRunAndTheNextDueTime) {
  now = *store::parse_timestamp("2026-01-01T10:30:00.000Z");
  start();
  fill();
  auto v = json(get("/api/pipelines"));
  const auto& list = v.at("pipelines").as_array();
  ASSERT_EQ(list.size(), 2u);
  const auto& alpha = list[0];
  EXPECT_EQ(alpha.at("name"), "alpha");
  EXPECT_EQ(alpha.at("connection"), "conn_a");
  EXPECT_EQ(alpha.at("schedule"), "every 1h");
  EXPECT_EQ(alpha.at("lookback"), "7d");
  EXPECT_EQ(alpha.at("lookback_days"), 7);
  EXPECT_EQ(alpha.at("last_run").at("id"), 4);
  // An interval counts from the last start.
  EXPECT_EQ(alpha.at("next_due"), "2026-01-01T11:20:00.000Z");
  EXPECT_EQ(alpha.at("scheduled"), true);
  const auto& beta = list[1];
  EXPECT_EQ(beta.at("last_run").at("status"), "failed");
  EXPECT_TRUE(beta.at("lookback").is_null());
  // A cron line: the next matching minute after now.
  EXPECT_EQ(beta.at("next_due"), "2026-01-01T11:00:00.000Z");
}

TEST_F(ServerOpsRoutes, PipelineThatNeverRanIsDueNow) {
  now = *store::parse_timestamp("2026-03-04T05:06:07.000Z");
  start();
  auto alpha = json(get("/api/pipelines")).at("pipelines").at(0);
  EXPECT_TRUE(alpha.at("last_run").is_null());
  EXPECT_EQ(alpha.at("next_due"), "2026-03-04T05:06:07.000Z");
}

TEST_F(ServerOpsRoutes, ConnectionsShowReferencesByKindNeverTheirValue) {
  start();
  auto r = get("/api/connections");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, Not(HasSubstr("tok-value-never-shown")));
  EXPECT_THAT(r.body, Not(HasSubstr("CONNHOST_SERVER_TEST_TOKEN")));
  auto c = json(r).at("connections").at(0);
  EXPECT_EQ(c.at("name"), "conn_a");
  EXPECT_EQ(c.at("plugin"), "example");
  EXPECT_EQ(c.at("isolation"), "in_process");
  bool saw_token = false, saw_account = false;
  for (const auto& s : c.at("settings").as_array()) {
    if (s.at("key") == "token") {
      saw_token = true;
      EXPECT_EQ(s.at("reference"), "env");
      EXPECT_FALSE(s.as_object().contains("value"));
    }
    if (s.at("key") == "account_id") {
      saw_account = true;
      EXPECT_EQ(s.at("value"), "act_1");
    }
  }
  EXPECT_TRUE(saw_token);
  EXPECT_TRUE(saw_account);
}

TEST_F(ServerOpsRoutes, PluginsListLoadedAndRefusedWithReasons) {
  registry.load_directories({GOOD_PLUGIN_DIR});
  registry.load_file(std::filesystem::path(BROKEN_PLUGIN_DIR) / "broken_no_entry.so");
  start();
  auto v = json(get("/api/plugins"));
  const auto& loaded = v.at("plugins").as_array();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].at("id"), "example");
  EXPECT_EQ(loaded[0].at("version"), "0.1.0");
  EXPECT_EQ(loaded[0].at("capabilities"), json::array{"reporting"});
  EXPECT_THAT(std::string(loaded[0].at("file").as_string()), HasSubstr(GOOD_PLUGIN_DIR));
  const auto& refused = v.at("refused").as_array();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_THAT(std::string(refused[0].at("file").as_string()), HasSubstr("broken_no_entry.so"));
  EXPECT_THAT(std::string(refused[0].at("reason").as_string()), HasSubstr("no entry symbol"));
}

}  // namespace
}  // namespace connhost::test
