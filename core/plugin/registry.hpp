#pragma once

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "plugin/plugin.hpp"

namespace connhost::plugin {

// The ABI version the host speaks. A parameter rather than a constant only so tests can play a
// newer host against the plugins built today.
struct HostAbi {
  uint16_t major = CONNHOST_ABI_MAJOR;
  uint16_t minor = CONNHOST_ABI_MINOR;
};

// Every plugin the host loaded, by id, and every file it refused, with the reason.
class Registry {
 public:
  explicit Registry(HostAbi abi = {}) : abi_(abi) {}

  // Loads every "*.so" file of each folder, in name order; a missing folder is skipped with a
  // debug line (the default folders need not exist). Never throws for a bad plugin.
  void load_directories(const std::vector<std::filesystem::path>& dirs);
  // Loads one file; returns the plugin, or nullptr after recording a refusal.
  const LoadedPlugin* load_file(const std::filesystem::path& file);

  const LoadedPlugin* find(std::string_view id) const;
  const std::vector<std::shared_ptr<const LoadedPlugin>>& plugins() const { return plugins_; }
  const std::vector<Refusal>& refused() const { return refused_; }

 private:
  void refuse(const std::filesystem::path& file, std::string reason);

  HostAbi abi_;
  std::vector<std::shared_ptr<const LoadedPlugin>> plugins_;
  std::vector<Refusal> refused_;
};

// The folders the host scans by default: "plugins" beside the config file, then the installed
// plugins (build_or_installed_plugin_dir), without duplicates.
std::vector<std::filesystem::path> default_plugin_dirs(const std::filesystem::path& config_file);

// <prefix>/lib/connhost/plugins when this binary runs installed (<prefix>/bin/connhost, as the
// .deb lays it out), else the build's plugin output. An installed host never loads the plugins
// of the checkout it was built from.
std::filesystem::path build_or_installed_plugin_dir();

}  // namespace connhost::plugin
