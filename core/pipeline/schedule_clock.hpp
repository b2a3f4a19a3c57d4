#pragma once

// When a pipeline is next due: "every N" periods count from the previous start; cron lines are
// evaluated in UTC, minute by minute, with Vixie cron's rule for the two day fields.

#include <chrono>
#include <optional>

#include "config/schedule.hpp"

namespace connhost::pipeline {

using TimePoint = std::chrono::system_clock::time_point;

// The first due time strictly after `after` (cron), or `last_start + interval` (every; `after`
// itself when the pipeline never ran). Nothing when a cron line can never match (e.g. Feb 30).
std::optional<TimePoint> next_due(const config::Schedule& schedule, TimePoint after,
                                  std::optional<TimePoint> last_start);

}  // namespace connhost::pipeline
