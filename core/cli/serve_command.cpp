// `connhost serve`: the HTTP API, the dashboard, health and metrics, and (unless
// --no-scheduler) the scheduled pipelines as `connhost run` runs them. It listens before it
// migrates the store, so probes get /healthz and a 503 from /readyz during a long migration.

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <thread>

#include "alerts/alerts.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/login_services.hpp"
#include "cli/plugin_watch.hpp"
#include "cli/store_open.hpp"
#include "config/listen_address.hpp"
#include "http/client.hpp"
#include "inbox/inbox_writer.hpp"
#include "inbox/processor.hpp"
#include "log/logger.hpp"
#include "login/refresh_loop.hpp"
#include "metrics/host_metrics.hpp"
#include "outbox/sender.hpp"
#include "pipeline/launcher.hpp"
#include "pipeline/runner.hpp"
#include "pipeline/scheduler.hpp"
#include "server/auth.hpp"
#include "server/dispatcher.hpp"
#include "server/report_cache.hpp"
#include "server/routes/routes.hpp"
#include "server/server.hpp"
#include "server/static_files.hpp"
#include "vault/keyring.hpp"

namespace connhost::cli {
namespace {

constexpr size_t kStoreConnections = 4;

// The pipeline runs of this host: one store connection and one Runner shared by the runs the
// API starts (the Launcher) and, unless --no-scheduler, the scheduled ones on their own thread.
class HostRuns {
 public:
  HostRuns(const config::HostConfig& cfg, const plugin::Registry& registry, bool schedule,
           std::shared_ptr<http::Client> http, pipeline::GrantResolver grants,
           pipeline::ProfileSyncFn profiles)
      : store_(open_store(cfg)),
        http_(std::move(http)),
        runner_(store_, cfg, registry, http_, std::move(grants)),
        launcher_(runner_),
        scheduler_(runner_, cfg) {
    runner_.set_profile_sync(std::move(profiles));
    if (!schedule) return;
    for (const auto& p : scheduler_.plan()) log::info("scheduled: {} ({})", p.pipeline, p.schedule);
    thread_ = std::thread([this] { scheduler_.run(stop_); });
  }
  ~HostRuns() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  pipeline::Launcher& launcher() { return launcher_; }

 private:
  store::Store store_;
  std::shared_ptr<http::Client> http_;
  pipeline::Runner runner_;
  pipeline::Launcher launcher_;
  pipeline::Scheduler scheduler_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The profile sync right after a browser sign-in stored a grant, on a thread of its own: the
// callback's answer (a redirect to the app) must not wait on the platform. Sign-ins are rare and
// each sync is one or two requests, so one thread working through a queue is enough; what is
// still queued at shutdown is dropped, and the next scheduled profile run picks it up (the grant
// changed since its last sync).
class SignInSyncs {
 public:
  explicit SignInSyncs(const LoginServices& login) : login_(login), thread_([this] { work(); }) {}
  ~SignInSyncs() {
    {
      std::lock_guard lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void push(int64_t grant_id) {
    {
      std::lock_guard lock(m_);
      queue_.push_back(grant_id);
    }
    cv_.notify_one();
  }

 private:
  void work() {
    std::unique_lock lock(m_);
    while (true) {
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      int64_t id = queue_.front();
      queue_.pop_front();
      lock.unlock();
      login_.sync_after_sign_in(id);  // logs its failures; never throws
      lock.lock();
    }
  }

  const LoginServices& login_;
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<int64_t> queue_;
  bool stop_ = false;
  std::thread thread_;
};

// A reload (SIGHUP, POST /api/reload) checks everything a start would refuse, so that an accepted
// one never ends in a host that cannot start again: the file against the loaded plugins' schemas,
// the API keys and the vault's keys readable.
server::ServerContext::ReloadOutcome validate_reload(const GlobalOptions& options,
                                                     const HostContext& ctx) {
  server::ServerContext::ReloadOutcome out;
  auto next = config::load_file(options.config_file, ctx.schema_lookup());
  for (const auto& e : next.errors) out.errors.push_back(e.to_string());
  if (next.ok()) {
    const auto& c = *next.config;
    std::string key_error;
    if (!server::api_keys_from_config(c, key_error))
      out.errors.push_back(c.file.string() + ": " + key_error);
    auto keys = vault::Keyring::from_config(c.vault);
    for (const auto& e : keys.errors) out.errors.push_back(e.to_string());
  }
  out.accepted = out.errors.empty();
  metrics::global()
      .counter("connhost_config_reloads_total",
               "Configuration reloads asked for (SIGHUP, POST /api/reload), by result.",
               {{"result", out.accepted ? "accepted" : "refused"}})
      .inc();
  if (out.accepted) {
    log::info(
        "reload: {} is valid; starting again in place with it once the requests and runs "
        "under way finish",
        options.config_file.string());
  } else {
    log::error("reload refused: {} has {} error{}; the old configuration keeps running",
               options.config_file.string(), out.errors.size(), out.errors.size() == 1 ? "" : "s");
    for (const auto& e : out.errors) log::error("reload: {}", e);
  }
  return out;
}

}  // namespace

int serve(const GlobalOptions& options, const ServeOptions& so) {
  auto ctx = HostContext::open(options);
  auto loaded = config::load_file(options.config_file, ctx.schema_lookup());
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::cerr << e.to_string() << '\n';
    return kExitConfigInvalid;
  }
  const config::HostConfig& cfg = *loaded.config;
  auto listen = config::parse_listen(so.listen.empty() ? cfg.listen : so.listen);
  if (!listen) {
    std::cerr << "connhost: --listen " << so.listen
              << ": expected HOST:PORT or [IPV6]:PORT, e.g. 127.0.0.1:8007\n";
    return kExitUsage;
  }
  std::string key_error;
  auto keys = server::api_keys_from_config(cfg, key_error);
  if (!keys) {
    std::cerr << cfg.file.string() << ": " << key_error << '\n';
    return kExitConfigInvalid;
  }
  if (!listen->loopback() && keys->empty()) {
    config::Diagnostic d{cfg.server.listen_pos, "server.listen",
                         listen->to_string() +
                             " is not a loopback address, so the API needs a key: set [server] "
                             "api_key = \"${env:CONNHOST_API_KEY}\" (or listen on 127.0.0.1)"};
    if (d.pos.line == 0) d.pos.file = cfg.file.string();  // from --listen or the default
    std::cerr << d.to_string() << '\n';
    return kExitConfigInvalid;
  }

  // The vault's keys, for the browser login (/auth/...), the grants' refresh and the pipelines'
  // "${grant:...}" secrets. Without [vault] the login callback answers 503; a key that cannot be
  // read is a configuration error.
  auto http = std::make_shared<http::Client>();
  int rc = kExitOk;
  auto login = LoginServices::open(cfg, ctx.registry, http, &metrics::global(), rc);
  if (!login) return rc;

  // [alerts]: its references are read now, so that an unreadable secret stops the start rather
  // than the first alert.
  std::optional<alerts::Evaluator> alert_rules;
  if (cfg.alerts.configured()) {
    try {
      alert_rules.emplace(
          cfg.alerts,
          alerts::Evaluator::Sources{.metrics = &metrics::global(),
                                     .open_store = [&cfg] { return open_store(cfg); },
                                     .plugins = &ctx.registry},
          http, alerts::Evaluator::Options{});
    } catch (const std::exception& e) {
      std::cerr << cfg.file.string() << ": " << e.what() << '\n';
      return kExitConfigInvalid;
    }
  }

  metrics::declare_host_metrics();
  metrics::plugin_load_failures().inc(static_cast<double>(ctx.registry.refused().size()));
  for (const auto& r : ctx.registry.refused())
    log::warn("plugin refused: {}: {}", r.path.string(), r.reason);
  // New and updated plugin files are served to runs started after them; runs under way finish
  // on the version they began with (docs/operations.md, "Hot plugin reload").
  auto plugin_watch = watch_plugins(ctx.registry, options.config_file, cfg.plugin_watch_seconds);

  server::StorePool stores([&cfg] { return open_store(cfg); }, kStoreConnections);
  server::Readiness readiness;
  server::ServerContext sctx{.config = cfg,
                             .plugins = ctx.registry,
                             .stores = stores,
                             .readiness = readiness,
                             .metrics = metrics::global(),
                             .scheduler_enabled = !so.no_scheduler};
  sctx.keyring = &login->keyring();
  sctx.http = http;
  sctx.grants = login->grant_resolver();
  SignInSyncs sign_in_syncs(*login);
  sctx.grant_stored = [&sign_in_syncs](int64_t grant_id) { sign_in_syncs.push(grant_id); };
  std::optional<server::ReportCache> reports;
  if (cfg.server.report_cache_seconds > 0) {
    reports.emplace(server::ReportCache::Options{
        .max_age = std::chrono::seconds(cfg.server.report_cache_seconds)});
    sctx.reports = &*reports;
  }
  server::Router router;
  server::add_routes(router, sctx);
  server::Auth auth(std::move(*keys));
  server::StaticFiles files(cfg.server.web_root.empty() ? server::default_web_root()
                                                        : cfg.server.web_root);
  server::Dispatcher dispatch(router, auth, readiness, metrics::global(),
                              [&files](const server::Request& r) { return files(r); });
  server::ServerOptions sopts;
  sopts.listen = *listen;
  sopts.max_body_bytes = static_cast<size_t>(cfg.server.max_body_bytes);
  // A webhook's handler waits for the inbox's group commit, so the deliveries sharing one commit
  // are at most the handler threads: 32 lets a burst share commits (docs/performance.md,
  // "Webhook intake"); idle threads cost nothing but their stacks' address space.
  sopts.threads = std::max(sopts.threads, 32);
  server::Server srv([&dispatch](server::Request& r) { return dispatch(r); }, sopts);
  try {
    uint16_t port = srv.start();
    config::ListenAddress bound{listen->host, port};
    log::info("serving http://{}/ (API key {}; dashboard from {})", bound.to_string(),
              auth.required() ? "required" : "not required", files.root().string());
  } catch (const std::exception& e) {
    std::cerr << "connhost: " << e.what() << '\n';
    return kExitFailure;
  }
  // Reloads: a refused one changes nothing; an accepted one stops the server as SIGTERM would and
  // asks main() to start the process again in place (same pid) with the new file.
  std::mutex reload_mutex;
  std::atomic<bool> restart{false};
  sctx.reload = [&] {
    std::lock_guard lock(reload_mutex);
    if (restart) return server::ServerContext::ReloadOutcome{.accepted = true};
    auto out = validate_reload(options, ctx);
    if (out.accepted) {
      restart = true;
      srv.request_stop();
    }
    return out;
  };
  srv.stop_on_signals([&sctx] { sctx.reload(); });

  try {
    readiness.set(server::Readiness::State::migrating, "the store is migrating");
    open_store(cfg).migrate();
    readiness.set(server::Readiness::State::ready);
  } catch (const std::exception& e) {
    readiness.set(server::Readiness::State::failed, "the store could not be migrated");
    std::cerr << "connhost: serve: store migration failed: " << e.what() << '\n';
    srv.stop();
    return kExitFailure;
  }

  try {
    HostRuns runs(cfg, ctx.registry, !so.no_scheduler, http, login->grant_resolver(),
                  login->profile_sync());
    sctx.launcher = &runs.launcher();
    // The webhook inbox: each its own store connection; the processor also takes what a previous
    // process left pending.
    auto write_gate = std::make_shared<inbox::WriteGate>();
    inbox::Processor processor(
        [&cfg] { return open_store(cfg); },
        {.write_gate = write_gate,
         .contacts = cfg.contacts,
         .connection_platforms = inbox::connection_platforms(cfg, ctx.registry)});
    inbox::InboxWriter inbox_writer(
        [&cfg] { return open_store(cfg); },
        {.committed = [&processor] { processor.notify(); }, .write_gate = write_gate});
    sctx.inbox = &inbox_writer;
    // The outbox's sender: its own store connection; it also sends what a previous process left
    // queued (and, after its timeout, what one left in 'sending').
    outbox::Sender sender(
        cfg, ctx.registry, [&cfg] { return open_store(cfg); }, http, login->grant_resolver(),
        metrics::global());
    sender.start();
    sctx.sender = &sender;
    // Every host may run it: each grant's lease keeps two from refreshing one grant.
    std::optional<login::RefreshLoop> refreshes;
    if (login->keyring().available())
      refreshes.emplace(
          login->refresher(), [&cfg] { return open_store(cfg); }, &metrics::global(),
          login::RefreshLoop::Options{});
    std::optional<alerts::Loop> alert_loop;
    if (alert_rules)
      alert_loop.emplace(*alert_rules, std::chrono::seconds(cfg.alerts.interval_seconds));
    srv.wait();
    // The handlers are done; runs still going finish before the store closes.
    sctx.launcher = nullptr;
    sctx.inbox = nullptr;
    sctx.sender = nullptr;
  } catch (const std::exception& e) {
    std::cerr << "connhost: serve failed: " << e.what() << '\n';
    return kExitFailure;
  }
  if (restart) {
    log::info("server stopped; starting again with the reloaded configuration");
    return kRestartInPlace;
  }
  log::info("server stopped");
  return kExitOk;
}

}  // namespace connhost::cli
