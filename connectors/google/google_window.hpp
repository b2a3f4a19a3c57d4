// Day arithmetic for campaign_daily: the read window, its chunks, and the state contract of
// connhost/ad_reporting.hpp ("<window_start>..<window_end>@<last_completed_day>").
//
// Days are the account's own days as Google reports them (segments.date); nothing here knows or
// shifts time zones.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::google {

struct DayRange {
  std::string from;  // inclusive, YYYY-MM-DD
  std::string to;    // inclusive
};

// The day after `day` (a valid YYYY-MM-DD).
std::string next_day(std::string_view day);

// [from, to] cut into consecutive ranges of at most `days` days (days >= 1).
std::vector<DayRange> chunk_days(std::string_view from, std::string_view to, int days);

std::string make_state(std::string_view window_start, std::string_view window_end,
                       std::string_view last_completed_day);

// The first day still to read for the window [window_start, window_end] given a stored state:
// the window's start when the state is empty, malformed or of another window; the day after the
// state's last completed day otherwise. Nothing when the state says the window is complete.
std::optional<std::string> resume_from(std::string_view state, std::string_view window_start,
                                       std::string_view window_end);

}  // namespace connhost::google
