#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
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

// What one rescan of the plugin folders changed.
struct RescanResult {
  int loaded = 0;   // a plugin id new to the registry
  int updated = 0;  // a new version replaced the one served
  int removed = 0;  // its file left the folder
  int refused = 0;  // a new or changed file the loader (or the admission check) refused
  bool changed() const { return loaded + updated + removed > 0; }
};

// Every plugin the host loaded, by id, and every file it refused, with the reason.
//
// Safe to use from several threads while a rescan swaps entries: plugins() and refused() are
// snapshots, and a plugin that a newer version replaced (or whose file was removed) is retired
// rather than freed, so what find() returned stays valid for a caller that holds it briefly (at
// least the unload grace). An Instance holds its plugin's shared_ptr and so keeps the version it
// was made with, library included, for as long as it lives.
class Registry {
 public:
  struct Options {
    // How long a retired plugin is kept at least, for callers of find() holding a bare pointer.
    std::chrono::milliseconds unload_grace{std::chrono::seconds(30)};
    // Where reloaded versions are copied before they are mapped; empty: a folder of this
    // process under the system's temporary folder.
    std::filesystem::path copy_dir;
  };
  // Asked before a new or changed file's plugin is served; a reason refuses it (the served
  // version, if any, stays). Called without the registry's lock held, so it may use find().
  using Admission = std::function<std::optional<std::string>(const LoadedPlugin& candidate,
                                                             const LoadedPlugin* current)>;

  explicit Registry(HostAbi abi = {});
  Registry(HostAbi abi, Options options);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  // For HostContext::open and the like, before any other thread sees the registry.
  Registry(Registry&& other) noexcept;

  // Loads every "*.so" file of each folder, in name order; a missing folder is skipped with a
  // debug line (the default folders need not exist). Never throws for a bad plugin. The folders
  // are remembered for rescan().
  void load_directories(const std::vector<std::filesystem::path>& dirs);
  // Loads one file; returns the plugin, or nullptr after recording a refusal.
  const LoadedPlugin* load_file(const std::filesystem::path& file);

  // Compares the remembered folders with what is served: a new file, or a changed one whose
  // size, mtime and inode held still since the previous rescan (so a file still being written is
  // never mapped), is loaded from a private copy and replaces the version of the same id; a
  // served plugin whose file is gone is removed. A file that fails to load leaves the served
  // version in place and is recorded as refused until it changes again. Also unloads retired
  // plugins nothing uses any more. Serialized: one rescan at a time.
  RescanResult rescan();
  // Frees retired plugins past the grace that nothing else holds (rescan() does this too).
  void collect();

  // The plugin served under `id`, or null. The pointer stays valid for the unload grace after a
  // reload replaced it; hold get()'s shared_ptr for longer.
  const LoadedPlugin* find(std::string_view id) const;
  std::shared_ptr<const LoadedPlugin> get(std::string_view id) const;
  std::vector<std::shared_ptr<const LoadedPlugin>> plugins() const;
  std::vector<Refusal> refused() const;
  // Why `id` is not served when it once was: "plugin 'x' was removed from FOLDER"; nothing when
  // it is served or never was.
  std::optional<std::string> missing_reason(std::string_view id) const;
  // Plugins a reload replaced or removed that are still held (by a run, an instance, a grace).
  size_t retired_count() const;

  void set_admission(Admission admission);

 private:
  struct FileSig {
    uintmax_t size = 0;
    int64_t mtime_ns = 0;
    uint64_t inode = 0;
    uint64_t device = 0;
    bool operator==(const FileSig&) const = default;
  };
  struct Retired {
    std::shared_ptr<const LoadedPlugin> plugin;
    std::chrono::steady_clock::time_point since;
  };

  static std::optional<FileSig> signature(const std::filesystem::path& file);
  void refuse_locked(const std::filesystem::path& file, std::string reason, std::string kept_id);
  void retire_locked(std::shared_ptr<const LoadedPlugin> plugin, std::string_view why);
  void collect_locked(std::vector<std::shared_ptr<const LoadedPlugin>>& freed);
  const std::filesystem::path& copy_dir();
  // Loads `file` (unchanged since `sig`) from a private copy and serves it; counts into `out`.
  void reload_file(const std::filesystem::path& file, const FileSig& sig, RescanResult& out);

  HostAbi abi_;
  Options options_;
  mutable std::mutex mutex_;  // everything below but rescan_mutex_
  std::mutex rescan_mutex_;
  std::vector<std::shared_ptr<const LoadedPlugin>> plugins_;
  std::vector<Refusal> refused_;
  std::vector<Retired> retired_;
  std::map<std::string, std::filesystem::path, std::less<>> removed_;  // id -> its folder
  std::map<std::string, uint64_t, std::less<>> generations_;           // id -> last generation
  std::vector<std::filesystem::path> dirs_;
  std::map<std::filesystem::path, FileSig> served_sig_;   // a served plugin's file, as loaded
  std::map<std::filesystem::path, FileSig> refused_sig_;  // a refused file, as refused
  std::map<std::filesystem::path, FileSig> last_seen_;    // every file, at the previous rescan
  Admission admission_;
  std::filesystem::path copy_dir_;
  uint64_t copies_ = 0;
};

// Lists connhost_plugin_reloads_total on /metrics before the first reload.
void declare_reload_metrics();

// The folders the host scans by default: "plugins" beside the config file, then the installed
// plugins (build_or_installed_plugin_dir), without duplicates.
std::vector<std::filesystem::path> default_plugin_dirs(const std::filesystem::path& config_file);

// <prefix>/lib/connhost/plugins when this binary runs installed (<prefix>/bin/connhost, as the
// .deb lays it out), else the build's plugin output. An installed host never loads the plugins
// of the checkout it was built from.
std::filesystem::path build_or_installed_plugin_dir();

}  // namespace connhost::plugin
