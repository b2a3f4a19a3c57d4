#include "cli/login_services.hpp"

#include <iostream>

#include "cli/exit_codes.hpp"
#include "cli/store_open.hpp"
#include "contacts/profile_sync.hpp"
#include "log/logger.hpp"
#include "pipeline/run_log.hpp"
#include "store/store.hpp"
#include "vault/grants.hpp"

namespace connhost::cli {

LoginServices::LoginServices(const config::HostConfig& config, const plugin::Registry& plugins,
                             std::shared_ptr<http::Client> http, metrics::Registry* metrics,
                             vault::Keyring keyring)
    : config_(config),
      plugins_(plugins),
      http_(http),
      keyring_(std::move(keyring)),
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

pipeline::ProfileSyncFn LoginServices::profile_sync() const {
  return [this](const config::Pipeline& p, const pipeline::RunOptions& o) {
    auto store = open_store(config_);
    contacts::SyncServices services{config_, plugins_, http_, keyring_, &refresher_};
    auto synced = contacts::sync_connection(store.session(), services, p.connection, o.force);
    pipeline::ProfileRunSummary out;
    out.synced = synced.synced;
    out.unchanged = synced.unchanged;
    out.failed = synced.failed;
    out.skipped = synced.skipped;
    int64_t failed = 0;
    for (const auto& g : synced.grants) {
      if (g.status == "failed" || g.status == "needs_scope" || g.status == "unsupported")
        out.notes.push_back("grant " + std::to_string(g.grant_id) + ": " + g.status + ": " +
                            g.message);
      if (g.status != "failed") continue;
      if (!out.error) out.error = g.error.value_or(plugin::PluginError{});
      out.error->message = g.message;
      ++failed;
    }
    // The run fails when a fetch failed; needs_scope and unsupported are the person's or the
    // set-up's to mend, and are in the notes.
    if (failed > 1)
      out.error->message =
          std::to_string(failed) + " grants failed; the last: " + out.error->message;
    return out;
  };
}

void LoginServices::sync_after_sign_in(int64_t grant_id) const {
  try {
    auto store = open_store(config_);
    auto& sql = store.session();
    std::optional<vault::GrantInfo> info;
    for (auto& g : vault::list_grants(sql))
      if (g.id == grant_id) info = g;
    if (!info) return;
    const config::Connection* conn = config_.connection(info->connection);
    const plugin::LoadedPlugin* plugin = conn ? plugins_.find(conn->plugin) : nullptr;
    if (!plugin || !(plugin->capabilities & CH_CAP_PROFILE)) return;
    contacts::SyncServices services{config_, plugins_, http_, keyring_, &refresher_};
    // sync_grant logs its outcome (one line, no profile value).
    contacts::sync_grant(sql, services, grant_id);
  } catch (const std::exception& e) {
    log::warn("profile sync: grant {} after sign-in failed: {}", grant_id, e.what());
  }
}

}  // namespace connhost::cli
