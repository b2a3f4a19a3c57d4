#pragma once

// One writer at a time on the store, in this process, with the inbox writer first. SQLite takes
// one write transaction at a time, and a connection finding the lock taken waits in the busy
// handler's sleeps (steps of up to 100 ms) that would land in the acknowledgement latency; so the
// InboxWriter and the Processor take turns here instead. The writer (acknowledgements: what a
// platform times) goes first: the processor (catch-up work) waits while deliveries are queued,
// but never longer than `max_yield`, so processing advances even under a sustained flood.

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace connhost::inbox {

class WriteGate {
 public:
  // The writer: deliveries queued (+) or answered (-).
  void demand(int delta) {
    std::lock_guard lock(m_);
    demand_ += delta;
    if (demand_ == 0) cv_.notify_all();
  }
  void lock_writer() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [this] { return !busy_; });
    busy_ = true;
  }
  void lock_processor(std::chrono::milliseconds max_yield) {
    std::unique_lock lock(m_);
    cv_.wait_for(lock, max_yield, [this] { return !busy_ && demand_ == 0; });
    cv_.wait(lock, [this] { return !busy_; });
    busy_ = true;
  }
  void unlock() {
    {
      std::lock_guard lock(m_);
      busy_ = false;
    }
    cv_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  int demand_ = 0;
  bool busy_ = false;
};

}  // namespace connhost::inbox
