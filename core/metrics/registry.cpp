#include <charconv>
#include <cmath>
#include <stdexcept>

#include "metrics/metrics.hpp"

namespace connhost::metrics {
namespace {

bool valid_name(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

// The format's escapes: label values escape backslash, quote and newline; HELP text the first
// and last of those.
std::string escape(std::string_view s, bool quotes) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quotes)
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

std::string label_text(const Labels& labels, std::string_view extra_name = {},
                       std::string_view extra_value = {}) {
  std::string out;
  auto add = [&](std::string_view k, std::string_view v) {
    out += out.empty() ? "{" : ",";
    out += std::string(k) + "=\"" + escape(v, true) + "\"";
  };
  for (const auto& [k, v] : labels) add(k, v);
  if (!extra_name.empty()) add(extra_name, extra_value);
  return out.empty() ? out : out + "}";
}

std::string_view type_name(Registry::Type t) {
  switch (t) {
    case Registry::Type::counter:
      return "counter";
    case Registry::Type::gauge:
      return "gauge";
    case Registry::Type::histogram:
      return "histogram";
  }
  return "untyped";
}

constexpr double kLatencyBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                      0.25,  0.5,    1,     2.5,  5,     10};

}  // namespace

void Counter::inc(double by) {
  if (by > 0) value_.fetch_add(by, std::memory_order_relaxed);
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 1; i < bounds_.size(); ++i)
    if (!(bounds_[i - 1] < bounds_[i]))
      throw std::logic_error("histogram bounds must be strictly ascending");
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i] = 0;
}

void Histogram::observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  // Taken from the buckets rather than count_, so that one scrape is self-consistent even while
  // requests are being observed.
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::span<const double> latency_buckets() {
  return kLatencyBuckets;
}

struct Registry::Family {
  Type type;
  std::string help;
  std::vector<double> bounds;
  std::map<Labels, std::unique_ptr<Counter>> counters;
  std::map<Labels, std::unique_ptr<Gauge>> gauges;
  std::map<Labels, std::unique_ptr<Histogram>> histograms;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::family(std::string_view name, std::string_view help, Type type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    if (!valid_name(name))
      throw std::logic_error("invalid metric name '" + std::string(name) + "'");
    auto f = std::make_unique<Family>();
    f->type = type;
    f->help = std::string(help);
    it = families_.emplace(std::string(name), std::move(f)).first;
  } else if (it->second->type != type) {
    throw std::logic_error("metric '" + std::string(name) + "' is a " +
                           std::string(type_name(it->second->type)) + ", not a " +
                           std::string(type_name(type)));
  }
  return *it->second;
}

void Registry::declare(std::string_view name, std::string_view help, Type type) {
  std::lock_guard lock(mutex_);
  family(name, help, type);
}

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, help, Type::counter).counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, help, Type::gauge).gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help,
                               std::span<const double> bounds, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& f = family(name, help, Type::histogram);
  if (f.bounds.empty()) f.bounds.assign(bounds.begin(), bounds.end());
  auto& slot = f.histograms[labels];
  // Every series of a family shares the family's buckets, or the sums across series would lie.
  if (!slot) slot = std::make_unique<Histogram>(f.bounds);
  return *slot;
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + escape(f->help, false) + "\n";
    out += "# TYPE " + name + " " + std::string(type_name(f->type)) + "\n";
    for (const auto& [labels, c] : f->counters)
      out += name + label_text(labels) + " " + number(c->value()) + "\n";
    for (const auto& [labels, g] : f->gauges)
      out += name + label_text(labels) + " " + number(g->value()) + "\n";
    for (const auto& [labels, h] : f->histograms) {
      auto s = h->snapshot();
      for (size_t i = 0; i < s.cumulative.size(); ++i) {
        std::string le = i < s.bounds.size() ? number(s.bounds[i]) : "+Inf";
        out += name + "_bucket" + label_text(labels, "le", le) + " " +
               std::to_string(s.cumulative[i]) + "\n";
      }
      out += name + "_sum" + label_text(labels) + " " + number(s.sum) + "\n";
      out += name + "_count" + label_text(labels) + " " + std::to_string(s.count) + "\n";
    }
  }
  return out;
}

Registry& global() {
  static Registry registry;
  return registry;
}

}  // namespace connhost::metrics
