#include "server/http_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <sstream>
#include <thread>
#include <vector>

namespace connhost::sandbox {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

Request to_request(const http::request<http::string_body>& in, const std::string& remote) {
  Request r;
  r.method = std::string(in.method_string());
  r.target = std::string(in.target());
  auto q = r.target.find('?');
  std::string raw_path = r.target.substr(0, q);
  r.raw_query = q == std::string::npos ? "" : r.target.substr(q + 1);
  try {
    r.path = url_decode(raw_path, false);
  } catch (const std::exception&) {
    r.path = raw_path;
  }
  for (const auto& f : in)
    r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  r.body = in.body();
  r.remote = remote;
  return r;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpServer::Handler& handler, size_t body_limit)
      : stream_(std::move(socket)),
        timer_(stream_.get_executor()),
        handler_(handler),
        body_limit_(body_limit) {}

  void run() {
    boost::system::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? "" : ep.address().to_string() + ":" + std::to_string(ep.port());
    read();
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(body_limit_);
    stream_.expires_after(std::chrono::seconds(60));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      answer(Response::text(413, "payload too large\n"), false);
      return;
    }
    if (ec) return close();
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
    Request req;
    try {
      req = to_request(msg, remote_);
      req.query = parse_query(req.raw_query);
    } catch (const std::exception&) {
      answer(Response::text(400, "malformed request target\n"), false);
      return;
    }
    Response resp;
    try {
      resp = handler_(req);
    } catch (const std::exception& e) {
      resp = Response::text(500, std::string("sandbox handler failed: ") + e.what() + "\n");
    }
    answer(std::move(resp), keep_alive_);
  }

  void answer(Response resp, bool keep_alive) {
    resp_ = std::move(resp);
    keep_alive_ = keep_alive;
    if (resp_.delivery.delay.count() > 0) {
      timer_.expires_after(resp_.delivery.delay);
      timer_.async_wait([self = shared_from_this()](beast::error_code) { self->send(); });
    } else {
      send();
    }
  }

  void send() {
    const auto& d = resp_.delivery;
    if (d.reset) {
      // SO_LINGER with a zero timeout makes close() send RST: the client sees a reset.
      boost::system::error_code ec;
      stream_.socket().set_option(asio::socket_base::linger(true, 0), ec);
      stream_.socket().close(ec);
      return;
    }
    out_.emplace(http::status(resp_.status), 11);
    for (const auto& [k, v] : resp_.headers) out_->set(k, v);
    out_->set(http::field::server, "connhost-sandbox");
    out_->body() = std::move(resp_.body);
    out_->keep_alive(keep_alive_ && !d.truncate_at && d.drip_chunk == 0);
    out_->prepare_payload();
    if (d.truncate_at || d.drip_chunk > 0) {
      std::ostringstream wire;
      wire << *out_;
      raw_ = wire.str();
      size_t header_len = raw_.find("\r\n\r\n") + 4;
      if (d.truncate_at) raw_.resize(std::min(raw_.size(), header_len + *d.truncate_at));
      sent_ = 0;
      chunk_ = d.drip_chunk > 0 ? d.drip_chunk : raw_.size();
      // The headers go out whole; the body trickles.
      write_raw(header_len);
      return;
    }
    stream_.expires_after(std::chrono::seconds(60));
    http::async_write(stream_, *out_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec || !self->out_->keep_alive()) return self->close();
      self->read();
    });
  }

  void write_raw(size_t n) {
    n = std::min(n, raw_.size() - sent_);
    asio::async_write(
        stream_.socket(), asio::buffer(raw_.data() + sent_, n),
        [self = shared_from_this()](beast::error_code ec, size_t written) {
          if (ec) return self->close();
          self->sent_ += written;
          if (self->sent_ >= self->raw_.size()) return self->close();
          self->timer_.expires_after(self->resp_.delivery.drip_interval);
          self->timer_.async_wait([self](beast::error_code) { self->write_raw(self->chunk_); });
        });
  }

  void close() {
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  asio::steady_timer timer_;
  const HttpServer::Handler& handler_;
  size_t body_limit_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> out_;
  Response resp_;
  std::string raw_;
  size_t sent_ = 0, chunk_ = 0;
  bool keep_alive_ = true;
  std::string remote_;
};

}  // namespace

struct HttpServer::Impl {
  explicit Impl(Handler h) : handler(std::move(h)) {}
  Handler handler;
  asio::io_context io;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  uint16_t port = 0;
  size_t body_limit = 0;

  void accept() {
    acceptor->async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) std::make_shared<Session>(std::move(s), handler, body_limit)->run();
      accept();
    });
  }
};

HttpServer::HttpServer(Handler handler) : impl_(std::make_unique<Impl>(std::move(handler))) {}
HttpServer::~HttpServer() {
  stop();
}

uint16_t HttpServer::start(const ServerOptions& o) {
  auto& i = *impl_;
  i.body_limit = o.body_limit;
  tcp::endpoint ep(asio::ip::make_address(o.host), o.port);
  i.acceptor.emplace(i.io);
  i.acceptor->open(ep.protocol());
  i.acceptor->set_option(asio::socket_base::reuse_address(true));
  i.acceptor->bind(ep);
  i.acceptor->listen(asio::socket_base::max_listen_connections);
  i.port = i.acceptor->local_endpoint().port();
  i.accept();
  for (int t = 0; t < std::max(1, o.threads); ++t) i.threads.emplace_back([&i] { i.io.run(); });
  return i.port;
}

void HttpServer::stop() {
  auto& i = *impl_;
  if (i.threads.empty()) return;
  i.io.stop();
  for (auto& t : i.threads) t.join();
  i.threads.clear();
  // The workers are gone, so the acceptor can be closed from here: the port stops accepting at
  // once instead of queueing connections nobody will serve.
  boost::system::error_code ec;
  if (i.acceptor) i.acceptor->close(ec);
}

uint16_t HttpServer::port() const {
  return impl_->port;
}

}  // namespace connhost::sandbox
