#pragma once

// The host's side of a ch_call: what one invocation of a plugin function may reach through the
// host services. Built by whoever invokes the plugin (Instance, the pipeline, the HTTP server).

#include <connhost/abi.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "http/client.hpp"
#include "http/rate_limiter.hpp"
#include "plugin/row_buffer.hpp"

namespace connhost::plugin {

struct LoadedPlugin;

// Thrown by a call's secret resolver when a secret exists but cannot be handed out now, with the
// category the plugin should see: a grant that needs re-authorization is `auth`, a platform that
// failed its refresh `transient`. The message names no secret value.
class SecretError : public std::runtime_error {
 public:
  SecretError(ch_error_category category, const std::string& message)
      : std::runtime_error(message), category_(category) {}
  ch_error_category category() const { return category_; }

 private:
  ch_error_category category_;
};

// In an isolated plugin's worker process (core/isolation) the services that need the host's own
// machinery (its HTTP client with the connection's rate limiter and request count, its log and
// secret mask) cannot run there: the call forwards them to the host process through this.
class CallForwarder {
 public:
  virtual ~CallForwarder() = default;
  // Fills `response` with views that stay valid until the next request on the same call.
  virtual ch_status http(ch_call& call, const ch_http_request& request, ch_http_response& response,
                         ch_error* err) = 0;
  virtual void log(int32_t level, std::string_view message) = 0;
};

// One record a plugin returned through output_begin/output_set/output_end.
struct OutputRecord {
  std::string kind;
  std::map<std::string, std::string> fields;
};

}  // namespace connhost::plugin

struct ch_call {
  const connhost::plugin::LoadedPlugin* plugin = nullptr;
  std::string connection;
  // Resolves a secret setting of the connection; nothing when it is unset. May throw
  // connhost::plugin::SecretError.
  std::function<std::optional<std::string>(std::string_view key)> secret;
  std::function<int64_t()> clock;                   // empty: the system clock
  connhost::plugin::RowBuffer* rows = nullptr;      // null outside reporting reads
  connhost::http::Client* http = nullptr;           // null: HTTP is not available to this call
  connhost::http::RateLimiter* limiter = nullptr;   // the connection's request rate, if limited
  std::atomic<int64_t>* request_counter = nullptr;  // counts HTTP requests, for run statistics
  std::vector<connhost::plugin::OutputRecord> outputs;
  // Set only in a worker process: HTTP and log lines go to the host process (CallForwarder).
  connhost::plugin::CallForwarder* forward = nullptr;

  // Storage behind ch_str values handed to the plugin during this call.
  std::deque<std::string> kept;
  std::optional<connhost::plugin::OutputRecord> open_output;
  // The last HTTP answer and the header views handed to the plugin (valid until the next request).
  connhost::http::Response last_response;
  std::vector<ch_header> last_headers;
};
