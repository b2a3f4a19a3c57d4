#pragma once

// Alerts: the rules of [alerts] checked every interval_seconds against the host's metrics, its
// store and its plugin registry. What a rule finds for one subject (a pipeline, a grant, a
// connection, a plugin file) is an incident; an incident is logged at error and POSTed once, as
// JSON signed with HMAC-SHA256, to the configured URL. An ongoing incident is not sent again; one
// that resolves and recurs is a new incident, sent unless the same rule and subject had an alert
// less than min_interval_seconds ago (then it is held back, and sent once the interval has passed
// if it is still going on). Incidents live in memory, per host: a restarted host sends what is
// still wrong once more, and several hosts on one database each send their own.
//
// A POST that fails (no answer, or a status other than 2xx) is retried with backoff on the
// following rounds; the rounds run on a thread of their own (Loop), so nothing else waits on
// the receiver.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "config/config.hpp"

namespace connhost::http {
class Client;
}
namespace connhost::metrics {
class Registry;
}
namespace connhost::plugin {
class Registry;
}
namespace connhost::store {
class Store;
}

namespace connhost::alerts {

// The gauge the pipeline runner keeps: how long the pipeline's latest run has waited on quota
// (rate-limit) errors, the wait under way counted in full. 0 when a run starts.
inline constexpr std::string_view kQuotaWaitMetric = "connhost_sync_quota_wait_seconds";
inline constexpr std::string_view kWebhookRejectedMetric = "connhost_webhook_rejected_total";

using TimePoint = std::chrono::system_clock::time_point;

struct Alert {
  std::string rule, kind, subject, severity, message;
  TimePoint first_seen;
  // The incidents of this rule and subject the alert stands for: 1, plus those the rate limit
  // held back since the previous alert.
  int64_t count = 1;
  std::string host;
};

// The body POSTed: {"rule","kind","subject","severity","message","first_seen","count","host"},
// first_seen in ISO 8601 UTC.
std::string alert_json(const Alert& alert);

// What a round found for one rule and subject.
struct Finding {
  std::string rule, kind, subject, severity, message;
};

class Evaluator {
 public:
  struct Sources {
    metrics::Registry* metrics = nullptr;       // where the metrics are read and counted
    std::function<store::Store()> open_store;   // empty: the rules on the store are skipped
    const plugin::Registry* plugins = nullptr;  // null: plugin_refused finds nothing
  };
  struct Options {
    std::function<TimePoint()> now;  // empty: the system clock
    std::string host;                // empty: this machine's host name
    std::chrono::seconds retry_base{5};
    std::chrono::seconds retry_max{300};
    int max_attempts = 8;  // then the alert is dropped, logged at error
    std::chrono::milliseconds request_timeout{10'000};
  };

  // Resolves the url and secret references; throws std::runtime_error naming what could not be
  // read (never a value).
  Evaluator(const config::AlertsSettings& settings, Sources sources,
            std::shared_ptr<http::Client> http, Options options);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  struct RoundReport {
    std::vector<Finding> findings;  // every condition that holds now
    int opened = 0, resolved = 0, held_back = 0;
    int sent = 0, failed = 0;  // POSTs this round
  };
  // One round: checks every rule, opens and resolves incidents, and POSTs what is due (new
  // alerts and retries). Not thread-safe: one caller at a time (Loop, or a test).
  RoundReport evaluate_once();

  // Alerts not yet delivered (waiting for a retry).
  size_t pending() const { return pending_.size(); }

 private:
  struct Incident {
    TimePoint first_seen;
    bool sent = false;
  };
  struct Key {
    std::string rule, subject;
    auto operator<=>(const Key&) const = default;
  };
  struct History {
    std::optional<TimePoint> last_sent;
    int64_t held_back = 0;  // incidents that resolved before the rate limit let them out
  };
  struct Delivery {
    Alert alert;
    int attempts = 0;
    TimePoint next_at;
  };
  struct Series {
    std::vector<std::pair<TimePoint, double>> samples;  // oldest first
  };

  std::vector<Finding> check(const config::AlertRule& rule, TimePoint now);
  std::vector<Finding> check_store(const config::AlertRule& rule);
  std::vector<Finding> check_webhooks(const config::AlertRule& rule, TimePoint now);
  std::vector<Finding> check_quota(const config::AlertRule& rule);
  std::vector<Finding> check_plugins(const config::AlertRule& rule);
  void raise(const Finding& f, const Incident& incident, History& history, TimePoint now);
  bool deliver(Delivery& d, TimePoint now);

  config::AlertsSettings settings_;
  Sources sources_;
  std::shared_ptr<http::Client> http_;
  Options options_;
  std::string url_, secret_;
  std::optional<TimePoint> last_round_;
  std::unique_ptr<store::Store> store_;
  std::map<Key, Incident> incidents_;
  std::map<Key, History> history_;
  std::map<Key, Series> webhook_series_;  // by (rule, connection)
  std::vector<Delivery> pending_;
};

// Runs evaluate_once every interval on its own thread; the first round after one interval (the
// host's metrics need a moment to mean something). A round that throws is logged and the loop
// goes on.
class Loop {
 public:
  Loop(Evaluator& evaluator, std::chrono::seconds every);
  ~Loop();  // stops and joins (a round in progress finishes first)
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

 private:
  Evaluator& evaluator_;
  std::chrono::seconds every_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace connhost::alerts
