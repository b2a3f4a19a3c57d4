#include "cli/host_context.hpp"

#include <algorithm>
#include <iostream>

#include "cli/exit_codes.hpp"
#include "log/logger.hpp"
#include "pipeline/plugin_schemas.hpp"

namespace connhost::cli {

std::vector<std::filesystem::path> HostContext::plugin_search_path(
    const std::filesystem::path& config) const {
  std::vector<std::filesystem::path> dirs;
  if (host && !host->plugin_dirs.empty()) {
    dirs = host->plugin_dirs;
  } else {
    dirs = plugin::default_plugin_dirs(config);
  }
  auto add = [&](const std::filesystem::path& p) {
    std::error_code ec;
    auto canon = std::filesystem::weakly_canonical(p, ec);
    if (ec) canon = p.lexically_normal();
    if (std::find(dirs.begin(), dirs.end(), canon) == dirs.end()) dirs.push_back(canon);
  };
  add(plugin::build_or_installed_plugin_dir());
  for (const auto& d : options.plugin_dirs) add(d);
  return dirs;
}

HostContext HostContext::open(const GlobalOptions& options) {
  HostContext ctx;
  ctx.options = options;
  std::error_code ec;
  if (std::filesystem::exists(options.config_file, ec)) {
    auto first = config::load_file(options.config_file, {});
    ctx.host = std::move(first.config);
    ctx.host_errors = std::move(first.errors);
  }
  std::string level = options.log_level, format = options.log_format;
  if (level.empty()) level = ctx.host ? ctx.host->log_level : "info";
  if (format.empty()) format = ctx.host ? ctx.host->log_format : "text";
  log::init(log::parse_level(level).value_or(log::Level::info),
            log::parse_format(format).value_or(log::Format::text));
  ctx.registry.load_directories(ctx.plugin_search_path(options.config_file));
  return ctx;
}

config::SchemaLookup HostContext::schema_lookup() const {
  return pipeline::plugin_schemas(registry);
}

int HostContext::require_host() const {
  if (!host_errors.empty()) {
    for (const auto& e : host_errors) std::cerr << e.to_string() << '\n';
    return kExitConfigInvalid;
  }
  if (!host) {
    std::cerr << "connhost: no configuration file " << options.config_file.string() << '\n';
    return kExitConfigInvalid;
  }
  return kExitOk;
}

}  // namespace connhost::cli
