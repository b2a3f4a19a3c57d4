#pragma once

// The conformance kit (docs/conformance.md): loads a plugin as the host does and checks each
// declared capability's contract against the sandbox, or against a folder of recorded exchanges.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::conformance {

// In the order they run and print.
inline constexpr std::string_view kCheckIds[] = {
    "load",       "descriptor",   "config_schema",     "streams",        "check",
    "pagination", "state_resume", "rate_limit",        "server_error",   "auth_error",
    "row_schema", "timeouts",     "webhook_signature", "secrets_in_logs"};

struct Options {
  std::filesystem::path plugin;
  std::filesystem::path connection;  // empty: conformance.toml next to the plugin
  std::filesystem::path fixtures;    // empty: the emulated world
  std::vector<std::string> checks;   // empty: every check
  int timeout_seconds = 5;           // the host's HTTP timeout for the kit's calls
  bool verbose = false;
};

enum class Status { pass, fail, na };
std::string_view status_name(Status s);  // "pass", "fail", "n/a"

struct CheckResult {
  std::string id;
  Status status = Status::na;
  std::string detail;
  int64_t ms = 0;
};

struct Report {
  std::string plugin_id, plugin_version, plugin_abi, plugin_file;
  std::vector<CheckResult> checks;
  // 0: every check that ran passed or did not apply; 1: a check failed; 2: a usage error, an
  // unreadable file, or a plugin the loader refused.
  int exit_code = 0;
  std::string usage_error;  // set with exit code 2 when no check could run
  // A plugin call never returned: its thread is still inside the plugin, so the process must
  // end with _exit rather than unload the library under it.
  bool abandoned_calls = false;
};

// Runs the checks; `on_result` sees each result as it is decided (for line-by-line output).
Report run(const Options& options, const std::function<void(const CheckResult&)>& on_result);

}  // namespace connhost::conformance
