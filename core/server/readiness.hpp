#pragma once

// Whether the server may answer /api/* yet: `connhost serve` listens first (so /healthz and
// /readyz answer while a long migration runs) and marks itself ready once the store is migrated.
// Tests set the state by hand to see the 503s without racing a real migration.

#include <atomic>
#include <mutex>
#include <string>

namespace connhost::server {

class Readiness {
 public:
  enum class State { starting, migrating, ready, failed };

  // `message` says why the server is not ready, for /readyz and the 503s; never a secret.
  void set(State state, std::string message = "");
  State state() const { return state_.load(std::memory_order_acquire); }
  bool ready() const { return state() == State::ready; }
  std::string message() const;

 private:
  std::atomic<State> state_{State::starting};
  mutable std::mutex mutex_;
  std::string message_ = "starting";
};

}  // namespace connhost::server
