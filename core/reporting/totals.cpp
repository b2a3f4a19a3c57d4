#include "reporting/totals.hpp"

#include <soci/soci.h>
#include <boost/json/array.hpp>

#include <map>
#include <stdexcept>

#include "store/dynamic_query.hpp"

namespace connhost::reporting {
namespace {

constexpr std::string_view kMetricColumns =
    "CAST(COALESCE(SUM(CASE WHEN rate IS NOT NULL THEN CAST(ROUND(spend_micros * rate) AS BIGINT) "
    "END), 0) AS BIGINT) AS spend_micros, "
    "CAST(COALESCE(SUM(CASE WHEN rate IS NOT NULL THEN impressions END), 0) AS BIGINT) AS "
    "impressions, "
    "CAST(COALESCE(SUM(CASE WHEN rate IS NOT NULL THEN clicks END), 0) AS BIGINT) AS clicks, "
    "CAST(COALESCE(SUM(CASE WHEN rate IS NOT NULL THEN purchases END), 0) AS DOUBLE PRECISION) "
    "AS purchases, "
    "CAST(COALESCE(SUM(CASE WHEN rate IS NOT NULL THEN CAST(ROUND(purchase_value_micros * rate) "
    "AS BIGINT) END), 0) AS BIGINT) AS revenue_micros, "
    "CAST(SUM(CASE WHEN rate IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS rows_without_rate";

boost::json::value ratio(double num, double den) {
  if (den == 0) return nullptr;
  return num / den;
}

}  // namespace

Metrics& Metrics::operator+=(const Metrics& o) {
  spend_micros += o.spend_micros;
  impressions += o.impressions;
  clicks += o.clicks;
  purchases += o.purchases;
  revenue_micros += o.revenue_micros;
  rows_without_rate += o.rows_without_rate;
  return *this;
}

void put_metrics(boost::json::object& o, const Metrics& m) {
  double spend = static_cast<double>(m.spend_micros) / 1e6;
  double revenue = static_cast<double>(m.revenue_micros) / 1e6;
  o["spend"] = spend;
  o["impressions"] = m.impressions;
  o["clicks"] = m.clicks;
  o["purchases"] = m.purchases;
  o["revenue"] = revenue;
  o["cpa"] = ratio(spend, m.purchases);
  o["roas"] = ratio(static_cast<double>(m.revenue_micros), static_cast<double>(m.spend_micros));
  o["cpc"] = ratio(spend, static_cast<double>(m.clicks));
  o["ctr"] = ratio(static_cast<double>(m.clicks), static_cast<double>(m.impressions));
  o["rows_without_rate"] = m.rows_without_rate;
}

boost::json::object metrics_json(const Metrics& m) {
  boost::json::object o;
  put_metrics(o, m);
  return o;
}

std::string_view metric_columns() {
  return kMetricColumns;
}

Metrics metrics_at(const soci::row& r, size_t first) {
  Metrics m;
  m.spend_micros = store::int_at(r, first);
  m.impressions = store::int_at(r, first + 1);
  m.clicks = store::int_at(r, first + 2);
  m.purchases = store::double_at(r, first + 3);
  m.revenue_micros = store::int_at(r, first + 4);
  m.rows_without_rate = store::int_at(r, first + 5);
  return m;
}

void append_rated_rows(store::DynamicQuery& q, const Filter& f) {
  q.sql("(SELECT u.*, CASE WHEN u.currency = ")
      .bind(f.currency)
      .sql(
          " THEN 1.0 ELSE r.rate END AS rate FROM unified_campaign_data u LEFT JOIN fx_rates r "
          "ON r.date = u.date AND r.currency = u.currency AND r.reporting_currency = ")
      .bind(f.currency)
      .sql(" WHERE 1 = 1");
  append_conditions(q, f);
  q.sql(") x");
}

std::vector<DayGroup> day_groups(soci::session& sql, const Filter& f) {
  store::DynamicQuery q;
  q.sql("SELECT date, category, platform, CASE WHEN rate IS NULL THEN currency ELSE '' END AS mc, ")
      .sql(metric_columns())
      .sql(" FROM ");
  append_rated_rows(q, f);
  q.sql(" GROUP BY date, category, platform, CASE WHEN rate IS NULL THEN currency ELSE '' END");
  std::vector<DayGroup> out;
  q.each(sql, [&](const soci::row& r) {
    out.push_back({store::text_at(r, 0), store::text_at(r, 1), store::text_at(r, 2),
                   store::text_at(r, 3), metrics_at(r, 4)});
  });
  return out;
}

boost::json::array missing_rates(const std::vector<DayGroup>& groups) {
  struct Missing {
    int64_t rows = 0;
    std::string first, last;
  };
  std::map<std::string, Missing> by_currency;
  for (const auto& g : groups) {
    if (g.missing_currency.empty()) continue;
    auto& m = by_currency[g.missing_currency];
    m.rows += g.metrics.rows_without_rate;
    if (m.first.empty() || g.date < m.first) m.first = g.date;
    if (m.last.empty() || g.date > m.last) m.last = g.date;
  }
  boost::json::array out;
  for (const auto& [currency, m] : by_currency)
    out.push_back(boost::json::object{
        {"currency", currency}, {"rows", m.rows}, {"first_day", m.first}, {"last_day", m.last}});
  return out;
}

}  // namespace connhost::reporting
