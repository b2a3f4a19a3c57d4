#pragma once

// A consistent copy of a SQLite store while the host runs (docs/operations.md, "Back up and
// restore"): `VACUUM INTO` reads one snapshot in a read transaction, so writers on the WAL go on,
// and the copy is compact and holds no freed pages
// (https://www.sqlite.org/lang_vacuum.html#vacuuminto). PostgreSQL stores are backed up with
// pg_dump or the server's own tools, not here.

#include <cstdint>
#include <filesystem>

namespace connhost::store {

class Store;

struct BackupReport {
  std::filesystem::path file;
  std::uintmax_t bytes = 0;
  int schema_version = 0;
};

// Writes the copy to `file`, which must not exist yet (a backup never overwrites one) and whose
// folder must exist. Throws StoreError: on PostgreSQL (naming pg_dump), for an existing file, or
// when SQLite fails.
BackupReport backup_sqlite(Store& store, const std::filesystem::path& file);

}  // namespace connhost::store
