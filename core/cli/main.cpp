// The `connhost` command. Exit codes: cli/exit_codes.hpp, docs/operations.md.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"

int main(int argc, char** argv) {
  using namespace connhost::cli;
  CLI::App app{"connhost: a connector host for ad and social platforms"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(CONNHOST_VERSION));
  GlobalOptions g;
  std::string config_file;
  app.add_option("-c,--config", config_file, "configuration file (default: connhost.toml)");
  std::vector<std::string> plugin_dirs;
  app.add_option("--plugin-dir", plugin_dirs, "also load plugins from DIR (repeatable)");
  app.add_option("--log-level", g.log_level, "trace|debug|info|warn|error|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_option("--log-format", g.log_format, "text|json")->check(CLI::IsMember({"text", "json"}));
  app.footer(
      "Exit codes: 0 ok, 1 failure, 2 usage error, 3 invalid configuration, 4 plugin not "
      "loaded.");

  int rc = kExitOk;
  auto finish = [&] {
    if (!config_file.empty()) g.config_file = config_file, g.config_given = true;
    for (const auto& d : plugin_dirs) g.plugin_dirs.emplace_back(d);
  };

  auto* plugins = app.add_subcommand("plugins", "list and describe connector plugins");
  plugins->require_subcommand(1);
  plugins->add_subcommand("list", "loaded plugins, and every refused file with its reason")
      ->callback([&] { finish(), rc = plugins_list(g); });
  std::string plugin_id;
  auto* describe = plugins->add_subcommand("describe", "a plugin's config schema and streams");
  describe->add_option("ID", plugin_id, "plugin id")->required();
  describe->callback([&] { finish(), rc = plugins_describe(g, plugin_id); });

  auto* config = app.add_subcommand("config", "work with configuration files");
  config->require_subcommand(1);
  std::string validate_file;
  auto* validate = config->add_subcommand("validate", "check a configuration file");
  validate->add_option("FILE", validate_file, "configuration file")->required();
  validate->callback([&] { finish(), rc = config_validate(g, validate_file); });

  auto* store = app.add_subcommand("store", "the SQL store");
  store->require_subcommand(1);
  store->add_subcommand("migrate", "apply pending schema migrations")->callback([&] {
    finish(), rc = store_migrate(g);
  });
  std::filesystem::path backup_file;
  auto* backup = store->add_subcommand(
      "backup", "a consistent copy of the SQLite store to FILE, while the host runs");
  backup->add_option("FILE", backup_file, "the new backup file (never overwritten)")->required();
  backup->callback([&] { finish(), rc = store_backup(g, backup_file); });

  SyncOptions so;
  auto* sync_cmd = app.add_subcommand(
      "sync", "run a reporting pipeline now: its lookback window, a date range, or a backfill");
  sync_cmd->add_option("PIPELINE", so.pipeline, "pipeline name from the configuration")->required();
  auto* from = sync_cmd->add_option("--from", so.from, "first day, YYYY-MM-DD");
  auto* to = sync_cmd->add_option("--to", so.to, "last day, YYYY-MM-DD (default: today)");
  auto* months = sync_cmd->add_option("--months", so.months, "backfill N months up to today")
                     ->check(CLI::Range(1, 120));
  months->excludes(from)->excludes(to);
  sync_cmd->add_option("--workers", so.workers, "accounts read in parallel")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  sync_cmd->add_flag("--no-progress", so.no_progress, "log lines instead of a progress bar");
  sync_cmd->add_flag("--force", so.force,
                     "profile pipelines: sync every active grant, not only the changed and due; "
                     "--record: overwrite an existing recording");
  sync_cmd
      ->add_option("--record", so.record_dir,
                   "record every HTTP exchange of the run, redacted, into DIR/CONNECTION.json "
                   "for connhost-sandbox --replay (docs/replay.md); an existing file is "
                   "refused unless --force")
      ->type_name("DIR");
  sync_cmd->callback([&] { finish(), rc = sync(g, so); });

  auto* report = app.add_subcommand("report", "reports from the store");
  report->require_subcommand(1);
  ReportOptions ro;
  auto* monthly = report->add_subcommand(
      "monthly", "spend, purchases, revenue, CPA, ROAS, CPC per month, platform and currency");
  monthly->add_option("--platform", ro.platform, "meta, google, tiktok (default: all)");
  monthly->add_option("--from", ro.from_month, "first month, YYYY-MM");
  monthly->add_option("--to", ro.to_month, "last month, YYYY-MM");
  monthly->add_flag("--by-category", ro.by_category, "one row per category too");
  std::string currency;
  auto* currency_opt =
      monthly
          ->add_option("--currency", currency,
                       "convert to one reporting currency with the loaded FX rates (no value: "
                       "[reporting] currency)")
          ->expected(0, 1);
  monthly->callback([&] {
    if (currency_opt->count() > 0) ro.currency = currency;
    finish(), rc = report_monthly(g, ro);
  });

  auto* cats = app.add_subcommand("categories", "campaign categories: rules and overrides");
  cats->require_subcommand(1);
  cats->add_subcommand("apply", "recategorize every campaign with the current rules and overrides")
      ->callback([&] { finish(), rc = categories_apply(g); });
  auto* ov = cats->add_subcommand("override", "per-campaign categories that win over the rules");
  ov->require_subcommand(1);
  OverrideOptions oo;
  auto* ov_set = ov->add_subcommand("set", "set a campaign's category, then re-apply");
  ov_set->add_option("PLATFORM", oo.platform, "meta, google, tiktok")->required();
  ov_set->add_option("CAMPAIGN_ID", oo.campaign_id, "the platform's campaign id")->required();
  ov_set->add_option("CATEGORY", oo.category, "the category")->required();
  ov_set->add_option("--type", oo.campaign_type, "campaign type (default: from the objective)");
  ov_set->callback([&] { finish(), rc = categories_override_set(g, oo); });
  auto* ov_del = ov->add_subcommand("delete", "remove a campaign's override, then re-apply");
  ov_del->add_option("PLATFORM", oo.platform, "meta, google, tiktok")->required();
  ov_del->add_option("CAMPAIGN_ID", oo.campaign_id, "the platform's campaign id")->required();
  ov_del->callback([&] { finish(), rc = categories_override_delete(g, oo); });
  ov->add_subcommand("list", "every override")->callback([&] {
    finish(), rc = categories_override_list(g);
  });

  auto* fx = app.add_subcommand("fx", "foreign exchange rates for the reporting currency");
  fx->require_subcommand(1);
  std::string fx_file;
  auto* fx_load_cmd =
      fx->add_subcommand("load", "load a CSV date,currency,reporting_currency,rate (upserts)");
  fx_load_cmd->add_option("FILE", fx_file, "the CSV file (default: [reporting] fx_file)");
  fx_load_cmd->callback([&] { finish(), rc = fx_load(g, fx_file); });

  auto* vault = app.add_subcommand("vault", "the token vault: keys and encrypted grants");
  vault->require_subcommand(1);
  vault->add_subcommand("status", "configured key ids, the active key, grants per key and status")
      ->callback([&] { finish(), rc = vault_status(g); });
  vault->add_subcommand("rotate", "re-encrypt every grant under the active key")->callback([&] {
    finish(), rc = vault_rotate(g);
  });

  auto* inbox =
      app.add_subcommand("inbox", "the webhook inbox: stored events and their processing");
  inbox->require_subcommand(1);
  inbox
      ->add_subcommand("status",
                       "events per connection: pending, processed, failed; oldest pending")
      ->callback([&] { finish(), rc = inbox_status(g); });
  InboxReplayOptions iro;
  auto* inbox_replay_cmd = inbox->add_subcommand(
      "replay",
      "put events back to pending and process them into conversations and messages again "
      "(idempotent); default: the failed events");
  inbox_replay_cmd->add_option("--connection", iro.connection, "only this connection's events");
  auto* only_failed = inbox_replay_cmd->add_flag("--failed", iro.failed, "only failed events");
  inbox_replay_cmd->add_flag("--all", iro.all, "every processed and failed event")
      ->excludes(only_failed);
  inbox_replay_cmd->add_option("--event-id", iro.event_id,
                               "only the event with this platform event id (any state)");
  inbox_replay_cmd->callback([&] { finish(), rc = inbox_replay(g, iro); });

  add_contacts_commands(app, g, rc, finish);

  AuthOptions ao;
  auto* auth = app.add_subcommand(
      "auth", "sign in a connection without a browser callback; list and revoke grants");
  auth->require_subcommand(1);
  auto* auth_url_cmd = auth->add_subcommand("url", "print the consent URL, its state and verifier");
  auth_url_cmd->add_option("CONNECTION", ao.connection, "connection name")->required();
  auth_url_cmd->add_option("--redirect-uri", ao.redirect_uri, "registered redirect URI")
      ->capture_default_str();
  auth_url_cmd->add_option("--scopes", ao.scopes, "comma-separated scopes (default: the plugin's)");
  auth_url_cmd->callback([&] { finish(), rc = auth_url(g, ao); });
  auto* auth_ex = auth->add_subcommand("exchange", "exchange the redirect's code; store the grant");
  auth_ex->add_option("CONNECTION", ao.connection, "connection name")->required();
  auth_ex->add_option("CODE", ao.code, "the code the redirect carried")->required();
  auth_ex->add_option("--verifier", ao.verifier, "the PKCE verifier `auth url` printed");
  auth_ex->add_option("--redirect-uri", ao.redirect_uri, "the same redirect URI as `auth url`")
      ->capture_default_str();
  auth_ex->add_option("--user", ao.user_id, "local user id to link (default: keep or create)");
  auth_ex->callback([&] { finish(), rc = auth_exchange(g, ao); });
  auto* auth_t =
      auth->add_subcommand("test", "call the platform's user info with the stored grant");
  auth_t->add_option("CONNECTION", ao.connection, "connection name")->required();
  auth_t->callback([&] { finish(), rc = auth_test(g, ao); });
  auto* auth_g = auth->add_subcommand("grants", "list the vault's grants (never their tokens)");
  auth_g->add_option("--connection", ao.connection, "only this connection's grants");
  auth_g->callback([&] { finish(), rc = auth_grants(g, ao.connection); });
  int64_t revoke_id = 0;
  bool revoke_local_only = false;
  auto* auth_r = auth->add_subcommand(
      "revoke", "revoke a grant at the platform, then delete its tokens (see `auth grants`)");
  auth_r->add_option("GRANT_ID", revoke_id, "the grant's id")->required();
  auth_r->add_flag("--local-only", revoke_local_only,
                   "delete the tokens without asking the platform (it may still honour them)");
  auth_r->callback([&] { finish(), rc = auth_revoke(g, revoke_id, revoke_local_only); });

  app.add_subcommand("run", "run the scheduled pipelines until interrupted (SIGINT, SIGTERM)")
      ->callback([&] { finish(), rc = run_schedules(g); });

  ServeOptions sv;
  auto* serve_cmd = app.add_subcommand(
      "serve",
      "serve the HTTP API, the dashboard, /healthz, /readyz and /metrics, and run the scheduled "
      "pipelines, until interrupted (SIGINT, SIGTERM)");
  serve_cmd->add_option("--listen", sv.listen,
                        "HOST:PORT or [IPV6]:PORT to listen on (default: [server] listen, else "
                        "127.0.0.1:8007); anything but loopback needs an API key ([server] api_key "
                        "or [server.api_keys.NAME])");
  serve_cmd->add_flag("--no-scheduler", sv.no_scheduler,
                      "serve only: leave the scheduled pipelines to another process");
  serve_cmd->callback([&] { finish(), rc = serve(g, sv); });

  app.add_subcommand("reload",
                     "reload the configuration of the running `connhost serve` (as SIGHUP does): "
                     "validated first; a file with errors is refused and the old one keeps running")
      ->callback([&] { finish(), rc = reload(g); });

  auto* sdk = app.add_subcommand("sdk", "tools for connector authors");
  sdk->require_subcommand(1);
  SdkNewOptions sn;
  auto* sdk_new_cmd = sdk->add_subcommand(
      "new",
      "generate an out-of-tree connector project: CMake against the installed SDK, a "
      "skeleton for the chosen capabilities, a conformance test with fixtures, a CI script");
  sdk_new_cmd->add_option("NAME", sn.name, "plugin id: [a-z][a-z0-9_]*")->required();
  sdk_new_cmd
      ->add_option("--capabilities", sn.capabilities,
                   "comma-separated: reporting, login, messaging, profile")
      ->capture_default_str();
  sdk_new_cmd->add_option("--display-name", sn.display_name, "for people (default: from NAME)");
  sdk_new_cmd->add_option("--platform", sn.platform, "platform name (default: NAME)");
  sdk_new_cmd->add_option("--dir", sn.dir,
                          "where to write it (default: ./NAME); must be new or empty");
  sdk_new_cmd->callback([&] { finish(), rc = sdk_new(sn); });

  app.add_subcommand("version", "print the version and the plugin ABI")->callback([&] {
    std::cout << "connhost " << CONNHOST_VERSION << " (plugin ABI " << CONNHOST_ABI_MAJOR << "."
              << CONNHOST_ABI_MINOR << ")\n";
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (rc == kRestartInPlace) {
    // A reload whose configuration validated: the same process (same pid, so systemd's
    // ExecReload and supervisors keep tracking it) starts again from the top with the same
    // arguments and reads the new configuration everywhere.
    std::cout.flush();
    std::cerr.flush();
    ::execv("/proc/self/exe", argv);
    std::cerr << "connhost: reload: cannot start again: " << std::strerror(errno) << '\n';
    return kExitFailure;
  }
  return rc;
}
