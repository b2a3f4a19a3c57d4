#include "http_values.hpp"

#include <date/date.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <limits>
#include <sstream>

namespace connhost::http_connector {

namespace json = boost::json;

const json::value* find_path(const json::value& root, std::string_view path) {
  const json::value* cur = &root;
  size_t start = 0;
  while (!path.empty() && start <= path.size()) {
    size_t dot = std::min(path.find('.', start), path.size());
    std::string_view step = path.substr(start, dot - start);
    if (const auto* o = cur->if_object()) {
      auto it = o->find(step);
      if (it == o->end()) return nullptr;
      cur = &it->value();
    } else if (const auto* a = cur->if_array()) {
      size_t i = 0;
      auto [p, ec] = std::from_chars(step.data(), step.data() + step.size(), i);
      if (ec != std::errc{} || p != step.data() + step.size() || i >= a->size()) return nullptr;
      cur = &(*a)[i];
    } else {
      return nullptr;
    }
    start = dot + 1;
  }
  return cur;
}

std::optional<int64_t> decimal_micros(std::string_view t) {
  size_t i = 0;
  bool negative = false;
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) negative = t[i++] == '-';
  std::string digits;
  int exponent = 0;  // value = digits * 10^exponent
  bool any = false, dot = false;
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      any = true;
      if (dot) --exponent;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return std::nullopt;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    int e = 0;
    const char* b = t.data() + i;
    if (i < t.size() && t[i] == '+') ++b;
    auto [p, ec] = std::from_chars(b, t.data() + t.size(), e);
    if (ec != std::errc{} || p != t.data() + t.size() || e > 400 || e < -400) return std::nullopt;
    exponent += e;
    i = t.size();
  }
  if (i != t.size()) return std::nullopt;
  exponent += 6;  // units -> micros
  if (exponent < 0) {
    // Only zeros may fall off: anything else is a fraction of a micro, which is not exact.
    size_t drop = static_cast<size_t>(-exponent);
    if (drop > digits.size()) drop = digits.size();
    if (digits.find_first_not_of('0', digits.size() - drop) != std::string::npos)
      return std::nullopt;
    digits.resize(digits.size() - drop);
    exponent = 0;
  }
  digits.append(static_cast<size_t>(exponent), '0');
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
  if (digits.empty()) return 0;
  if (digits.size() > 19) return std::nullopt;
  uint64_t v = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
}

std::optional<int64_t> integer_of(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return std::nullopt;
    return static_cast<int64_t>(v.get_uint64());
  }
  std::string text;
  if (v.is_double())
    text = json::serialize(v);
  else if (v.is_string())
    text = std::string(v.get_string());
  else
    return std::nullopt;
  // An integer written as a decimal ("42", "42.0", "4.2E1"): its micros are whole millions.
  auto micros = decimal_micros(text);
  if (!micros || *micros % 1'000'000 != 0) return std::nullopt;
  return *micros / 1'000'000;
}

std::optional<std::string> text_of(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64() || v.is_uint64() || v.is_double()) return json::serialize(v);
  if (v.is_bool()) return v.get_bool() ? "true" : "false";
  return std::nullopt;
}

std::string encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string expand(std::string_view text, const std::map<std::string, std::string>& vars,
                   bool encoded) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find('{', pos);
    size_t close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    std::string name(text.substr(open + 1, close - open - 1));
    auto it = vars.find(name);
    if (it == vars.end()) {
      out.append(text.substr(open, close - open + 1));
    } else {
      out += encoded ? encode(it->second) : it->second;
    }
    pos = close + 1;
  }
  return out;
}

std::optional<std::chrono::milliseconds> retry_after(std::string_view h, int64_t now_ms) {
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  while (!h.empty() && h.back() == ' ') h.remove_suffix(1);
  if (h.empty()) return std::nullopt;
  int64_t seconds = 0;
  auto [p, ec] = std::from_chars(h.data(), h.data() + h.size(), seconds);
  if (ec == std::errc{} && p == h.data() + h.size())
    return seconds < 0 ? std::nullopt : std::optional(std::chrono::milliseconds(seconds * 1000));
  // IMF-fixdate, the form senders must use: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::istringstream in{std::string(h)};
  date::sys_seconds when;
  in >> date::parse("%a, %d %b %Y %H:%M:%S GMT", when);
  if (in.fail()) return std::nullopt;
  int64_t at_ms = when.time_since_epoch().count() * 1000;
  return std::chrono::milliseconds(std::max<int64_t>(0, at_ms - now_ms));
}

std::string scrub(std::string_view text, std::initializer_list<std::string_view> secrets) {
  std::string s(text);
  for (auto secret : secrets) {
    if (secret.empty()) continue;
    for (size_t pos = s.find(secret); pos != std::string::npos; pos = s.find(secret, pos + 3))
      s.replace(pos, secret.size(), "***");
  }
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  constexpr size_t kMax = 300;
  if (s.size() > kMax) s = s.substr(0, kMax) + "...";
  return s;
}

connhost::Error error_for(int status, std::string_view body, std::optional<std::string_view> retry,
                          int64_t now_ms, std::string_view what, std::string_view message_path,
                          std::initializer_list<std::string_view> secrets) {
  std::string message;
  {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (!ec)
      if (const auto* m = find_path(v, message_path))
        if (auto t = text_of(*m)) message = *t;
  }
  if (message.empty() && !body.empty() && body.size() < 200) message = std::string(body);
  std::string text = std::string(what) + " answered HTTP " + std::to_string(status);
  if (!message.empty()) text += ": " + scrub(message, secrets);
  if (status == 429) {
    std::optional<std::chrono::milliseconds> wait;
    if (retry) wait = retry_after(*retry, now_ms);
    return connhost::Error::quota("rate limited: " + text, wait);
  }
  if (status >= 500) return connhost::Error::transient(text);
  if (status == 401 || status == 403)
    return connhost::Error::auth(text + " (check the connection's token or api_key secret)");
  if (status >= 400) return connhost::Error::config(text);
  return connhost::Error::data(text + ": not a success status");
}

}  // namespace connhost::http_connector
