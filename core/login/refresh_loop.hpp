#pragma once

// The refresh scheduler of `connhost serve`: every minute it refreshes the active grants whose
// access tokens run out within the next ten (Refresher takes each grant's lease, so several
// hosts can run this loop on one database), and publishes how many grants are in each status.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "login/refresher.hpp"
#include "store/store.hpp"

namespace connhost::login {

class RefreshLoop {
 public:
  struct Options {
    std::chrono::seconds every{60};
    std::chrono::seconds ahead{600};
  };
  struct PassReport {
    int refreshed = 0, reauth_required = 0, failed = 0, skipped = 0;
  };

  // Starts the thread; the first pass runs at once. `metrics` may be null.
  RefreshLoop(const Refresher& refresher, std::function<store::Store()> open_store,
              metrics::Registry* metrics, Options options);
  // Stops and joins the thread (a pass in progress finishes its current grant first).
  ~RefreshLoop();
  RefreshLoop(const RefreshLoop&) = delete;
  RefreshLoop& operator=(const RefreshLoop&) = delete;

  // One pass over the due grants, on the caller's thread and session: what the loop runs.
  static PassReport pass(const Refresher& refresher, store::Store& store,
                         std::chrono::seconds ahead, metrics::Registry* metrics = nullptr);

 private:
  void run(std::function<store::Store()> open_store);

  const Refresher& refresher_;
  metrics::Registry* metrics_;
  Options options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace connhost::login
