#include "plugin/registry.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <system_error>

#include "log/logger.hpp"
#include "metrics/host_metrics.hpp"
#include "metrics/metrics.hpp"
#include "plugin/loader.hpp"

namespace connhost::plugin {
namespace {

constexpr std::string_view kCopyPrefix = "connhost-plugins-";

constexpr std::string_view kReloads = "connhost_plugin_reloads_total";
constexpr std::string_view kReloadsHelp =
    "Plugin files the folder watch loaded, replaced, removed or refused, by result.";

void count_reload(std::string_view result) {
  metrics::global().counter(kReloads, kReloadsHelp, {{"result", std::string(result)}}).inc();
}

// Libraries that must never be unmapped: a plugin that did not declare CH_PLUGIN_UNLOAD_SAFE
// may have left a thread running or a destructor registered in it. Leaked on purpose.
std::vector<std::shared_ptr<void>>& pinned_libraries() {
  static auto* pinned = new std::vector<std::shared_ptr<void>>;
  return *pinned;
}
std::mutex& pinned_mutex() {
  static auto* m = new std::mutex;
  return *m;
}

// Copy folders of processes that ended without removing theirs (killed): "<prefix><pid>-<n>".
void sweep_stale_copy_dirs(const std::filesystem::path& tmp) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(tmp, ec)) {
    auto name = e.path().filename().string();
    if (!name.starts_with(kCopyPrefix)) continue;
    int pid = 0;
    auto digits = std::string_view(name).substr(kCopyPrefix.size());
    auto [p, err] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
    if (err != std::errc{} || pid <= 0 || pid == getpid()) continue;
    if (kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::error_code rm;
    std::filesystem::remove_all(e.path(), rm);
  }
}

bool is_plugin_file(const std::filesystem::directory_entry& entry) {
  std::error_code ec;
  return entry.path().extension() == ".so" && !entry.is_directory(ec);
}

std::vector<std::filesystem::path> list_plugin_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (is_plugin_file(entry)) files.push_back(entry.path());
  if (ec) log::warn("cannot list plugin folder {}: {}", dir.string(), ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

void declare_reload_metrics() {
  metrics::global().declare(kReloads, kReloadsHelp, metrics::Registry::Type::counter);
}

Registry::Registry(HostAbi abi) : Registry(abi, Options{}) {}

Registry::Registry(HostAbi abi, Options options) : abi_(abi), options_(std::move(options)) {}

Registry::Registry(Registry&& o) noexcept : abi_(o.abi_), options_(std::move(o.options_)) {
  std::lock_guard lock(o.mutex_);
  plugins_ = std::move(o.plugins_);
  refused_ = std::move(o.refused_);
  retired_ = std::move(o.retired_);
  removed_ = std::move(o.removed_);
  generations_ = std::move(o.generations_);
  dirs_ = std::move(o.dirs_);
  served_sig_ = std::move(o.served_sig_);
  refused_sig_ = std::move(o.refused_sig_);
  last_seen_ = std::move(o.last_seen_);
  admission_ = std::move(o.admission_);
  copy_dir_ = std::move(o.copy_dir_);
  copies_ = o.copies_;
  o.copy_dir_.clear();
}

Registry::~Registry() {
  // A pinned library stays mapped after its file is unlinked; an unload-safe one still held by
  // an instance removes its own copy (an error, ignored, once the folder is gone).
  if (!copy_dir_.empty() && options_.copy_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(copy_dir_, ec);
  }
}

std::optional<Registry::FileSig> Registry::signature(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return std::nullopt;
  return FileSig{static_cast<uintmax_t>(st.st_size),
                 static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                 static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_dev)};
}

void Registry::refuse_locked(const std::filesystem::path& file, std::string reason,
                             std::string kept_id) {
  log::error("plugin refused: {}: {}", file.string(), reason);
  // One refusal per file, the latest: a file refused at every change is one problem.
  std::erase_if(refused_, [&](const Refusal& r) { return r.path == file; });
  refused_.push_back({file, std::move(reason), std::move(kept_id)});
}

const LoadedPlugin* Registry::load_file(const std::filesystem::path& file) {
  auto sig = signature(file);
  auto result = load_library(file, abi_);
  std::lock_guard lock(mutex_);
  if (auto* reason = std::get_if<std::string>(&result)) {
    refuse_locked(file, std::move(*reason), {});
    if (sig) refused_sig_[file] = *sig;
    return nullptr;
  }
  auto plugin = std::get<std::shared_ptr<LoadedPlugin>>(std::move(result));
  for (const auto& p : plugins_) {
    if (p->id != plugin->id) continue;
    refuse_locked(
        file, "duplicate plugin id '" + plugin->id + "': already loaded from " + p->path.string(),
        {});
    if (sig) refused_sig_[file] = *sig;
    return nullptr;
  }
  plugin->generation = ++generations_[plugin->id];
  log::debug("plugin loaded: {} {} (ABI {}) from {}", plugin->id, plugin->version(),
             plugin->abi_version(), file.string());
  if (sig) served_sig_[file] = *sig;
  refused_sig_.erase(file);
  std::erase_if(refused_, [&](const Refusal& r) { return r.path == file; });
  removed_.erase(plugin->id);
  plugins_.push_back(plugin);
  return plugin.get();
}

void Registry::load_directories(const std::vector<std::filesystem::path>& dirs) {
  for (const auto& dir : dirs) {
    {
      std::lock_guard lock(mutex_);
      if (std::find(dirs_.begin(), dirs_.end(), dir) == dirs_.end()) dirs_.push_back(dir);
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      log::debug("plugin folder {} does not exist; skipped", dir.string());
      continue;
    }
    for (const auto& f : list_plugin_files(dir)) {
      load_file(f);
      std::lock_guard lock(mutex_);
      if (auto sig = signature(f)) last_seen_[f] = *sig;
    }
  }
}

const std::filesystem::path& Registry::copy_dir() {
  if (!copy_dir_.empty()) return copy_dir_;
  if (!options_.copy_dir.empty()) {
    copy_dir_ = options_.copy_dir;
  } else {
    static std::atomic<int> registries{0};
    std::error_code ec;
    auto tmp = std::filesystem::temp_directory_path(ec);
    if (ec) tmp = "/tmp";
    sweep_stale_copy_dirs(tmp);
    copy_dir_ = tmp / (std::string(kCopyPrefix) + std::to_string(getpid()) + "-" +
                       std::to_string(registries++));
  }
  std::error_code ec;
  std::filesystem::create_directories(copy_dir_, ec);
  // Only this user may put a library where the host will map it from.
  std::filesystem::permissions(copy_dir_, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  return copy_dir_;
}

void Registry::reload_file(const std::filesystem::path& file, const FileSig& sig,
                           RescanResult& out) {
  std::filesystem::path copy;
  {
    std::lock_guard lock(mutex_);
    copy = copy_dir() / (file.stem().string() + "-" + std::to_string(++copies_) + ".so");
  }
  std::error_code ec;
  std::filesystem::copy_file(file, copy, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) {
    log::warn("plugin {}: cannot copy it to {}: {}; tried again at the next rescan", file.string(),
              copy.string(), ec.message());
    std::filesystem::remove(copy, ec);
    return;
  }
  // Changed while it was copied: the copy may be half old, half new. Next time.
  if (signature(file) != sig) {
    std::filesystem::remove(copy, ec);
    return;
  }

  auto result = load_library(file, abi_, copy);
  std::shared_ptr<const LoadedPlugin> at_path;  // what the file held until now
  for (const auto& p : plugins())
    if (p->path == file) at_path = p;
  auto refuse = [&](std::string reason, const LoadedPlugin* kept) {
    std::lock_guard lock(mutex_);
    if (kept) reason += "; " + std::string(kept->version()) + " stays in use";
    refuse_locked(file, std::move(reason), kept ? kept->id : std::string{});
    refused_sig_[file] = sig;
    metrics::plugin_load_failures().inc();
    count_reload("refused");
    ++out.refused;
  };
  if (auto* reason = std::get_if<std::string>(&result)) {
    refuse(std::move(*reason), at_path.get());
    return;
  }
  auto plugin = std::get<std::shared_ptr<LoadedPlugin>>(std::move(result));
  auto current = get(plugin->id);
  if (current && current->path != file) {
    refuse(
        "duplicate plugin id '" + plugin->id + "': already loaded from " + current->path.string(),
        at_path.get());
    return;
  }
  Admission admission;
  {
    std::lock_guard lock(mutex_);
    admission = admission_;
  }
  if (admission) {
    if (auto why = admission(*plugin, current.get())) {
      refuse("version " + std::string(plugin->version()) + " of plugin '" + plugin->id +
                 "' is refused: " + *why,
             at_path.get());
      return;
    }
  }

  std::lock_guard lock(mutex_);
  plugin->generation = ++generations_[plugin->id];
  // The file may now hold another plugin than the one it held: that one leaves.
  for (const auto& p : plugins_) {
    if (p->path == file && p->id != plugin->id) {
      log::info("plugin {} {} removed: {} now holds plugin {}", p->id, p->version(), file.string(),
                plugin->id);
      removed_[p->id] = file.parent_path();
      retire_locked(p, "its file now holds another plugin");
      count_reload("removed");
      ++out.removed;
    }
  }
  std::erase_if(plugins_, [&](const auto& p) { return p->path == file && p->id != plugin->id; });
  auto it = std::find_if(plugins_.begin(), plugins_.end(),
                         [&](const auto& p) { return p->id == plugin->id; });
  if (it != plugins_.end()) {
    log::info("plugin {} {} -> {} loaded from {}", plugin->id, (*it)->version(), plugin->version(),
              file.string());
    retire_locked(*it, "a newer version replaced it");
    *it = plugin;
    count_reload("updated");
    ++out.updated;
  } else {
    log::info("plugin {} {} loaded from {}", plugin->id, plugin->version(), file.string());
    plugins_.push_back(plugin);
    count_reload("loaded");
    ++out.loaded;
  }
  served_sig_[file] = sig;
  refused_sig_.erase(file);
  std::erase_if(refused_, [&](const Refusal& r) { return r.path == file; });
  removed_.erase(plugin->id);
}

RescanResult Registry::rescan() {
  std::lock_guard serial(rescan_mutex_);
  RescanResult out;
  std::vector<std::filesystem::path> dirs;
  {
    std::lock_guard lock(mutex_);
    dirs = dirs_;
  }
  std::map<std::filesystem::path, FileSig> seen;
  std::vector<std::pair<std::filesystem::path, FileSig>> to_load;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    for (const auto& f : list_plugin_files(dir)) {
      auto sig = signature(f);
      if (!sig) continue;
      seen[f] = *sig;
      std::lock_guard lock(mutex_);
      auto served = served_sig_.find(f);
      if (served != served_sig_.end() && served->second == *sig) continue;
      auto refused = refused_sig_.find(f);
      if (refused != refused_sig_.end() && refused->second == *sig) continue;
      // Held still since the previous rescan: no longer being written.
      auto last = last_seen_.find(f);
      if (last != last_seen_.end() && last->second == *sig) to_load.emplace_back(f, *sig);
    }
  }

  std::vector<std::shared_ptr<const LoadedPlugin>> freed;
  {
    std::lock_guard lock(mutex_);
    last_seen_ = seen;
    // (dir / "x").parent_path(): the folder as a listed file's parent_path() spells it, whatever
    // trailing separator it was given with.
    std::vector<std::filesystem::path> parents;
    for (const auto& d : dirs) parents.push_back((d / "x").parent_path());
    auto watched = [&](const std::filesystem::path& file) {
      return std::find(parents.begin(), parents.end(), file.parent_path()) != parents.end();
    };
    for (auto it = plugins_.begin(); it != plugins_.end();) {
      const auto& p = *it;
      if (!watched(p->path) || seen.contains(p->path)) {
        ++it;
        continue;
      }
      log::info("plugin {} {} removed: {} is gone; runs under way finish on it", p->id,
                p->version(), p->path.string());
      removed_[p->id] = p->path.parent_path();
      served_sig_.erase(p->path);
      retire_locked(p, "its file was removed");
      count_reload("removed");
      ++out.removed;
      it = plugins_.erase(it);
    }
    std::erase_if(refused_, [&](const Refusal& r) {
      if (!watched(r.path) || seen.contains(r.path)) return false;
      refused_sig_.erase(r.path);
      return true;
    });
  }
  for (const auto& [file, sig] : to_load) reload_file(file, sig, out);
  {
    std::lock_guard lock(mutex_);
    collect_locked(freed);
  }
  freed.clear();  // unmapped here, without the lock: a library's destructors may log
  return out;
}

void Registry::retire_locked(std::shared_ptr<const LoadedPlugin> plugin, std::string_view why) {
  if (!plugin->unload_safe()) {
    std::lock_guard pin(pinned_mutex());
    pinned_libraries().push_back(plugin->library);
    log::info(
        "plugin {} {} ({}) stays mapped until the process ends: it does not declare "
        "CH_PLUGIN_UNLOAD_SAFE",
        plugin->id, plugin->version(), why);
  }
  retired_.push_back({std::move(plugin), std::chrono::steady_clock::now()});
}

void Registry::collect_locked(std::vector<std::shared_ptr<const LoadedPlugin>>& freed) {
  auto now = std::chrono::steady_clock::now();
  for (auto it = retired_.begin(); it != retired_.end();) {
    if (now - it->since >= options_.unload_grace && it->plugin.use_count() == 1) {
      log::info("plugin {} {} (generation {}) released{}", it->plugin->id, it->plugin->version(),
                it->plugin->generation, it->plugin->unload_safe() ? " and unloaded" : "");
      freed.push_back(std::move(it->plugin));
      it = retired_.erase(it);
    } else {
      ++it;
    }
  }
}

void Registry::collect() {
  std::vector<std::shared_ptr<const LoadedPlugin>> freed;
  std::lock_guard lock(mutex_);
  collect_locked(freed);
}

const LoadedPlugin* Registry::find(std::string_view id) const {
  std::lock_guard lock(mutex_);
  for (const auto& p : plugins_)
    if (p->id == id) return p.get();
  return nullptr;
}

std::shared_ptr<const LoadedPlugin> Registry::get(std::string_view id) const {
  std::lock_guard lock(mutex_);
  for (const auto& p : plugins_)
    if (p->id == id) return p;
  return nullptr;
}

std::vector<std::shared_ptr<const LoadedPlugin>> Registry::plugins() const {
  std::lock_guard lock(mutex_);
  return plugins_;
}

std::vector<Refusal> Registry::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

std::optional<std::string> Registry::missing_reason(std::string_view id) const {
  std::lock_guard lock(mutex_);
  auto it = removed_.find(id);
  if (it == removed_.end()) return std::nullopt;
  return "plugin '" + std::string(id) + "' was removed from " + it->second.string();
}

size_t Registry::retired_count() const {
  std::lock_guard lock(mutex_);
  return retired_.size();
}

void Registry::set_admission(Admission admission) {
  std::lock_guard lock(mutex_);
  admission_ = std::move(admission);
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
