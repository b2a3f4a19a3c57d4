// The messaging API (issue #7, "Outbound"): conversations, their messages, replies through the
// outbox, message status, and attachments streamed from the platform.

#include "server/routes/routes.hpp"

namespace connhost::server {

void add_messaging_routes(Router&, ServerContext&) {}

}  // namespace connhost::server
