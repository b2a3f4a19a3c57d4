#pragma once

#include <filesystem>
#include <memory>

#include "plugin/plugin_watcher.hpp"
#include "plugin/registry.hpp"

namespace connhost::cli {

// Refuses a new plugin version under which the configuration file has errors it does not have
// with the plugins served now (a setting the new schema does not know, a required one it lacks,
// a stream it dropped): the connections keep running on the version they were validated with.
plugin::Registry::Admission config_admission(std::filesystem::path config_file,
                                             const plugin::Registry& registry);

// `connhost serve` and `connhost run`: the folder watch of host.plugin_watch_seconds, with the
// admission check above; null when the setting is 0.
std::unique_ptr<plugin::PluginWatcher> watch_plugins(plugin::Registry& registry,
                                                     const std::filesystem::path& config_file,
                                                     int64_t seconds);

}  // namespace connhost::cli
