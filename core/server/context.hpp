#pragma once

// What route handlers may reach. Built by `connhost serve` (or a test) before the routes are
// added, and outlives the server.

#include <chrono>
#include <functional>

#include "config/config.hpp"
#include "metrics/metrics.hpp"
#include "plugin/registry.hpp"
#include "server/readiness.hpp"
#include "server/store_pool.hpp"

namespace connhost::server {

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
  // The clock of due times and ages; tests may pin it.
  std::function<std::chrono::system_clock::time_point()> now = [] {
    return std::chrono::system_clock::now();
  };
};

}  // namespace connhost::server
