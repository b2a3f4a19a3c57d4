#pragma once

// Calendar days for windows and settling: "YYYY-MM-DD" text <-> days since 1970-01-01, and
// today in an account's time zone (the IANA database through Howard Hinnant's date library).

#include <cstdint>
#include <string>
#include <string_view>

namespace connhost::pipeline {

int64_t parse_day(std::string_view yyyy_mm_dd);  // throws std::invalid_argument
std::string format_day(int64_t day);
// Today in the given IANA zone; UTC when the zone is empty or unknown.
int64_t today_in(std::string_view time_zone);
// The first day of the month `months` months before the month of `day`.
int64_t months_back(int64_t day, int months);

}  // namespace connhost::pipeline
