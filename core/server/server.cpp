#include "server/server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <array>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "log/logger.hpp"

namespace connhost::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// After the last response of a connection, how long unread input is drained before closing, so
// that the client reads the response instead of a reset (a 413 leaves the body unread).
constexpr std::chrono::seconds kDrain{1};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Nothing when the target is not an origin-form URL ("/path?query").
std::optional<Request> to_request(http::request<http::string_body>& msg) {
  Request r;
  r.method = std::string(msg.method_string());
  r.target = std::string(msg.target());
  auto url = boost::urls::parse_origin_form(r.target);
  if (!url) return std::nullopt;
  r.path = url->path();
  for (auto seg : url->segments()) r.segments.push_back(seg);
  for (auto p : url->params()) r.query_params.emplace_back(p.key, p.has_value ? p.value : "");
  for (const auto& f : msg) r.headers.emplace_back(lower(f.name_string()), std::string(f.value()));
  r.body = std::move(msg.body());
  return r;
}

bool is_http_error(const beast::error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_target).category();
}

}  // namespace

// Named rather than anonymous: Server::Impl derives from Core.
namespace server_detail {

class Session;

// The server's state, as its sessions see it.
struct Core {
  Core(Server::Handler h, ServerOptions o, metrics::Registry& m)
      : handler(std::move(h)),
        options(std::move(o)),
        open_connections(m.gauge("connhost_http_open_connections", "Open HTTP connections.")),
        rejected(m.counter("connhost_http_rejected_connections_total",
                           "Connections refused with a 503 because the server was full.")) {}

  Server::Handler handler;
  ServerOptions options;
  metrics::Gauge& open_connections;
  metrics::Counter& rejected;

  std::mutex mutex;  // guards what follows, up to `io`
  std::condition_variable changed;
  std::map<Session*, std::weak_ptr<Session>> sessions;
  size_t counted = 0;  // sessions within max_connections (rejections not included)
  bool stopping = false;

  std::mutex stop_mutex;  // one stop() at a time
  // Declared after what sessions reference: destroying it destroys the last sessions.
  asio::io_context io;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::signal_set> signals;
  std::vector<std::thread> threads;
  uint16_t port = 0;

  void accept();
  void begin_stop();
  void forget(Session* s, bool was_counted);
};

}  // namespace server_detail

struct Server::Impl : server_detail::Core {
  using Core::Core;
};

namespace server_detail {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Core& server, bool counted)
      : stream_(std::move(socket)), server_(server), counted_(counted) {
    server_.open_connections.add(1);
  }
  ~Session() {
    server_.open_connections.add(-1);
    server_.forget(this, counted_);
  }

  // `full`: answer 503 at once and close, without reading a request.
  void start(bool full) {
    boost::system::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), full] {
      if (full)
        self->reply(error_response(503, "server_busy", "too many open connections; retry later"),
                    false);
      else
        self->read();
    });
  }

  // On the session's strand: close once idle; a request in progress still gets its answer.
  void shutdown() {
    closing_ = true;
    if (reading_) stream_.cancel();
  }

  asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  void read() {
    if (closing_) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_.options.max_header_bytes));
    parser_->body_limit(server_.options.max_body_bytes);
    stream_.expires_after(server_.options.read_timeout);
    reading_ = true;
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->reading_ = false;
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    const auto& o = server_.options;
    if (ec == http::error::body_limit)
      return reply(error_response(413, "payload_too_large",
                                  "the request body is larger than the limit of " +
                                      std::to_string(o.max_body_bytes) + " bytes"),
                   false);
    if (ec == http::error::header_limit)
      return reply(error_response(431, "headers_too_large",
                                  "the request headers are larger than the limit of " +
                                      std::to_string(o.max_header_bytes) + " bytes"),
                   false);
    // A partial message that does not parse deserves an answer; a peer that went away or a
    // timeout does not.
    if (ec && is_http_error(ec) && ec != http::error::end_of_stream &&
        ec != http::error::partial_message)
      return reply(error_response(400, "bad_request", "malformed HTTP request"), false);
    if (ec) return close();
    auto& msg = parser_->get();
    bool keep_alive = msg.keep_alive();
    auto req = to_request(msg);
    if (!req) return reply(error_response(400, "bad_request", "malformed request target"), false);
    req->remote = remote_;
    Response resp;
    try {
      resp = server_.handler(*req);
    } catch (const std::exception& e) {
      log::error("http: handler failed: {}", e.what());
      resp = error_response(500, "internal", "internal error; the server log has the details");
    }
    reply(std::move(resp), keep_alive);
  }

  void reply(Response r, bool keep_alive) {
    out_.emplace();
    out_->version(11);
    out_->result(static_cast<unsigned>(r.status));
    out_->set(http::field::server, "connhost");
    out_->set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) out_->set(k, v);
    out_->body() = std::move(r.body);
    out_->keep_alive(keep_alive && !closing_);
    out_->prepare_payload();
    stream_.expires_after(server_.options.read_timeout);
    http::async_write(stream_, *out_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->close();
      if (self->out_->keep_alive()) return self->read();
      self->drain();
    });
  }

  void drain() {
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(kDrain);  // once: a deadline for the whole drain
    drain_some();
  }

  void drain_some() {
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->close();
                              self->drain_some();
                            });
  }

  void close() {
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  Core& server_;
  bool counted_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> out_;
  std::array<char, 8192> scratch_{};
  bool reading_ = false;
  bool closing_ = false;
};

}  // namespace server_detail

void server_detail::Core::accept() {
  acceptor->async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      bool full, stop_now;
      {
        std::lock_guard lock(mutex);
        stop_now = stopping;
        full = counted >= options.max_connections;
        if (!full) ++counted;
      }
      if (stop_now) return;
      if (full) rejected.inc();
      auto s = std::make_shared<Session>(std::move(socket), *this, !full);
      {
        std::lock_guard lock(mutex);
        sessions[s.get()] = s;
      }
      s->start(full);
    }
    accept();
  });
}

void server_detail::Core::forget(Session* s, bool was_counted) {
  std::lock_guard lock(mutex);
  sessions.erase(s);
  if (was_counted) --counted;
  changed.notify_all();
}

void server_detail::Core::begin_stop() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mutex);
    if (stopping) return;
    stopping = true;
    for (auto& [p, w] : sessions)
      if (auto s = w.lock()) live.push_back(std::move(s));
    changed.notify_all();
  }
  asio::post(io, [this] {
    boost::system::error_code ec;
    if (acceptor) acceptor->close(ec);
    if (signals) signals->cancel(ec);
  });
  for (auto& s : live) asio::post(s->executor(), [s] { s->shutdown(); });
}

Server::Server(Handler handler, ServerOptions options, metrics::Registry& metrics)
    : impl_(std::make_unique<Impl>(std::move(handler), std::move(options), metrics)) {}

Server::~Server() {
  stop();
}

uint16_t Server::start() {
  auto& i = *impl_;
  const auto& l = i.options.listen;
  try {
    tcp::resolver resolver(i.io);
    auto results = resolver.resolve(l.host, std::to_string(l.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service);
    tcp::endpoint ep = results.begin()->endpoint();
    i.acceptor.emplace(i.io);
    i.acceptor->open(ep.protocol());
    i.acceptor->set_option(asio::socket_base::reuse_address(true));
    i.acceptor->bind(ep);
    i.acceptor->listen(asio::socket_base::max_listen_connections);
    i.port = i.acceptor->local_endpoint().port();
  } catch (const boost::system::system_error& e) {
    i.acceptor.reset();
    throw std::runtime_error("cannot listen on " + l.to_string() + ": " + e.code().message());
  }
  i.accept();
  for (int t = 0; t < std::max(1, i.options.threads); ++t)
    i.threads.emplace_back([&i] { i.io.run(); });
  return i.port;
}

uint16_t Server::port() const {
  return impl_->port;
}

void Server::stop_on_signals(std::function<void()> on_hangup) {
  auto& i = *impl_;
  i.signals.emplace(i.io, SIGINT, SIGTERM);
  if (on_hangup) i.signals->add(SIGHUP);
  // Re-armed after each SIGHUP: a reload that was refused leaves the server running and listening
  // for the next one.
  auto handler = std::make_shared<std::function<void(beast::error_code, int)>>();
  *handler = [&i, on_hangup, handler](beast::error_code ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP && on_hangup) {
      log::info("server: SIGHUP received, reloading the configuration");
      on_hangup();
      i.signals->async_wait(*handler);
      return;
    }
    log::info("server: signal {} received, stopping", sig);
    i.begin_stop();
  };
  i.signals->async_wait(*handler);
}

void Server::request_stop() {
  impl_->begin_stop();
}

void Server::wait() {
  {
    std::unique_lock lock(impl_->mutex);
    impl_->changed.wait(lock, [&] { return impl_->stopping; });
  }
  stop();
}

void Server::stop() {
  auto& i = *impl_;
  std::lock_guard stop_lock(i.stop_mutex);
  if (i.threads.empty()) return;
  i.begin_stop();
  {
    std::unique_lock lock(i.mutex);
    i.changed.wait_for(lock, i.options.shutdown_grace, [&] { return i.sessions.empty(); });
  }
  i.io.stop();
  for (auto& t : i.threads) t.join();
  i.threads.clear();
}

}  // namespace connhost::server
