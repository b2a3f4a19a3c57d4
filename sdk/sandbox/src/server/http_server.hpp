#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "server/http_types.hpp"

namespace connhost::sandbox {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: an ephemeral port
  int threads = 1;
  size_t body_limit = 8 * 1024 * 1024;
};

// A small HTTP/1.1 server on Boost.Beast: keep-alive, one handler for every request, and the
// delivery faults of Response (delay, reset, truncation, slow drip) applied on the wire.
class HttpServer {
 public:
  using Handler = std::function<Response(Request&)>;

  explicit HttpServer(Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the worker threads; returns the bound port. Throws on bind failure.
  uint16_t start(const ServerOptions& options);
  void stop();
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace connhost::sandbox
