#pragma once

// Process-wide metrics: counters, gauges and histograms with fixed buckets, rendered in the
// Prometheus text exposition format by the server's /metrics. A concern of its own, free of HTTP
// and of any heavy header, so that the pipeline, the HTTP client and the plugin loader can count
// without linking the server.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::metrics {

// Label name and value pairs; the order given is the order rendered.
using Labels = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kTextFormat = "text/plain; version=0.0.4; charset=utf-8";

class Counter {
 public:
  // `by` must not be negative: a counter only goes up (Prometheus reads a drop as a restart).
  void inc(double by = 1);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds`: the upper bounds of the buckets, ascending; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // per bound, then +Inf: what `_bucket` lines show
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket, not cumulative; +Inf last
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

// Seconds, from a fast API call to a slow report.
std::span<const double> latency_buckets();

// Metrics by name and labels. The references it hands out stay valid for its lifetime, so a hot
// path may look a series up once and keep it. Thread-safe.
class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Each returns the series, creating it (and its family) on first use. Throws std::logic_error
  // when `name` is already a family of another type, or is not a valid metric name.
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, std::span<const double> bounds,
                       const Labels& labels = {});

  // Declares a family without a series, so that /metrics lists its HELP and TYPE before the
  // first sample (a dashboard can then tell "zero so far" from "not exported").
  enum class Type { counter, gauge, histogram };
  void declare(std::string_view name, std::string_view help, Type type);

  // Every family sorted by name, in the text exposition format 0.0.4.
  std::string render() const;

 private:
  struct Family;
  Family& family(std::string_view name, std::string_view help, Type type);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
};

// The process's registry.
Registry& global();

}  // namespace connhost::metrics
