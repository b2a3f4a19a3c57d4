#pragma once

// What a command that runs pipelines needs of the login machinery: the vault's keys, a refresher
// that takes the database lease per grant, and the tokens behind "${grant:...}" secrets; and the
// profile sync built on them (contacts/profile_sync.hpp), for profile pipelines and for the sync
// right after a sign-in. Built even without [vault], so that a grant reference then fails with an
// error saying to add one.

#include <cstdint>
#include <memory>
#include <optional>

#include "config/config.hpp"
#include "login/grant_tokens.hpp"
#include "login/refresher.hpp"
#include "pipeline/runner.hpp"
#include "plugin/registry.hpp"
#include "vault/keyring.hpp"

namespace connhost::http {
class Client;
}

namespace connhost::cli {

class LoginServices {
 public:
  // Nothing, after printing why, when a configured vault key cannot be read (then `rc` is the
  // exit code). `metrics` may be null.
  static std::unique_ptr<LoginServices> open(const config::HostConfig& config,
                                             const plugin::Registry& plugins,
                                             std::shared_ptr<http::Client> http,
                                             metrics::Registry* metrics, int& rc);

  const vault::Keyring& keyring() const { return keyring_; }
  const login::Refresher& refresher() const { return refresher_; }
  pipeline::GrantResolver grant_resolver() { return tokens_.resolver(); }

  // For pipeline::Runner::set_profile_sync: syncs a profile pipeline's connection on a store
  // session of its own.
  pipeline::ProfileSyncFn profile_sync() const;
  // After a sign-in stored grant `grant_id`: syncs its profile at once when the connection's
  // plugin has the profile capability. Never throws: a failure is logged, and the sign-in stands.
  void sync_after_sign_in(int64_t grant_id) const;

  LoginServices(const config::HostConfig& config, const plugin::Registry& plugins,
                std::shared_ptr<http::Client> http, metrics::Registry* metrics,
                vault::Keyring keyring);

 private:
  const config::HostConfig& config_;
  const plugin::Registry& plugins_;
  std::shared_ptr<http::Client> http_;
  vault::Keyring keyring_;
  login::Refresher refresher_;
  login::GrantTokens tokens_;
};

}  // namespace connhost::cli
