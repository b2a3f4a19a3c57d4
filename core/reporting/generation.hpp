#pragma once

// What the report cache keys its answers on: the store's data generation
// (store/data_generation.hpp), which every checkpoint of a sync, every recategorization and
// every FX load bumps in its own transaction. One row read; campaign_daily is never scanned.

#include <string>

namespace soci {
class session;
}

namespace connhost::reporting {

std::string data_generation(soci::session& sql);

}  // namespace connhost::reporting
