#pragma once

// Refreshing one grant's access token before it expires (issue #6, "Refresh"): under the grant's
// lease in the database (vault::try_refresh_lease), so that two threads or two hosts never
// refresh it at once; keeping the stored refresh token when the platform sends none; marking the
// grant reauth_required when the platform says the grant is dead (an auth error: invalid_grant,
// revoked consent), which only a new sign-in mends.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "pipeline/connection_setup.hpp"
#include "plugin/registry.hpp"

namespace soci {
class session;
}
namespace connhost::http {
class Client;
}
namespace connhost::metrics {
class Registry;
}
namespace connhost::vault {
class Keyring;
}

namespace connhost::login {

struct RefreshOutcome {
  enum class Kind {
    refreshed,        // new tokens stored
    not_due,          // valid for longer than asked (someone else may just have refreshed it)
    busy,             // another holder has the lease right now
    backing_off,      // a recent refresh failed; the lease holds retries off until it ends
    reauth_required,  // the platform refused the grant: someone must sign in again
    failed,           // the platform or the network failed; retried after a back-off
    unavailable,      // no such grant, not active, or nothing to refresh it with
  };
  Kind kind = Kind::unavailable;
  std::string message;  // why, for logs and errors; never a secret
};
std::string_view to_string(RefreshOutcome::Kind kind);

class Refresher {
 public:
  // `owner` names the holder in the lease column: pipeline::run_owner() ("host:pid"), with a
  // suffix when one process runs several refreshers. `metrics` may be null.
  Refresher(const config::HostConfig& config, const plugin::Registry& plugins,
            std::shared_ptr<http::Client> http, const vault::Keyring& keyring,
            metrics::Registry* metrics, std::string owner);

  // Refreshes grant `id` when its access token expires within `ahead` (always with `force`).
  // Thread-safe as long as each thread passes its own session.
  RefreshOutcome refresh(soci::session& sql, int64_t id, std::chrono::seconds ahead,
                         bool force = false) const;

  const std::string& owner() const { return owner_; }

  // How long a lease lasts: longer than any refresh call can take (the HTTP client's timeouts and
  // retries), so that a lease runs out only when its holder died.
  static constexpr std::chrono::seconds kLeaseTtl{120};

 private:
  const config::HostConfig& config_;
  const plugin::Registry& plugins_;
  std::shared_ptr<http::Client> http_;
  const vault::Keyring& keyring_;
  metrics::Registry* metrics_;
  std::string owner_;

  void count(const std::string& connection, RefreshOutcome::Kind kind) const;
};

}  // namespace connhost::login
