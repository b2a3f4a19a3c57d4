#pragma once

// What a platform emulator implements. Each platform folder (tiktok/, meta/, google/, pinterest/)
// holds one implementation, written from the platform notes alone.

#include <connhost/sandbox/sandbox.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "server/faults.hpp"
#include "server/http_types.hpp"
#include "world/tokens.hpp"
#include "world/world.hpp"

namespace connhost::sandbox {

// What every platform shares: the world, the credential store, the configured apps, and where
// the sandbox listens (for absolute URLs such as Meta's paging.next).
struct Context {
  World& world;
  TokenStore& tokens;
  const Credentials& credentials;
  std::function<std::string()> base_url;
};

struct Route {
  std::string endpoint;  // the name faults and the request log use, e.g. "report/integrated/get"
  std::function<Response(Request&)> handle;
};

// One webhook delivery as the platform would send it.
struct WebhookDelivery {
  Fields headers;
  std::string body;
  std::string event_id;
};
struct WebhookSpec {
  std::string event;  // empty: the platform's inbound message event
  std::string text;
  int index = 0;          // position in a burst, to vary ids
  int64_t timestamp = 0;  // unix seconds the delivery claims (replays claim old ones)
  bool bad_signature = false;
};

class PlatformApi {
 public:
  virtual ~PlatformApi() = default;
  virtual Platform platform() const = 0;
  // The route for this request, or nothing when the path is not this platform's.
  virtual std::optional<Route> route(const Request& request) = 0;
  // An answer fault (rate limit, 5xx, expired or revoked token, expired cursor) in the
  // platform's own wire format.
  virtual Response fault_response(const FaultRule& fault, const Route& route,
                                  const Request& request) = 0;
  // A signed webhook delivery; nothing when the platform has no webhooks.
  virtual std::optional<WebhookDelivery> webhook(const WebhookSpec& spec) { return std::nullopt; }
};

std::unique_ptr<PlatformApi> make_tiktok_api(Context& context);
std::unique_ptr<PlatformApi> make_meta_api(Context& context);
std::unique_ptr<PlatformApi> make_google_api(Context& context);
std::unique_ptr<PlatformApi> make_pinterest_api(Context& context);

}  // namespace connhost::sandbox
