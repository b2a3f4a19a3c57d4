#pragma once

// Fault injection: rules per platform and endpoint, set from a JSON file or the control API,
// decided per request. Transport faults (latency, reset, truncation, slow drip, malformed JSON)
// are applied by the sandbox to any response; answer faults (rate limit, 5xx, expired or revoked
// token, expired cursor) are rendered by the platform in its own wire format.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::sandbox {

enum class FaultKind {
  latency,
  rate_limit,
  server_error,
  expired_token,
  revoked_token,
  malformed_json,
  truncated_body,
  connection_reset,
  slow_drip,
  expired_cursor,
};
std::string_view fault_kind_name(FaultKind k);
std::optional<FaultKind> parse_fault_kind(std::string_view s);

struct FaultRule {
  std::string platform;  // "tiktok", "meta", "google", or "" for any
  std::string endpoint;  // an endpoint name (docs/sandbox/*.md), or a pattern with *; "" any
  FaultKind kind = FaultKind::server_error;
  // When it fires. With `rate_per_second` (rate_limit only): every request beyond that rate, per
  // platform and endpoint, over a one-second sliding window. Otherwise: after `skip` matching
  // requests, `times` requests in a row (-1: all), every `every`-th request (1: each).
  double rate_per_second = 0;
  int skip = 0;
  int times = -1;
  int every = 1;
  // Parameters.
  std::chrono::milliseconds latency{0};
  int status = 0;  // server_error: 500, 502, 503...; 0: the platform's usual
  int code = 0;    // rate_limit: the platform's code to answer (TikTok 40100/40133,
                   // Meta 4/17/613/80004...); 0: the platform's default
  std::chrono::seconds retry_after{0};  // rate_limit: the platform's retry hint, where it has one
  size_t drip_chunk = 64;
  std::chrono::milliseconds drip_interval{50};
  int64_t matched = 0;  // requests seen by this rule (state)
};

class Faults {
 public:
  // Parses {"faults":[{...}]} or a single rule object or an array; throws std::invalid_argument
  // with a message naming the bad field.
  // `also_platforms`: platforms a rule may name besides the emulated ones (a replaying sandbox's
  // fixtures may come from any platform, docs/replay.md).
  static std::vector<FaultRule> parse(std::string_view json,
                                      const std::vector<std::string>& also_platforms = {});
  static std::string to_json(const std::vector<FaultRule>& rules);

  void add(std::vector<FaultRule> rules);
  void clear();
  std::vector<FaultRule> rules() const;

  // The fault to inject into this request, if any.
  std::optional<FaultRule> decide(std::string_view platform, std::string_view endpoint);

 private:
  mutable std::mutex mutex_;
  std::vector<FaultRule> rules_;
  std::vector<std::vector<std::chrono::steady_clock::time_point>> windows_;
};

}  // namespace connhost::sandbox
