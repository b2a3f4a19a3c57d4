#include "server/report_cache.hpp"

#include <algorithm>
#include <vector>

namespace connhost::server {

ReportCache::ReportCache(Options options) : options_(options) {}

std::string ReportCache::get(const std::string& key, const std::string& generation,
                             const std::function<std::string()>& compute, Clock::time_point now) {
  std::shared_ptr<Entry> e;
  {
    std::unique_lock lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second->generation == generation &&
        it->second->epoch == epoch_ &&
        (!it->second->ready || now - it->second->at < options_.max_age)) {
      e = it->second;
      if (!e->ready) {
        ++stats_.waits;
        done_.wait(lock, [&] { return e->ready || e->error; });
        if (e->error) std::rethrow_exception(e->error);
      } else {
        ++stats_.hits;
      }
      return e->body;
    }
    ++stats_.misses;
    e = std::make_shared<Entry>();
    e->generation = generation;
    e->at = now;
    e->epoch = epoch_;
    entries_[key] = e;
  }
  try {
    std::string body = compute();
    std::lock_guard lock(mutex_);
    e->body = body;
    e->ready = true;
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second == e) {
      if (e->epoch == epoch_) {
        stats_.bytes += e->body.size();
        evict();
      } else {
        entries_.erase(it);  // cleared while it was computed: answer the waiters, keep nothing
      }
    }
    done_.notify_all();
    return body;
  } catch (...) {
    std::lock_guard lock(mutex_);
    e->error = std::current_exception();
    if (auto it = entries_.find(key); it != entries_.end() && it->second == e) entries_.erase(it);
    done_.notify_all();
    throw;
  }
}

void ReportCache::evict() {
  // Called with the lock held. Drops ready answers, oldest first, until under the budget.
  while (stats_.bytes > options_.max_bytes) {
    auto oldest = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
      if (it->second->ready && (oldest == entries_.end() || it->second->at < oldest->second->at))
        oldest = it;
    if (oldest == entries_.end()) return;
    stats_.bytes -= oldest->second->body.size();
    entries_.erase(oldest);
  }
}

void ReportCache::clear() {
  std::lock_guard lock(mutex_);
  // Computations under way finish for their waiters but are not found again: the epoch moved.
  ++epoch_;
  std::vector<std::string> gone;
  for (const auto& [k, e] : entries_)
    if (e->ready) gone.push_back(k);
  for (const auto& k : gone) {
    stats_.bytes -= entries_[k]->body.size();
    entries_.erase(k);
  }
}

ReportCache::Stats ReportCache::stats() const {
  std::lock_guard lock(mutex_);
  Stats s = stats_;
  s.entries = entries_.size();
  return s;
}

}  // namespace connhost::server
