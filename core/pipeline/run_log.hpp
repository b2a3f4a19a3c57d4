#pragma once

// The sync_runs record of a run: begun, kept alive by a heartbeat while it runs, finished; and
// the runs whose process died, marked interrupted so they do not stay "running" forever.
//
// A run is interrupted when its owner (host name and pid) is this host and the pid is gone, or,
// for an owner on another host, when its heartbeat is older than `stale_after`. Heartbeats
// come from a thread of their own, so a read that waits long on the platform (a Meta report
// run, a quota retry-after) is still alive.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace connhost::store {
class Store;
}

namespace connhost::pipeline {

struct RunStart {
  std::string pipeline, connection, origin;
  std::optional<std::string> window_start, window_end;  // YYYY-MM-DD
};

struct RunEnd {
  std::string status;  // succeeded | failed
  int64_t rows = 0, requests = 0;
  std::optional<std::string> error_category, error;
};

inline constexpr std::chrono::seconds kHeartbeatEvery{30};
inline constexpr std::chrono::minutes kStaleAfter{5};

// "<host>:<pid>" of this process.
std::string run_owner();

// Caller holds whatever serializes use of the store's session.
int64_t begin_run(store::Store& store, const RunStart& run);
void finish_run(store::Store& store, int64_t id, const RunEnd& end);
// Returns the number of runs marked interrupted.
int mark_interrupted_runs(
    store::Store& store,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now(),
    std::chrono::seconds stale_after = kStaleAfter);

// When the pipeline's newest run started, any origin and any host; nothing when it never ran.
// The scheduler counts "every N" intervals from it, so a restarted host does not run every
// pipeline again at once.
std::optional<std::chrono::system_clock::time_point> last_run_start(store::Store& store,
                                                                    const std::string& pipeline);

// Updates the run's heartbeat_at every `every` until destroyed. The second form calls `beat`
// instead (the scheduler renews its slot's lease with it, schedule_lease.hpp); a beat that throws
// is logged, and the beats go on.
class Heartbeat {
 public:
  Heartbeat(store::Store& store, std::mutex& store_mutex, int64_t run_id,
            std::chrono::milliseconds every = kHeartbeatEvery);
  Heartbeat(std::function<void()> beat, std::chrono::milliseconds every);
  ~Heartbeat();
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace connhost::pipeline
