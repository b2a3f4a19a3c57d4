#pragma once

// Runs one reporting pipeline: the connection's plugin reads `accounts`, then `campaigns` and
// `campaign_daily` per account in parallel (bounded by workers and by the connection's rate
// limit), each checkpoint committed with its rows; failures are retried by category; every run
// is recorded in sync_runs.

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

#include "config/config.hpp"
#include "pipeline/connection_setup.hpp"
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
};

struct RunResult {
  int64_t run_id = 0;
  std::string status;  // succeeded | failed
  int64_t rows = 0;
  int64_t requests = 0;
  std::optional<plugin::PluginError> error;
  std::string failed_account;
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
  // not a reporting pipeline, bad window). Plugin and platform failures are in the result.
  // Throws AlreadyRunning while another run of the same pipeline goes on here.
  RunResult run(const config::Pipeline& pipeline, const RunOptions& options);

  // When the pipeline's newest recorded run started (run_log.hpp); nothing when it never ran.
  std::optional<std::chrono::system_clock::time_point> last_start(const std::string& pipeline);

 private:
  store::Store& store_;
  std::mutex store_mutex_;
  const config::HostConfig& config_;
  const plugin::Registry& registry_;
  std::shared_ptr<http::Client> http_;
  GrantResolver grants_;
  std::mutex active_mutex_;
  std::map<std::string, int64_t> active_;  // pipeline -> its run id (0 until recorded)
};

}  // namespace connhost::pipeline
