#pragma once

// The outbox's sender (docs/messaging.md, "Outbound"): delivers the queued messages rows through
// the connections' plugins.
//
// A message is claimed (status queued -> sending, attempts + 1) by a conditional UPDATE, so that
// two senders on one database never both send it. The platform then gets it under the
// connection's rate limiter (every request the plugin makes waits for it), unless the
// conversation's reply window has closed: then it is dead (data) without a call. The answer
// decides: sent (with the platform's message id, merged with an echo that came first),
// transient/quota -> queued again after a backoff (exponential, full jitter, at least the
// platform's retry-after) until max_attempts, anything else -> dead with the platform's category
// and message.
//
// Delivery is at least once: a host that dies after the platform took a message but before the
// row says sent leaves it in 'sending'; after sending_timeout it is queued again and sent a
// second time (the platform has no idempotency key for sends).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "pipeline/connection_setup.hpp"
#include "plugin/registry.hpp"
#include "store/store.hpp"

namespace connhost::metrics {
class Registry;
}
namespace connhost::http {
class Client;
}

namespace connhost::outbox {

using Clock = std::chrono::system_clock;

struct SenderOptions {
  int max_attempts = 8;
  std::chrono::milliseconds backoff_base{2'000};
  std::chrono::milliseconds backoff_max{15 * 60 * 1000};
  // A row in 'sending' this long is taken as left by a host that died mid-send.
  std::chrono::milliseconds sending_timeout{5 * 60 * 1000};
  // The longest the thread sleeps without a wake(): rows queued by another process (a second
  // host on the same PostgreSQL) are picked up within this.
  std::chrono::milliseconds idle_rescan{30'000};
  // How many due messages one pass claims at most.
  int batch = 50;
  // The clock of due times and windows; tests pin it.
  std::function<Clock::time_point()> now = [] { return Clock::now(); };
  uint64_t seed = std::random_device{}();
  // Called after the platform accepted a message and before the row says so: where a webhook
  // echo of it can overtake the answer. Tests use it to play that race; empty in production.
  std::function<void(int64_t message_id, const std::string& platform_message_id)> on_accepted;
};

class Sender {
 public:
  // `open_store` connects the sender's own Store (it runs on its own thread). `grants` reads
  // "${grant:...}" access tokens from the vault; `metrics` counts
  // connhost_messages_sent_total{connection,result}.
  Sender(const config::HostConfig& config, const plugin::Registry& plugins,
         std::function<store::Store()> open_store, std::shared_ptr<http::Client> http,
         pipeline::GrantResolver grants, metrics::Registry& metrics, SenderOptions options = {});
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // The background thread: a pass whenever woken, and when the next message falls due.
  void start();
  void stop();
  // A message was queued: run a pass now.
  void wake();

  struct PassResult {
    int claimed = 0;
    int sent = 0;
    int retried = 0;
    int dead = 0;
    int reclaimed = 0;  // 'sending' rows of a dead host put back
    // When the earliest remaining queued message falls due; none: nothing queued.
    std::optional<Clock::time_point> next_due;
  };
  // One pass on the calling thread: reclaims stuck rows, then sends every message due now.
  // Not concurrent with the background thread's passes (they share the store connection).
  PassResult run_once();

 private:
  struct Connection;
  struct Message;
  Connection* connection(const std::string& name, std::string& error);
  void send_one(soci::session& sql, int64_t id, PassResult& out);
  void finish_sent(soci::session& sql, const Message& m, const std::string& platform_id);
  void finish_failed(soci::session& sql, const Message& m, const std::string& category,
                     const std::string& error, std::optional<std::chrono::milliseconds> retry,
                     bool retryable, PassResult& out);
  void count(const std::string& connection, const std::string& result);
  std::chrono::milliseconds backoff(int attempts, std::optional<std::chrono::milliseconds> hint);
  store::Store& store();
  void loop();

  const config::HostConfig& config_;
  const plugin::Registry& plugins_;
  std::function<store::Store()> open_store_;
  std::shared_ptr<http::Client> http_;
  pipeline::GrantResolver grants_;
  metrics::Registry& metrics_;
  SenderOptions options_;
  std::mt19937_64 rng_;

  std::mutex pass_mutex_;  // one pass at a time: the store and the connections are not shared
  std::unique_ptr<store::Store> store_;
  std::map<std::string, std::unique_ptr<Connection>> connections_;

  std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace connhost::outbox
