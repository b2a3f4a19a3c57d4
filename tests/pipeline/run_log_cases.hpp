#pragma once

// What mark_interrupted_runs must decide, run against whichever store the caller opened
// (SQLite in run_log_test.cpp, PostgreSQL in postgres_test.cpp).

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

#include "pipeline/run_log.hpp"
#include "store/session.hpp"
#include "store/store.hpp"
#include "store/timestamp.hpp"

namespace connhost::testing {

inline void expect_interrupted_runs_marked(store::Store& db) {
  using namespace std::chrono;
  auto now = system_clock::now();
  std::string host = pipeline::run_owner();
  host = host.substr(0, host.rfind(':'));
  // A pid that is certainly gone: a child that has exited and been reaped.
  pid_t dead = fork();
  if (dead == 0) _exit(0);
  int st = 0;
  waitpid(dead, &st, 0);

  struct Case {
    std::string name, owner, heartbeat, expected;
  };
  std::vector<Case> cases = {
      {"mine_alive", pipeline::run_owner(), store::timestamp_at(now - hours(2)), "running"},
      {"mine_dead", host + ":" + std::to_string(dead), store::timestamp_at(now), "interrupted"},
      {"other_fresh", "elsewhere:1", store::timestamp_at(now - minutes(1)), "running"},
      {"other_stale", "elsewhere:2", store::timestamp_at(now - minutes(6)), "interrupted"},
      {"no_owner", "", store::timestamp_at(now), "interrupted"},
  };
  auto& sql = db.session();
  for (auto& c : cases) {
    std::string started = store::timestamp_at(now - hours(3)), running = "running";
    soci::indicator owner_ind = c.owner.empty() ? soci::i_null : soci::i_ok;
    sql << "INSERT INTO sync_runs (pipeline, connection, origin, started_at, status, owner, "
           "heartbeat_at) VALUES (:p, 'c', 'manual', :s, :st, :o, :h)",
        soci::use(c.name), soci::use(started), soci::use(running), soci::use(c.owner, owner_ind),
        soci::use(c.heartbeat);
  }
  // A finished run is never touched, however old its heartbeat.
  std::string old = store::timestamp_at(now - hours(5));
  sql << "INSERT INTO sync_runs (pipeline, connection, origin, started_at, status, owner, "
         "heartbeat_at) VALUES ('finished', 'c', 'manual', :s, 'failed', 'elsewhere:3', :h)",
      soci::use(old), soci::use(old);

  EXPECT_EQ(pipeline::mark_interrupted_runs(db, now, minutes(5)), 3);
  std::map<std::string, std::string> status;
  soci::rowset<soci::row> rows = (sql.prepare << "SELECT pipeline, status FROM sync_runs");
  for (const auto& r : rows) status[r.get<std::string>(0)] = r.get<std::string>(1);
  for (const auto& c : cases) EXPECT_EQ(status[c.name], c.expected) << c.name;
  EXPECT_EQ(status["finished"], "failed");
  std::string error;
  sql << "SELECT error FROM sync_runs WHERE pipeline = 'other_stale'", soci::into(error);
  EXPECT_NE(error.find("no heartbeat from elsewhere:2"), std::string::npos) << error;
  // Marking again finds nothing new.
  EXPECT_EQ(pipeline::mark_interrupted_runs(db, now, minutes(5)), 0);
}

// The newest start of a pipeline's runs, to the second, whatever the backend's timestamp type.
inline void expect_last_run_start(store::Store& db) {
  using namespace std::chrono;
  EXPECT_FALSE(pipeline::last_run_start(db, "never_ran").has_value());
  auto older = sys_seconds(seconds(1'795'000'000)), newer = older + hours(5) + seconds(7);
  for (auto t : {newer, older}) {
    std::string at = store::timestamp_at(t);
    db.session() << "INSERT INTO sync_runs (pipeline, connection, origin, started_at, status) "
                    "VALUES ('ran', 'c', 'schedule', :s, 'succeeded')",
        soci::use(at);
  }
  auto last = pipeline::last_run_start(db, "ran");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(time_point_cast<seconds>(*last), newer);
}

}  // namespace connhost::testing
