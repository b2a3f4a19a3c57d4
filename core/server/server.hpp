#pragma once

// The HTTP/1.1 server of `connhost serve`: Boost.Beast on a small pool of threads, keep-alive,
// limits on header and body size, read time and open connections, and a graceful stop. Beast and
// Asio stay in server.cpp; this header is plain.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "config/listen_address.hpp"
#include "metrics/metrics.hpp"
#include "server/message.hpp"

namespace connhost::server {

struct ServerOptions {
  config::ListenAddress listen{"127.0.0.1", 8007};  // port 0: an ephemeral port, see Server::port
  // Handlers run on these threads and may block on the store, so a few rather than one.
  int threads = 2;
  size_t max_body_bytes = 1024 * 1024;  // larger: 413
  size_t max_header_bytes = 16 * 1024;  // larger: 431
  // For a whole request to arrive (and for an idle keep-alive connection); then it is closed.
  std::chrono::milliseconds read_timeout{30'000};
  size_t max_connections = 256;  // beyond: 503 and close
  // How long stop() lets requests in progress finish before it cuts them off.
  std::chrono::milliseconds shutdown_grace{10'000};
};

class Server {
 public:
  // Called for every well-formed request within the limits, on a server thread. It must not
  // throw (the Dispatcher does not); if it does, the client gets a 500.
  using Handler = std::function<Response(Request&)>;

  Server(Handler handler, ServerOptions options, metrics::Registry& metrics = metrics::global());
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the threads; returns the bound port. Throws std::runtime_error
  // naming the address when it cannot listen.
  uint16_t start();
  uint16_t port() const;

  // SIGINT and SIGTERM stop the server from now on (instead of killing the process). With
  // `on_hangup`, SIGHUP calls it (on a server thread: it must not block) and the server runs on.
  void stop_on_signals(std::function<void()> on_hangup = {});
  // Begins the stop from any thread, a server thread included; wait() then finishes it.
  void request_stop();
  // Blocks until stop() is called or a signal arrives, then finishes the stop.
  void wait();
  // Stops accepting, closes idle connections, lets requests in progress answer (up to the
  // grace), joins the threads. Idempotent; any thread but a server thread.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace connhost::server
