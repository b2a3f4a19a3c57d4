#pragma once

// Answers of the reporting GET routes, kept while the data they were computed from is
// unchanged. A report over a year of a large store scans every row of it (about a second per
// million rows in SQLite), while dashboards ask the same questions over and over (every open
// dashboard refreshes every 5 minutes); so an answer is reused while
// - the store's data generation is the one it was computed at (a new or finished run, a run's
//   heartbeat, a change of category rules or overrides, a new FX rate: reporting/generation.hpp),
// - and it is younger than max_age (what the generation cannot see: a rules file edited and
//   applied from the CLI, FX rates reloaded with the same number of rows).
// Concurrent requests for an answer being computed wait for that one computation instead of
// each scanning the store. Changes made through this server clear the cache at once.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace connhost::server {

class ReportCache {
 public:
  struct Options {
    std::chrono::seconds max_age{60};
    size_t max_bytes = 32u << 20;  // oldest answers are dropped beyond this
  };
  explicit ReportCache(Options options);

  using Clock = std::chrono::steady_clock;
  // The answer for `key` at `generation`: cached, or computed now by `compute` (once for all
  // the callers waiting on the same key). An exception from `compute` reaches every waiter and
  // nothing is kept.
  std::string get(const std::string& key, const std::string& generation,
                  const std::function<std::string()>& compute,
                  Clock::time_point now = Clock::now());
  void clear();

  struct Stats {
    int64_t hits = 0, misses = 0, waits = 0;
    size_t entries = 0, bytes = 0;
  };
  Stats stats() const;

 private:
  struct Entry {
    std::string generation;
    Clock::time_point at;
    std::string body;
    bool ready = false;
    std::exception_ptr error;
    uint64_t epoch = 0;  // the clear() count when it was started
  };
  void evict();

  Options options_;
  mutable std::mutex mutex_;
  std::condition_variable done_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
  uint64_t epoch_ = 0;
  Stats stats_;
};

}  // namespace connhost::server
