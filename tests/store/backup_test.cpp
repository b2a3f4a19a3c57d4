// `store backup` (store/backup.hpp): a copy taken while another connection holds an open write
// transaction has every committed row and none of the uncommitted one, opens as a store at the
// latest schema, and an existing file is never overwritten; PostgreSQL is refused naming pg_dump.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "store/backup.hpp"
#include "store/session.hpp"
#include "store/store.hpp"
#include "support/postgres.hpp"
#include "support/temp_dir.hpp"

namespace connhost::store {
namespace {

using ::testing::HasSubstr;

StoreOptions sqlite_at(const std::filesystem::path& path) {
  StoreOptions o;
  o.backend = Backend::sqlite;
  o.sqlite_path = path;
  return o;
}

int64_t count_contacts(Store& s, const std::string& name) {
  int64_t n = 0;
  s.session() << "SELECT COUNT(*) FROM contacts WHERE display_name = :n", soci::use(name),
      soci::into(n);
  return n;
}

void add_contact(Store& s, const std::string& name) {
  s.session() << "INSERT INTO contacts (display_name, created_at, updated_at) VALUES (:n, "
                 "'2026-11-23T00:00:00.000Z', '2026-11-23T00:00:00.000Z')",
      soci::use(name);
}

TEST(StoreBackupTest, ACopyWhileAWriterIsBusyHoldsWhatWasCommittedAndOpensAtTheLatestSchema) {
  connhost::test::TempDir tmp{"connhost-backup"};
  auto live = Store::open(sqlite_at(tmp.path() / "store.db"));
  live.migrate();
  add_contact(live, "committed before");

  // Another host's transaction, open across the backup: its row is not in the copy, and the
  // backup does not wait for it (WAL readers do not block on writers).
  auto writer = Store::open(sqlite_at(tmp.path() / "store.db"));
  soci::transaction tx(writer.session());
  add_contact(writer, "not yet committed");

  auto report = backup_sqlite(live, tmp.path() / "copy.db");
  tx.commit();
  EXPECT_EQ(report.schema_version, latest_version());
  EXPECT_GT(report.bytes, 0u);
  EXPECT_EQ(report.file, std::filesystem::absolute(tmp.path() / "copy.db"));

  auto copy = Store::open(sqlite_at(tmp.path() / "copy.db"));
  EXPECT_EQ(copy.schema_version(), latest_version());
  EXPECT_TRUE(copy.migrate().applied.empty());
  EXPECT_EQ(count_contacts(copy, "committed before"), 1);
  EXPECT_EQ(count_contacts(copy, "not yet committed"), 0);
  EXPECT_EQ(count_contacts(live, "not yet committed"), 1);
}

TEST(StoreBackupTest, AnExistingFileIsNeverOverwritten) {
  connhost::test::TempDir tmp{"connhost-backup"};
  auto live = Store::open(sqlite_at(tmp.path() / "store.db"));
  live.migrate();
  std::ofstream(tmp.path() / "old.db") << "an older backup";
  try {
    backup_sqlite(live, tmp.path() / "old.db");
    FAIL() << "an existing file was accepted";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("already exists"));
  }
  std::ifstream in(tmp.path() / "old.db");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "an older backup");
  EXPECT_THROW(backup_sqlite(live, tmp.path() / "no such folder" / "b.db"), StoreError);
}

TEST(StoreBackupTest, PostgresIsRefusedNamingPgDump) {
  connhost::test::TempDir tmp{"connhost-backup"};
  connhost::test::PgTestDatabase pg;
  StoreOptions o;
  o.backend = Backend::postgresql;
  o.pg_connection = pg.conninfo();
  {
    auto store = Store::open(o);
    try {
      backup_sqlite(store, tmp.path() / "pg.db");
      FAIL() << "a PostgreSQL store was copied";
    } catch (const StoreError& e) {
      EXPECT_THAT(e.what(), HasSubstr("pg_dump"));
    }
  }
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "pg.db"));
}

}  // namespace
}  // namespace connhost::store
