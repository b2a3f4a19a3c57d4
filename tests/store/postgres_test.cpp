#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <latch>
#include <thread>

#include "log/logger.hpp"
#include "store/session.hpp"
#include "support/postgres.hpp"

namespace connhost::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::vector<int> all_versions() {
  std::vector<int> v;
  for (const auto& m : migrations()) v.push_back(m.version);
  return v;
}

StoreOptions pg(const std::string& conninfo) {
  StoreOptions o;
  o.backend = Backend::postgresql;
  o.pg_connection = conninfo;
  return o;
}

int count_versions(Store& store) {
  int rows = 0;
  store.session() << "SELECT COUNT(*) FROM schema_version", soci::into(rows);
  return rows;
}

class StorePostgresTest : public ::testing::Test {
 protected:
  connhost::test::PgTestDatabase db_;
};

TEST_F(StorePostgresTest, OpensAtVersionZero) {
  auto store = Store::open(pg(db_.conninfo()));
  EXPECT_EQ(store.backend(), Backend::postgresql);
  EXPECT_THAT(store.description(), HasSubstr("dbname=" + db_.name()));
  EXPECT_EQ(store.schema_version(), 0);
  EXPECT_THAT(store.tables(), IsEmpty());
}

TEST_F(StorePostgresTest, MigratesFromZeroToLatest) {
  auto store = Store::open(pg(db_.conninfo()));
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
  EXPECT_EQ(count_versions(store), static_cast<int>(migrations().size()));
}

TEST_F(StorePostgresTest, SecondMigrateAppliesNothing) {
  Store::open(pg(db_.conninfo())).migrate();
  auto store = Store::open(pg(db_.conninfo()));
  auto report = store.migrate();
  EXPECT_EQ(report.from_version, latest_version());
  EXPECT_EQ(report.to_version, latest_version());
  EXPECT_THAT(report.applied, IsEmpty());
  EXPECT_EQ(count_versions(store), static_cast<int>(migrations().size()));
}

TEST_F(StorePostgresTest, EnforcesForeignKeys) {
  auto store = Store::open(pg(db_.conninfo()));
  store.migrate();
  auto& sql = store.session();
  EXPECT_THROW(sql << "INSERT INTO stream_state (connection, stream, state) "
                      "VALUES ('nope', 'campaigns', '{}')",
               soci::soci_error);
  sql << "INSERT INTO connections (name, plugin) VALUES ('meta_main', 'meta')";
  sql << "INSERT INTO stream_state (connection, stream, state) "
         "VALUES ('meta_main', 'campaigns', '{}')";
  sql << "DELETE FROM connections WHERE name = 'meta_main'";
  int left = -1;
  sql << "SELECT COUNT(*) FROM stream_state", soci::into(left);
  EXPECT_EQ(left, 0);
}

TEST_F(StorePostgresTest, ConcurrentMigrationsApplyEachMigrationOnce) {
  // Several rounds, each on a fresh database, to give the race a chance to show.
  for (int round = 0; round < 3; ++round) {
    connhost::test::PgTestDatabase db;
    std::latch start(2);
    MigrateReport reports[2];
    std::exception_ptr errors[2];
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        try {
          auto store = Store::open(pg(db.conninfo()));
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
    EXPECT_EQ(reports[0].to_version, latest_version());
    EXPECT_EQ(reports[1].to_version, latest_version());
    auto store = Store::open(pg(db.conninfo()));
    EXPECT_EQ(count_versions(store), static_cast<int>(migrations().size()));
  }
}

TEST_F(StorePostgresTest, MigrateWaitsForTheMigrationLock) {
  // Deterministic counterpart of the race above: while another session holds the lock, migrate
  // must not touch the schema.
  auto holder = Store::open(pg(db_.conninfo()));
  auto& sql = holder.session();
  sql << "BEGIN";
  int locked = 0;
  sql << "SELECT 1 FROM (SELECT pg_advisory_xact_lock(" << kPostgresMigrationLock << ")) AS l",
      soci::into(locked);
  ASSERT_EQ(locked, 1);

  auto migrating =
      std::async(std::launch::async, [&] { return Store::open(pg(db_.conninfo())).migrate(); });
  // Declared after the future so that it runs first: the future's destructor waits for the
  // migration, which waits for this lock.
  struct Release {
    soci::session& sql;
    ~Release() {
      try {
        sql << "ROLLBACK";
      } catch (...) {
      }
    }
  } release{sql};

  EXPECT_EQ(migrating.wait_for(std::chrono::milliseconds(500)), std::future_status::timeout);
  EXPECT_THAT(holder.tables(), IsEmpty());

  sql << "COMMIT";
  auto report = migrating.get();
  EXPECT_EQ(report.applied, all_versions());
}

TEST_F(StorePostgresTest, MigrateRechecksAfterWaitingForTheLock) {
  // Another process holds the lock and records every migration while this migrate, having read
  // an empty history, waits: it must then apply nothing rather than apply them again.
  auto other = Store::open(pg(db_.conninfo()));
  auto& sql = other.session();
  sql << std::string(schema_version_table_sql(Backend::postgresql));
  sql << "BEGIN";
  int locked = 0;
  sql << "SELECT 1 FROM (SELECT pg_advisory_xact_lock(" << kPostgresMigrationLock << ")) AS l",
      soci::into(locked);
  auto migrating =
      std::async(std::launch::async, [&] { return Store::open(pg(db_.conninfo())).migrate(); });
  struct Release {
    soci::session& sql;
    ~Release() {
      try {
        sql << "ROLLBACK";
      } catch (...) {
      }
    }
  } release{sql};  // after the future, so that it runs first: the future waits for this lock

  EXPECT_EQ(migrating.wait_for(std::chrono::milliseconds(500)), std::future_status::timeout);
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

TEST_F(StorePostgresTest, ConnectsWithAPassword) {
  auto store = Store::open(pg(connhost::test::pg_password_conninfo()));
  EXPECT_EQ(store.schema_version(), 0);
  EXPECT_THAT(store.description(), Not(HasSubstr("password")));
}

TEST_F(StorePostgresTest, WrongPasswordErrorDoesNotContainThePassword) {
  const std::string password = "Wr0ngButSecretPassw0rd";
  const std::string conninfo = connhost::test::pg_password_conninfo() + " password=" + password;
  auto captured = log::capture();
  try {
    Store::open(pg(conninfo));
    FAIL() << "open succeeded with a wrong password";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot connect to postgresql (host=127.0.0.1, port="));
    EXPECT_THAT(e.what(), HasSubstr("dbname=connhost_test, user=connhost_auth"));
    EXPECT_THAT(e.what(), HasSubstr("password authentication failed"));
    EXPECT_THAT(e.what(), Not(HasSubstr(password)));
  }
  EXPECT_THAT(captured.text(), Not(HasSubstr(password)));
}

TEST(StorePostgresErrorTest, ConnectionFailureNamesTheServerButNotThePassword) {
  const std::string password = "S3cretThatMustNotLeak";
  // Port 1 on loopback: refused at once, no server needed.
  const std::vector<std::string> conninfos = {
      "host=127.0.0.1 port=1 dbname=ads user=etl password=" + password,
      "host=127.0.0.1 port=1 dbname=ads user=etl password='" + password + " with spaces'",
      "postgresql://etl:" + password + "@127.0.0.1:1/ads",
  };
  for (const auto& conninfo : conninfos) {
    try {
      Store::open(pg(conninfo));
      ADD_FAILURE() << "open succeeded";
    } catch (const StoreError& e) {
      EXPECT_THAT(e.what(),
                  HasSubstr("cannot connect to postgresql (host=127.0.0.1, port=1, dbname=ads"));
      EXPECT_THAT(e.what(), Not(HasSubstr(password)));
      EXPECT_THAT(e.what(), Not(HasSubstr("with spaces")));
    }
  }
}

TEST(StorePostgresErrorTest, InvalidConnectionStringDoesNotEchoThePassword) {
  const std::string password = "S3cretThatMustNotLeak";
  for (const std::string& conninfo :
       {"host=127.0.0.1 password=" + password + " nonsense", "host=h password " + password,
        "host=h password='" + password, "sslmode=bogus password=" + password}) {
    try {
      Store::open(pg(conninfo));
      ADD_FAILURE() << "open succeeded";
    } catch (const StoreError& e) {
      EXPECT_THAT(e.what(), HasSubstr("cannot connect to postgresql"));
      EXPECT_THAT(e.what(), Not(HasSubstr(password)));
    }
  }
}

}  // namespace
}  // namespace connhost::store
