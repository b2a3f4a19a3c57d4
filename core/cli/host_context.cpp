#include "cli/host_context.hpp"

#include <algorithm>

#include "log/logger.hpp"

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
  add(CONNHOST_BUILD_PLUGIN_DIR);
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
  std::vector<std::string> ids;
  for (const auto& p : registry.plugins()) ids.push_back(p->id);
  auto find = [this](std::string_view id) -> std::optional<config::PluginSchema> {
    const auto* p = registry.find(id);
    if (!p) return std::nullopt;
    config::PluginSchema s;
    s.fields = std::span<const ch_config_field>(p->descriptor.config_fields,
                                                p->descriptor.config_field_count);
    s.capabilities = p->capabilities;
    for (size_t i = 0; i < p->reporting.stream_count; ++i)
      s.streams.emplace_back(p->reporting.streams[i].name.data, p->reporting.streams[i].name.size);
    return s;
  };
  return config::SchemaLookup(find, std::move(ids));
}

}  // namespace connhost::cli
