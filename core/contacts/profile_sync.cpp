// Placeholder until the issue #8 work lands: every function throws.
#include "contacts/profile_sync.hpp"

#include <stdexcept>

namespace connhost::contacts {

GrantSync sync_grant(soci::session&, const SyncServices&, int64_t) {
  throw std::logic_error("sync_grant: not yet");
}
ConnectionSync sync_connection(soci::session&, const SyncServices&, std::string_view, bool) {
  throw std::logic_error("sync_connection: not yet");
}

}  // namespace connhost::contacts
