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
#include <initializer_list>
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

struct Group {
  std::vector<std::string> keys;  // one per dimension, in the order asked
  Metrics metrics;
};

// Dimensions: "date", "month", "category", "platform". No dimension: one group, the total
// (zeros when nothing matches). Groups come ordered by their keys.
std::vector<Group> totals(soci::session& sql, const Filter& f,
                          std::initializer_list<std::string_view> dims);
Metrics total(soci::session& sql, const Filter& f);
// [{key: the group's first key, ...metrics}] for groups of one dimension.
boost::json::array groups_json(const std::vector<Group>& groups, const char* key);

// Rows the conversion could not use, per currency: [{"currency","rows","first_day","last_day"}].
boost::json::array missing_rates(soci::session& sql, const Filter& f);

}  // namespace connhost::reporting
