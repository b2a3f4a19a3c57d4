#include "http/rate_limiter.hpp"

#include <algorithm>
#include <thread>

namespace connhost::http {

RateLimiter::RateLimiter(double per_second, double burst)
    : per_second_(per_second), burst_(std::max(1.0, burst)), tokens_(burst_), last_(Clock::now()) {}

void RateLimiter::refill(Clock::time_point now) const {
  double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * per_second_);
  last_ = now;
}

std::chrono::nanoseconds RateLimiter::would_wait() const {
  if (per_second_ <= 0) return {};
  std::lock_guard lock(mutex_);
  refill(Clock::now());
  if (tokens_ >= 1.0) return {};
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>((1.0 - tokens_) / per_second_));
}

std::chrono::nanoseconds RateLimiter::acquire() {
  if (per_second_ <= 0) return {};
  std::chrono::nanoseconds wait{};
  {
    std::lock_guard lock(mutex_);
    refill(Clock::now());
    // Take the token now (possibly going negative) so concurrent callers queue up fairly.
    tokens_ -= 1.0;
    if (tokens_ < 0)
      wait = std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::duration<double>(-tokens_ / per_second_));
  }
  if (wait.count() > 0) std::this_thread::sleep_for(wait);
  return wait;
}

}  // namespace connhost::http
