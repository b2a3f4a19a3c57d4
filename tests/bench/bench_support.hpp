#pragma once

// What the end-to-end benchmarks share: a sandbox in a forked child process (so the host's own
// peak RSS is measured apart from the emulator's), a host configuration for the three sandbox
// connections, the plugin registry of the build, and RSS readings.

#include <connhost/sandbox/sandbox.hpp>

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "plugin/registry.hpp"

namespace connhost::bench {

// A sandbox (the in-process library, connhost::sandbox::Sandbox) started in a child process
// forked from this one. Fork it while this process runs no other thread.
class ChildSandbox {
 public:
  explicit ChildSandbox(const sandbox::Options& options);
  ~ChildSandbox();
  ChildSandbox(const ChildSandbox&) = delete;
  ChildSandbox& operator=(const ChildSandbox&) = delete;

  const std::string& base_url() const { return base_url_; }
  pid_t pid() const { return pid_; }
  // The child's peak resident set (VmHWM), in KiB.
  long peak_rss_kib() const;
  void stop();

 private:
  pid_t pid_ = -1;
  int to_child_ = -1;
  std::string base_url_;
};

struct ConnectionSettings {
  double rate_limit_qps = 1e6;  // the runner's token bucket; very high: no limit in practice
  std::string extra;            // more TOML lines for every connection
};

// Writes the secret files into `dir` and returns a validated configuration with connections
// tiktok_bench, meta_bench, google_bench and pipelines of the same names (campaigns and
// campaign_daily), its store at dir/store.db. Exits the program on a configuration error.
config::HostConfig make_config(const std::filesystem::path& dir, const std::string& base_url,
                               const ConnectionSettings& settings,
                               const plugin::Registry& registry);

// The plugins of this build (build/plugins); exits when one of the three is missing.
void load_plugins(plugin::Registry& registry);

// VmRSS / VmHWM of this process, in KiB; reset_peak_rss() restarts VmHWM (Linux clear_refs 5).
long rss_kib(const char* field = "VmRSS:", pid_t pid = 0);
bool reset_peak_rss();

// Samples VmRSS every `period` on a thread until stop(); max_kib() is the highest seen.
class RssSampler {
 public:
  explicit RssSampler(std::chrono::milliseconds period = std::chrono::milliseconds(20));
  ~RssSampler();
  long stop();
  long max_kib() const { return max_.load(); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<long> max_{0};
  std::thread thread_;
};

// A temporary folder removed on destruction.
struct TempDir {
  std::filesystem::path path;
  TempDir();
  ~TempDir();
};

}  // namespace connhost::bench
