#pragma once

// The tokens behind "${grant:CONNECTION[:refresh_token]}" secret references: a reporting (or
// messaging) connection takes the token someone granted by signing in through CONNECTION, from
// the vault, refreshed first when it is about to expire ("an expired access token is refreshed
// transparently"). A grant that needs re-authorization fails the plugin's call with the auth
// category and a message that says where to sign in again.

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "config/secret.hpp"
#include "login/refresher.hpp"
#include "pipeline/connection_setup.hpp"
#include "store/store.hpp"

namespace connhost::login {

class GrantTokens {
 public:
  // `open_store` opens a session of the host's store; called once, on first use, so that a
  // command whose connections name no grant never opens one.
  GrantTokens(const Refresher& refresher, const vault::Keyring& keyring,
              std::function<store::Store()> open_store);

  // The token `ref` names. Throws plugin::SecretError: auth when no one has signed in through the
  // connection or the grant needs re-authorization, transient when a due refresh failed and the
  // token has run out. Thread-safe.
  std::string resolve(const config::SecretRef& ref);

  // resolve, in the shape the pipeline takes. This object must outlive the resolver.
  pipeline::GrantResolver resolver() {
    return [this](const config::SecretRef& ref) { return resolve(ref); };
  }

  // An access token is refreshed when it has less than this left: enough for a read to start
  // and its first requests to pass.
  static constexpr std::chrono::seconds kRefreshAhead{120};

 private:
  const Refresher& refresher_;
  const vault::Keyring& keyring_;
  std::function<store::Store()> open_store_;
  std::mutex mutex_;
  std::optional<store::Store> store_;
};

}  // namespace connhost::login
