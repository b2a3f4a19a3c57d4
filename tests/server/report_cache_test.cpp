// ReportCache: reuse while the generation holds and the answer is young, one computation for
// concurrent callers of a key, errors reach every waiter and leave nothing behind, clear() ends
// everything kept, the byte budget drops the oldest answers.

#include "server/report_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

namespace connhost::server {
namespace {

using Clock = ReportCache::Clock;
using std::chrono::seconds;

TEST(ReportCache, ReusesWhileTheGenerationHoldsAndTheAnswerIsYoung) {
  ReportCache cache({.max_age = seconds(60)});
  int computed = 0;
  auto compute = [&] { return "answer " + std::to_string(++computed); };
  auto t0 = Clock::now();
  EXPECT_EQ(cache.get("k", "g1", compute, t0), "answer 1");
  EXPECT_EQ(cache.get("k", "g1", compute, t0 + seconds(59)), "answer 1");
  EXPECT_EQ(cache.get("k", "g2", compute, t0 + seconds(59)), "answer 2");       // the data changed
  EXPECT_EQ(cache.get("k", "g2", compute, t0 + seconds(59 + 61)), "answer 3");  // too old
  EXPECT_EQ(cache.get("other", "g2", compute, t0), "answer 4");
  auto s = cache.stats();
  EXPECT_EQ(s.hits, 1);
  EXPECT_EQ(s.misses, 4);
}

TEST(ReportCache, ConcurrentCallersOfOneKeyShareOneComputation) {
  ReportCache cache({});
  std::atomic<int> computed{0};
  std::promise<void> release;
  auto gate = release.get_future().share();
  auto compute = [&] {
    ++computed;
    gate.wait();  // holds the computation until every caller has asked
    return std::string("slow answer");
  };
  std::vector<std::future<std::string>> callers;
  for (int i = 0; i < 8; ++i)
    callers.push_back(std::async(std::launch::async, [&] { return cache.get("k", "g", compute); }));
  // Every caller but the computing one is waiting once the stats say so.
  while (cache.stats().waits < 7) std::this_thread::yield();
  release.set_value();
  for (auto& c : callers) EXPECT_EQ(c.get(), "slow answer");
  EXPECT_EQ(computed, 1);
}

TEST(ReportCache, AFailedComputationReachesItsWaitersAndIsNotKept) {
  ReportCache cache({});
  EXPECT_THROW(cache.get("k", "g", []() -> std::string { throw std::runtime_error("db gone"); }),
               std::runtime_error);
  EXPECT_EQ(cache.get("k", "g", [] { return std::string("fine"); }), "fine");
  EXPECT_EQ(cache.stats().entries, 1u);
}

TEST(ReportCache, ClearEndsEverythingKept) {
  ReportCache cache({});
  int computed = 0;
  auto compute = [&] { return std::to_string(++computed); };
  cache.get("a", "g", compute);
  cache.get("b", "g", compute);
  cache.clear();
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(cache.stats().bytes, 0u);
  EXPECT_EQ(cache.get("a", "g", compute), "3");
}

TEST(ReportCache, TheByteBudgetDropsTheOldestAnswers) {
  ReportCache cache({.max_age = seconds(60), .max_bytes = 250});
  auto t0 = Clock::now();
  auto body = [](char c) { return [c] { return std::string(100, c); }; };
  cache.get("a", "g", body('a'), t0);
  cache.get("b", "g", body('b'), t0 + seconds(1));
  cache.get("c", "g", body('c'), t0 + seconds(2));  // 300 bytes: "a" goes
  auto s = cache.stats();
  EXPECT_EQ(s.entries, 2u);
  EXPECT_EQ(s.bytes, 200u);
  int recomputed = 0;
  cache.get(
      "a", "g",
      [&] {
        ++recomputed;
        return std::string(100, 'a');
      },
      t0 + seconds(3));
  EXPECT_EQ(recomputed, 1);
}

}  // namespace
}  // namespace connhost::server
