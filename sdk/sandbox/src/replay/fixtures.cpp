#include "replay/fixtures.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace connhost::sandbox::replay {
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// Reads one file with messages that say where: the file and the JSON path ($.exchanges[3]...).
class Reader {
 public:
  explicit Reader(std::string name) : name_(std::move(name)) {}

  [[noreturn]] void fail(const std::string& at, const std::string& what) const {
    throw std::invalid_argument("replay fixture " + name_ + ": " + at + ": " + what);
  }

  const json::object& object(const json::value& v, const std::string& at) const {
    if (!v.is_object()) fail(at, "expected an object");
    return v.get_object();
  }
  std::string string(const json::value& v, const std::string& at) const {
    if (!v.is_string()) fail(at, "expected a string");
    return std::string(v.get_string());
  }
  const json::value* optional(const json::object& o, std::string_view key) const {
    return o.if_contains(key);
  }
  const json::value& required(const json::object& o, std::string_view key,
                              const std::string& at) const {
    const auto* v = o.if_contains(key);
    if (!v) fail(at, "missing \"" + std::string(key) + "\"");
    return *v;
  }
  Fields pairs(const json::value& v, const std::string& at) const {
    if (!v.is_array()) fail(at, "expected an array of [name, value] pairs");
    Fields out;
    const auto& a = v.get_array();
    for (size_t i = 0; i < a.size(); ++i) {
      std::string here = at + "[" + std::to_string(i) + "]";
      if (!a[i].is_array() || a[i].get_array().size() != 2)
        fail(here, "expected a [name, value] pair");
      const auto& p = a[i].get_array();
      std::string value;
      // A header's or a parameter's number is its text (["retry-after", 3]).
      if (p[1].is_int64() || p[1].is_uint64())
        value = json::serialize(p[1]);
      else
        value = string(p[1], here + "[1]");
      out.emplace_back(string(p[0], here + "[0]"), std::move(value));
    }
    return out;
  }

  std::vector<Exchange> read(std::string_view text) const {
    json::stream_parser parser;
    json::error_code ec;
    size_t used = parser.write(text.data(), text.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec) {
      size_t line = 1 + std::count(text.begin(), text.begin() + std::min(used, text.size()), '\n');
      auto nl = text.substr(0, used).rfind('\n');
      size_t col = used - (nl == std::string_view::npos ? 0 : nl + 1) + 1;
      throw std::invalid_argument("replay fixture " + name_ + ": line " + std::to_string(line) +
                                  ", column " + std::to_string(col) + ": " + ec.message());
    }
    json::value doc = parser.release();
    const auto& top = object(doc, "$");
    std::string format = string(required(top, "format", "$"), "$.format");
    if (format != kFormat)
      fail("$.format", "\"" + format + "\" is not \"" + std::string(kFormat) + "\"");
    std::string platform;
    if (const auto* p = optional(top, "platform")) platform = string(*p, "$.platform");
    const auto& list = required(top, "exchanges", "$");
    if (!list.is_array()) fail("$.exchanges", "expected an array");
    std::vector<Exchange> out;
    const auto& a = list.get_array();
    for (size_t i = 0; i < a.size(); ++i)
      out.push_back(exchange(a[i], "$.exchanges[" + std::to_string(i) + "]", platform));
    return out;
  }

 private:
  Exchange exchange(const json::value& v, const std::string& at,
                    const std::string& platform) const {
    Exchange e;
    e.where = name_ + " " + at;
    e.platform = platform;
    const auto& o = object(v, at);
    if (const auto* p = optional(o, "platform")) e.platform = string(*p, at + ".platform");
    if (const auto* p = optional(o, "endpoint")) e.endpoint = string(*p, at + ".endpoint");

    std::string rq = at + ".request";
    const auto& req = object(required(o, "request", at), rq);
    e.method = string(required(req, "method", rq), rq + ".method");
    if (e.method.empty()) fail(rq + ".method", "empty");
    e.path = string(required(req, "path", rq), rq + ".path");
    if (e.path.empty() || e.path.front() != '/') fail(rq + ".path", "must start with '/'");
    if (const auto* q = optional(req, "query")) e.query = pairs(*q, rq + ".query");
    const auto* rj = optional(req, "json");
    const auto* rb = optional(req, "body");
    if (rj && rb) fail(rq, "has both \"json\" and \"body\"; keep one");
    if (rj) e.json = *rj;
    if (rb) e.body = string(*rb, rq + ".body");

    std::string rs = at + ".response";
    const auto& resp = object(required(o, "response", at), rs);
    if (const auto* s = optional(resp, "status")) {
      if (!s->is_int64() || s->get_int64() < 100 || s->get_int64() > 599)
        fail(rs + ".status", "expected an HTTP status between 100 and 599");
      e.status = static_cast<int>(s->get_int64());
    }
    if (const auto* h = optional(resp, "headers")) e.headers = pairs(*h, rs + ".headers");
    const auto* sj = optional(resp, "json");
    const auto* sb = optional(resp, "body");
    if (sj && sb) fail(rs, "has both \"json\" and \"body\"; keep one");
    if (sj) {
      e.response_body = json::serialize(*sj);
      e.response_json = true;
    } else if (sb) {
      e.response_body = string(*sb, rs + ".body");
    }
    return e;
  }

  std::string name_;
};

std::string replace_all(std::string s, std::string_view what, std::string_view with) {
  for (size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + with.size()))
    s.replace(pos, what.size(), with);
  return s;
}

// A body that reads as form pairs: no spaces or line breaks, and a '=' in it.
bool form_like(std::string_view s) {
  return !s.empty() && s.find('=') != std::string_view::npos &&
         s.find_first_of(" \t\r\n{}[]\"") == std::string_view::npos;
}

bool body_matches(const Exchange& e, const std::string& sent) {
  if (e.json) {
    json::error_code ec;
    json::value v = json::parse(sent, ec);
    return !ec && json_matches(*e.json, v);
  }
  if (!e.body) return true;
  if (form_like(*e.body) && form_like(sent))
    return pairs_match(parse_query(*e.body), parse_query(sent));
  return value_matches(*e.body, sent);
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

json::array pairs_json(const Fields& f) {
  json::array out;
  for (const auto& [k, v] : f) out.push_back(json::array{json::string(k), json::string(v)});
  return out;
}

std::mutex g_warn_mutex;

}  // namespace

std::vector<Exchange> load_text(std::string_view text, const std::string& name) {
  return Reader(name).read(text);
}

std::vector<Exchange> load_folder(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw std::invalid_argument("replay folder " + dir + " is not a readable folder");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  if (ec) throw std::invalid_argument("replay folder " + dir + ": " + ec.message());
  if (files.empty()) throw std::invalid_argument("replay folder " + dir + " has no *.json files");
  std::sort(files.begin(), files.end());
  std::vector<Exchange> out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) throw std::invalid_argument("replay fixture " + f.string() + ": cannot be read");
    std::stringstream s;
    s << in.rdbuf();
    auto part = load_text(s.str(), f.string());
    std::move(part.begin(), part.end(), std::back_inserter(out));
  }
  return out;
}

bool value_matches(std::string_view recorded, std::string_view sent) {
  size_t hole = recorded.find(kRedacted);
  if (hole == std::string_view::npos) return recorded == sent;
  // The text before the first hole is a prefix, after the last a suffix, the rest in order.
  std::string_view head = recorded.substr(0, hole);
  if (sent.substr(0, head.size()) != head) return false;
  sent.remove_prefix(head.size());
  recorded.remove_prefix(hole + kRedacted.size());
  for (;;) {
    hole = recorded.find(kRedacted);
    if (hole == std::string_view::npos)
      return sent.size() >= recorded.size() &&
             sent.substr(sent.size() - recorded.size()) == recorded;
    std::string_view part = recorded.substr(0, hole);
    size_t at = sent.find(part);
    if (at == std::string_view::npos) return false;
    sent.remove_prefix(at + part.size());
    recorded.remove_prefix(hole + kRedacted.size());
  }
}

bool pairs_match(const Fields& recorded, const Fields& sent) {
  if (recorded.size() != sent.size()) return false;
  std::vector<bool> used(sent.size(), false);
  auto take = [&](const std::pair<std::string, std::string>& want, bool wildcard) {
    for (size_t i = 0; i < sent.size(); ++i) {
      if (used[i] || sent[i].first != want.first) continue;
      if (wildcard ? value_matches(want.second, sent[i].second) : want.second == sent[i].second) {
        used[i] = true;
        return true;
      }
    }
    return false;
  };
  // Exact pairs first, so that a wildcard never takes the value an exact pair needs.
  for (const auto& p : recorded)
    if (p.second.find(kRedacted) == std::string::npos && !take(p, false)) return false;
  for (const auto& p : recorded)
    if (p.second.find(kRedacted) != std::string::npos && !take(p, true)) return false;
  return true;
}

bool json_matches(const json::value& recorded, const json::value& sent) {
  if (recorded.is_string()) {
    std::string_view r = recorded.get_string();
    if (r == kRedacted) return true;
    return sent.is_string() && value_matches(r, sent.get_string());
  }
  if (recorded.is_number() && sent.is_number()) {
    if (recorded.kind() == sent.kind()) return recorded == sent;
    return recorded.to_number<double>() == sent.to_number<double>();
  }
  if (recorded.kind() != sent.kind()) return false;
  if (recorded.is_object()) {
    const auto& r = recorded.get_object();
    const auto& s = sent.get_object();
    if (r.size() != s.size()) return false;
    for (const auto& kv : r) {
      const auto* v = s.if_contains(kv.key());
      if (!v || !json_matches(kv.value(), *v)) return false;
    }
    return true;
  }
  if (recorded.is_array()) {
    const auto& r = recorded.get_array();
    const auto& s = sent.get_array();
    if (r.size() != s.size()) return false;
    for (size_t i = 0; i < r.size(); ++i)
      if (!json_matches(r[i], s[i])) return false;
    return true;
  }
  return recorded == sent;
}

Replayer::Replayer(std::vector<Exchange> exchanges)
    : exchanges_(std::move(exchanges)), served_(exchanges_.size(), false) {
  for (size_t i = 0; i < exchanges_.size(); ++i) {
    by_route_[{exchanges_[i].method, exchanges_[i].path}].push_back(i);
    if (exchanges_[i].path.find(kRedacted) != std::string::npos) wildcard_paths_.push_back(i);
  }
}

std::vector<std::string> Replayer::platforms() const {
  std::vector<std::string> out;
  for (const auto& e : exchanges_)
    if (!e.platform.empty() && std::find(out.begin(), out.end(), e.platform) == out.end())
      out.push_back(e.platform);
  return out;
}

std::optional<size_t> Replayer::pick(const Request& request) const {
  std::vector<size_t> candidates;
  if (auto it = by_route_.find({request.method, request.path}); it != by_route_.end())
    candidates = it->second;
  // A path with a secret or an address in it was recorded with REDACTED there.
  for (size_t i : wildcard_paths_)
    if (exchanges_[i].method == request.method && exchanges_[i].path != request.path &&
        value_matches(exchanges_[i].path, request.path))
      candidates.push_back(i);
  std::sort(candidates.begin(), candidates.end());
  std::optional<size_t> last;
  for (size_t i : candidates) {
    const Exchange& e = exchanges_[i];
    if (e.query && !pairs_match(*e.query, request.query)) continue;
    if (!body_matches(e, request.body)) continue;
    if (!served_[i]) return i;
    last = i;
  }
  return last;
}

const Exchange* Replayer::peek(const Request& request) const {
  std::lock_guard lock(mutex_);
  auto i = pick(request);
  return i ? &exchanges_[*i] : nullptr;
}

Response Replayer::serve(const Request& request, std::string_view base_url, bool consume) {
  std::optional<size_t> i;
  {
    std::lock_guard lock(mutex_);
    i = pick(request);
    if (i && consume) served_[*i] = true;
  }
  if (!i) return not_found(request);
  const Exchange& e = exchanges_[*i];
  Response r;
  r.status = e.status;
  bool typed = false;
  for (const auto& [k, v] : e.headers) {
    typed = typed || iequals(k, "content-type");
    r.header(k, replace_all(v, kOrigin, base_url));
  }
  if (!typed && e.response_json) r.header("Content-Type", "application/json");
  r.body = replace_all(e.response_body, kOrigin, base_url);
  return r;
}

Response Replayer::not_found(const Request& request) const {
  std::string nearest;
  size_t best = std::string::npos;
  bool path_recorded = false;
  for (const auto& [route, list] : by_route_) {
    if (route.second == request.path) path_recorded = true;
    size_t d = edit_distance(route.second, request.path);
    if (d < best) best = d, nearest = route.second;
  }
  std::string target = request.method + " " + request.path +
                       (request.raw_query.empty() ? "" : "?" + request.raw_query);
  {
    std::lock_guard lock(g_warn_mutex);
    std::cerr << "connhost-sandbox: warn: replay: no recorded exchange matches " << target
              << (nearest.empty() ? "" : "; nearest recorded path " + nearest) << std::endl;
  }
  json::object body{
      {"error", "connhost-sandbox replay: no recorded exchange matches " + target},
      {"method", request.method},
      {"path", request.path},
      {"query", pairs_json(request.query)},
      {"nearest_path", nearest.empty() ? json::value(nullptr) : json::value(nearest)}};
  if (path_recorded)
    body["hint"] = "this path was recorded, with other parameters, another method or another body";
  return Response::json(404, json::serialize(body));
}

}  // namespace connhost::sandbox::replay
