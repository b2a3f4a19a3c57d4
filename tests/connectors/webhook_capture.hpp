#pragma once

// A loopback HTTP target for the sandbox's webhook driver (docs/sandbox.md, "Webhook driver"):
// it answers 200 to everything and keeps each request exactly as it arrived, so a test can hand
// the raw bytes and headers to a connector's verify and parse_events.

#include <connhost/sandbox/sandbox.hpp>

#include <mutex>
#include <string>
#include <vector>

#include "plugin/instance.hpp"
#include "server/http_server.hpp"

namespace connhost::testing {

class WebhookCapture {
 public:
  WebhookCapture()
      : server_([this](sandbox::Request& r) {
          std::lock_guard lock(m_);
          got_.push_back(r);
          return sandbox::Response::text(200, "ok");
        }) {
    port_ = server_.start({});
  }
  ~WebhookCapture() { server_.stop(); }

  std::string url(const std::string& path = "/webhooks/test") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // What arrived, in order, as the host would pass it to the plugin.
  std::vector<plugin::WebhookRequest> take(int64_t now_ms, int64_t tolerance_ms = 300'000) {
    std::lock_guard lock(m_);
    std::vector<plugin::WebhookRequest> out;
    for (auto& r : got_) {
      plugin::WebhookRequest w;
      w.method = r.method;
      w.query = r.raw_query;
      w.headers = r.headers;
      w.body = r.body;
      w.now_ms = now_ms;
      w.tolerance_ms = tolerance_ms;
      out.push_back(std::move(w));
    }
    got_.clear();
    return out;
  }

  // Drives the sandbox's webhook driver at this target and returns what arrived.
  std::vector<plugin::WebhookRequest> drive(sandbox::Sandbox& sb, sandbox::WebhookRequest spec,
                                            int64_t now_ms,
                                            sandbox::WebhookResult* result = nullptr) {
    spec.target_url = url();
    auto r = sb.send_webhooks(spec);
    if (result) *result = r;
    return take(now_ms);
  }

 private:
  std::mutex m_;
  std::vector<sandbox::Request> got_;
  sandbox::HttpServer server_;
  uint16_t port_ = 0;
};

inline std::string header_of(const plugin::WebhookRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return (a | 0x20) == (b | 0x20);
        }))
      return v;
  return {};
}

}  // namespace connhost::testing
