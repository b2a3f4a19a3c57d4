#pragma once

// The PostgreSQL server of the ctest fixture `postgres` (tests/support/CMakeLists.txt), for the
// tests that declare FIXTURES_REQUIRED postgres. Everything here throws std::runtime_error when
// the server is not there: such a test must fail, never skip.

#include <string>

namespace connhost::test {

// The superuser conninfo, read from the file named by the environment variable
// CONNHOST_TEST_PG_CONNINFO_FILE.
std::string pg_conninfo();
// A role that must authenticate with a password; its conninfo includes the right password.
std::string pg_password_conninfo();

// Runs `sql` (possibly several statements) through libpq.
void pg_execute(const std::string& conninfo, const std::string& sql);

// A database of its own for one test: created on construction, dropped on destruction, so
// tests neither see each other's tables nor depend on their order.
class PgTestDatabase {
 public:
  PgTestDatabase();
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;
  ~PgTestDatabase();

  const std::string& name() const { return name_; }
  // The superuser conninfo with dbname set to this database.
  const std::string& conninfo() const { return conninfo_; }

 private:
  std::string admin_;
  std::string name_;
  std::string conninfo_;
};

}  // namespace connhost::test
