#include "server/http_types.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <cctype>
#include <stdexcept>

namespace connhost::sandbox {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

std::optional<std::string> Request::param(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

Fields Request::form() const {
  return parse_query(body);
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.emplace_back("Content-Type", "application/json; charset=UTF-8");
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.emplace_back("Content-Type", std::move(content_type));
  return r;
}

std::string url_decode(std::string_view s, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  // Hand-decoded rather than through Boost.URL's pct_string_view, which also refuses raw
  // characters that real platform front ends let through.
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) throw std::invalid_argument("invalid percent-encoding");
      int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) throw std::invalid_argument("invalid percent-encoding");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string url_encode(std::string_view s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

Fields parse_query(std::string_view q) {
  boost::urls::encoding_opts opt;
  opt.space_as_plus = true;
  Fields out;
  try {
    for (auto p : boost::urls::params_view(q, opt)) out.emplace_back(p.key, p.value);
    return out;
  } catch (const std::exception&) {
    out.clear();
  }
  // Platforms accept characters RFC 3986 wants escaped (raw brackets and quotes of JSON-in-query
  // from hand-written clients); only a broken percent-escape is an error, as it is there.
  size_t start = 0;
  while (start <= q.size()) {
    size_t amp = q.find('&', start);
    std::string_view part = q.substr(start, amp == std::string_view::npos ? amp : amp - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string_view k = part.substr(0, eq);
      std::string_view v = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
      try {
        out.emplace_back(url_decode(k, true), url_decode(v, true));
      } catch (const std::exception&) {
        throw std::invalid_argument("invalid query string");
      }
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return out;
}

}  // namespace connhost::sandbox
