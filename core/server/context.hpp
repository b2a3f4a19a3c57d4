#pragma once

// What route handlers may reach. Built by `connhost serve` (or a test) before the routes are
// added, and outlives the server.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "metrics/metrics.hpp"
#include "pipeline/connection_setup.hpp"
#include "plugin/registry.hpp"
#include "server/readiness.hpp"
#include "server/store_pool.hpp"

namespace connhost::http {
class Client;
}
namespace connhost::pipeline {
class Launcher;
}
namespace connhost::vault {
class Keyring;
}
namespace connhost::inbox {
class InboxWriter;
}
namespace connhost::outbox {
class Sender;
}

namespace connhost::server {

class ReportCache;

struct ServerContext {
  // Loaded and validated against the plugins' schemas.
  const config::HostConfig& config;
  const plugin::Registry& plugins;
  // Borrow a connection per request: StorePool::Lease lease = ctx.stores.acquire();
  StorePool& stores;
  Readiness& readiness;
  metrics::Registry& metrics;
  // Whether this process runs the scheduled pipelines (serve --no-scheduler: false).
  bool scheduler_enabled = false;
  // Starts pipeline runs for POST /api/{p}-reports/sync; set once the store is migrated (the
  // API answers 503 before that). Null: syncing through the API is not available.
  pipeline::Launcher* launcher = nullptr;
  // Caches the reporting GET answers (server/report_cache.hpp); null: every request computes.
  ReportCache* reports = nullptr;
  // The token vault's keys, for the browser login's grants (/auth/...); null or unavailable: the
  // login callback answers 503.
  const vault::Keyring* keyring = nullptr;
  // Persists verified webhook deliveries (core/inbox); null: POST /webhooks answers 503.
  inbox::InboxWriter* inbox = nullptr;
  // Sends the outbox (core/outbox); null: replies are queued and sent by whoever runs a sender.
  outbox::Sender* sender = nullptr;
  // The HTTP client the connection tests and the browser login use (shared with the runs).
  std::shared_ptr<http::Client> http;
  // Reads the connections' "${grant:...}" secrets from the vault (login/grant_tokens.hpp);
  // empty: such a secret fails with a config error.
  pipeline::GrantResolver grants;
  // Reloads the configuration (POST /api/reload, SIGHUP): validates the file and, when it is
  // valid, has the process start again in place with it; a refused one changes nothing. Empty:
  // reloading is not available (tests).
  struct ReloadOutcome {
    bool accepted = false;
    std::vector<std::string> errors;  // FILE:LINE:COL: key: message, when refused
  };
  std::function<ReloadOutcome()> reload;
  // Called after a sign-in stored (or renewed) grant `grant_id`, outside any transaction: the
  // profile sync of that grant (contacts/profile_sync.hpp). Failures are its own to log; empty:
  // nothing happens.
  std::function<void(int64_t grant_id)> grant_stored;
  // The clock of due times and ages; tests may pin it.
  std::function<std::chrono::system_clock::time_point()> now = [] {
    return std::chrono::system_clock::now();
  };
};

}  // namespace connhost::server
