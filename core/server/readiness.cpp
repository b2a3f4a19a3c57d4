#include "server/readiness.hpp"

namespace connhost::server {

void Readiness::set(State state, std::string message) {
  {
    std::lock_guard lock(mutex_);
    message_ = std::move(message);
  }
  state_.store(state, std::memory_order_release);
}

std::string Readiness::message() const {
  std::lock_guard lock(mutex_);
  return message_;
}

}  // namespace connhost::server
