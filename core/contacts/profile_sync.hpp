#pragma once

// Profile sync (docs/contacts.md, "Sync"): fetch the profile of a grant's user through the
// connection's plugin, normalize it, apply the field policy, store it. Incremental: a connection's
// sync looks only at the grants that changed since their last sync (a new sign-in, new scopes) or
// whose profile is due again ([contacts] refresh_after_hours). Refuses without the scopes the
// plugin says it needs and names them; stops for a revoked grant.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "pipeline/connection_setup.hpp"
#include "plugin/instance.hpp"
#include "plugin/registry.hpp"

namespace soci {
class session;
}
namespace connhost::http {
class Client;
}
namespace connhost::vault {
class Keyring;
}
namespace connhost::login {
class Refresher;
}

namespace connhost::contacts {

struct SyncServices {
  const config::HostConfig& config;
  const plugin::Registry& plugins;
  std::shared_ptr<http::Client> http;
  const vault::Keyring& keyring;
  // Refreshes an access token about to expire before the fetch; null: an expired token fails as
  // auth.
  const login::Refresher* refresher = nullptr;
  std::function<std::chrono::system_clock::time_point()> now = [] {
    return std::chrono::system_clock::now();
  };
};

struct GrantSync {
  int64_t grant_id = 0;
  // ok (a new version) | unchanged | failed | needs_scope | unsupported | stopped (revoked, needs
  // a new sign-in, or the identity is frozen) | not_due (sync_connection only: nothing to do)
  std::string status;
  std::optional<int64_t> contact_id;
  bool new_version = false;
  std::optional<plugin::PluginError> error;
  std::string message;  // for logs and the API; never a secret or a profile value
};

// Syncs one grant now, whatever its due time.
GrantSync sync_grant(soci::session& sql, const SyncServices& services, int64_t grant_id);

struct ConnectionSync {
  int64_t synced = 0;             // a new version stored
  int64_t unchanged = 0;          // fetched, nothing changed
  int64_t failed = 0;             // failed, needs_scope or unsupported
  int64_t skipped = 0;            // not due, or stopped
  std::vector<GrantSync> grants;  // every grant looked at, in id order
};

// Syncs the grants of `connection` that changed or are due (every active one with `force`).
ConnectionSync sync_connection(soci::session& sql, const SyncServices& services,
                               std::string_view connection, bool force = false);

}  // namespace connhost::contacts
