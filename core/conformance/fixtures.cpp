#include "conformance/fixtures.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace connhost::conformance {
namespace json = boost::json;
namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view q) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    if (!part.empty()) {
      size_t eq = part.find('=');
      out.emplace_back(decode(part.substr(0, eq)),
                       eq == std::string_view::npos ? "" : decode(part.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::string RecordedExchange::describe() const {
  std::string q;
  for (const auto& [k, v] : query) q += (q.empty() ? "?" : "&") + k + "=" + v;
  return file + " #" + std::to_string(index + 1) + " (" + method + " " + path + q + ")";
}

std::vector<RecordedExchange> read_fixtures(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<RecordedExchange> out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    auto doc = json::parse(ss.str(), ec);
    if (ec || !doc.is_object()) throw std::runtime_error(f.string() + ": not a JSON object");
    const auto* ex = doc.as_object().if_contains("exchanges");
    if (!ex || !ex->is_array()) throw std::runtime_error(f.string() + ": no \"exchanges\" list");
    size_t i = 0;
    for (const auto& item : ex->as_array()) {
      RecordedExchange r;
      r.file = f.filename().string();
      r.index = i++;
      if (!item.is_object()) continue;
      const auto& o = item.as_object();
      r.endpoint = text(o, "endpoint");
      if (const auto* req = o.if_contains("request"); req && req->is_object()) {
        const auto& ro = req->as_object();
        r.method = text(ro, "method");
        if (r.method.empty()) r.method = "GET";
        r.path = text(ro, "path");
        const auto* q = ro.if_contains("query");
        r.any_query = !q;
        if (q && q->is_array())
          for (const auto& pair : q->as_array())
            if (pair.is_array() && pair.as_array().size() == 2 && pair.as_array()[0].is_string() &&
                pair.as_array()[1].is_string())
              r.query.emplace_back(std::string(pair.as_array()[0].as_string()),
                                   std::string(pair.as_array()[1].as_string()));
      }
      if (const auto* resp = o.if_contains("response"); resp && resp->is_object())
        if (const auto* s = resp->as_object().if_contains("status"); s && s->is_int64())
          r.status = static_cast<int>(s->as_int64());
      out.push_back(std::move(r));
    }
  }
  return out;
}

bool matches(const RecordedExchange& e, const std::string& method, const std::string& path,
             const std::string& raw_query) {
  if (e.method != method || e.path != path) return false;
  if (e.any_query) return true;
  auto got = parse_query(raw_query);
  if (got.size() != e.query.size()) return false;
  // A multiset match: each recorded pair takes one logged pair, "REDACTED" any value.
  std::vector<bool> used(got.size(), false);
  for (const auto& [k, v] : e.query) {
    bool found = false;
    for (size_t i = 0; i < got.size() && !found; ++i)
      if (!used[i] && got[i].first == k && (v == "REDACTED" || got[i].second == v))
        used[i] = found = true;
    if (!found) return false;
  }
  return true;
}

}  // namespace connhost::conformance
