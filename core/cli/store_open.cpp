#include "cli/store_open.hpp"

#include <iostream>
#include <stdexcept>

#include "cli/exit_codes.hpp"
#include "config/secret.hpp"

namespace connhost::cli {

store::StoreOptions store_options(const config::HostConfig& config) {
  store::StoreOptions so;
  const auto& s = config.store;
  if (s.backend == "postgresql") {
    so.backend = store::Backend::postgresql;
    if (s.url_secret) {
      auto resolved = config::resolve_secret(*s.url_secret);
      if (!resolved.value) throw std::invalid_argument("store url: " + resolved.error);
      so.pg_connection = *resolved.value;
    } else {
      so.pg_connection = s.url;
    }
  } else {
    so.sqlite_path = s.sqlite_path;
  }
  return so;
}

store::Store open_store(const config::HostConfig& config) {
  return store::Store::open(store_options(config));
}

std::optional<store::Store> open_migrated_store(const config::HostConfig& config, int& rc) {
  try {
    auto store = open_store(config);
    store.migrate();
    return store;
  } catch (const std::exception& e) {
    std::cerr << "connhost: " << e.what() << '\n';
    rc = kExitFailure;
    return std::nullopt;
  }
}

}  // namespace connhost::cli
