#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "store/backend.hpp"

namespace connhost::store {

// One numbered schema change. The list lives in migrations.cpp and only ever grows: a released
// migration is never edited, a later one corrects it.
struct Migration {
  int version;
  std::string_view name;
  // Used on both backends when their statements are identical.
  std::string_view sql;
  // Used instead of `sql` on one backend when its types or syntax differ.
  std::string_view sqlite_sql = {};
  std::string_view postgresql_sql = {};

  std::string_view sql_for(Backend backend) const;
};

// Versions 1, 2, 3 ... in order.
std::span<const Migration> migrations();
int latest_version();

// The bookkeeping table schema_version(version, name, applied_at), created before any migration.
std::string_view schema_version_table_sql(Backend backend);

// On PostgreSQL every migration transaction first takes this transaction-level advisory lock, so
// that processes migrating the same database at once apply each migration exactly once. Anything
// else that changes the schema should take it too.
inline constexpr std::int64_t kPostgresMigrationLock = 0x636f6e6e686f7374;  // "connhost"

}  // namespace connhost::store
