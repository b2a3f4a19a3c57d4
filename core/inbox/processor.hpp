#pragma once

// From the inbox to the model: each pending inbox_events row becomes a contact (and its platform
// identity), a conversation, a message with its attachments, or a read receipt on the
// conversation's outbound messages. Every step is idempotent (unique keys, ON CONFLICT, values
// that only move forward), so processing an event twice, or replaying it, leaves the same rows.
// The echo contract with the outbox (core/outbox): a message is keyed by (conversation_id,
// platform_message_id); whichever of the sender's row and the webhook's echo arrives first is
// stored, the other is a no-op.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "inbox/write_gate.hpp"
#include "metrics/metrics.hpp"
#include "plugin/instance.hpp"
#include "plugin/registry.hpp"
#include "store/store.hpp"

namespace connhost::inbox {

struct ProcessCounts {
  int64_t processed = 0;
  int64_t failed = 0;
};

// What applying an event needs beyond the event: how a deauthorization treats the profile, and
// which connections share a platform.
struct ApplyOptions {
  // What a deauthorization event (TikTok authorization.removed) does to the profile of the grant
  // it revokes (contacts/revocation.hpp): [contacts] on_revoke.
  config::ContactsSettings contacts;
  // Connection name -> its plugin's platform (connection_platforms). A platform's deauthorization
  // names the user, not the connection: their grants under every connection of that platform are
  // revoked. Without an entry, only the receiving connection's grants are.
  std::map<std::string, std::string, std::less<>> connection_platforms;
};

// The platform of each configured connection whose plugin is loaded.
std::map<std::string, std::string, std::less<>> connection_platforms(
    const config::HostConfig& config, const plugin::Registry& plugins);

// Processes every pending event on `store` (the caller's thread), in id order, until none is
// left; returns what it did. Throws store::StoreError (or soci's) when the store itself fails.
ProcessCounts process_pending(store::Store& store, size_t batch = 100,
                              const ApplyOptions& options = {});

// Applies one event to the model inside the caller's transaction. Throws on any failure.
//
// Type "deauthorized" (the platform says the user removed the app: sender_id is their platform
// id, extras reason / reason_text) revokes their active and reauth_required grants locally
// (the platform revoked already: no platform call), logs it as consent 'revoked' with source
// "webhook" and the reason text, and applies options.contacts.on_revoke to each grant's profile.
void apply_event(store::Store& store, const std::string& connection, const std::string& platform,
                 const plugin::MessageEvent& event, const ApplyOptions& options = {});

// The processor thread of `connhost serve`: woken by the inbox writer after each commit, and at
// start for what a previous process left pending.
class Processor {
 public:
  struct Options {
    // Events per transaction: short, so that a delivery's commit never waits long behind it.
    size_t batch = 25;
    // After the store failed: wait this long before trying again (events stay pending).
    std::chrono::milliseconds retry_after{2000};
    // The InboxWriter's write gate (write_gate.hpp), taken for each transaction; may be null.
    std::shared_ptr<WriteGate> write_gate;
    // How long a transaction waits for the writer's queue to empty before it goes anyway.
    std::chrono::milliseconds max_yield{250};
    // What a deauthorization event (TikTok authorization.removed) does to the profile of the
    // grant it revokes (contacts/revocation.hpp).
    config::ContactsSettings contacts;
    // ApplyOptions::connection_platforms; empty: a deauthorization revokes the receiving
    // connection's grants only.
    std::map<std::string, std::string, std::less<>> connection_platforms;
  };
  Processor(std::function<store::Store()> open, Options options,
            metrics::Registry& metrics = metrics::global());
  ~Processor();
  Processor(const Processor&) = delete;
  Processor& operator=(const Processor&) = delete;

  // New events were committed. Cheap; any thread.
  void notify();
  // Waits until a round found nothing pending after the last notify; false on timeout.
  bool wait_idle(std::chrono::milliseconds timeout);
  void stop();

 private:
  void run();

  std::function<store::Store()> open_;
  Options options_;
  metrics::Counter& processed_;
  metrics::Counter& failed_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_cv_;
  bool pending_ = true;  // what an earlier process left pending is processed at start
  bool idle_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

// `connhost inbox status`: counts by connection and status, and the oldest pending event.
struct StatusRow {
  std::string connection;
  int64_t pending = 0, processed = 0, failed = 0;
  std::string oldest_pending;  // received_at; empty when none
};
std::vector<StatusRow> inbox_status(store::Store& store);

// `connhost inbox replay`: which events go back to pending.
struct ReplayFilter {
  std::optional<std::string> connection;
  std::optional<std::string> event_id;
  bool failed_only = true;  // false: every event (processed and failed)
};
// Resets the matching events to pending (attempts kept, error cleared); returns how many.
int64_t reset_events(store::Store& store, const ReplayFilter& filter);

}  // namespace connhost::inbox
