#include "store/backup.hpp"

#include <system_error>

#include "store/session.hpp"
#include "store/store.hpp"

namespace connhost::store {

BackupReport backup_sqlite(Store& store, const std::filesystem::path& file) {
  if (store.backend() != Backend::sqlite)
    throw StoreError(
        "store backup copies a SQLite store; back up PostgreSQL with pg_dump (or your server's "
        "base backups): docs/operations.md, \"Back up and restore\"");
  std::error_code ec;
  if (std::filesystem::exists(file, ec))
    throw StoreError("backup file " + file.string() +
                     " already exists; a backup never overwrites one: choose a new name");
  auto parent = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(parent, ec))
    throw StoreError("cannot write backup " + file.string() + ": no folder " + parent.string());
  BackupReport out;
  out.file = std::filesystem::absolute(file, ec);
  if (ec) out.file = file;
  out.schema_version = store.schema_version();
  try {
    // The file name is bound, never spliced into the statement.
    std::string target = out.file.string();
    store.session() << "VACUUM INTO :f", soci::use(target);
  } catch (const std::exception& e) {
    std::filesystem::remove(out.file, ec);  // never leave half a copy that looks like a backup
    throw StoreError("backup to " + out.file.string() + " failed: " + e.what());
  }
  out.bytes = std::filesystem::file_size(out.file, ec);
  return out;
}

}  // namespace connhost::store
