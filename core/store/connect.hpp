#pragma once

// Internal to the store: opening and configuring a connection for each backend.

#include <string>

#include "store/store.hpp"

namespace connhost::store::detail {

// Each opens `session` and returns the store's description (see Store::description), or throws
// StoreError saying where it tried to connect and why it failed, without the password.
std::string open_sqlite(soci::session& session, const StoreOptions& options);
std::string open_postgresql(soci::session& session, const StoreOptions& options);

}  // namespace connhost::store::detail
