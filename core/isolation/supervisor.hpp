#pragma once

// Crash isolation (isolation = "process"): a connection's plugin runs in a supervised worker
// process (connhost-plugin-worker) that speaks the plugin ABI over socketpairs (wire.hpp). A
// worker that dies (signal, exit, out of memory) or gives no sign of life for the hang timeout
// (then killed) fails the call in flight with the reason, and the host carries on. The next call
// of the connection starts a new worker, with a backoff per connection (doubling from
// backoff_base to backoff_max) during which calls fail fast with a transient error that says
// when it retries.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "plugin/instance.hpp"

namespace connhost::isolation {

struct Options {
  uint64_t memory_limit_mib = 1024;  // the worker's address space (RLIMIT_AS)
  std::chrono::milliseconds hang_timeout{300'000};
  std::chrono::milliseconds backoff_base{1'000};
  std::chrono::milliseconds backoff_max{60'000};
  std::filesystem::path worker;  // empty: worker_path()
};

// Process-wide; tests shorten the timeouts.
Options options();
void set_options(Options o);
// Forgets every connection's crash count and backoff (tests).
void reset_backoff();

// connhost-plugin-worker beside this executable, else in ../lib/connhost (the .deb's layout),
// else the build's. Throws std::runtime_error naming every place it looked.
std::filesystem::path worker_path();

// The out-of-process runner of `plugin` for one Instance of `connection`: plugin::Instance's
// Settings::isolate.
std::unique_ptr<plugin::Isolated> make_isolated(
    const std::shared_ptr<const plugin::LoadedPlugin>& plugin, const std::string& connection);

}  // namespace connhost::isolation
