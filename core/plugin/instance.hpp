#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "plugin/call.hpp"
#include "plugin/plugin.hpp"
#include "plugin/row_buffer.hpp"

namespace connhost::plugin {

// A failed plugin call as the host sees it: the plugin's category, retry-after and message.
struct PluginError {
  ch_error_category category = CH_ERROR_INTERNAL;
  std::optional<std::chrono::milliseconds> retry_after;
  std::string message;
  std::string to_string() const;
};

std::string_view category_name(int32_t category);

using SecretFn = std::function<std::optional<std::string>(std::string_view key)>;

// One configured connection of a plugin: owns the plugin's ch_instance and destroys it on
// destruction. Keeps the plugin's library loaded while it lives.
class Instance {
 public:
  struct Settings {
    std::string connection;
    std::vector<std::pair<std::string, std::string>> values;  // non-secret, canonical text
    SecretFn secret;
    std::shared_ptr<http::Client> http;              // shared by the host's connections
    std::shared_ptr<http::RateLimiter> limiter;      // this connection's request rate; may be null
    std::shared_ptr<std::atomic<int64_t>> requests;  // counts HTTP requests; may be null
  };

  static std::pair<std::unique_ptr<Instance>, std::optional<PluginError>> create(
      std::shared_ptr<const LoadedPlugin> plugin, Settings settings);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  std::optional<PluginError> check();

  struct ReadResult {
    std::vector<Row> rows;
    std::vector<RowBuffer::Checkpoint> checkpoints;
    std::optional<PluginError> error;
  };
  // Without a sink the rows and checkpoints come back in the result; with one, each checkpoint
  // hands its rows to the sink as the read goes and the result holds only what followed the last
  // checkpoint (rows a failed read never checkpointed, which the caller discards).
  ReadResult read(std::string_view stream, std::string_view window_start,
                  std::string_view window_end, std::string_view state,
                  std::string_view account = {}, RowBuffer::Sink sink = {});

  const LoadedPlugin& plugin() const { return *plugin_; }

 private:
  Instance(std::shared_ptr<const LoadedPlugin> plugin, Settings settings)
      : plugin_(std::move(plugin)), settings_(std::move(settings)) {}
  ch_call make_call() const;

  std::shared_ptr<const LoadedPlugin> plugin_;
  Settings settings_;
  ch_instance* handle_ = nullptr;
};

}  // namespace connhost::plugin
