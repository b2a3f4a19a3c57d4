#pragma once

#include <optional>

#include "config/config.hpp"
#include "store/store.hpp"

namespace connhost::cli {

// Opens the store a configuration names, resolving a secret connection string. Throws
// store::StoreError or std::invalid_argument with a message fit for ops.
store::Store open_store(const config::HostConfig& config);
// The store opened and migrated, or nothing after printing why (then `rc` is the exit code).
std::optional<store::Store> open_migrated_store(const config::HostConfig& config, int& rc);

}  // namespace connhost::cli
