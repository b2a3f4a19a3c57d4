#pragma once

// Sums of campaign-day rows converted into the filter's currency, grouped by whatever a report
// needs. Each row is converted with the rate of its own day (fx_rates; a currency into itself at
// 1), rounded to whole micros, then summed; a row without a rate is left out of every sum of its
// group and counted in rows_without_rate (as core/categories/fx.hpp does for the CLI's report).
// Derived metrics are computed from the sums, never averaged, and are null when their
// denominator is zero.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reporting/filter.hpp"

namespace soci {
class row;
}

namespace connhost::reporting {

struct Metrics {
  int64_t spend_micros = 0, impressions = 0, clicks = 0;
  double purchases = 0;
  int64_t revenue_micros = 0;
  int64_t rows_without_rate = 0;

  // Sums of groups add up exactly: money is already whole micros per row.
  Metrics& operator+=(const Metrics& o);
};

// spend, impressions, clicks, purchases, revenue, cpa, roas, cpc, ctr, rows_without_rate.
void put_metrics(boost::json::object& o, const Metrics& m);
boost::json::object metrics_json(const Metrics& m);

// The six aggregate columns, in Metrics order, over a source with `spend_micros`,
// `impressions`, `clicks`, `purchases`, `purchase_value_micros` and `rate`.
std::string_view metric_columns();
// Reads them from `r` starting at column `first`.
Metrics metrics_at(const soci::row& r, size_t first);
// "(SELECT u.*, <rate> AS rate FROM unified_campaign_data u LEFT JOIN fx_rates ... WHERE
// <filter>) x": the filtered rows with their conversion rate.
void append_rated_rows(store::DynamicQuery& q, const Filter& f);

// The filtered rows summed per day, category and platform in one scan of the table, with the
// rows lacking a rate in groups of their own (`missing_currency` set). The dashboard and the
// monthly pivot fold these into every sum they show: one pass over the rows instead of one per
// grouping, and the folded sums equal the grouped ones exactly (integers).
struct DayGroup {
  std::string date, category, platform;
  std::string missing_currency;  // "" for rows that converted
  Metrics metrics;
};
std::vector<DayGroup> day_groups(soci::session& sql, const Filter& f);

// The per-currency list of missing_rates, from day groups.
boost::json::array missing_rates(const std::vector<DayGroup>& groups);

}  // namespace connhost::reporting
