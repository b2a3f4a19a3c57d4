#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/store_open.hpp"
#include "log/logger.hpp"
#include "pipeline/store_options.hpp"
#include "store/backup.hpp"
#include "store/store.hpp"

namespace connhost::cli {

int store_migrate(const GlobalOptions& options) {
  auto ctx = HostContext::open(options);
  if (!ctx.host_errors.empty()) {
    for (const auto& e : ctx.host_errors) std::cerr << e.to_string() << '\n';
    return kExitConfigInvalid;
  }
  store::StoreOptions so;
  std::string description;
  try {
    if (ctx.host) {
      so = pipeline::store_options(*ctx.host);
    } else {
      so.sqlite_path = "data/connhost.db";
      description = " (no config file: the default)";
    }
  } catch (const std::exception& e) {
    std::cerr << "connhost: " << e.what() << '\n';
    return kExitConfigInvalid;
  }
  try {
    auto store = store::Store::open(so);
    auto report = store.migrate();
    std::cout << "store: " << store.description() << description << "\nschema version "
              << report.from_version << " -> " << report.to_version;
    if (report.applied.empty()) {
      std::cout << " (up to date)\n";
    } else {
      std::cout << " (applied";
      for (int v : report.applied) std::cout << ' ' << v;
      std::cout << ")\n";
    }
    std::cout << "tables:";
    for (const auto& t : store.tables()) std::cout << ' ' << t;
    std::cout << '\n';
  } catch (const std::exception& e) {
    std::cerr << "connhost: store migrate failed: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

int store_backup(const GlobalOptions& options, const std::filesystem::path& file) {
  auto ctx = HostContext::open(options);
  if (!ctx.host_errors.empty()) {
    for (const auto& e : ctx.host_errors) std::cerr << e.to_string() << '\n';
    return kExitConfigInvalid;
  }
  if (!ctx.host) {
    std::cerr << "connhost: store backup: no configuration file " << options.config_file
              << "; give the store's with --config\n";
    return kExitUsage;
  }
  try {
    auto store = store::Store::open(pipeline::store_options(*ctx.host));
    if (store.backend() != store::Backend::sqlite) {
      std::cerr << "connhost: store backup copies a SQLite store; back up PostgreSQL with "
                   "pg_dump (docs/operations.md, \"Back up and restore\")\n";
      return kExitUsage;
    }
    auto r = store::backup_sqlite(store, file);
    std::cout << "backup: " << r.file.string() << " (" << r.bytes << " bytes, schema version "
              << r.schema_version << ") of " << store.description() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "connhost: store backup failed: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace connhost::cli
