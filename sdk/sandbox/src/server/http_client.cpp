#include <connhost/sandbox/http_client.hpp>

#include "server/http_types.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <stdexcept>

namespace connhost::sandbox {

namespace beast = boost::beast;
namespace http = beast::http;

std::optional<std::string_view> ClientResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

ClientResponse http_request(std::string_view method, std::string_view url,
                            const HeaderList& headers, std::string_view body,
                            std::chrono::milliseconds timeout) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http")
    throw std::runtime_error("not an http:// URL: " + std::string(url));
  std::string host = parsed->host();
  std::string port = parsed->has_port() ? std::string(parsed->port()) : "80";
  std::string target = std::string(parsed->encoded_path());
  if (target.empty()) target = "/";
  if (parsed->has_query()) target += "?" + std::string(parsed->encoded_query());

  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  // Asynchronous operations run to completion on this thread: the stream's timeout applies only
  // to asynchronous operations, and a blocking client without one can hang for ever.
  beast::error_code ec;
  auto finish = [&](const char* step) {
    io.restart();
    io.run();
    if (ec)
      throw std::runtime_error(std::string(method) + " " + std::string(url) + ": " + step + ": " +
                               (ec == beast::error::timeout ? "timed out" : ec.message()));
  };
  boost::asio::ip::tcp::resolver resolver(io);
  boost::asio::ip::tcp::resolver::results_type endpoints;
  resolver.async_resolve(host, port, [&](beast::error_code e, auto r) { ec = e, endpoints = r; });
  finish("resolve");
  stream.expires_after(timeout);
  stream.async_connect(endpoints, [&](beast::error_code e, auto) { ec = e; });
  finish("connect");
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  if (req.method() == http::verb::unknown) req.method_string(method);
  req.set(http::field::host, host + ":" + port);
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = std::string(body);
  req.prepare_payload();
  stream.expires_after(timeout);
  http::async_write(stream, req, [&](beast::error_code e, size_t) { ec = e; });
  finish("send");
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  stream.expires_after(timeout);
  http::async_read(stream, buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
  finish("read");
  auto& res = parser.get();
  ClientResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res)
    out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(res.body());
  beast::error_code ignored;
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  return out;
}

}  // namespace connhost::sandbox
