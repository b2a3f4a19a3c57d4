#pragma once

// A small synchronous HTTP/1.1 client for the server tests: the target goes on the wire exactly
// as written (no normalisation of "..", no re-encoding), and a connection can be kept to send
// several requests on it.

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace connhost::test {

struct Reply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (boost::beast::iequals(k, name)) return v;
    return "";
  }
};

class Connection {
 public:
  explicit Connection(uint16_t port) : stream_(io_) {
    stream_.expires_after(std::chrono::seconds(10));
    stream_.connect(
        boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  }

  Reply call(const std::string& method, const std::string& target,
             const std::vector<std::pair<std::string, std::string>>& headers = {},
             std::string body = "") {
    namespace http = boost::beast::http;
    http::request<http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = std::move(body);
    req.prepare_payload();
    stream_.expires_after(std::chrono::seconds(10));
    http::write(stream_, req);
    return read();
  }

  Reply read() {
    namespace http = boost::beast::http;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    stream_.expires_after(std::chrono::seconds(10));
    http::read(stream_, buffer_, parser);
    auto& res = parser.get();
    Reply r;
    r.status = static_cast<int>(res.result_int());
    for (const auto& f : res)
      r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    r.body = res.body();
    return r;
  }

  boost::beast::tcp_stream& stream() { return stream_; }

 private:
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
};

inline Reply call(uint16_t port, const std::string& method, const std::string& target,
                  const std::vector<std::pair<std::string, std::string>>& headers = {},
                  std::string body = "") {
  Connection c(port);
  return c.call(method, target, headers, std::move(body));
}

inline Reply get(uint16_t port, const std::string& target,
                 const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  return call(port, "GET", target, headers);
}

}  // namespace connhost::test
