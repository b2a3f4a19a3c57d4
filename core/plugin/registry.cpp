#include "plugin/registry.hpp"

#include <algorithm>
#include <system_error>

#include "log/logger.hpp"
#include "plugin/loader.hpp"

namespace connhost::plugin {

void Registry::refuse(const std::filesystem::path& file, std::string reason) {
  log::error("plugin refused: {}: {}", file.string(), reason);
  refused_.push_back({file, std::move(reason)});
}

const LoadedPlugin* Registry::load_file(const std::filesystem::path& file) {
  auto result = load_library(file, abi_);
  if (auto* reason = std::get_if<std::string>(&result)) {
    refuse(file, std::move(*reason));
    return nullptr;
  }
  auto plugin = std::get<std::shared_ptr<LoadedPlugin>>(std::move(result));
  if (const auto* existing = find(plugin->id)) {
    refuse(file, "duplicate plugin id '" + plugin->id + "': already loaded from " +
                     existing->path.string());
    return nullptr;
  }
  log::debug("plugin loaded: {} {} (ABI {}) from {}", plugin->id, plugin->version(),
             plugin->abi_version(), file.string());
  plugins_.push_back(plugin);
  return plugin.get();
}

void Registry::load_directories(const std::vector<std::filesystem::path>& dirs) {
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      log::debug("plugin folder {} does not exist; skipped", dir.string());
      continue;
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".so" && !entry.is_directory()) files.push_back(entry.path());
    }
    if (ec) log::warn("cannot list plugin folder {}: {}", dir.string(), ec.message());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) load_file(f);
  }
}

const LoadedPlugin* Registry::find(std::string_view id) const {
  for (const auto& p : plugins_)
    if (p->id == id) return p.get();
  return nullptr;
}

std::vector<std::filesystem::path> default_plugin_dirs(const std::filesystem::path& config_file) {
  std::vector<std::filesystem::path> dirs;
  auto add = [&](std::filesystem::path p) {
    std::error_code ec;
    auto canon = std::filesystem::weakly_canonical(p, ec);
    if (ec) canon = p.lexically_normal();
    if (std::find(dirs.begin(), dirs.end(), canon) == dirs.end()) dirs.push_back(canon);
  };
  auto base =
      config_file.has_parent_path() ? config_file.parent_path() : std::filesystem::path(".");
  add(base / "plugins");
  add(build_or_installed_plugin_dir());
  return dirs;
}

std::filesystem::path build_or_installed_plugin_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  auto installed = exe.parent_path().parent_path() / "lib" / "connhost" / "plugins";
  if (!ec && std::filesystem::is_directory(installed, ec)) return installed;
  return CONNHOST_BUILD_PLUGIN_DIR;
}

}  // namespace connhost::plugin
