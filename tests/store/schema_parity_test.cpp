#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "catalog.hpp"
#include "store/session.hpp"
#include "support/postgres.hpp"
#include "support/temp_dir.hpp"

namespace connhost::store {
namespace {

// The point of keeping two SQL texts per migration in step: a module written against one
// backend sees the same tables, columns, NOT NULLs and keys on the other.
TEST(StoreSchemaParityTest, BothBackendsHaveTheSameTablesAndColumns) {
  connhost::test::TempDir tmp;
  StoreOptions lite;
  lite.sqlite_path = tmp.path() / "store.db";
  auto sqlite = Store::open(lite);
  sqlite.migrate();

  connhost::test::PgTestDatabase db;
  StoreOptions pgo;
  pgo.backend = Backend::postgresql;
  pgo.pg_connection = db.conninfo();
  auto postgres = Store::open(pgo);
  postgres.migrate();

  const auto tables = sqlite.tables();
  ASSERT_EQ(tables, postgres.tables());
  for (const auto& table : tables) {
    const auto sqlite_columns = test::columns(sqlite, table);
    EXPECT_FALSE(sqlite_columns.empty()) << table;
    EXPECT_EQ(sqlite_columns, test::columns(postgres, table)) << "table " << table;
  }
}

}  // namespace
}  // namespace connhost::store
