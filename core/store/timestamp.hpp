#pragma once

// Timestamps as the store keeps and the API shows them: ISO-8601 UTC with milliseconds,
// "2026-11-22T18:53:13.123Z". SQLite stores that text; PostgreSQL keeps TIMESTAMPTZ, and
// timestamp_column reads it back as the same text, so every module sees one format on both
// backends (see migrations.cpp).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace soci {
class session;
}

namespace connhost::store {

std::string now_timestamp();
std::string timestamp_at(std::chrono::system_clock::time_point t);

// "YYYY-MM-DDTHH:MM:SS[.fff]Z" (also with a space for the 'T' and "+00" / "+00:00" or nothing
// for the 'Z') as a time point; nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text);

// Whether the session is a PostgreSQL one (else SQLite).
bool is_postgresql(soci::session& sql);
// A select expression giving timestamp `column` as the store's text on the session's backend.
std::string timestamp_column(soci::session& sql, std::string_view column);

}  // namespace connhost::store
