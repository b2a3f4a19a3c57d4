#include "http/client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <cctype>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <variant>

namespace connhost::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

struct Target {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path_and_query;
  std::string origin() const { return (tls ? "https://" : "http://") + host + ":" + port; }
};

Target parse_target(std::string_view url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) throw std::invalid_argument("not an absolute URL: " + std::string(url));
  Target t;
  if (u->scheme() == "https")
    t.tls = true;
  else if (u->scheme() != "http")
    throw std::invalid_argument("unsupported URL scheme '" + std::string(u->scheme()) + "'");
  t.host = u->host();
  if (t.host.empty()) throw std::invalid_argument("URL has no host: " + std::string(url));
  t.port = u->has_port() ? std::string(u->port()) : (t.tls ? "443" : "80");
  t.path_and_query = u->encoded_path().empty() ? "/" : std::string(u->encoded_path());
  if (u->has_query()) t.path_and_query += "?" + std::string(u->encoded_query());
  return t;
}

// One keep-alive connection with its own io_context: the calling thread runs it for the length
// of one exchange, so timeouts work on blocking calls without a shared event loop.
struct Connection {
  asio::io_context io;
  std::variant<std::monostate, beast::tcp_stream, beast::ssl_stream<beast::tcp_stream>> stream;
  beast::flat_buffer buffer;
  bool reused = false;

  beast::tcp_stream& lowest() {
    if (auto* s = std::get_if<beast::tcp_stream>(&stream)) return *s;
    return beast::get_lowest_layer(std::get<beast::ssl_stream<beast::tcp_stream>>(stream));
  }

  // Runs one async operation to completion on this thread, bounded by the timeout.
  template <class Start>
  beast::error_code run(std::chrono::milliseconds timeout, Start start) {
    beast::error_code result = asio::error::would_block;
    lowest().expires_after(timeout);
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  }
};

class TransportFailure : public std::runtime_error {
 public:
  TransportFailure(std::string what, bool before_response)
      : std::runtime_error(std::move(what)), before_response(before_response) {}
  bool before_response;  // nothing of an answer arrived: safe to retry on a fresh connection
};

std::string describe(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return "timed out";
  return ec.message();
}

}  // namespace

std::optional<std::string_view> Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequal(k, name)) return std::string_view(v);
  return std::nullopt;
}

bool idempotent(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS";
}

struct Client::Impl {
  explicit Impl(ClientOptions o) : options(std::move(o)), tls(ssl::context::tls_client) {
    tls.set_default_verify_paths();
    tls.set_verify_mode(ssl::verify_peer);
  }

  ClientOptions options;
  ssl::context tls;
  std::mutex pool_mutex;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle;
  std::mt19937_64 rng{std::random_device{}()};

  std::unique_ptr<Connection> take(const Target& t) {
    std::lock_guard lock(pool_mutex);
    auto& list = idle[t.origin()];
    if (list.empty()) return nullptr;
    auto c = std::move(list.back());
    list.pop_back();
    c->reused = true;
    return c;
  }

  void give_back(const Target& t, std::unique_ptr<Connection> c) {
    std::lock_guard lock(pool_mutex);
    auto& list = idle[t.origin()];
    if (list.size() < options.max_idle_per_origin) list.push_back(std::move(c));
  }

  std::unique_ptr<Connection> connect(const Target& t, std::chrono::milliseconds timeout) {
    auto c = std::make_unique<Connection>();
    tcp::resolver resolver(c->io);
    tcp::resolver::results_type endpoints;
    beast::error_code ec = asio::error::would_block;
    resolver.async_resolve(t.host, t.port, [&](beast::error_code e, tcp::resolver::results_type r) {
      ec = e;
      endpoints = std::move(r);
    });
    c->io.run();
    if (ec) throw TransportFailure("cannot resolve " + t.host + ": " + ec.message(), true);
    auto& s = c->stream.emplace<beast::tcp_stream>(c->io);
    ec = c->run(timeout, [&](auto h) {
      s.async_connect(endpoints, [h](beast::error_code e, auto) mutable { h(e); });
    });
    if (ec)
      throw TransportFailure("cannot connect to " + t.host + ":" + t.port + ": " + describe(ec),
                             true);
    s.socket().set_option(tcp::no_delay(true));
    if (t.tls) {
      beast::tcp_stream plain = std::move(s);
      auto& tls_stream =
          c->stream.emplace<beast::ssl_stream<beast::tcp_stream>>(std::move(plain), tls);
      if (!SSL_set_tlsext_host_name(tls_stream.native_handle(), t.host.c_str()))
        throw TransportFailure("TLS: cannot set SNI for " + t.host, true);
      tls_stream.set_verify_callback(ssl::host_name_verification(t.host));
      ec =
          c->run(timeout, [&](auto h) { tls_stream.async_handshake(ssl::stream_base::client, h); });
      if (ec)
        throw TransportFailure("TLS handshake with " + t.host + " failed: " + describe(ec), true);
    }
    return c;
  }

  Response exchange(Connection& c, const Target& t, const Request& r,
                    std::chrono::milliseconds timeout) {
    bhttp::request<bhttp::string_body> req;
    auto verb = bhttp::string_to_verb(r.method);
    if (verb == bhttp::verb::unknown)
      req.method_string(r.method);
    else
      req.method(verb);
    req.target(t.path_and_query);
    req.version(11);
    req.set(bhttp::field::host, t.host);
    req.set(bhttp::field::user_agent, options.user_agent);
    for (const auto& [k, v] : r.headers) req.set(k, v);
    req.body() = r.body;
    req.keep_alive(true);
    req.prepare_payload();

    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options.max_response_bytes);
    beast::error_code ec;
    std::visit(
        [&](auto& s) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(s)>, std::monostate>) {
            ec = c.run(timeout, [&](auto h) { bhttp::async_write(s, req, h); });
            if (ec)
              throw TransportFailure("sending to " + t.host + " failed: " + describe(ec), true);
            ec = c.run(timeout, [&](auto h) { bhttp::async_read(s, c.buffer, parser, h); });
          }
        },
        c.stream);
    if (ec) {
      bool nothing = !parser.got_some();
      if (ec == bhttp::error::body_limit)
        throw TransportFailure("answer from " + t.host + " exceeds " +
                                   std::to_string(options.max_response_bytes) + " bytes",
                               false);
      throw TransportFailure("reading the answer from " + t.host + " failed: " + describe(ec),
                             nothing);
    }
    auto& msg = parser.get();
    Response out;
    out.status = static_cast<int>(msg.result_int());
    for (const auto& f : msg)
      out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    out.body = std::move(msg.body());
    if (!msg.keep_alive()) c.stream.template emplace<std::monostate>();
    return out;
  }

  std::chrono::milliseconds backoff(int attempt) {
    auto cap = std::min<int64_t>(options.backoff_max.count(), options.backoff_base.count()
                                                                  << std::min(attempt, 20));
    std::lock_guard lock(pool_mutex);
    // Full jitter: retries of many workers spread out instead of arriving together.
    return std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(cap / 2, cap)(rng));
  }
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() = default;

Response Client::send(const Request& r) {
  Target t = parse_target(r.url);
  auto timeout = r.timeout.count() > 0 ? r.timeout : impl_->options.timeout;
  bool may_retry = idempotent(r.method);
  std::string last_error;
  for (int attempt = 0;; ++attempt) {
    if (r.before_attempt) r.before_attempt();
    auto c = impl_->take(t);
    try {
      Response resp;
      try {
        if (!c) c = impl_->connect(t, timeout);
        resp = impl_->exchange(*c, t, r, timeout);
      } catch (const TransportFailure& f) {
        // A pooled connection the server had already closed: try once more on a fresh one,
        // which is safe for any method because the server saw nothing.
        if (!(c && c->reused && f.before_response)) throw;
        c = impl_->connect(t, timeout);
        resp = impl_->exchange(*c, t, r, timeout);
      }
      resp.attempts = attempt + 1;
      if (impl_->options.on_exchange) {
        try {
          impl_->options.on_exchange(r, resp);
        } catch (...) {
        }
      }
      if (!std::holds_alternative<std::monostate>(c->stream)) impl_->give_back(t, std::move(c));
      bool retryable = resp.status == 502 || resp.status == 503 || resp.status == 504;
      if (!retryable || !may_retry || attempt >= impl_->options.max_retries) return resp;
      last_error = "HTTP " + std::to_string(resp.status);
    } catch (const TransportFailure& f) {
      last_error = f.what();
      if (!(may_retry || f.before_response) || attempt >= impl_->options.max_retries)
        throw TransportError(last_error + " (after " + std::to_string(attempt + 1) +
                             (attempt == 0 ? " attempt)" : " attempts)"));
    }
    std::this_thread::sleep_for(impl_->backoff(attempt));
  }
}

}  // namespace connhost::http
