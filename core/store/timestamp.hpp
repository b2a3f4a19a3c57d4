#pragma once

#include <chrono>
#include <string>

namespace connhost::store {

// Now, as the text both backends store and compare in timestamp columns:
// ISO-8601 UTC with milliseconds, "2026-11-22T18:53:13.123Z" (see migrations.cpp).
std::string now_timestamp();
std::string timestamp_at(std::chrono::system_clock::time_point t);

}  // namespace connhost::store
