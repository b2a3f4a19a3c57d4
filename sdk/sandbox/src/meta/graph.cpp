#include "meta/graph.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "world/world.hpp"

namespace connhost::sandbox::meta {
namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string b64(std::string_view in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kB64[(v >> s) & 63];
  }
  if (size_t rest = in.size() - i; rest > 0) {
    uint32_t v = uint8_t(in[i]) << 16;
    if (rest == 2) v |= uint8_t(in[i + 1]) << 8;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += rest == 2 ? kB64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> unb64(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const char* p = std::char_traits<char>::find(kB64, 64, c);
    if (!p) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
  return s;
}

void parse_multipart(std::string_view body, std::string_view content_type, Params& out) {
  auto b = content_type.find("boundary=");
  if (b == std::string_view::npos) return;
  std::string boundary = "--" + std::string(content_type.substr(b + 9));
  if (auto semi = boundary.find(';'); semi != std::string::npos) boundary.resize(semi);
  if (boundary.size() > 4 && boundary[2] == '"')
    boundary = "--" + boundary.substr(3, boundary.size() - 4);
  size_t pos = body.find(boundary);
  while (pos != std::string_view::npos) {
    size_t start = pos + boundary.size();
    if (body.substr(start, 2) == "--") break;
    size_t next = body.find(boundary, start);
    if (next == std::string_view::npos) break;
    std::string_view part = body.substr(start, next - start);
    size_t split = part.find("\r\n\r\n");
    if (split != std::string_view::npos) {
      std::string_view head = part.substr(0, split);
      std::string_view value = part.substr(split + 4);
      if (value.size() >= 2 && value.substr(value.size() - 2) == "\r\n") value.remove_suffix(2);
      auto n = head.find("name=\"");
      if (n != std::string_view::npos) {
        auto e = head.find('"', n + 6);
        if (e != std::string_view::npos)
          out.values.emplace(std::string(head.substr(n + 6, e - n - 6)), std::string(value));
      }
    }
    pos = next;
  }
}

}  // namespace

std::optional<std::string> Params::get(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

Params read_params(const Request& r) {
  Params p;
  for (const auto& [k, v] : r.query) p.values.emplace(k, v);
  p.token_in_query = p.has("access_token");
  if (r.body.empty()) return p;
  std::string ct(r.header("Content-Type").value_or(""));
  std::transform(ct.begin(), ct.end(), ct.begin(), [](unsigned char c) { return std::tolower(c); });
  try {
    if (ct.find("application/json") != std::string::npos) {
      auto v = json::parse(r.body);
      if (auto* o = v.if_object())
        for (const auto& [k, val] : *o)
          p.values.emplace(std::string(k),
                           val.is_string() ? std::string(val.get_string()) : json::serialize(val));
    } else if (ct.find("multipart/form-data") != std::string::npos) {
      parse_multipart(r.body, r.header("Content-Type").value_or(""), p);
    } else {
      for (const auto& [k, v] : r.form()) p.values.emplace(k, v);
    }
  } catch (const std::exception&) {
    // A body Graph cannot read is treated as absent; the handler then names what is missing.
  }
  return p;
}

std::string fbtrace_id() {
  static std::atomic<uint64_t> counter{0};
  uint64_t x = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
               (++counter * 0x9e3779b97f4a7c15ULL);
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < 11; ++i, x = x * 6364136223846793005ULL + 1442695040888963407ULL)
    s += alphabet[(x >> 33) % 62];
  return s;
}

Response error_response(const GraphError& e) {
  json::object err{{"message", e.message}, {"type", e.type}, {"code", e.code}};
  if (e.subcode) err["error_subcode"] = *e.subcode;
  if (e.is_transient) err["is_transient"] = *e.is_transient;
  if (!e.user_title.empty()) err["error_user_title"] = e.user_title;
  if (!e.user_msg.empty()) err["error_user_msg"] = e.user_msg;
  err["fbtrace_id"] = fbtrace_id();
  Response r = graph_json(json::object{{"error", std::move(err)}}, e.http_status);
  if (!e.www_authenticate.empty()) {
    std::string msg = replace_all(e.message, "\"", "'");
    r.header("WWW-Authenticate",
             "OAuth \"Facebook Platform\" \"" + e.www_authenticate + "\" \"" + msg + "\"");
  }
  return r;
}

GraphError invalid_param(std::string message) {
  GraphError e;
  e.code = 100;
  e.message = std::move(message);
  return e;
}

GraphError unsupported_request(std::string_view method, std::string_view object_id) {
  std::string m(method);
  std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return std::tolower(c); });
  GraphError e;
  e.code = 100;
  e.subcode = 33;
  e.type = "GraphMethodException";
  e.message = "Unsupported " + m + " request. Object with ID '" + std::string(object_id) +
              "' does not exist, cannot be loaded due to missing permissions, or does not "
              "support this operation. Please read the Graph API documentation at "
              "https://developers.facebook.com/docs/graph-api";
  return e;
}

GraphError unknown_path(std::string_view path) {
  GraphError e;
  e.code = 2500;
  e.message = "Unknown path components: " + std::string(path);
  return e;
}

std::string graph_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  char buf[16];
  auto emit = [&](uint32_t u) {
    std::snprintf(buf, sizeof buf, "\\u%04x", u);
    out += buf;
  };
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '/') {
      out += "\\/";
      ++i;
    } else if (c == '@') {
      emit('@');
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else {
      int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
      uint32_t cp = len == 4 ? c & 0x07 : len == 3 ? c & 0x0f : c & 0x1f;
      bool ok = len > 0 && i + len <= s.size();
      for (int k = 1; ok && k < len; ++k) {
        auto cc = static_cast<unsigned char>(s[i + k]);
        ok = (cc & 0xc0) == 0x80;
        cp = (cp << 6) | (cc & 0x3f);
      }
      if (!ok) {
        emit(0xfffd);
        ++i;
        continue;
      }
      if (cp > 0xffff) {
        cp -= 0x10000;
        emit(0xd800 + (cp >> 10));
        emit(0xdc00 + (cp & 0x3ff));
      } else {
        emit(cp);
      }
      i += len;
    }
  }
  return out;
}

std::string graph_serialize(const json::value& v) {
  return graph_escape(json::serialize(v));
}

Response graph_json(const json::value& v, int status) {
  Response r = Response::json(status, graph_serialize(v));
  return r;
}

std::vector<FieldSpec> parse_fields(std::string_view list) {
  std::vector<FieldSpec> out;
  int depth = 0;
  size_t start = 0;
  auto flush = [&](std::string_view item) {
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) return;
    FieldSpec f;
    size_t i = 0;
    while (i < item.size() && item[i] != '.' && item[i] != '{' && item[i] != '(') ++i;
    f.name = std::string(item.substr(0, i));
    while (i < item.size()) {
      if (item[i] == '{') {
        auto close = item.rfind('}');
        if (close == std::string_view::npos || close < i) break;
        f.subfields = std::string(item.substr(i + 1, close - i - 1));
        i = close + 1;
      } else if (item[i] == '.') {
        size_t open = item.find('(', i);
        size_t close = open == std::string_view::npos ? open : item.find(')', open);
        if (close == std::string_view::npos) break;
        f.modifiers[std::string(item.substr(i + 1, open - i - 1))] =
            std::string(item.substr(open + 1, close - open - 1));
        i = close + 1;
      } else {
        ++i;
      }
    }
    out.push_back(std::move(f));
  };
  for (size_t i = 0; i < list.size(); ++i) {
    char c = list[i];
    if (c == '{' || c == '(') ++depth;
    if (c == '}' || c == ')') depth = std::max(0, depth - 1);
    if (c == ',' && depth == 0) {
      flush(list.substr(start, i - start));
      start = i + 1;
    }
  }
  flush(list.substr(start));
  return out;
}

std::string graph_time(int64_t t) {
  int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t rem = t - day * 86400;
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d+0000", static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return format_day(day) + buf;
}

std::string decimal(double value, int max_decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", max_decimals, value);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string money(int64_t micros, int decimals) {
  // Exact: micros are already rounded to the currency's precision by the world.
  bool neg = micros < 0;
  uint64_t v = static_cast<uint64_t>(neg ? -micros : micros);
  std::string s = std::to_string(v / 1'000'000);
  if (decimals > 0) {
    char frac[8];
    std::snprintf(frac, sizeof frac, "%06llu", static_cast<unsigned long long>(v % 1'000'000));
    std::string f(frac, static_cast<size_t>(std::min(decimals, 6)));
    while (!f.empty() && f.back() == '0') f.pop_back();
    if (!f.empty()) s += "." + f;
  }
  return neg ? "-" + s : s;
}

std::string encode_cursor(int64_t position, bool insights) {
  std::string raw = insights ? std::to_string(position) : "o:" + std::to_string(position);
  return replace_all(b64(raw), "=", "ZD");
}

std::optional<int64_t> decode_cursor(std::string_view cursor, bool insights) {
  if (cursor.empty() || cursor.size() > 64) return std::nullopt;
  auto raw = unb64(replace_all(std::string(cursor), "ZD", "="));
  if (!raw) return std::nullopt;
  std::string_view digits = *raw;
  if (!insights) {
    if (digits.substr(0, 2) != "o:") return std::nullopt;
    digits.remove_prefix(2);
  }
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  int64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<PageWindow> page_window(const PageRequest& p, size_t total, GraphError& error) {
  PageWindow w;
  w.limit = p.default_limit;
  if (auto l = p.params->get("limit")) {
    char* end = nullptr;
    long v = std::strtol(l->c_str(), &end, 10);
    if (end == l->c_str() || *end != '\0' || v < 0) {
      error = invalid_param("(#100) param limit must be a non-negative integer");
      return std::nullopt;
    }
    w.limit = static_cast<int>(std::clamp<long>(v == 0 ? p.default_limit : v, 1, p.max_limit));
  }
  auto bad_cursor = [&](std::string_view which) {
    error = invalid_param("(#100) The " + std::string(which) +
                          " cursor is invalid or has expired. Cursors are not stable; restart "
                          "the request without it.");
  };
  if (auto a = p.params->get("after"); a && !a->empty()) {
    auto pos = decode_cursor(*a, p.insights_cursors);
    if (!pos || *pos < 0 || static_cast<size_t>(*pos) >= total + 1) {
      bad_cursor("after");
      return std::nullopt;
    }
    w.begin = static_cast<size_t>(*pos) + 1;
    w.end = std::min(total, w.begin + static_cast<size_t>(w.limit));
  } else if (auto b = p.params->get("before"); b && !b->empty()) {
    auto pos = decode_cursor(*b, p.insights_cursors);
    if (!pos || *pos < 0 || static_cast<size_t>(*pos) > total) {
      bad_cursor("before");
      return std::nullopt;
    }
    w.end = static_cast<size_t>(*pos);
    w.begin = w.end > static_cast<size_t>(w.limit) ? w.end - w.limit : 0;
  } else {
    w.begin = 0;
    w.end = std::min(total, static_cast<size_t>(w.limit));
  }
  w.begin = std::min(w.begin, total);
  w.end = std::max(w.begin, std::min(w.end, total));
  return w;
}

json::object page_envelope(const PageRequest& p, const PageWindow& w, size_t total,
                           json::array data) {
  json::object out{{"data", std::move(data)}};
  if (w.begin == w.end) return out;  // an empty edge is just {"data":[]}
  json::object cursors{
      {"before", encode_cursor(static_cast<int64_t>(w.begin), p.insights_cursors)},
      {"after", encode_cursor(static_cast<int64_t>(w.end - 1), p.insights_cursors)}};
  json::object paging{{"cursors", std::move(cursors)}};
  auto url = [&](std::string_view key, std::string_view cursor) {
    std::string q;
    for (const auto& [k, v] : p.params->values) {
      if (k == "after" || k == "before" || k == "limit") continue;
      if (k == "access_token" && !p.params->token_in_query) continue;
      q += (q.empty() ? "" : "&") + url_encode(k) + "=" + url_encode(v);
    }
    q += (q.empty() ? "" : "&") + std::string("limit=") + std::to_string(w.limit);
    q += "&" + std::string(key) + "=" + std::string(cursor);
    return p.base_url + "/" + p.version + p.path + "?" + q;
  };
  if (w.begin > 0)
    paging["previous"] =
        url("before", encode_cursor(static_cast<int64_t>(w.begin), p.insights_cursors));
  if (w.end < total)
    paging["next"] =
        url("after", encode_cursor(static_cast<int64_t>(w.end - 1), p.insights_cursors));
  out["paging"] = std::move(paging);
  return out;
}

}  // namespace connhost::sandbox::meta
