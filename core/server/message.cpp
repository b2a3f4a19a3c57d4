#include "server/message.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <stdexcept>

#include "server/errors.hpp"

namespace connhost::server {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> Request::query(std::string_view name) const {
  for (const auto& [k, v] : query_params)
    if (k == name) return v;
  return std::nullopt;
}

std::optional<int64_t> Request::query_int(std::string_view name) const {
  auto s = query(name);
  if (!s) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (s->empty() || ec != std::errc{} || ptr != s->data() + s->size())
    throw BadParameter(name, "expected an integer");
  return v;
}

const std::string& Request::param(std::string_view name) const {
  auto it = path_params.find(name);
  if (it == path_params.end())
    throw std::logic_error("route " + route + " has no parameter {" + std::string(name) + "}");
  return it->second;
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

Response json_response(int status, const boost::json::value& body) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = boost::json::serialize(body);
  return r;
}

Response error_response(int status, std::string_view code, std::string_view message) {
  boost::json::object err;
  err["code"] = code;
  err["message"] = message;
  boost::json::object body;
  body["error"] = std::move(err);
  return json_response(status, body);
}

}  // namespace connhost::server
