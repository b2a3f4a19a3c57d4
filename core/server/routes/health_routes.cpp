// Probes and the scrape endpoint. Public even when the API needs a key: a load balancer and
// Prometheus have no key, and none of these say anything about the data.

#include <boost/json.hpp>

#include "log/logger.hpp"
#include "metrics/metrics.hpp"
#include "server/routes/routes.hpp"

namespace connhost::server {

void add_health_routes(Router& router, ServerContext& ctx) {
  router.add({.method = "GET",
              .pattern = "/healthz",
              .summary = "Liveness: the process is up",
              .description = "Always 200 {\"status\":\"ok\"} while the process serves requests.",
              .is_public = true,
              .tag = "health",
              .handler = [](const Request&) {
                return json_response(200, {{"status", "ok"}});
              }});

  router.add({.method = "GET",
              .pattern = "/readyz",
              .summary = "Readiness: the store is migrated and reachable",
              .description = "200 once the store is migrated and answers; 503 not_ready while it "
                             "migrates, after a failed migration, or when it does not answer.",
              .is_public = true,
              .tag = "health",
              .handler = [&ctx](const Request&) {
                if (!ctx.readiness.ready())
                  return error_response(503, "not_ready", ctx.readiness.message());
                try {
                  auto lease = ctx.stores.acquire();
                  int version = lease->schema_version();
                  return json_response(200, {{"status", "ready"}, {"schema_version", version}});
                } catch (const std::exception& e) {
                  // The detail may name the database's host: ops read it in the log, not probes.
                  log::warn("readyz: the store does not answer: {}", e.what());
                  return error_response(503, "not_ready", "the store does not answer");
                }
              }});

  router.add({.method = "GET",
              .pattern = "/metrics",
              .summary = "Prometheus metrics",
              .description = "The text exposition format 0.0.4: HTTP latency histograms per route, "
                             "sync rows and errors, plugin load failures, rate-limit waits.",
              .is_public = true,
              .tag = "health",
              .handler = [&ctx](const Request&) {
                Response r;
                r.content_type = std::string(metrics::kTextFormat);
                r.body = ctx.metrics.render();
                return r;
              }});
}

}  // namespace connhost::server
