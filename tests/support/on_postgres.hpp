#pragma once

// A SQLite fixture run again on PostgreSQL: `OnPostgres<Fixture>` opens the fixture's store on a
// database of its own (PgTestDatabase) instead. The fixture provides `options` (StoreOptions),
// `db` (std::optional<store::Store>) and a virtual `open_store()`; the test binary needs the
// ctest fixture `postgres`.

#include <memory>

#include "store/store.hpp"
#include "support/postgres.hpp"

namespace connhost::test {

template <class Fixture>
class OnPostgres : public Fixture {
 protected:
  void open_store() override {
    pg = std::make_unique<PgTestDatabase>();
    this->options.backend = store::Backend::postgresql;
    this->options.pg_connection = pg->conninfo();
    this->db.emplace(store::Store::open(this->options));
    this->db->migrate();
  }
  void TearDown() override {
    Fixture::TearDown();  // every connection closes before the database is dropped
    pg.reset();
  }
  std::unique_ptr<PgTestDatabase> pg;
};

}  // namespace connhost::test
