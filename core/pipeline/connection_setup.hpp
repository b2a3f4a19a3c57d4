#pragma once

// A configured connection made ready for its plugin: the plugin found in the registry, the
// settings in the encoding the ABI passes (secrets left as references, resolved only when the
// plugin asks), the shared HTTP client and the connection's rate limiter; with isolation =
// "process", the plugin's operations run in a worker process (core/isolation). Used by the runner
// and by the API's connection test, so both talk to the platform the same way.

#include <functional>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "plugin/instance.hpp"
#include "plugin/registry.hpp"

namespace connhost::http {
class Client;
}

namespace connhost::pipeline {

// Reads a "${grant:...}" secret reference from the token vault (login/grant_tokens.hpp), so
// that the pipeline needs no part of the login machinery. Throws plugin::SecretError.
using GrantResolver = std::function<std::string(const config::SecretRef& ref)>;

struct ConnectionSetup {
  const config::Connection* connection = nullptr;
  std::shared_ptr<const plugin::LoadedPlugin> plugin;
  plugin::Instance::Settings settings;
};

// Throws std::invalid_argument naming what is wrong: no such connection, its plugin not
// loaded, a non-secret reference that does not resolve. Without `grants`, a secret that names a
// grant fails, when the plugin asks for it, with a config error that says to set up [vault].
ConnectionSetup setup_connection(const config::HostConfig& config, const plugin::Registry& registry,
                                 std::string_view connection, std::shared_ptr<http::Client> http,
                                 GrantResolver grants = {});

}  // namespace connhost::pipeline
