#include "cli/store_open.hpp"

#include <iostream>
#include <stdexcept>

#include "cli/exit_codes.hpp"
#include "pipeline/store_options.hpp"

namespace connhost::cli {

store::Store open_store(const config::HostConfig& config) {
  return store::Store::open(pipeline::store_options(config));
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
