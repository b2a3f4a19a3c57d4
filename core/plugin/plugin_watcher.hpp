#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "plugin/registry.hpp"

namespace connhost::plugin {

// Rescans a registry's folders on a thread of its own, every `period` (host.plugin_watch_seconds),
// until destroyed. Polling rather than inotify: it needs no watch per folder, sees folders that
// appear later, and the stability rule (a file unchanged across two scans) wants a clock anyway.
class PluginWatcher {
 public:
  PluginWatcher(Registry& registry, std::chrono::milliseconds period);
  ~PluginWatcher();
  PluginWatcher(const PluginWatcher&) = delete;
  PluginWatcher& operator=(const PluginWatcher&) = delete;

  // Completed rescans; a test waits on it rather than on the clock.
  uint64_t scans() const;

 private:
  void loop();

  Registry& registry_;
  std::chrono::milliseconds period_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  uint64_t scans_ = 0;
  std::thread thread_;
};

}  // namespace connhost::plugin
