#include "metrics/host_metrics.hpp"

namespace connhost::metrics {
namespace {

constexpr std::string_view kSyncRows = "connhost_sync_rows_total";
constexpr std::string_view kSyncRowsHelp = "Rows committed to the store by reporting pipelines.";
constexpr std::string_view kSyncErrors = "connhost_sync_errors_total";
constexpr std::string_view kSyncErrorsHelp = "Failed pipeline runs, by error category.";
constexpr std::string_view kPluginFailures = "connhost_plugin_load_failures_total";
constexpr std::string_view kPluginFailuresHelp = "Plugin files the loader refused.";
constexpr std::string_view kWaits = "connhost_rate_limit_waits_total";
constexpr std::string_view kWaitsHelp = "Requests that waited for a rate-limit token.";
constexpr std::string_view kWaitSeconds = "connhost_rate_limit_wait_seconds_total";
constexpr std::string_view kWaitSecondsHelp = "Time spent waiting for rate-limit tokens.";

Labels one(std::string_view name, std::string_view value) {
  return {{std::string(name), std::string(value)}};
}

}  // namespace

Counter& sync_rows(std::string_view pipeline) {
  return global().counter(kSyncRows, kSyncRowsHelp, one("pipeline", pipeline));
}

Counter& sync_errors(std::string_view pipeline, std::string_view category) {
  return global().counter(
      kSyncErrors, kSyncErrorsHelp,
      {{"pipeline", std::string(pipeline)}, {"category", std::string(category)}});
}

Counter& plugin_load_failures() {
  return global().counter(kPluginFailures, kPluginFailuresHelp);
}

Counter& rate_limit_waits(std::string_view connection) {
  return global().counter(kWaits, kWaitsHelp, one("connection", connection));
}

Counter& rate_limit_wait_seconds(std::string_view connection) {
  return global().counter(kWaitSeconds, kWaitSecondsHelp, one("connection", connection));
}

void declare_host_metrics() {
  auto& r = global();
  r.declare(kSyncRows, kSyncRowsHelp, Registry::Type::counter);
  r.declare(kSyncErrors, kSyncErrorsHelp, Registry::Type::counter);
  // Unlabelled: a series from the start, so "no failures" reads 0 rather than absent.
  plugin_load_failures();
  r.declare(kWaits, kWaitsHelp, Registry::Type::counter);
  r.declare(kWaitSeconds, kWaitSecondsHelp, Registry::Type::counter);
}

}  // namespace connhost::metrics
