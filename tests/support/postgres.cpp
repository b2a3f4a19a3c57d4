#include "support/postgres.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace connhost::test {
namespace {

std::filesystem::path conninfo_file() {
  const char* file = std::getenv("CONNHOST_TEST_PG_CONNINFO_FILE");
  if (!file || !*file)
    throw std::runtime_error(
        "CONNHOST_TEST_PG_CONNINFO_FILE is not set: run this test through ctest, which starts "
        "the PostgreSQL test server (fixture 'postgres')");
  return file;
}

std::string read_line(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty())
    throw std::runtime_error("cannot read a conninfo from " + file.string() +
                             ": is the PostgreSQL test server running (ctest fixture "
                             "'postgres', scripts/pg-test-server.sh)?");
  return line;
}

}  // namespace

std::string pg_conninfo() {
  return read_line(conninfo_file());
}

std::string pg_password_conninfo() {
  return read_line(conninfo_file().parent_path() / "auth_conninfo");
}

void pg_execute(const std::string& conninfo, const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK)
    throw std::runtime_error("cannot connect to the PostgreSQL test server: " +
                             std::string(PQerrorMessage(conn.get())));
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), sql.c_str()), &PQclear);
  auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw std::runtime_error("PostgreSQL test server: " + sql + ": " +
                             PQresultErrorMessage(result.get()));
}

PgTestDatabase::PgTestDatabase() : admin_(pg_conninfo()) {
  static std::atomic<int> counter{0};
  name_ = "connhost_t_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  pg_execute(admin_, "CREATE DATABASE " + name_);
  // libpq takes the last value of a repeated keyword.
  conninfo_ = admin_ + " dbname=" + name_;
}

PgTestDatabase::~PgTestDatabase() {
  try {
    pg_execute(admin_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
    // The whole server is thrown away by postgres_stop anyway.
  }
}

}  // namespace connhost::test
