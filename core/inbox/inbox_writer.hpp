#pragma once

// Persist, then acknowledge: the webhook route submits each verified delivery and waits until the
// transaction holding it has committed. One writer thread drains the queue into one transaction
// per round (group commit), so a burst of deliveries costs one commit (one fsync) per round, not
// one each: the route's latency is one commit plus the wait for the round in progress.
//
// Durability (docs/messaging.md, "Durability"): a submit answers `committed` only after COMMIT
// returned. On SQLite (WAL, synchronous left at its default FULL by store/connect.cpp) the WAL is
// fsynced at every commit, so a committed delivery survives SIGKILL of the host and, on a disk
// that honours flushes, power loss. On PostgreSQL it is the server's synchronous_commit.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "inbox/write_gate.hpp"
#include "metrics/metrics.hpp"
#include "plugin/instance.hpp"
#include "store/store.hpp"

namespace connhost::inbox {

// One verified delivery, as received.
struct Delivery {
  std::string connection;
  std::string platform;
  // Only the headers needed to verify the delivery again (signature, timestamp), as a JSON
  // object of lower-case name to value.
  std::string headers_json;
  std::string body;  // the exact bytes
  std::vector<plugin::MessageEvent> events;
  // Set when the plugin could not parse the body: stored with parse_status 'unparsed' and no
  // events (the platform cannot fix it by sending it again).
  std::optional<std::string> parse_error;
};

struct SubmitResult {
  enum class Status {
    committed,   // in the store: acknowledge
    queue_full,  // not taken (backpressure): 503, the platform retries
    failed,      // the batch's transaction failed: 503, the platform retries
    stopped,     // the writer is stopping or did not answer in time: 503
  };
  Status status = Status::failed;
  bool duplicate_delivery = false;  // these exact bytes were already stored
  int stored = 0;                   // events new to the inbox
  int duplicates = 0;               // events already there (redeliveries)
  std::string error;                // failed: for the log only, never for the platform

  bool ok() const { return status == Status::committed; }
};

class InboxWriter {
 public:
  struct Options {
    size_t max_queue = 8192;  // deliveries waiting; beyond, submit answers queue_full at once
    size_t max_batch = 2048;  // deliveries per transaction at most
    // How long submit waits for its commit. A delivery committed after that is a duplicate of
    // the platform's retry, which the dedupe absorbs.
    std::chrono::milliseconds submit_timeout{10'000};
    // Called on the writer thread after every commit that stored an event (wakes the processor).
    std::function<void()> committed;
    // Shared with the Processor of this process (write_gate.hpp); may be null.
    std::shared_ptr<WriteGate> write_gate;
  };

  // `open` connects the writer's own store connection; called on the writer thread, again after
  // a failed transaction (the session may be in any state).
  InboxWriter(std::function<store::Store()> open, Options options,
              metrics::Registry& metrics = metrics::global());
  ~InboxWriter();
  InboxWriter(const InboxWriter&) = delete;
  InboxWriter& operator=(const InboxWriter&) = delete;

  // Blocks until the delivery is committed (or refused). Thread-safe.
  SubmitResult submit(Delivery delivery);

  // Commits what is queued, then stops the thread; later submits answer `stopped`. Idempotent.
  void stop();

 private:
  struct Item {
    Delivery delivery;
    std::promise<SubmitResult> done;
  };
  void run();
  void write(std::vector<Item>& batch);

  std::function<store::Store()> open_;
  Options options_;
  metrics::Gauge& queue_depth_;
  metrics::Histogram& batch_size_;
  metrics::Histogram& commit_seconds_;
  metrics::Counter& commit_failures_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  // Writer thread only; the statements are bound to the store's session and go first.
  std::unique_ptr<store::Store> store_;
  struct Statements;
  std::unique_ptr<Statements> statements_;
  std::thread thread_;
};

// Lower-case hex SHA-256 of the body: the delivery's dedupe key.
std::string body_sha256(std::string_view body);

}  // namespace connhost::inbox
