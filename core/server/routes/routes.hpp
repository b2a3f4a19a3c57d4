#pragma once

// Every module's routes, added to one router. A module adds its routes with one function taking
// the router and the context; add_routes calls them all, so `connhost serve` and the tests serve
// the same table.

#include <memory>

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

class LoginStates;
// The browser login: /auth/{connection}, /auth/{connection}/callback (public, HTML) and POST
// /auth/logout. `states`
// holds the pending logins; null: a new store on ctx.now (tests pass their own).
void add_auth_routes(Router& router, ServerContext& ctx,
                     std::shared_ptr<LoginStates> states = nullptr);

// The login API: /api/login/providers, /api/me, /api/grants, /api/grants/{id}/revoke.
void add_grants_routes(Router& router, ServerContext& ctx);

// Webhook intake: GET and POST /webhooks/{connection} (public: the platforms sign, not a key).
void add_webhook_routes(Router& router, ServerContext& ctx);
// The messaging API: /api/conversations..., /api/messages/{id}, /api/attachments/{id}.
void add_messaging_routes(Router& router, ServerContext& ctx);
// Contacts: /api/contacts..., their history and consent, the CSV export, erasure.
void add_contacts_routes(Router& router, ServerContext& ctx);

void add_routes(Router& router, ServerContext& ctx);

}  // namespace connhost::server
