#pragma once

// Runs pipelines in the background for the API ("Sync now"): each start returns the run's id as
// soon as it is recorded, the run goes on in a thread of its own, and its live progress can be
// asked by id until it ends. At most one run per pipeline at a time through the launcher.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/runner.hpp"

namespace connhost::pipeline {

class Launcher {
 public:
  explicit Launcher(Runner& runner);
  ~Launcher();  // waits for the runs still going
  Launcher(const Launcher&) = delete;
  Launcher& operator=(const Launcher&) = delete;

  // Throws AlreadyRunning, or std::invalid_argument for a pipeline the runner refuses (the
  // runner's own checks, made before anything is recorded). `pipeline` must outlive the run.
  int64_t start(const config::Pipeline& pipeline, RunOptions options);

  // The live progress of a run started here that has not ended yet.
  std::optional<Progress> progress(int64_t run_id) const;

 private:
  struct Active {
    std::string pipeline;
    Progress progress;
  };
  Runner& runner_;
  mutable std::mutex mutex_;
  std::condition_variable started_;
  std::map<int64_t, Active> active_;  // by run id
  std::vector<std::thread> threads_;
};

}  // namespace connhost::pipeline
