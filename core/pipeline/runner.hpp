#pragma once

// Runs one reporting pipeline: the connection's plugin reads `accounts`, then `campaigns` and
// `campaign_daily` per account in parallel (bounded by workers and by the connection's rate
// limit), each checkpoint committed with its rows; failures are retried by category; every run
// is recorded in sync_runs. A profile pipeline runs the profile sync it is given
// (set_profile_sync), recorded in sync_runs the same way.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "pipeline/connection_setup.hpp"
#include "pipeline/run_log.hpp"
#include "plugin/instance.hpp"
#include "plugin/registry.hpp"

namespace connhost::http {
class Client;
}
namespace connhost::store {
class Store;
}

namespace connhost::pipeline {

struct Progress {
  int accounts_total = 0;
  int accounts_done = 0;
  int64_t days_total = 0;  // account-days the run covers
  int64_t days_done = 0;
  int64_t rows = 0;
  int64_t requests = 0;
  double elapsed_s = 0;
  std::string message;  // what just happened, for log lines
};

struct RunOptions {
  // Explicit window (YYYY-MM-DD, inclusive); empty: the pipeline's lookback up to each account's
  // local today.
  std::string from, to;
  std::string origin = "manual";  // manual | schedule | api
  int workers = 4;
  int max_attempts = 5;                          // per account and stream, for transient errors
  std::chrono::seconds max_quota_wait{15 * 60};  // a longer retry-after fails the run as quota
  std::chrono::milliseconds backoff_base{1000};
  std::function<void(const Progress&)> on_progress;
  // Called once the run is recorded in sync_runs, with its id, before anything is read.
  std::function<void(int64_t run_id)> on_started;
  // Profile pipelines: every active grant of the connection, not only those changed or due.
  bool force = false;
};

// What a profile pipeline's run did, grant by grant counted (contacts/profile_sync.hpp).
struct ProfileRunSummary {
  int64_t synced = 0;     // a new profile version stored
  int64_t unchanged = 0;  // fetched, nothing changed
  int64_t failed = 0;     // failed, needs_scope or unsupported
  int64_t skipped = 0;    // not due, or stopped
  // For people: each needs_scope and unsupported message, each failure's message.
  std::vector<std::string> notes;
  // Set when a grant's fetch failed (not for needs_scope or unsupported): the run failed.
  std::optional<plugin::PluginError> error;
};
// The profile sync of one connection. It brings its own database session, so that the run's
// heartbeat keeps going on the runner's while it waits on the platform; the pipeline module
// knows nothing of contacts.
using ProfileSyncFn =
    std::function<ProfileRunSummary(const config::Pipeline& pipeline, const RunOptions& options)>;

struct RunResult {
  int64_t run_id = 0;
  std::string status;  // succeeded | failed
  int64_t rows = 0;
  int64_t requests = 0;
  std::optional<plugin::PluginError> error;
  std::string failed_account;
  std::optional<ProfileRunSummary> profile;  // profile pipelines
};

// A pipeline started while a run of it is going on in the same Runner (the scheduler's and the
// API's runs share one in `connhost serve`).
class AlreadyRunning : public std::runtime_error {
 public:
  AlreadyRunning(std::string pipeline, int64_t run_id)
      : std::runtime_error("pipeline " + pipeline + " is already running (run " +
                           std::to_string(run_id) + ")"),
        run_id_(run_id) {}
  int64_t run_id() const { return run_id_; }

 private:
  int64_t run_id_;
};

// The days a pipeline re-reads on every run: its configured lookback, else the platform's
// settling window (Meta 28 days, Google 14, TikTok 7; 7 for others).
int lookback_days(const config::Pipeline& pipeline, std::string_view platform);

class Runner {
 public:
  // `grants` reads the connections' "${grant:...}" secrets from the token vault; empty: no vault.
  Runner(store::Store& store, const config::HostConfig& config, const plugin::Registry& registry,
         std::shared_ptr<http::Client> http, GrantResolver grants = {});

  // Throws std::invalid_argument for a pipeline that cannot run (unknown connection or plugin,
  // neither a reporting nor a profile pipeline, a profile pipeline without set_profile_sync, bad
  // window). Plugin and platform failures are in the result. Throws AlreadyRunning while another
  // run of the same pipeline goes on here.
  RunResult run(const config::Pipeline& pipeline, const RunOptions& options);

  // What runs profile pipelines; set before the first run.
  void set_profile_sync(ProfileSyncFn fn) { profile_sync_ = std::move(fn); }

  // When the pipeline's newest recorded run started (run_log.hpp); nothing when it never ran.
  std::optional<std::chrono::system_clock::time_point> last_start(const std::string& pipeline);

 private:
  RunResult run_profile(const config::Pipeline& pipeline, const RunOptions& options);
  // Claims the pipeline's slot in active_ (AlreadyRunning when taken); the returned guard frees it.
  struct ActiveSlot {
    Runner* runner;
    std::string name;
    ~ActiveSlot();
  };
  std::unique_ptr<ActiveSlot> claim(const std::string& pipeline);
  // Records the start in sync_runs (after marking dead runs interrupted) and returns its id.
  int64_t record_start(const config::Pipeline& pipeline, const RunStart& start);

  store::Store& store_;
  std::mutex store_mutex_;
  const config::HostConfig& config_;
  const plugin::Registry& registry_;
  std::shared_ptr<http::Client> http_;
  GrantResolver grants_;
  ProfileSyncFn profile_sync_;
  std::mutex active_mutex_;
  std::map<std::string, int64_t> active_;  // pipeline -> its run id (0 until recorded)
};

}  // namespace connhost::pipeline
