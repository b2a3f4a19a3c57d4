#pragma once

// The store's data generation: a counter that every writer of what the reports read (synced
// rows, categories, FX rates) bumps inside its own transaction. A report computed at generation
// N is still right while the counter reads N, whichever process or host wrote since.

#include <cstdint>

namespace soci {
class session;
}

namespace connhost::store {

// Call inside the writer's transaction, so the bump commits (or rolls back) with the data.
void bump_data_generation(soci::session& sql);
int64_t data_generation(soci::session& sql);

}  // namespace connhost::store
