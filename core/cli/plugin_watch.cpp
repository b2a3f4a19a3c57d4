#include "cli/plugin_watch.hpp"

#include <algorithm>
#include <set>

#include "config/config.hpp"
#include "pipeline/plugin_schemas.hpp"

namespace connhost::cli {
namespace {

config::PluginSchema schema_of(const plugin::LoadedPlugin& p) {
  config::PluginSchema s;
  s.fields =
      std::span<const ch_config_field>(p.descriptor.config_fields, p.descriptor.config_field_count);
  s.capabilities = p.capabilities;
  s.unavailable = p.unavailable;
  for (size_t i = 0; i < p.reporting.stream_count; ++i)
    s.streams.emplace_back(p.reporting.streams[i].name.data, p.reporting.streams[i].name.size);
  return s;
}

}  // namespace

plugin::Registry::Admission config_admission(std::filesystem::path config_file,
                                             const plugin::Registry& registry) {
  return [file = std::move(config_file), &registry](
             const plugin::LoadedPlugin& candidate,
             const plugin::LoadedPlugin*) -> std::optional<std::string> {
    auto served = pipeline::plugin_schemas(registry);
    auto ids = served.plugin_ids;
    if (std::find(ids.begin(), ids.end(), candidate.id) == ids.end()) ids.push_back(candidate.id);
    config::SchemaLookup with_candidate(
        [&](std::string_view id) -> std::optional<config::PluginSchema> {
          if (id == candidate.id) return schema_of(candidate);
          return served.find(id);
        },
        ids);
    auto before = config::load_file(file, served);
    auto after = config::load_file(file, with_candidate);
    std::set<std::string> known;
    for (const auto& e : before.errors) known.insert(e.to_string());
    std::vector<std::string> fresh;
    for (const auto& e : after.errors)
      if (!known.contains(e.to_string())) fresh.push_back(e.to_string());
    if (fresh.empty()) return std::nullopt;
    std::string why = "the configuration does not validate against it: " + fresh.front();
    if (fresh.size() > 1) why += " (and " + std::to_string(fresh.size() - 1) + " more)";
    return why;
  };
}

std::unique_ptr<plugin::PluginWatcher> watch_plugins(plugin::Registry& registry,
                                                     const std::filesystem::path& config_file,
                                                     int64_t seconds) {
  if (seconds <= 0) return nullptr;
  registry.set_admission(config_admission(config_file, registry));
  return std::make_unique<plugin::PluginWatcher>(registry, std::chrono::seconds(seconds));
}

}  // namespace connhost::cli
