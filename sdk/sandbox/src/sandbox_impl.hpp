#pragma once

#include <connhost/sandbox/sandbox.hpp>

#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "platform_api.hpp"
#include "replay/fixtures.hpp"
#include "server/faults.hpp"
#include "server/http_server.hpp"
#include "world/tokens.hpp"
#include "world/world.hpp"

namespace connhost::sandbox {

struct Sandbox::Impl {
  explicit Impl(Options o);

  Response handle(Request& request);
  Response handle_replay(Request& request, LoggedRequest& entry);
  // What fault rules may name besides the emulated platforms: the fixtures' platforms.
  std::vector<std::string> replayed_platforms() const;
  void log(LoggedRequest entry);

  Options options;
  World world;
  TokenStore tokens;
  Faults faults;
  Context context;
  std::vector<std::unique_ptr<PlatformApi>> platforms;
  HttpServer server;
  // Set with Options::replay_dir: answers come from recorded exchanges (docs/replay.md).
  std::unique_ptr<replay::Replayer> replay;
  uint16_t port = 0;

  mutable std::mutex log_mutex;
  std::deque<LoggedRequest> request_log;
  static constexpr size_t kLogLimit = 10000;
};

// The control API under /_sandbox/ (control/control.cpp).
Response handle_control(Sandbox::Impl& sandbox, Request& request);
Truth compute_truth(const World& world, Platform p, std::string_view account, int64_t from,
                    int64_t to);

// Posts webhook deliveries to a target (webhooks/driver.cpp).
WebhookResult drive_webhooks(PlatformApi& platform, TokenStore& tokens,
                             const WebhookRequest& request);

}  // namespace connhost::sandbox
