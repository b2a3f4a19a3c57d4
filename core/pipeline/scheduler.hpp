#pragma once

// Runs the reporting and profile pipelines that have a schedule, each when it is due, until told to
// stop. One run at a time per host; a pipeline that never ran is due at once, an interval otherwise
// counts from its newest recorded start (of any host or origin), a cron line's minutes from the
// newest slot.
//
// Each due run is a slot in the database (schedule_lease.hpp), claimed before it runs, so that
// several hosts on one database run every slot once between them, and a slot whose host died is
// taken over once its lease expired. The scheduler keeps a database session of its own for the
// slots, opened from the configuration's [store].

#include <atomic>
#include <functional>
#include <string>

#include "config/config.hpp"
#include "pipeline/runner.hpp"

namespace connhost::pipeline {

class Scheduler {
 public:
  Scheduler(Runner& runner, const config::HostConfig& config);

  // Blocks until `stop` becomes true (checked at least every `tick`). Returns the number of runs.
  int run(const std::atomic<bool>& stop, std::chrono::milliseconds tick = std::chrono::seconds(1));

  // What the scheduler would do: pipeline name and next due time, for `connhost run --dry-run`
  // and logs.
  struct Plan {
    std::string pipeline;
    std::string schedule;
  };
  const std::vector<Plan>& plan() const { return plan_; }

 private:
  Runner& runner_;
  const config::HostConfig& config_;
  std::vector<Plan> plan_;
};

}  // namespace connhost::pipeline
