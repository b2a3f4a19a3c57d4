#include "pipeline/scheduler.hpp"

#include <map>
#include <optional>
#include <thread>

#include "log/logger.hpp"
#include "pipeline/schedule_clock.hpp"

namespace connhost::pipeline {
namespace {

// Login and messaging pipelines have nothing to run on a clock: sign-ins and webhooks drive them.
bool scheduled(const config::Pipeline& p) {
  return (p.capability == "reporting" || p.capability == "profile") && !p.schedule.empty();
}

}  // namespace

Scheduler::Scheduler(Runner& runner, const config::HostConfig& config)
    : runner_(runner), config_(config) {
  for (const auto& p : config_.pipelines)
    if (scheduled(p)) plan_.push_back({p.name, p.schedule});
}

int Scheduler::run(const std::atomic<bool>& stop, std::chrono::milliseconds tick) {
  struct Entry {
    const config::Pipeline* pipeline;
    config::Schedule schedule;
    std::optional<TimePoint> last_start;
    std::optional<TimePoint> due;
  };
  std::vector<Entry> entries;
  auto now = std::chrono::system_clock::now();
  for (const auto& p : config_.pipelines) {
    if (!scheduled(p)) continue;
    auto parsed = config::parse_schedule(p.schedule);
    if (!parsed.schedule) continue;  // the config validator already refused it
    // An interval counts from the newest recorded start (of any host or origin), so a restart
    // does not run everything again at once; a pipeline that never ran is due now, and a cron
    // pipeline waits for its minute.
    Entry e{&p, *parsed.schedule, runner_.last_start(p.name), std::nullopt};
    e.due = next_due(e.schedule, now, e.last_start);
    entries.push_back(e);
  }
  int runs = 0;
  while (!stop) {
    Entry* next = nullptr;
    for (auto& e : entries)
      if (e.due && (!next || *e.due < *next->due)) next = &e;
    if (!next) {
      log::warn("scheduler: no scheduled reporting or profile pipelines; idle");
      while (!stop) std::this_thread::sleep_for(tick);
      break;
    }
    now = std::chrono::system_clock::now();
    if (*next->due > now) {
      std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(tick, *next->due - now));
      continue;
    }
    auto started = std::chrono::system_clock::now();
    log::info("scheduler: {} is due ({})", next->pipeline->name, next->pipeline->schedule);
    try {
      RunOptions o;
      o.origin = "schedule";
      auto r = runner_.run(*next->pipeline, o);
      if (r.profile)
        log::info("scheduler: {} run {} {}: {} synced, {} unchanged, {} failed, {} skipped{}",
                  next->pipeline->name, r.run_id, r.status, r.profile->synced, r.profile->unchanged,
                  r.profile->failed, r.profile->skipped,
                  r.error ? " (" + r.error->to_string() + ")" : "");
      else
        log::info("scheduler: {} run {} {}: {} rows, {} requests{}", next->pipeline->name, r.run_id,
                  r.status, r.rows, r.requests, r.error ? " (" + r.error->to_string() + ")" : "");
    } catch (const AlreadyRunning& ex) {
      // Started through the API meanwhile: that run covers this turn.
      log::info("scheduler: {}; skipped this turn", ex.what());
    } catch (const std::exception& ex) {
      log::error("scheduler: {} cannot run: {}", next->pipeline->name, ex.what());
    }
    ++runs;
    next->last_start = started;
    next->due = next_due(next->schedule, std::chrono::system_clock::now(), next->last_start);
  }
  return runs;
}

}  // namespace connhost::pipeline
