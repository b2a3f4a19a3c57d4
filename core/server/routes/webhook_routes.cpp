// The webhook intake of `connhost serve` (issue #7, "Inbound"): GET /webhooks/{connection} (the
// platform's subscription handshake) and POST /webhooks/{connection} (verify, persist, then
// acknowledge).

#include "server/routes/routes.hpp"

namespace connhost::server {

void add_webhook_routes(Router&, ServerContext&) {}

}  // namespace connhost::server
