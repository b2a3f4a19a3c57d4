#include "tiktok/wire.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "world/world.hpp"

namespace connhost::sandbox::tiktok {
namespace {

// A marker no client text carries: control character 0x01 plus a tag.
constexpr std::string_view kNumberMarker = "\x01tt-number:";
constexpr std::string_view kSerializedMarker = "\"\\u0001tt-number:";

std::string bad_json_message(std::string_view name) {
  // TikTok reports parameter errors per field; the sandbox names the field and the problem.
  return std::string(name) + ": Invalid JSON. Arrays and objects in a GET query are JSON text.";
}

}  // namespace

uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t x = a ^ (b * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL);
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t hash_text(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return mix(h);
}

std::string hex_id(uint64_t h, int length) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < length; ++i) {
    if (i % 16 == 0 && i) h = mix(h, i);
    s += digits[(h >> ((i % 16) * 4)) & 0xf];
  }
  return s;
}

std::string make_request_id() {
  static std::atomic<uint64_t> counter{0};
  auto now = std::chrono::system_clock::now();
  int64_t secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::string stamp = datetime_text(secs);  // "YYYY-MM-DD HH:MM:SS"
  std::string digits;
  for (char c : stamp)
    if (c >= '0' && c <= '9') digits += c;
  uint64_t h = mix(static_cast<uint64_t>(now.time_since_epoch().count()), ++counter);
  std::string tail = hex_id(h, 20);
  for (char& c : tail) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return digits + tail;
}

json::value number_text(std::string text) {
  return json::string(std::string(kNumberMarker) + text);
}

std::string dump(const json::value& v) {
  std::string s = json::serialize(v);
  size_t pos = 0;
  while ((pos = s.find(kSerializedMarker, pos)) != std::string::npos) {
    size_t start = pos + kSerializedMarker.size();
    size_t end = s.find('"', start);
    if (end == std::string::npos) break;
    std::string number = s.substr(start, end - start);
    s.replace(pos, end + 1 - pos, number);
    pos += number.size();
  }
  return s;
}

Response envelope_ok(json::value data) {
  json::object o;
  o["code"] = 0;
  o["message"] = "OK";
  o["request_id"] = make_request_id();
  o["data"] = std::move(data);
  return Response::json(200, dump(o));
}

Response envelope_error(int code, std::string message) {
  json::object o;
  o["code"] = code;
  o["message"] = std::move(message);
  o["request_id"] = make_request_id();
  o["data"] = json::object{};
  return Response::json(200, dump(o));
}

Response v2_ok(json::object data) {
  json::object o;
  o["data"] = std::move(data);
  o["error"] = json::object{{"code", "ok"}, {"message", ""}, {"log_id", make_request_id()}};
  return Response::json(200, dump(o));
}

Response v2_error(int status, std::string code, std::string message) {
  json::object o;
  o["data"] = json::object{};
  o["error"] = json::object{
      {"code", std::move(code)}, {"message", std::move(message)}, {"log_id", make_request_id()}};
  return Response::json(status, dump(o));
}

Response oauth_error(int status, std::string error, std::string description) {
  json::object o;
  o["error"] = std::move(error);
  o["error_description"] = std::move(description);
  o["log_id"] = make_request_id();
  return Response::json(status, dump(o));
}

Response html_page(int status, std::string title, std::string body_html) {
  std::string page = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
                     html_escape(title) + "</title></head>\n<body>\n" + body_html +
                     "\n</body></html>\n";
  return Response::text(status, std::move(page), "text/html; charset=utf-8");
}

std::optional<std::string> text_param(const Request& r, std::string_view name) {
  auto v = r.param(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

std::string required_text(const Request& r, std::string_view name) {
  auto v = text_param(r, name);
  if (!v) throw ApiError{40002, std::string(name) + ": Missing data for required field."};
  return *v;
}

std::optional<json::value> json_param(const Request& r, std::string_view name) {
  auto v = text_param(r, name);
  if (!v) return std::nullopt;
  boost::system::error_code ec;
  json::value parsed = json::parse(*v, ec);
  if (ec) throw ApiError{40002, bad_json_message(name)};
  return parsed;
}

std::vector<std::string> string_array(const json::value& v, std::string_view name) {
  if (!v.is_array()) throw ApiError{40002, std::string(name) + ": Not a valid list."};
  std::vector<std::string> out;
  for (const auto& item : v.as_array()) {
    if (item.is_string()) {
      out.emplace_back(item.as_string());
    } else if (item.is_int64() || item.is_uint64()) {
      out.push_back(json::serialize(item));
    } else {
      throw ApiError{40002, std::string(name) + ": Not a valid string."};
    }
  }
  return out;
}

std::optional<std::vector<std::string>> id_array_param(const Request& r, std::string_view name) {
  auto v = json_param(r, name);
  if (!v) return std::nullopt;
  return string_array(*v, name);
}

int64_t int_param(const Request& r, std::string_view name, int64_t fallback, int64_t min,
                  int64_t max) {
  auto v = text_param(r, name);
  if (!v) return fallback;
  int64_t n = 0;
  bool ok = !v->empty() && v->size() < 12;
  for (char c : *v) {
    if (c < '0' || c > '9') {
      ok = false;
      break;
    }
    n = n * 10 + (c - '0');
  }
  if (!ok) throw ApiError{40002, std::string(name) + ": Not a valid integer."};
  if (n < min || n > max)
    throw ApiError{40002, std::string(name) + ": Must be greater than or equal to " +
                              std::to_string(min) + " and less than or equal to " +
                              std::to_string(max) + "."};
  return n;
}

bool bool_param(const Request& r, std::string_view name, bool fallback) {
  auto v = text_param(r, name);
  if (!v) return fallback;
  if (*v == "true" || *v == "True" || *v == "1") return true;
  if (*v == "false" || *v == "False" || *v == "0") return false;
  throw ApiError{40002, std::string(name) + ": Not a valid boolean."};
}

json::object body_object(const Request& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  if (ec || !v.is_object())
    throw ApiError{40002,
                   "Invalid request body: expected a JSON object (Content-Type: "
                   "application/json)."};
  return std::move(v.as_object());
}

std::optional<std::string> body_text(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_string()) {
    if (v->as_string().empty()) return std::nullopt;
    return std::string(v->as_string());
  }
  // IDs may come as numbers (notes §1.1).
  if (v->is_int64() || v->is_uint64()) return json::serialize(*v);
  throw ApiError{40002, std::string(name) + ": Not a valid string."};
}

std::string required_body_text(const json::object& o, std::string_view name) {
  auto v = body_text(o, name);
  if (!v) throw ApiError{40002, std::string(name) + ": Missing data for required field."};
  return *v;
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string_view::npos) end = s.size();
    std::string item(s.substr(start, end - start));
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

std::string join_commas(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

std::string money_text(int64_t micros, int decimals) {
  int64_t unit = 1;
  for (int i = decimals; i < 6; ++i) unit *= 10;
  bool negative = micros < 0;
  int64_t minor = (std::llabs(micros) + unit / 2) / unit;
  int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  std::string s = std::to_string(minor / scale);
  if (decimals > 0) {
    std::string frac = std::to_string(minor % scale);
    s += "." + std::string(decimals - frac.size(), '0') + frac;
  }
  return negative ? "-" + s : s;
}

std::string ratio_text(long double numerator, long double denominator, int decimals,
                       long double scale) {
  long double value = denominator == 0 ? 0 : numerator / denominator * scale;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*Lf", decimals, value);
  return buf;
}

std::string datetime_text(int64_t unix_seconds) {
  int64_t day = unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400;
  int64_t rest = unix_seconds - day * 86400;
  char buf[16];
  std::snprintf(buf, sizeof buf, " %02d:%02d:%02d", static_cast<int>(rest / 3600),
                static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
  return format_day(day) + buf;
}

std::optional<int64_t> parse_datetime(std::string_view s) {
  if (s.size() != 19 || s[10] != ' ' || s[13] != ':' || s[16] != ':') return std::nullopt;
  int64_t day;
  try {
    day = parse_day(s.substr(0, 10));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  int parts[3];
  for (int i = 0; i < 3; ++i) {
    char a = s[11 + i * 3], b = s[12 + i * 3];
    if (a < '0' || a > '9' || b < '0' || b > '9') return std::nullopt;
    parts[i] = (a - '0') * 10 + (b - '0');
  }
  if (parts[0] > 23 || parts[1] > 59 || parts[2] > 59) return std::nullopt;
  return day * 86400 + parts[0] * 3600 + parts[1] * 60 + parts[2];
}

std::optional<RedirectTarget> parse_redirect(std::string_view uri) {
  auto u = boost::urls::parse_absolute_uri(uri);
  if (!u) {
    auto with_fragment = boost::urls::parse_uri(uri);
    if (!with_fragment) return std::nullopt;
    u = boost::urls::url_view(*with_fragment);
  }
  RedirectTarget t;
  t.scheme = std::string(u->scheme());
  if (t.scheme != "http" && t.scheme != "https") return std::nullopt;
  t.host = std::string(u->encoded_host());
  if (t.host.empty()) return std::nullopt;
  t.has_port = u->has_port();
  t.has_query = u->has_query();
  t.has_fragment = u->has_fragment();
  return t;
}

std::string append_query(std::string_view uri, const Fields& params) {
  auto parsed = boost::urls::parse_uri_reference(uri);
  if (!parsed) return std::string(uri);
  boost::urls::url u(*parsed);
  for (const auto& [k, v] : params) u.params().append({k, v});
  return std::string(u.buffer());
}

std::string unique_hex(int length) {
  static std::atomic<uint64_t> counter{0};
  uint64_t h =
      mix(static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()),
          ++counter);
  return hex_id(mix(h, reinterpret_cast<uintptr_t>(&counter)), length);
}

}  // namespace connhost::sandbox::tiktok
