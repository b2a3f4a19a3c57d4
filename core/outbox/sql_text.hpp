#pragma once

// The store's timestamp text on either backend (PostgreSQL keeps TIMESTAMPTZ, SQLite the text
// itself), and that text read back into a time point, for the messaging tables.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace soci {
class session;
}

namespace connhost::outbox {

using TimePoint = std::chrono::system_clock::time_point;

bool is_postgres(soci::session& sql);
// A select expression giving `column` as "YYYY-MM-DDTHH:MM:SS.mmmZ" on both backends.
std::string ts(soci::session& sql, std::string_view column);
// "YYYY-MM-DDTHH:MM:SS[.fff]Z"; nullopt for anything else.
std::optional<TimePoint> parse_time(std::string_view text);
std::string format_time(TimePoint t);

}  // namespace connhost::outbox
