#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <latch>
#include <thread>

#include "store/session.hpp"
#include "support/temp_dir.hpp"

namespace connhost::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<int> all_versions() {
  std::vector<int> v;
  for (const auto& m : migrations()) v.push_back(m.version);
  return v;
}

StoreOptions sqlite_at(const std::filesystem::path& path) {
  StoreOptions o;
  o.backend = Backend::sqlite;
  o.sqlite_path = path;
  return o;
}

class StoreSqliteTest : public ::testing::Test {
 protected:
  // A space and an '=' in the path: SOCI parses its connection string, the store must quote.
  connhost::test::TempDir tmp_{"connhost store=test"};
  std::filesystem::path db_ = tmp_.path() / "data dir" / "store.db";
};

TEST_F(StoreSqliteTest, OpenCreatesTheParentDirectoryAndStartsAtVersionZero) {
  auto store = Store::open(sqlite_at(db_));
  EXPECT_TRUE(std::filesystem::is_regular_file(db_));
  EXPECT_EQ(store.backend(), Backend::sqlite);
  EXPECT_THAT(store.description(), HasSubstr(db_.string()));
  EXPECT_EQ(store.schema_version(), 0);
  EXPECT_THAT(store.tables(), IsEmpty());
}

TEST_F(StoreSqliteTest, MigratesFromZeroToLatest) {
  auto store = Store::open(sqlite_at(db_));
  auto report = store.migrate();
  EXPECT_EQ(report.from_version, 0);
  EXPECT_EQ(report.to_version, latest_version());
  EXPECT_EQ(report.applied, all_versions());
  EXPECT_EQ(store.schema_version(), latest_version());
  EXPECT_THAT(
      store.tables(),
      ElementsAre("ad_accounts", "ad_campaigns", "attachments", "campaign_categories",
                  "campaign_daily", "category_overrides", "category_rules", "connections",
                  "consent_log", "contact_attributes", "contact_erasures", "contact_identities",
                  "contact_versions", "contacts", "conversations", "data_generation", "fx_rates",
                  "grants", "inbox_events", "login_sessions", "messages", "profile_syncs",
                  "schedule_slots", "schema_version", "stream_state", "sync_runs", "users", "webhook_deliveries"));

  int rows = 0;
  store.session() << "SELECT COUNT(*) FROM schema_version", soci::into(rows);
  EXPECT_EQ(rows, static_cast<int>(migrations().size()));
  std::string name, applied_at;
  store.session() << "SELECT name, applied_at FROM schema_version WHERE version = 1",
      soci::into(name), soci::into(applied_at);
  EXPECT_EQ(name, "core");
  EXPECT_THAT(applied_at, ::testing::MatchesRegex(
                              "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z"));
}

TEST_F(StoreSqliteTest, SecondMigrateAppliesNothing) {
  Store::open(sqlite_at(db_)).migrate();
  auto store = Store::open(sqlite_at(db_));
  auto report = store.migrate();
  EXPECT_EQ(report.from_version, latest_version());
  EXPECT_EQ(report.to_version, latest_version());
  EXPECT_THAT(report.applied, IsEmpty());
  EXPECT_THAT(store.migrate().applied, IsEmpty());
  int rows = 0;
  store.session() << "SELECT COUNT(*) FROM schema_version", soci::into(rows);
  EXPECT_EQ(rows, static_cast<int>(migrations().size()));
}

TEST_F(StoreSqliteTest, UsesWalForeignKeysAndABusyTimeout) {
  StoreOptions options = sqlite_at(db_);
  options.sqlite_busy_timeout = std::chrono::milliseconds(1234);
  auto store = Store::open(options);
  store.migrate();
  auto& sql = store.session();
  std::string mode;
  sql << "PRAGMA journal_mode", soci::into(mode);
  EXPECT_EQ(mode, "wal");
  int foreign_keys = 0, busy = 0;
  sql << "PRAGMA foreign_keys", soci::into(foreign_keys);
  sql << "PRAGMA busy_timeout", soci::into(busy);
  EXPECT_EQ(foreign_keys, 1);
  EXPECT_EQ(busy, 1234);

  // Not just the pragma: a dangling reference is really refused.
  EXPECT_THROW(sql << "INSERT INTO stream_state (connection, stream, state) "
                      "VALUES ('nope', 'campaigns', '{}')",
               soci::soci_error);
  sql << "INSERT INTO connections (name, plugin) VALUES ('meta_main', 'meta')";
  sql << "INSERT INTO stream_state (connection, stream, state) "
         "VALUES ('meta_main', 'campaigns', '{}')";
  EXPECT_TRUE(std::filesystem::exists(db_.string() + "-wal"));
}

TEST_F(StoreSqliteTest, ConcurrentMigrationsApplyEachMigrationOnce) {
  // Several rounds, each on a fresh file, to give the race a chance to show.
  for (int round = 0; round < 5; ++round) {
    const auto db = tmp_.path() / ("race" + std::to_string(round) + ".db");
    Store::open(sqlite_at(db));  // so that both threads find the file in WAL mode
    std::latch start(2);
    MigrateReport reports[2];
    std::exception_ptr errors[2];
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        try {
          auto store = Store::open(sqlite_at(db));
          start.arrive_and_wait();
          reports[i] = store.migrate();
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (auto& e : errors)
      if (e) std::rethrow_exception(e);
    std::vector<int> applied = reports[0].applied;
    applied.insert(applied.end(), reports[1].applied.begin(), reports[1].applied.end());
    std::sort(applied.begin(), applied.end());
    EXPECT_EQ(applied, all_versions()) << "round " << round;
  }
}

TEST_F(StoreSqliteTest, MigrateRechecksAfterWaitingForTheWriteLock) {
  // Another writer holds the lock and records every migration while this migrate, having read
  // an empty history, waits: it must then apply nothing rather than apply them again.
  auto other = Store::open(sqlite_at(db_));
  auto& sql = other.session();
  sql << std::string(schema_version_table_sql(Backend::sqlite));
  sql << "BEGIN IMMEDIATE";
  auto migrating =
      std::async(std::launch::async, [&] { return Store::open(sqlite_at(db_)).migrate(); });
  struct Release {
    soci::session& sql;
    ~Release() {
      try {
        sql << "ROLLBACK";
      } catch (...) {
      }
    }
  } release{sql};  // after the future, so that it runs first: the future waits for this lock

  EXPECT_EQ(migrating.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  for (const auto& m : migrations()) {
    int version = m.version;
    std::string name(m.name);
    sql << "INSERT INTO schema_version (version, name) VALUES (:v, :n)", soci::use(version),
        soci::use(name);
  }
  sql << "COMMIT";
  auto report = migrating.get();
  EXPECT_THAT(report.applied, IsEmpty());
  EXPECT_EQ(report.to_version, latest_version());
  EXPECT_THAT(other.tables(), ElementsAre("schema_version"));
}

TEST_F(StoreSqliteTest, RefusesADatabaseMigratedByANewerConnhost) {
  auto store = Store::open(sqlite_at(db_));
  store.migrate();
  int future = latest_version() + 1;
  store.session() << "INSERT INTO schema_version (version, name) VALUES (:v, 'future')",
      soci::use(future);
  try {
    store.migrate();
    FAIL() << "migrate accepted a newer schema";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("newer than this connhost"));
    EXPECT_THAT(e.what(), HasSubstr(db_.string()));
  }
}

TEST_F(StoreSqliteTest, RefusesADifferentMigrationHistory) {
  auto store = Store::open(sqlite_at(db_));
  store.migrate();
  store.session() << "UPDATE schema_version SET name = 'something else' WHERE version = 1";
  EXPECT_THROW(
      {
        try {
          store.migrate();
        } catch (const StoreError& e) {
          EXPECT_THAT(e.what(), HasSubstr("'something else'"));
          throw;
        }
      },
      StoreError);
}

TEST_F(StoreSqliteTest, UnwritablePathGivesAClearError) {
  // A regular file where a directory should be: refused even to root, unlike permission bits.
  const auto blocker = tmp_.path() / "not-a-directory";
  std::ofstream(blocker) << "x";
  const auto path = blocker / "sub" / "store.db";
  try {
    Store::open(sqlite_at(path));
    FAIL() << "open succeeded";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot open sqlite store at " + path.string()));
    EXPECT_THAT(e.what(), HasSubstr("cannot create directory"));
    EXPECT_THAT(e.what(), HasSubstr("Not a directory"));
  }
}

TEST_F(StoreSqliteTest, DirectoryAsDatabaseFileGivesAClearError) {
  try {
    Store::open(sqlite_at(tmp_.path()));
    FAIL() << "open succeeded";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot open sqlite store at " + tmp_.path().string()));
  }
}

TEST_F(StoreSqliteTest, CorruptFileGivesAClearError) {
  std::filesystem::create_directories(db_.parent_path());
  std::ofstream(db_) << std::string(8192, 'z');
  try {
    Store::open(sqlite_at(db_));
    FAIL() << "open succeeded";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot open sqlite store at " + db_.string() + ": "));
    EXPECT_THAT(e.what(), HasSubstr("not a database"));
  }
}

TEST(StoreSqliteOptionsTest, EmptyPathIsRefused) {
  EXPECT_THROW(Store::open(StoreOptions{}), StoreError);
}

}  // namespace
}  // namespace connhost::store
