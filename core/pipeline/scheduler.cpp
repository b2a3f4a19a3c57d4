#include "pipeline/scheduler.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "log/logger.hpp"
#include "pipeline/run_log.hpp"
#include "pipeline/schedule_clock.hpp"
#include "pipeline/schedule_lease.hpp"
#include "pipeline/store_options.hpp"
#include "store/timestamp.hpp"

namespace connhost::pipeline {
namespace {

// Login and messaging pipelines have nothing to run on a clock: sign-ins and webhooks drive them.
bool scheduled(const config::Pipeline& p) {
  return (p.capability == "reporting" || p.capability == "profile") && !p.schedule.empty();
}

struct Entry {
  const config::Pipeline* pipeline;
  config::Schedule schedule;
  // A claim refused (the slot exists, or another host runs this pipeline): not tried again
  // before this, so that the loop does not spin on it.
  TimePoint blocked_until{};
  // Cron lines: the last key computed and what it was computed after, so that a rare line is not
  // searched minute by minute on every tick.
  std::optional<TimePoint> cron_after, cron_key;
};

}  // namespace

Scheduler::Scheduler(Runner& runner, const config::HostConfig& config)
    : runner_(runner), config_(config) {
  for (const auto& p : config_.pipelines)
    if (scheduled(p)) plan_.push_back({p.name, p.schedule});
}

int Scheduler::run(const std::atomic<bool>& stop, std::chrono::milliseconds tick) {
  const auto started = std::chrono::system_clock::now();
  std::vector<Entry> entries;
  std::vector<std::string> names;
  for (const auto& p : config_.pipelines) {
    if (!scheduled(p)) continue;
    auto parsed = config::parse_schedule(p.schedule);
    if (!parsed.schedule) continue;  // the config validator already refused it
    entries.push_back({&p, *parsed.schedule});
    names.push_back(p.name);
  }
  if (entries.empty()) {
    log::warn("scheduler: no scheduled reporting or profile pipelines; idle");
    while (!stop) std::this_thread::sleep_for(tick);
    return 0;
  }
  const std::chrono::milliseconds ttl = std::chrono::seconds(config_.schedule_lease_seconds);

  // The slots' session: used by this thread and by the lease renewals while a run goes on.
  std::mutex lease_mutex;
  std::optional<store::Store> lease_store;
  std::optional<ScheduleLease> lease;
  bool db_failing = false;

  // Where the pipeline's next slot is: the key every host computes alike from the database.
  // Nothing when a cron line can never match.
  auto due_key = [&](Entry& e, TimePoint now) -> std::optional<TimePoint> {
    auto latest = lease->latest_due(e.pipeline->name);
    if (e.schedule.kind == config::Schedule::Kind::every) {
      // An interval counts from the newest recorded start, so a restart or a manual run moves
      // it as on one host; and from the newest slot, so that a slot that recorded no run (the
      // pipeline could not start) is not due again at once. Never ran: the first slot.
      auto anchor = runner_.last_start(e.pipeline->name);
      if (latest && (!anchor || *latest > *anchor)) anchor = latest;
      return anchor ? *anchor + e.schedule.interval : kFirstSlot;
    }
    // A cron line's minutes after the newest slot (or this host's start: a cron pipeline waits
    // for its minute), caught up to the newest one that has passed.
    TimePoint after = latest ? std::max(*latest, started) : started;
    if (!e.cron_after || *e.cron_after != after || (e.cron_key && *e.cron_key <= now)) {
      auto key = next_due(e.schedule, after, std::nullopt);
      while (key && *key <= now) {
        auto n = next_due(e.schedule, *key, std::nullopt);
        if (!n || *n > now) break;
        key = n;
      }
      e.cron_after = after;
      e.cron_key = key;
    }
    return e.cron_key;
  };

  int runs = 0;
  auto execute = [&](const config::Pipeline& p, const Slot& slot) {
    std::string due = store::timestamp_at(slot.due_at);
    if (slot.attempts > 1)
      log::warn("scheduler: {} slot {} taken over from {} (its lease expired); running it again",
                p.name, due, slot.taken_over_from);
    else
      log::info("scheduler: {} is due ({}), slot {}", p.name, p.schedule, due);
    std::optional<int64_t> run_id;
    std::string note;
    {
      // Renewed at a third of the lease, so that two missed renewals in a row still leave it
      // held.
      Heartbeat renewal(
          [&] {
            std::lock_guard l(lease_mutex);
            if (!lease->renew(slot))
              log::error(
                  "scheduler: {} slot {}: the lease is lost (another host took it over "
                  "after it expired); this run goes on, the slot is the new owner's",
                  p.name, due);
          },
          std::max(std::chrono::milliseconds(100), ttl / 3));
      try {
        RunOptions o;
        o.origin = "schedule";
        o.on_started = [&](int64_t id) {
          run_id = id;
          try {
            std::lock_guard l(lease_mutex);
            lease->link_run(slot, id);
          } catch (const std::exception& e) {
            log::warn("scheduler: {} slot {}: run {} not linked to it: {}", p.name, due, id,
                      e.what());
          }
        };
        auto r = runner_.run(p, o);
        note = r.status;
        if (r.profile)
          log::info("scheduler: {} run {} {}: {} synced, {} unchanged, {} failed, {} skipped{}",
                    p.name, r.run_id, r.status, r.profile->synced, r.profile->unchanged,
                    r.profile->failed, r.profile->skipped,
                    r.error ? " (" + r.error->to_string() + ")" : "");
        else
          log::info("scheduler: {} run {} {}: {} rows, {} requests{}", p.name, r.run_id, r.status,
                    r.rows, r.requests, r.error ? " (" + r.error->to_string() + ")" : "");
      } catch (const AlreadyRunning& ex) {
        // Started through the API meanwhile: that run covers this slot.
        log::info("scheduler: {}; skipped this turn", ex.what());
        if (ex.run_id() > 0) run_id = ex.run_id();
        note = "covered by a run already going on";
      } catch (const std::exception& ex) {
        log::error("scheduler: {} cannot run: {}", p.name, ex.what());
        note = std::string("cannot run: ") + ex.what();
      }
    }
    ++runs;
    try {
      std::lock_guard l(lease_mutex);
      if (!lease->finish(slot, run_id, note))
        log::warn(
            "scheduler: {} slot {} was taken over by another host while it ran; its done "
            "is the new owner's",
            p.name, due);
    } catch (const std::exception& e) {
      // Left claimed: another host runs it again once the lease expires.
      log::error("scheduler: {} slot {} not marked done: {}", p.name, due, e.what());
    }
  };

  while (!stop) {
    auto now = std::chrono::system_clock::now();
    try {
      if (!lease) {
        lease_store.emplace(store::Store::open(store_options(config_)));
        lease.emplace(*lease_store, run_owner(), ttl);
        if (db_failing) log::info("scheduler: the store answers again");
        db_failing = false;
      }
      // A dead host's slot first: it is overdue.
      std::optional<Slot> taken;
      {
        std::lock_guard l(lease_mutex);
        taken = lease->take_over_expired(names);
      }
      if (taken) {
        for (auto& e : entries)
          if (e.pipeline->name == taken->pipeline) execute(*e.pipeline, *taken);
        continue;
      }
      Entry* next = nullptr;
      std::optional<TimePoint> next_key;
      for (auto& e : entries) {
        if (e.blocked_until > now) continue;
        std::optional<TimePoint> key;
        {
          std::lock_guard l(lease_mutex);
          key = due_key(e, now);
        }
        if (key && (!next_key || *key < *next_key)) next = &e, next_key = key;
      }
      if (!next || *next_key > now) {
        auto wait = next ? std::min<std::chrono::nanoseconds>(tick, *next_key - now) : tick;
        std::this_thread::sleep_for(wait);
        continue;
      }
      bool mine = false;
      {
        std::lock_guard l(lease_mutex);
        mine = lease->claim(next->pipeline->name, *next_key);
      }
      if (!mine) {
        log::debug("scheduler: {} slot {} is another host's", next->pipeline->name,
                   store::timestamp_at(*next_key));
        next->blocked_until = now + tick;
        continue;
      }
      execute(*next->pipeline, Slot{next->pipeline->name, *next_key, 1, ""});
    } catch (const std::exception& e) {
      // The store is down or the connection broke: reopened on the next turn.
      if (!db_failing) log::error("scheduler: the store fails: {}; retrying every tick", e.what());
      db_failing = true;
      lease.reset();
      lease_store.reset();
      std::this_thread::sleep_for(tick);
    }
  }
  return runs;
}

}  // namespace connhost::pipeline
