#pragma once

// The store's timestamp text ("2026-11-22T18:53:13.123Z", store/timestamp.hpp) read back into a
// time point, and time points written the same way, so the API shows one format throughout.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace connhost::server {

using TimePoint = std::chrono::system_clock::time_point;

// "YYYY-MM-DDTHH:MM:SS[.fff]Z" (also with a space for the 'T' and "+00" / "+00:00" for the 'Z').
std::optional<TimePoint> parse_timestamp(std::string_view text);
std::string format_timestamp(TimePoint t);

}  // namespace connhost::server
