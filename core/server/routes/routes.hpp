#pragma once

// Every module's routes, added to one router. A module adds its routes with one function taking
// the router and the context; add_routes calls them all, so `connhost serve` and the tests serve
// the same table.

#include "server/context.hpp"
#include "server/router.hpp"

namespace connhost::server {

// /healthz, /readyz, /metrics: public, for probes and scrapers.
void add_health_routes(Router& router, ServerContext& ctx);
// /api/plugins, /api/connections, /api/pipelines.
void add_ops_routes(Router& router, ServerContext& ctx);
// /api/runs, /api/runs/{id}.
void add_runs_routes(Router& router, ServerContext& ctx);
// /api/openapi.json, generated from `router` when asked, so it lists routes added after it.
void add_openapi_route(Router& router);

// The reporting API: /api/{meta,google,tiktok,unified}-reports/...
void add_reporting_routes(Router& router, ServerContext& ctx);
// Category rules and overrides, applied at once: /api/categories/...
void add_categories_routes(Router& router, ServerContext& ctx);

void add_routes(Router& router, ServerContext& ctx);

}  // namespace connhost::server
