#include "plugin/plugin_watcher.hpp"

#include <exception>

#include "log/logger.hpp"

namespace connhost::plugin {

PluginWatcher::PluginWatcher(Registry& registry, std::chrono::milliseconds period)
    : registry_(registry), period_(period), thread_([this] { loop(); }) {
  declare_reload_metrics();
  log::info("watching the plugin folders every {} ms for new and updated plugins", period_.count());
}

PluginWatcher::~PluginWatcher() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

uint64_t PluginWatcher::scans() const {
  std::lock_guard lock(mutex_);
  return scans_;
}

void PluginWatcher::loop() {
  std::unique_lock lock(mutex_);
  while (!cv_.wait_for(lock, period_, [this] { return stop_; })) {
    lock.unlock();
    try {
      registry_.rescan();
    } catch (const std::exception& e) {
      // A folder that cannot be read now may be readable at the next scan.
      log::warn("plugin folder scan failed: {}", e.what());
    }
    lock.lock();
    ++scans_;
  }
}

}  // namespace connhost::plugin
