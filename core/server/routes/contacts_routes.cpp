// The contacts API (docs/api.md, "Contacts").
#include "server/routes/routes.hpp"

namespace connhost::server {

void add_contacts_routes(Router& router, ServerContext& ctx) {
  (void)router, (void)ctx;
}

}  // namespace connhost::server
