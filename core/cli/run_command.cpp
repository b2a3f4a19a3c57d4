#include <csignal>
#include <iostream>

#include "alerts/alerts.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/login_services.hpp"
#include "cli/plugin_watch.hpp"
#include "cli/store_open.hpp"
#include "http/client.hpp"
#include "log/logger.hpp"
#include "login/refresh_loop.hpp"
#include "metrics/metrics.hpp"
#include "pipeline/runner.hpp"
#include "pipeline/scheduler.hpp"
#include "store/store.hpp"

namespace connhost::cli {
namespace {
std::atomic<bool> g_stop{false};
void on_signal(int) {
  g_stop = true;
}
}  // namespace

int run_schedules(const GlobalOptions& options) {
  auto ctx = HostContext::open(options);
  auto loaded = config::load_file(options.config_file, ctx.schema_lookup());
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::cerr << e.to_string() << '\n';
    return kExitConfigInvalid;
  }
  try {
    auto store = open_store(*loaded.config);
    store.migrate();
    auto http = std::make_shared<http::Client>();
    int rc = kExitOk;
    auto login = LoginServices::open(*loaded.config, ctx.registry, http, nullptr, rc);
    if (!login) return rc;
    pipeline::Runner runner(store, *loaded.config, ctx.registry, http, login->grant_resolver());
    runner.set_profile_sync(login->profile_sync());
    // The grants' refresh runs beside the schedules, as in `connhost serve`.
    std::optional<login::RefreshLoop> refreshes;
    if (login->keyring().available())
      refreshes.emplace(
          login->refresher(), [&cfg = *loaded.config] { return open_store(cfg); }, nullptr,
          login::RefreshLoop::Options{});
    // [alerts], as in `connhost serve`: its references are read before the first run.
    std::optional<alerts::Evaluator> alert_rules;
    std::optional<alerts::Loop> alert_loop;
    if (loaded.config->alerts.configured()) {
      try {
        alert_rules.emplace(loaded.config->alerts,
                            alerts::Evaluator::Sources{
                                .metrics = &metrics::global(),
                                .open_store = [&cfg = *loaded.config] { return open_store(cfg); },
                                .plugins = &ctx.registry},
                            http, alerts::Evaluator::Options{});
      } catch (const std::exception& e) {
        std::cerr << loaded.config->file.string() << ": " << e.what() << '\n';
        return kExitConfigInvalid;
      }
      alert_loop.emplace(*alert_rules,
                         std::chrono::seconds(loaded.config->alerts.interval_seconds));
    }
    // As in `connhost serve`: runs started after a plugin file changed use the new version.
    auto plugin_watch =
        watch_plugins(ctx.registry, options.config_file, loaded.config->plugin_watch_seconds);
    pipeline::Scheduler scheduler(runner, *loaded.config);
    for (const auto& p : scheduler.plan()) log::info("scheduled: {} ({})", p.pipeline, p.schedule);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    int runs = scheduler.run(g_stop);
    log::info("stopped after {} runs", runs);
  } catch (const std::exception& e) {
    std::cerr << "connhost: run failed: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace connhost::cli
