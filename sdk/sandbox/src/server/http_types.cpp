#include "server/http_types.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/pct_string_view.hpp>
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
  auto pct = boost::urls::make_pct_string_view(s);
  if (!pct) throw std::invalid_argument("invalid percent-encoding");
  boost::urls::encoding_opts opt;
  opt.space_as_plus = plus_is_space;
  return pct->decode(opt);
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
  } catch (const std::exception&) {
    throw std::invalid_argument("invalid query string");
  }
  return out;
}

}  // namespace connhost::sandbox
