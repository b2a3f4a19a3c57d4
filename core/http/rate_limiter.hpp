#pragma once

#include <chrono>
#include <mutex>

namespace connhost::http {

// A token bucket: at most `per_second` requests per second on average, bursts up to `burst`.
// acquire() blocks until the caller may go and returns how long it waited, so callers can count
// rate-limit waits.
class RateLimiter {
 public:
  explicit RateLimiter(double per_second, double burst = 1.0);
  std::chrono::nanoseconds acquire();
  // What acquire() would wait now, without taking a token.
  std::chrono::nanoseconds would_wait() const;

 private:
  using Clock = std::chrono::steady_clock;
  void refill(Clock::time_point now) const;
  double per_second_;
  double burst_;
  mutable double tokens_;
  mutable Clock::time_point last_;
  mutable std::mutex mutex_;
};

}  // namespace connhost::http
