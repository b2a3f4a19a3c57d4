#pragma once

// The host's HTTP client: every request a plugin makes goes through here. Beast over plain TCP
// or TLS (OpenSSL, system trust store, SNI, host name verification), keep-alive connections
// pooled per origin, timeouts, retries with exponential backoff and jitter for transport
// failures and 502/503/504 on idempotent methods, and a response size cap.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";
  std::string url;  // absolute, http:// or https://
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{0};  // 0: the client's default
  // Called before each attempt, the client's own retries included, so that a caller's rate
  // limit paces every request that reaches the server and its count includes them.
  std::function<void()> before_attempt;
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;
  int attempts = 1;  // how many tries it took
  std::optional<std::string_view> header(std::string_view name) const;
};

// A request that got no HTTP answer (after retries): refused, reset, timed out, truncated, TLS.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Told of every answer that arrived (each attempt's, retries included), after the exchange: how
// recorder.hpp records a run without the client knowing about fixtures. An exception it throws is
// swallowed, so that an observer never changes what the caller gets.
using ExchangeObserver = std::function<void(const Request&, const Response&)>;

struct ClientOptions {
  std::chrono::milliseconds timeout{30'000};
  int max_retries = 3;
  std::chrono::milliseconds backoff_base{250};
  std::chrono::milliseconds backoff_max{10'000};
  size_t max_response_bytes = 256u * 1024 * 1024;
  size_t max_idle_per_origin = 8;
  std::string user_agent = "connhost/0.1";
  ExchangeObserver on_exchange;  // empty: nothing observes (what nearly every client wants)
};

class Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Thread-safe. Throws TransportError when no answer arrived after the retries, and
  // std::invalid_argument for a URL it cannot use.
  Response send(const Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether the client retries a method after a failure (the request may have been applied).
bool idempotent(std::string_view method);

}  // namespace connhost::http
