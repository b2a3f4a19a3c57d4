#pragma once

// What a command that runs pipelines needs of the login machinery: the vault's keys, a refresher
// that takes the database lease per grant, and the tokens behind "${grant:...}" secrets. Built
// even without [vault], so that a grant reference then fails with an error saying to add one.

#include <memory>
#include <optional>

#include "config/config.hpp"
#include "login/grant_tokens.hpp"
#include "login/refresher.hpp"
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

  LoginServices(const config::HostConfig& config, const plugin::Registry& plugins,
                std::shared_ptr<http::Client> http, metrics::Registry* metrics,
                vault::Keyring keyring);

 private:
  vault::Keyring keyring_;
  login::Refresher refresher_;
  login::GrantTokens tokens_;
};

}  // namespace connhost::cli
