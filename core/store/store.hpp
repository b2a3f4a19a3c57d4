#pragma once

// The host's database: SQLite (embedded default) or PostgreSQL (production, scale-out), both
// through SOCI, with the same numbered migrations. SOCI stays out of this header; code that
// needs the SOCI session includes store/session.hpp.

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/backend.hpp"
#include "store/migrations.hpp"

namespace soci {
class session;
}

namespace connhost::store {

// Every failure of the store. Messages say what was attempted and where, and never contain a
// password.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StoreOptions {
  Backend backend = Backend::sqlite;
  // The database file; its parent directory is created when missing.
  std::filesystem::path sqlite_path;
  // How long a SQLite writer waits for another process's write lock before failing.
  std::chrono::milliseconds sqlite_busy_timeout{5000};
  // A libpq conninfo, "key=value ..." or a postgresql:// URI. It may hold a password: the store
  // registers it with the log's secret mask and keeps it out of every message.
  std::string pg_connection;
};

struct MigrateReport {
  int from_version = 0;
  int to_version = 0;
  // The versions this call applied, in order; empty when the schema was already current.
  std::vector<int> applied;
};

// One connection to the database. Not thread-safe: use one Store per thread.
class Store {
 public:
  // Connects and configures the connection (SQLite: WAL, foreign keys, busy timeout). Does not
  // migrate. Throws StoreError.
  static Store open(const StoreOptions& options);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  // Applies every migration not yet recorded in schema_version, in order, each in its own
  // transaction together with its schema_version row. Safe to run concurrently from several
  // processes on one database: each migration is applied once. Throws StoreError, also when the
  // database was migrated by a newer connhost or its history differs from migrations().
  MigrateReport migrate();

  // The highest applied migration; 0 on a database never migrated.
  int schema_version();

  // The tables of the store (including schema_version), sorted by name.
  std::vector<std::string> tables();

  Backend backend() const;

  // Which database this is, for messages: "sqlite /path/store.db" or "postgresql host=...,
  // port=..., dbname=..., user=..." (never the password).
  const std::string& description() const;

  // The underlying SOCI session, for the modules built on the store; see store/session.hpp.
  soci::session& session();

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace connhost::store
