// Account-local days, the campaign_daily state of the ad-reporting contract, and the report
// windows TikTok accepts. Pure functions: no Call, no I/O.
#pragma once

#include <date/date.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::tiktok {

using Day = date::sys_days;

// "YYYY-MM-DD" (exactly that form, a real calendar day), or nothing.
std::optional<Day> parse_day(std::string_view text);
std::string format_day(Day day);

// The state of ad_reporting.hpp: "<window_start>..<window_end>@<last_completed_day>".
std::string make_state(Day window_start, Day window_end, Day last_completed);

// The first day still to read for this window: window_start on a first run, when the state is
// empty or malformed, or when it was written for another window (the contract says to ignore
// it then); the day after the state's last completed day when it is this window's. Past
// window_end means the window is complete.
Day resume_from(std::string_view state, Day window_start, Day window_end);

struct Chunk {
  Day first;
  Day last;  // inclusive
};

// [first, last] cut into consecutive windows of at most max_days days each (inclusive count).
std::vector<Chunk> plan_chunks(Day first, Day last, int max_days);

}  // namespace connhost::tiktok
