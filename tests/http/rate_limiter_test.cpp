// The per-connection token bucket, checked by what it computes rather than by timing it.
#include <gtest/gtest.h>

#include "http/rate_limiter.hpp"

namespace {

using connhost::http::RateLimiter;
using namespace std::chrono;

TEST(RateLimiter, BurstGoesThroughThenTheCallerMustWait) {
  RateLimiter limiter(10.0, 3.0);  // 10 per second, bursts of 3
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.acquire().count(), 0) << i;
  auto wait = limiter.would_wait();
  EXPECT_GT(wait, nanoseconds(0));
  EXPECT_LE(wait, milliseconds(100));  // one token at 10/s takes at most 100 ms to refill
}

TEST(RateLimiter, ZeroRateMeansNoLimit) {
  RateLimiter limiter(0.0);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.acquire().count(), 0);
  EXPECT_EQ(limiter.would_wait().count(), 0);
}

}  // namespace
