#pragma once

// The host's configuration: one TOML file, read and validated as a whole before anything runs,
// so that every mistake is reported at once with FILE:LINE:COL and the dotted key path.
//
// Relative paths are taken against the folder of the config file, not the working directory.
//
//   [host]
//   plugin_dirs = ["../plugins"]     # default ["plugins"]
//   log_level = "info"               # trace|debug|info|warn|error|off
//   log_format = "text"              # text|json
//   schedule_lease_seconds = 60      # how long a host's claim on a due scheduled run lasts
//                                    # without renewal, 1 .. 86400 (docs/operations.md "Scale out")
//   plugin_watch_seconds = 2         # how often serve and run look for new or updated plugin
//                                    # files, 0 .. 3600; 0: never (docs/operations.md "Hot
//                                    # plugin reload")
//
//   [store]
//   backend = "sqlite"               # sqlite (default) | postgresql
//   path = "../data/connhost.db"     # sqlite file; default "data/connhost.db"
//   url = "${env:CONNHOST_PG_URL}"   # postgresql only, and required there: a libpq connection
//                                    # string, literal or a reference
//   [server]                         # `connhost serve` (docs/api.md)
//   listen = "127.0.0.1:8007"        # default; HOST:PORT or [IPV6]:PORT
//   api_key = "${env:CONNHOST_API_KEY}"  # a reference only; required when listen is not
//                                    # loopback, enforced whenever set; has every scope ("*")
//   max_body_bytes = 1048576         # request body limit, 1024 .. 1073741824; default 1 MiB
//   web_root = "../web"              # the dashboard's files; default: the installed or
//                                    # source tree's web/
//   report_cache_seconds = 60        # longest a cached report is served; 0: no cache
//                                    # (changes of the data end it sooner: docs/api.md)
//   public_url = "https://connhost.example.com"  # how browsers reach the server: the base of
//                                    # OAuth redirect URIs; default http://<listen>
//   [server.api_keys.analyst]        # more keys, each with its scopes; name: [a-z][a-z0-9_-]*
//   key = "${env:ANALYST_KEY}"       # required; a reference only, like api_key
//   scopes = ["pii"]                 # "pii": may read unmasked PII and erase contacts; "*":
//                                    # every scope; default [] (masked PII)
//
//   [connections.tiktok_main]        # name: [a-z][a-z0-9_-]*
//   plugin = "tiktok"                # required: the id of a loaded plugin
//   isolation = "in_process"         # in_process (default) | process
//   platform = "pinterest"           # rows filed under this platform; default: the plugin's
//   login.enabled = true             # false: no sign-in through this connection (docs/login.md)
//   webhooks.tolerance_seconds = 300 # signed deliveries' timestamp tolerance, 0 .. 86400
//   webhooks.max_body_bytes = 1048576  # larger deliveries get 413, 1024 .. 64 MiB
//   access_token = "${grant:tiktok_login}"    # a secret may name a grant in the token vault
//   base_url = "http://127.0.0.1:8300"        # every other key is a setting of the plugin,
//   app_secret = "${env:TIKTOK_APP_SECRET}"   # checked against the plugin's config schema
//
//   [pipelines.tiktok_daily]         # name: [a-z][a-z0-9_-]*
//   connection = "tiktok_main"       # required
//   capability = "reporting"         # required: reporting|login|messaging|profile
//   streams = ["campaign_daily"]     # reporting only; absent or empty: every stream of the plugin
//   schedule = "every 5m"            # optional: "every <N><s|m|h|d>" or a 5-field cron line
//   lookback = "7d"                  # optional: "<N>d"
//
//   [reporting]
//   categories_file = "categories.toml"  # optional: category rules (config/categories.hpp);
//                                        # loaded and checked with this file
//   currency = "USD"                 # the reporting currency, ISO 4217; default "USD"
//   fx_file = "fx.csv"               # optional: what `connhost fx load` reads without FILE
//
//   [contacts]                       # profile sync and its data governance (docs/contacts.md)
//   on_revoke = "freeze"             # freeze (default) | erase: what a revoked grant's profile
//                                    # becomes
//   refresh_after_hours = 24         # a grant's profile is due again this long after its last
//                                    # sync, 1 .. 8760
//   [contacts.fields]                # the attributes that may be kept; anything else is dropped
//   display_name = "keep"            # before it is stored. keep | hash (SHA-256 of the trimmed,
//   email = "hash"                   # lower-cased value) | "truncate:N" (the first N characters)
//   bio_description = "truncate:80"  # absent table: the standard attributes, kept
//
//   [vault]                          # the token vault (core/vault, docs/login.md); optional
//   active_key = "k2026"             # the key id new secrets are encrypted with; required
//                                    # with [vault.keys], and must be one of them
//   [vault.keys]                     # key id ([A-Za-z0-9_-], at most 64) = a reference only,
//   k2026 = "${env:CONNHOST_VAULT_KEY_2026}"      # to 32 bytes as 64 hex chars or base64
//   k2025 = "${file:/etc/connhost/vault-2025.key}"  # older keys stay readable for rotation
//
//   [alerts]                         # optional: alert rules (docs/operations.md, "Alerts")
//   url = "https://ops.example.com/hooks/connhost"  # required: where alerts are POSTed; a
//                                    # literal http(s) URL or a reference
//   secret = "${env:CONNHOST_ALERT_SECRET}"  # required; a reference only: the HMAC-SHA256 key
//                                    # of the X-Connhost-Signature header
//   min_interval_seconds = 900       # at most one alert per rule and subject this often,
//                                    # 0 .. 604800; default 900
//   interval_seconds = 30            # how often the rules are checked, 1 .. 3600; default 30
//   [alerts.rules.pipeline_down]     # at least one rule; name: [a-z][a-z0-9_-]*
//   kind = "pipeline_failures"       # required, with its parameters:
//   threshold = 3                    #   pipeline_failures: threshold (runs in a row, required)
//                                    #   refresh_failed: failures (in a row, default 3); a grant
//                                    #     that needs re-authorization always counts
//                                    #   quota_wait: minutes (a run's rate-limit waits, required)
//                                    #   webhook_signature_failures: threshold (rejections,
//                                    #     required) within window_seconds (default 300)
//                                    #   plugin_refused: none
//   severity = "critical"            # critical|error|warning; default error (critical for
//                                    # refresh_failed)
//
// Secrets: a setting the plugin flags CH_CONFIG_SECRET is only ever a reference, "${env:NAME}"
// or "${file:PATH}"; a literal is refused. References are also allowed in other string
// settings and in store.url. Loading checks that each reference can be resolved but keeps only
// the reference: values are read at use with resolve_secret (config/secret.hpp).

#include <connhost/abi.h>

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/secret.hpp"

namespace connhost::config {

struct SourcePos {
  std::string file;  // as given to load_file / load_string
  int line = 0;      // 1-based; 0: the error is about the file as a whole
  int column = 0;    // 1-based, in code points
};

struct Diagnostic {
  SourcePos pos;
  std::string key_path;  // "connections.tiktok_main.app_secret"; empty for syntax errors
  std::string message;   // never contains the value of a secret
  // "FILE:LINE:COL: key.path: message" (the parts that are unknown are left out).
  std::string to_string() const;
};

// One setting of a connection, in the encoding the ABI passes to the plugin (ch_config_type):
// integers in decimal, doubles as written, booleans "true"/"false", string lists joined by '\n'.
struct Setting {
  std::string key;
  std::string value;                // empty when `secret` is set
  std::optional<SecretRef> secret;  // a reference: read the value at use with resolve_secret
  bool is_secret = false;   // flagged CH_CONFIG_SECRET: not passed in ch_config, never logged
  bool is_default = false;  // not written in the file: the schema's default
  SourcePos pos;            // of the value; of the connection's table for a default
};

struct Connection {
  std::string name;
  std::string plugin;
  std::string isolation;  // "in_process" | "process"
  // The platform this connection's rows are filed under; empty: the plugin's own. Lets one
  // generic plugin (connectors/http) serve several platforms, one connection each.
  std::string platform;
  // [connections.NAME.login] enabled: false hides the connection's sign-in entry points (the
  // browser routes, the dashboard's button, `connhost auth url|exchange`). A feature flag.
  bool login_enabled = true;
  // [connections.NAME.webhooks]: how far a signed delivery's timestamp may be from now, and the
  // largest body taken (docs/messaging.md).
  int64_t webhook_tolerance_seconds = 300;
  int64_t webhook_max_body_bytes = 1024 * 1024;
  // Schema order when the plugin is known, else key order.
  std::vector<Setting> settings;
  SourcePos pos;

  const Setting* setting(std::string_view key) const;
};

struct Pipeline {
  std::string name;
  std::string connection;
  std::string capability;            // "reporting" | "login" | "messaging" | "profile"
  std::vector<std::string> streams;  // empty: every stream the plugin declares
  std::string schedule;              // empty: run on demand only; see config/schedule.hpp
  std::string lookback;              // empty or "<N>d"
  SourcePos pos;
};

struct StoreSettings {
  std::string backend;  // "sqlite" | "postgresql"
  std::filesystem::path sqlite_path;
  std::string url;                      // literal libpq connection string, or empty
  std::optional<SecretRef> url_secret;  // the url as a reference
};

struct ReportingSettings {
  std::filesystem::path categories_file;  // absolute; empty: no rules, every campaign falls back
  std::string currency;                   // "USD" unless configured
  std::filesystem::path fx_file;          // absolute; empty when not configured
};

// [server], but for `listen`, which HostConfig keeps. `api_key` is the one key with every scope;
// [server.api_keys.NAME] tables add keys with narrower ones (server/auth.hpp builds them all).
struct ServerSettings {
  std::optional<SecretRef> api_key;
  struct NamedKey {
    std::string name;                 // the key's id in logs and erasure records, never its value
    SecretRef key;                    // a reference only
    std::vector<std::string> scopes;  // each one of "pii", "*"
    SourcePos pos;                    // of the table
  };
  std::vector<NamedKey> api_keys;  // by name
  int64_t max_body_bytes = 1024 * 1024;
  std::filesystem::path web_root;  // absolute; empty: the default (server/static_files.hpp)
  int64_t report_cache_seconds = 60;
  // scheme://host[:port][/prefix], no trailing slash; empty: "http://" + listen.
  std::string public_url;
  SourcePos listen_pos;  // where `listen` was written; line 0 when it was not
};

// [vault]. The key values are checked (32 bytes, hex or base64) when the keyring is built from
// these references: vault::Keyring::from_config.
struct VaultKey {
  std::string id;
  SecretRef ref;
  SourcePos pos;  // of the reference
};

struct VaultSettings {
  std::string active_key;      // empty: no vault configured
  std::vector<VaultKey> keys;  // in file order
  SourcePos active_key_pos;

  bool configured() const { return !active_key.empty(); }
};

// [contacts]: what profile sync may keep of a profile, and what a revoked grant's profile becomes.
struct FieldRule {
  enum class Action { keep, hash, truncate };
  Action action = Action::keep;
  int64_t length = 0;  // truncate: the code points kept, >= 1
};

struct ContactsSettings {
  // The attributes that may be kept, by normalized name (display_name, avatar_url, follower_count,
  // following_count, business_category, shop_url, region, or a connector's extra such as email or
  // username). Without [contacts.fields], the standard attributes (kStandardContactFields), kept.
  std::map<std::string, FieldRule, std::less<>> fields;
  enum class OnRevoke { freeze, erase };
  OnRevoke on_revoke = OnRevoke::freeze;
  int64_t refresh_after_hours = 24;
};

// The attributes kept when [contacts.fields] is absent: none of them names or reaches a person
// beyond what the profile shows publicly.
inline constexpr std::string_view kStandardContactFields[] = {
    "display_name",      "avatar_url", "follower_count", "following_count",
    "business_category", "shop_url",   "region"};

// [alerts]: rules the host checks every interval_seconds (core/alerts), and where it sends what
// they find.
struct AlertRule {
  std::string name;
  std::string kind;              // refresh_failed | pipeline_failures | quota_wait |
                                 // webhook_signature_failures | plugin_refused
  std::string severity;          // critical | error | warning
  int64_t threshold = 0;         // pipeline_failures, webhook_signature_failures
  int64_t failures = 3;          // refresh_failed
  int64_t minutes = 0;           // quota_wait
  int64_t window_seconds = 300;  // webhook_signature_failures
  SourcePos pos;                 // of the rule's table
};

struct AlertsSettings {
  std::string url;                   // a literal URL, or empty when url_ref is set
  std::optional<SecretRef> url_ref;  // the url as a reference
  std::optional<SecretRef> secret;   // the HMAC key; always a reference
  int64_t min_interval_seconds = 900;
  int64_t interval_seconds = 30;
  std::vector<AlertRule> rules;  // in file order
  SourcePos pos;                 // of [alerts]

  bool configured() const { return !rules.empty(); }
};

struct HostConfig {
  std::filesystem::path file;                      // absolute
  std::vector<std::filesystem::path> plugin_dirs;  // absolute
  std::string log_level;                           // trace|debug|info|warn|error|off
  std::string log_format;                          // text|json
  int64_t schedule_lease_seconds = 60;             // pipeline/schedule_lease.hpp
  int64_t plugin_watch_seconds = 2;                // 0: plugin folders are read at start only
  StoreSettings store;
  std::string listen;
  ServerSettings server;
  std::vector<Connection> connections;  // in file order
  std::vector<Pipeline> pipelines;      // in file order
  ReportingSettings reporting;
  VaultSettings vault;
  ContactsSettings contacts;
  AlertsSettings alerts;

  const Connection* connection(std::string_view name) const;
};

// What the validator needs to know of a loaded plugin. The span points into the plugin's
// descriptor, so the library must stay loaded while this is used.
struct PluginSchema {
  std::span<const ch_config_field> fields;
  uint32_t capabilities = 0;  // CH_CAP_*
  std::vector<std::string> streams;
  // Capabilities the plugin declares it cannot offer, with its reason (abi.h ch_capability_note).
  std::map<uint32_t, std::string> unavailable;
};

// How the validator finds plugins; the registry lives elsewhere. Converts from any callable
// `std::optional<PluginSchema>(std::string_view id)`. Empty (`{}`): the plugins are not loaded
// yet, see load_file.
struct SchemaLookup {
  std::function<std::optional<PluginSchema>(std::string_view plugin_id)> find;
  // The ids of the loaded plugins, listed in the error about an unknown plugin id (a function
  // alone cannot say what it would have found).
  std::vector<std::string> plugin_ids;

  SchemaLookup() = default;
  template <std::invocable<std::string_view> F>
  SchemaLookup(F f, std::vector<std::string> ids = {})  // NOLINT: implicit, from a lambda
      : find(std::move(f)), plugin_ids(std::move(ids)) {}

  // A lookup over a fixed set of plugins, ids included.
  static SchemaLookup over(std::map<std::string, PluginSchema, std::less<>> plugins);

  explicit operator bool() const { return static_cast<bool>(find); }
};

struct LoadResult {
  std::optional<HostConfig> config;  // set only when there is no error
  std::vector<Diagnostic> errors;    // every error found, in file order
  bool ok() const { return config.has_value() && errors.empty(); }
};

// `lookup` empty: the plugins are not loaded yet (the host reads [host] plugin_dirs first), so
// connection settings are not checked against schemas, plugin ids are not checked, and pipelines
// are not checked against what the plugins declare. Everything else is.
LoadResult load_file(const std::filesystem::path& file, const SchemaLookup& lookup);
// As load_file, for text that did not come from disk; `pretend_file` names it in diagnostics and
// its folder anchors relative paths.
LoadResult load_string(std::string_view toml, const std::filesystem::path& pretend_file,
                       const SchemaLookup& lookup);

}  // namespace connhost::config
