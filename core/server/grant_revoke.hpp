#pragma once

// Revoking a grant (issue #6, "Revocation"), shared by POST /api/grants/{id}/revoke and
// `connhost auth revoke`: revoke at the platform through the connection's plugin
// (plugin::Instance::revoke), then delete the tokens locally (vault::revoke_grant). A platform
// that answers an auth error (the token is already dead or revoked) still gets the grant revoked
// locally; any other platform failure keeps the tokens so that the revocation can be retried,
// unless `local_only`, which skips the platform. The local revocation logs the consent event
// (vault/consent_log.hpp, with `source`) and applies [contacts] on_revoke to the grant's profile
// (contacts/revocation.hpp) in one transaction.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "contacts/revocation.hpp"
#include "plugin/instance.hpp"
#include "plugin/registry.hpp"
#include "vault/grants.hpp"
#include "vault/keyring.hpp"

namespace soci {
class session;
}
namespace connhost::http {
class Client;
}

namespace connhost::server {

struct RevokeOutcome {
  enum class Result {
    revoked,          // tokens deleted locally (see `platform`)
    not_found,        // no such grant
    already_revoked,  // nothing to do
    platform_failed,  // the platform refused or could not be reached; tokens kept
    no_vault,         // the keyring is missing: the tokens cannot be read for the platform call
  };
  Result result = Result::not_found;
  // What happened at the platform: "revoked", "already_invalid" (it answered an auth error),
  // "skipped" (local_only, or no token left to send).
  std::string platform;
  std::string category;                   // platform_failed: the plugin's error category
  std::string message;                    // for people; never a token
  std::optional<vault::GrantInfo> grant;  // as it is after the call
  contacts::RevocationOutcome profile;    // revoked: what on_revoke did to the grant's profile
};

// `keyring` may be null (or unavailable) for local_only. `source` is the consent log's: "api" for
// POST /api/grants/{id}/revoke, "cli" for `connhost auth revoke`. Call outside a transaction.
RevokeOutcome revoke_grant(soci::session& sql, const vault::Keyring* keyring,
                           const config::HostConfig& config, const plugin::Registry& plugins,
                           std::shared_ptr<http::Client> http, int64_t grant_id, bool local_only,
                           std::string_view source = "api");

// The connection's plugin instance, set up as the pipelines do. Throws std::invalid_argument for
// a connection that cannot be set up; a plugin refusal comes back in `error`.
struct LoginInstance {
  std::unique_ptr<plugin::Instance> instance;
  std::string platform;
  std::optional<plugin::PluginError> error;
};
LoginInstance login_instance(const config::HostConfig& config, const plugin::Registry& plugins,
                             const std::string& connection, std::shared_ptr<http::Client> http);

}  // namespace connhost::server
