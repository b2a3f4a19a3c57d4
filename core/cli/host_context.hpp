#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "plugin/registry.hpp"

namespace connhost::cli {

struct GlobalOptions {
  std::filesystem::path config_file = "connhost.toml";
  bool config_given = false;
  std::vector<std::filesystem::path> plugin_dirs;  // --plugin-dir, added to the configured ones
  std::string log_level;                           // empty: from config, else info
  std::string log_format;
};

// What most commands start from: the logger set up, the configuration's host section read, and
// the plugins of every plugin folder loaded.
struct HostContext {
  GlobalOptions options;
  std::optional<config::HostConfig> host;  // read without plugin schemas; empty without a file
  std::vector<config::Diagnostic> host_errors;
  plugin::Registry registry;

  static HostContext open(const GlobalOptions& options);
  // kExitOk when the configuration file was read and its host sections are valid; otherwise
  // the diagnostics are printed and the exit code for a bad configuration is returned.
  int require_host() const;
  std::vector<std::filesystem::path> plugin_search_path(const std::filesystem::path& config) const;
  config::SchemaLookup schema_lookup() const;
};

}  // namespace connhost::cli
