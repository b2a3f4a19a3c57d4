#include "pipeline/plugin_schemas.hpp"

namespace connhost::pipeline {

config::SchemaLookup plugin_schemas(const plugin::Registry& registry) {
  std::vector<std::string> ids;
  for (const auto& p : registry.plugins()) ids.push_back(p->id);
  auto find = [&registry](std::string_view id) -> std::optional<config::PluginSchema> {
    const auto* p = registry.find(id);
    if (!p) return std::nullopt;
    config::PluginSchema s;
    s.fields = std::span<const ch_config_field>(p->descriptor.config_fields,
                                                p->descriptor.config_field_count);
    s.capabilities = p->capabilities;
    s.unavailable = p->unavailable;
    for (size_t i = 0; i < p->reporting.stream_count; ++i)
      s.streams.emplace_back(p->reporting.streams[i].name.data, p->reporting.streams[i].name.size);
    return s;
  };
  return config::SchemaLookup(find, std::move(ids));
}

}  // namespace connhost::pipeline
