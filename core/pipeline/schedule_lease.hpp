#pragma once

// The due runs of scheduled pipelines as rows of schedule_slots, shared by every host on one
// database, so that several hosts can run the same schedules (docs/operations.md, "Scale out").
//
// A slot is one due run: (pipeline, due_at), computed from the schedule and from what the
// database says ran last, so every host arrives at the same key. The host whose INSERT creates
// the row owns the slot ("claimed") for `ttl`, renews that lease while its run goes on, and marks
// it "done" when the run ends. A slot still "claimed" after its lease expired (its host died or
// lost the database) is taken over by one other host, which runs it again.
//
// What is guaranteed: each slot is claimed by one host at a time and marked done exactly once,
// by the host holding its lease; a slot whose worker died midway is re-run by another host once
// the lease expired. A slot runs twice only when its worker is alive but could not renew its
// lease for a whole ttl (frozen, or cut off from the database) and another host took it over;
// its done is then recorded by the new owner alone.
//
// Lease times come from the database's clock, so the hosts' clocks need not agree for leases.
//
// Not thread-safe, like the Store it uses: the caller serializes the calls.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "store/store.hpp"

namespace connhost::pipeline {

using SlotTime = std::chrono::system_clock::time_point;

struct Slot {
  std::string pipeline;
  SlotTime due_at;
  int attempts = 1;             // 1, and one more per takeover
  std::string taken_over_from;  // the owner whose lease expired; empty for a first claim
};

// The key a pipeline that never ran is first due at: the Unix epoch, the same on every host.
inline constexpr SlotTime kFirstSlot{};

class ScheduleLease {
 public:
  // `owner`: who holds the leases taken here, "<host>:<pid>" (run_log.hpp run_owner).
  ScheduleLease(store::Store& store, std::string owner, std::chrono::milliseconds ttl);

  // Creates the slot, claimed by this owner: true when this call created it, false when it exists
  // (another host, or this one earlier, claimed it). Also false while another slot of the same
  // pipeline is claimed under a live lease, so that hosts do not overlap one pipeline's runs.
  bool claim(const std::string& pipeline, SlotTime due_at);

  // A slot of one of `pipelines` whose lease expired before it was done, now claimed by this
  // owner (the oldest first); nothing when there is none.
  std::optional<Slot> take_over_expired(const std::vector<std::string>& pipelines);

  // Extends the lease by ttl from now; false when the slot is no longer this owner's.
  bool renew(const Slot& slot);

  // Records the sync run started for the slot: schedule_slots.run_id and sync_runs.slot_due_at.
  void link_run(const Slot& slot, int64_t run_id);

  // Marks the slot done; false when it is no longer this owner's (taken over meanwhile), in
  // which case nothing changes.
  bool finish(const Slot& slot, std::optional<int64_t> run_id, const std::string& note);

  // The newest due_at among the pipeline's slots; nothing when it has none.
  std::optional<SlotTime> latest_due(const std::string& pipeline);

  const std::string& owner() const { return owner_; }
  std::chrono::milliseconds ttl() const { return ttl_; }

 private:
  store::Store& store_;
  std::string owner_;
  std::chrono::milliseconds ttl_;
};

}  // namespace connhost::pipeline
