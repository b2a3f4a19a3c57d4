#include "cli/login_services.hpp"

#include <iostream>

#include "cli/exit_codes.hpp"
#include "cli/store_open.hpp"
#include "pipeline/run_log.hpp"

namespace connhost::cli {

LoginServices::LoginServices(const config::HostConfig& config, const plugin::Registry& plugins,
                             std::shared_ptr<http::Client> http, metrics::Registry* metrics,
                             vault::Keyring keyring)
    : keyring_(std::move(keyring)),
      refresher_(config, plugins, std::move(http), keyring_, metrics, pipeline::run_owner()),
      tokens_(refresher_, keyring_, [&config] { return open_store(config); }) {}

std::unique_ptr<LoginServices> LoginServices::open(const config::HostConfig& config,
                                                   const plugin::Registry& plugins,
                                                   std::shared_ptr<http::Client> http,
                                                   metrics::Registry* metrics, int& rc) {
  auto keys = vault::Keyring::from_config(config.vault);
  if (!keys.ok()) {
    for (const auto& e : keys.errors) std::cerr << e.to_string() << '\n';
    rc = kExitConfigInvalid;
    return nullptr;
  }
  return std::make_unique<LoginServices>(config, plugins, std::move(http), metrics,
                                         std::move(keys.keyring));
}

}  // namespace connhost::cli
