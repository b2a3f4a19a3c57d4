#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "log/logger.hpp"
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
  if (ctx.host) {
    const auto& s = ctx.host->store;
    if (s.backend == "postgresql") {
      so.backend = store::Backend::postgresql;
      if (s.url_secret) {
        auto resolved = config::resolve_secret(*s.url_secret);
        if (!resolved.value) {
          std::cerr << "connhost: store url: " << resolved.error << '\n';
          return kExitConfigInvalid;
        }
        so.pg_connection = *resolved.value;
      } else {
        so.pg_connection = s.url;
      }
      description = "postgresql";
    } else {
      so.sqlite_path = s.sqlite_path;
      description = "sqlite " + s.sqlite_path.string();
    }
  } else {
    so.sqlite_path = "data/connhost.db";
    description = "sqlite data/connhost.db (no config file: the default)";
  }
  try {
    auto store = store::Store::open(so);
    auto report = store.migrate();
    std::cout << "store: " << description << "\nschema version " << report.from_version << " -> "
              << report.to_version;
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

}  // namespace connhost::cli
