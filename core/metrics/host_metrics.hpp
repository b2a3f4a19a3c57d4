#pragma once

// The host's named series, in one place so that every module counts into the same names and
// docs/api.md has one list to follow. All live in metrics::global().

#include <string_view>

#include "metrics/metrics.hpp"

namespace connhost::metrics {

// connhost_sync_rows_total{pipeline}: rows committed to the store by reporting pipelines.
Counter& sync_rows(std::string_view pipeline);
// connhost_sync_errors_total{pipeline,category}: failed runs, by error category (transient,
// quota, auth, config, data, internal).
Counter& sync_errors(std::string_view pipeline, std::string_view category);
// connhost_plugin_load_failures_total: plugin files the loader refused.
Counter& plugin_load_failures();
// connhost_rate_limit_waits_total{connection}: requests that waited for a rate-limit token, and
// connhost_rate_limit_wait_seconds_total{connection}: how long they waited in all.
Counter& rate_limit_waits(std::string_view connection);
Counter& rate_limit_wait_seconds(std::string_view connection);

// Declares every family above, so /metrics lists them before their first sample.
void declare_host_metrics();

}  // namespace connhost::metrics
