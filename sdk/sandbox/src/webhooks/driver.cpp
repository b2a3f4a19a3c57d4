// The webhook driver: asks a platform for signed deliveries and posts them to a target in the
// patterns that break naive receivers: bursts, duplicates, replays of old deliveries, out of
// order, and bad signatures.
#include <algorithm>
#include <stdexcept>

#include <connhost/sandbox/http_client.hpp>
#include "sandbox_impl.hpp"

#include "server/http_types.hpp"

namespace connhost::sandbox {

WebhookResult drive_webhooks(PlatformApi& platform, TokenStore& tokens, const WebhookRequest& w) {
  static const char* modes[] = {"single",   "burst",        "duplicate",
                                "replayed", "out_of_order", "bad_signature"};
  if (std::find(std::begin(modes), std::end(modes), w.mode) == std::end(modes))
    throw std::invalid_argument(
        "mode must be single, burst, duplicate, replayed, out_of_order or bad_signature");
  int n = (w.mode == "burst" || w.mode == "out_of_order") ? std::max(1, w.count) : 1;
  std::vector<WebhookDelivery> deliveries;
  for (int i = 0; i < n; ++i) {
    WebhookSpec spec;
    spec.event = w.event;
    spec.text = n > 1 ? w.text + " #" + std::to_string(i + 1) : w.text;
    spec.index = i;
    spec.timestamp = tokens.now();
    if (w.mode == "replayed") spec.timestamp -= 3600;  // an hour old: outside any sane tolerance
    spec.bad_signature = w.mode == "bad_signature";
    auto d = platform.webhook(spec);
    if (!d)
      throw std::invalid_argument(std::string(platform_name(platform.platform())) +
                                  " sends no webhooks");
    deliveries.push_back(std::move(*d));
  }
  if (w.mode == "duplicate") deliveries.push_back(deliveries.front());
  if (w.mode == "out_of_order") std::reverse(deliveries.begin(), deliveries.end());

  WebhookResult result;
  for (const auto& d : deliveries) {
    Fields headers = d.headers;
    headers.emplace_back("Content-Type", "application/json");
    int status = 0;
    try {
      status = http_request("POST", w.target_url, headers, d.body).status;
    } catch (const std::exception&) {
      status = 0;  // the target did not answer: recorded as 0, like a platform would retry
    }
    result.statuses.push_back(status);
    result.event_ids.push_back(d.event_id);
    ++result.sent;
  }
  return result;
}

}  // namespace connhost::sandbox
