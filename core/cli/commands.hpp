#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "cli/host_context.hpp"

namespace CLI {
class App;
}

namespace connhost::cli {

int plugins_list(const GlobalOptions& options);
int plugins_describe(const GlobalOptions& options, const std::string& id);
int config_validate(const GlobalOptions& options, const std::filesystem::path& file);
int store_migrate(const GlobalOptions& options);
// A consistent copy of the SQLite store to `file` while the host runs (store/backup.hpp).
int store_backup(const GlobalOptions& options, const std::filesystem::path& file);

// `connhost sdk new`: a connector project for third parties (sdkgen/project.hpp).
struct SdkNewOptions {
  std::string name;
  std::string capabilities = "reporting";
  std::string display_name;
  std::string platform;
  std::filesystem::path dir;  // empty: ./NAME
};
int sdk_new(const SdkNewOptions& options);

struct SyncOptions {
  std::string pipeline;
  std::string from, to;  // YYYY-MM-DD; empty: the pipeline's lookback
  int months = 0;        // > 0: backfill this many months up to today
  int workers = 4;
  bool no_progress = false;
  bool force = false;      // profile pipelines: every active grant, due or not; --record: overwrite
  std::string record_dir;  // non-empty: record the run's HTTP exchanges here (http/recorder.hpp)
};
int sync(const GlobalOptions& options, const SyncOptions& sync);
int run_schedules(const GlobalOptions& options);

struct ServeOptions {
  std::string listen;  // HOST:PORT; empty: [server] listen
  bool no_scheduler = false;
};
int serve(const GlobalOptions& options, const ServeOptions& serve);
// Asks the running `serve` of this configuration to reload it (POST /api/reload).
int reload(const GlobalOptions& options);

struct ReportOptions {
  std::string platform;              // "" for every platform
  std::string from_month, to_month;  // YYYY-MM; empty: everything
  bool by_category = false;
  // Set: convert to one reporting currency with fx_rates; "" means [reporting] currency.
  std::optional<std::string> currency;
};
int report_monthly(const GlobalOptions& options, const ReportOptions& report);

int categories_apply(const GlobalOptions& options);
struct OverrideOptions {
  std::string platform, campaign_id, category, campaign_type;
};
int categories_override_set(const GlobalOptions& options, const OverrideOptions& o);
int categories_override_delete(const GlobalOptions& options, const OverrideOptions& o);
int categories_override_list(const GlobalOptions& options);

// `file` empty: [reporting] fx_file.
int fx_load(const GlobalOptions& options, const std::filesystem::path& file);

// The token vault: keys by id and grant counts; re-encryption under the active key.
int vault_status(const GlobalOptions& options);
int vault_rotate(const GlobalOptions& options);

// The authorization-code flow from the shell (core/cli/auth_command.cpp).
struct AuthOptions {
  std::string connection;
  std::string redirect_uri = "http://127.0.0.1:8765/callback";
  std::string scopes;  // comma-separated; empty: the connector's defaults
  std::string code;
  std::string verifier;
  int64_t user_id = 0;  // exchange: 0 keeps the platform user's local user, or creates one
};
int auth_url(const GlobalOptions& options, const AuthOptions& a);
int auth_exchange(const GlobalOptions& options, const AuthOptions& a);
int auth_test(const GlobalOptions& options, const AuthOptions& a);
// `auth grants [--connection C]` and `auth revoke GRANT_ID [--local-only]`.
int auth_grants(const GlobalOptions& options, const std::string& connection);
int auth_revoke(const GlobalOptions& options, int64_t grant_id, bool local_only);

// The webhook inbox (core/cli/inbox_command.cpp): counts by state, and replay.
int inbox_status(const GlobalOptions& options);
struct InboxReplayOptions {
  std::string connection;  // empty: every connection
  std::string event_id;    // empty: every event the flags select
  bool failed = false;     // only failed events (the default without --event-id)
  bool all = false;        // processed and failed events
};
int inbox_replay(const GlobalOptions& options, const InboxReplayOptions& o);

// Contacts (core/cli/contacts_command.cpp): list/search, show, history, consent, export, erase,
// sync. Registers its subcommands itself, so that main.cpp stays one line per group.
void add_contacts_commands(CLI::App& app, const GlobalOptions& g, int& rc,
                           const std::function<void()>& finish);

}  // namespace connhost::cli
