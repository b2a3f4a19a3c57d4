#include "server/router.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace connhost::server {
namespace {

const std::set<std::string, std::less<>> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};

bool is_param(std::string_view seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

// Literal segments before parameter segments, position by position: the more specific pattern
// sorts first.
bool more_specific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    bool pa = is_param(a[i]), pb = is_param(b[i]);
    if (pa != pb) return !pa;
  }
  return false;
}

}  // namespace

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  size_t i = path.starts_with('/') ? 1 : 0;
  while (i < path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    out.emplace_back(path.substr(i, slash - i));
    i = slash + 1;
  }
  return out;
}

void Router::add(Route route) {
  if (!kMethods.contains(route.method))
    throw std::logic_error("route " + route.pattern + ": unsupported method '" + route.method +
                           "'");
  if (!route.pattern.starts_with('/'))
    throw std::logic_error("route pattern must start with '/': " + route.pattern);
  auto segments = split_path(route.pattern);
  std::set<std::string, std::less<>> names;
  for (const auto& s : segments) {
    if (s.empty()) throw std::logic_error("route pattern has an empty segment: " + route.pattern);
    bool braces = s.find_first_of("{}") != std::string::npos;
    if (braces && !is_param(s))
      throw std::logic_error("route pattern: a {param} must be a whole segment: " + route.pattern);
    if (is_param(s) && !names.insert(s).second)
      throw std::logic_error("route pattern repeats " + s + ": " + route.pattern);
  }
  for (size_t i = 0; i < routes_.size(); ++i) {
    // Two patterns that differ only in parameter names would shadow each other.
    bool same = split_[i].size() == segments.size();
    for (size_t k = 0; same && k < segments.size(); ++k)
      same = is_param(split_[i][k]) ? is_param(segments[k]) : split_[i][k] == segments[k];
    if (same && routes_[i].method == route.method)
      throw std::logic_error("route " + route.method + " " + route.pattern +
                             " is already taken by " + routes_[i].pattern);
  }
  if (!route.handler) throw std::logic_error("route " + route.pattern + " has no handler");
  routes_.push_back(std::move(route));
  split_.push_back(std::move(segments));
}

Router::Match Router::match(std::string_view method,
                            const std::vector<std::string>& segments) const {
  Match m;
  const std::vector<std::string>* best = nullptr;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const auto& pat = split_[i];
    if (pat.size() != segments.size()) continue;
    bool ok = true;
    for (size_t k = 0; ok && k < pat.size(); ++k) ok = is_param(pat[k]) || pat[k] == segments[k];
    if (!ok) continue;
    const Route& r = routes_[i];
    if (std::find(m.allowed.begin(), m.allowed.end(), r.method) == m.allowed.end())
      m.allowed.push_back(r.method);
    if (r.method != method || (best && !more_specific(pat, *best))) continue;
    best = &pat;
    m.route = &r;
  }
  std::sort(m.allowed.begin(), m.allowed.end());
  if (m.route) {
    for (size_t k = 0; k < best->size(); ++k)
      if (is_param((*best)[k])) m.params[(*best)[k].substr(1, (*best)[k].size() - 2)] = segments[k];
  }
  return m;
}

}  // namespace connhost::server
