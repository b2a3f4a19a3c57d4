#include "server/routes/routes.hpp"

namespace connhost::server {

void add_routes(Router& router, ServerContext& ctx) {
  add_health_routes(router, ctx);
  add_ops_routes(router, ctx);
  add_runs_routes(router, ctx);
  add_reporting_routes(router, ctx);
  add_categories_routes(router, ctx);
  add_auth_routes(router, ctx);
  add_grants_routes(router, ctx);
  add_webhook_routes(router, ctx);
  add_messaging_routes(router, ctx);
  add_contacts_routes(router, ctx);
  add_openapi_route(router);
}

}  // namespace connhost::server
