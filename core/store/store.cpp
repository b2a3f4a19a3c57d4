#include "store/store.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string_view>
#include <utility>

#include "log/logger.hpp"
#include "store/connect.hpp"
#include "store/script.hpp"

namespace connhost::store {

struct Store::Impl {
  Backend backend = Backend::sqlite;
  std::string description;
  soci::session sql;
};

namespace {

std::string message_of(const std::exception& e) {
  std::string s = e.what();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

// Runs `f`, turning driver errors into a StoreError that says what was being done and where.
template <class F>
auto guarded(const std::string& description, std::string_view doing, F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& e) {
    throw StoreError("cannot " + std::string(doing) + " (" + description + "): " + message_of(e));
  }
}

// A transaction holding the right to change the schema: SQLite's write lock (taken up front, so
// that two writers cannot both read the old version and then collide), PostgreSQL's migration
// advisory lock. Rolled back unless committed.
class SchemaTransaction {
 public:
  SchemaTransaction(soci::session& sql, Backend backend) : sql_(sql), backend_(backend) {
    detail::execute_script(sql_, backend_,
                           backend_ == Backend::sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
    active_ = true;
    if (backend_ == Backend::postgresql) {
      detail::execute_script(
          sql_, backend_,
          "SELECT pg_advisory_xact_lock(" + std::to_string(kPostgresMigrationLock) + ")");
    }
  }
  SchemaTransaction(const SchemaTransaction&) = delete;
  SchemaTransaction& operator=(const SchemaTransaction&) = delete;
  ~SchemaTransaction() {
    if (!active_) return;
    try {
      detail::execute_script(sql_, backend_, "ROLLBACK");
    } catch (...) {
      // The failure that got us here is the one worth reporting.
    }
  }

  void commit() {
    detail::execute_script(sql_, backend_, "COMMIT");
    active_ = false;
  }

 private:
  soci::session& sql_;
  Backend backend_;
  bool active_ = false;
};

std::vector<std::string> strings_of(soci::session& sql, const std::string& query) {
  std::vector<std::string> out;
  std::string value;
  // The statement dies with this function: on SQLite an unfinished statement keeps its read
  // transaction open.
  soci::statement st = (sql.prepare << query, soci::into(value));
  st.execute();
  while (st.fetch()) out.push_back(value);
  return out;
}

bool has_schema_version_table(soci::session& sql, Backend backend) {
  int count = 0;
  if (backend == Backend::sqlite) {
    sql << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
        soci::into(count);
  } else {
    sql << "SELECT COUNT(*) FROM pg_catalog.pg_tables "
           "WHERE schemaname = current_schema() AND tablename = 'schema_version'",
        soci::into(count);
  }
  return count > 0;
}

std::map<int, std::string> applied_migrations(soci::session& sql) {
  std::map<int, std::string> applied;
  int version = 0;
  std::string name;
  soci::statement st = (sql.prepare << "SELECT version, name FROM schema_version ORDER BY version",
                        soci::into(version), soci::into(name));
  st.execute();
  while (st.fetch()) applied.emplace(version, name);
  return applied;
}

void check_history(const std::string& description, const std::map<int, std::string>& applied) {
  const int latest = latest_version();
  const std::string where = "cannot migrate the store (" + description + "): ";
  if (!applied.empty() && applied.rbegin()->first > latest) {
    throw StoreError(
        where + "the database is at schema version " + std::to_string(applied.rbegin()->first) +
        ", newer than this connhost knows (" + std::to_string(latest) + "): upgrade connhost");
  }
  for (const auto& m : migrations()) {
    auto it = applied.find(m.version);
    if (it != applied.end() && it->second != m.name) {
      throw StoreError(where + "schema_version records migration " + std::to_string(m.version) +
                       " as '" + it->second + "' but this connhost calls it '" +
                       std::string(m.name) + "': the database was migrated by a different build");
    }
  }
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Store Store::open(const StoreOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->backend = options.backend;
  switch (options.backend) {
    case Backend::sqlite:
      impl->description = detail::open_sqlite(impl->sql, options);
      break;
    case Backend::postgresql:
      impl->description = detail::open_postgresql(impl->sql, options);
      break;
  }
  return Store(std::move(impl));
}

MigrateReport Store::migrate() {
  auto& impl = *impl_;
  return guarded(impl.description, "migrate the store", [&] {
    MigrateReport report;
    if (!has_schema_version_table(impl.sql, impl.backend)) {
      // Under the lock too: two PostgreSQL sessions running CREATE TABLE IF NOT EXISTS at once
      // can both decide to create it, and one fails.
      SchemaTransaction tx(impl.sql, impl.backend);
      detail::execute_script(impl.sql, impl.backend, schema_version_table_sql(impl.backend));
      tx.commit();
    }

    auto applied = applied_migrations(impl.sql);
    check_history(impl.description, applied);
    report.from_version = applied.empty() ? 0 : applied.rbegin()->first;

    for (const auto& m : migrations()) {
      if (applied.contains(m.version)) continue;
      SchemaTransaction tx(impl.sql, impl.backend);
      // Another process may have applied it since we looked.
      applied = applied_migrations(impl.sql);
      check_history(impl.description, applied);
      if (applied.contains(m.version)) continue;
      try {
        detail::execute_script(impl.sql, impl.backend, m.sql_for(impl.backend));
        const std::string name(m.name);
        int version = m.version;
        impl.sql << "INSERT INTO schema_version (version, name) VALUES (:version, :name)",
            soci::use(version), soci::use(name);
        tx.commit();
      } catch (const std::exception& e) {
        throw StoreError("cannot migrate the store (" + impl.description + "): migration " +
                         std::to_string(m.version) + " (" + std::string(m.name) +
                         ") failed: " + message_of(e));
      }
      report.applied.push_back(m.version);
      log::info("store: applied migration {} ({})", m.version, m.name);
    }

    report.to_version = schema_version();
    if (!report.applied.empty())
      log::info("store: schema migrated from version {} to {}", report.from_version,
                report.to_version);
    return report;
  });
}

int Store::schema_version() {
  auto& impl = *impl_;
  return guarded(impl.description, "read the schema version", [&] {
    if (!has_schema_version_table(impl.sql, impl.backend)) return 0;
    int version = 0;
    impl.sql << "SELECT COALESCE(MAX(version), 0) FROM schema_version", soci::into(version);
    return version;
  });
}

std::vector<std::string> Store::tables() {
  auto& impl = *impl_;
  return guarded(impl.description, "list the tables", [&] {
    auto names = strings_of(impl.sql, impl.backend == Backend::sqlite
                                          ? "SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                                          : "SELECT tablename FROM pg_catalog.pg_tables "
                                            "WHERE schemaname = current_schema()");
    std::sort(names.begin(), names.end());
    return names;
  });
}

Backend Store::backend() const {
  return impl_->backend;
}

const std::string& Store::description() const {
  return impl_->description;
}

soci::session& Store::session() {
  return impl_->sql;
}

}  // namespace connhost::store
