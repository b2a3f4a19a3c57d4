#pragma once

// Internal to the store.

#include <string_view>

#include "store/backend.hpp"

namespace soci {
class session;
}

namespace connhost::store::detail {

// Runs SQL that may hold several statements (a migration, BEGIN ...), which SOCI cannot: its
// SQLite backend silently runs only the first statement and PostgreSQL rejects several in a
// prepared statement. Throws std::runtime_error with the driver's message.
void execute_script(soci::session& session, Backend backend, std::string_view sql);

}  // namespace connhost::store::detail
