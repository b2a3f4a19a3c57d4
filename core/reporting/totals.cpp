#include "reporting/totals.hpp"

#include <soci/soci.h>
#include <boost/json/array.hpp>

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

// Dimensions are spliced into the SQL text, so only these names are accepted.
void check_dim(std::string_view d) {
  if (d != "date" && d != "month" && d != "category" && d != "platform")
    throw std::logic_error("reporting::totals: unknown dimension " + std::string(d));
}

boost::json::value ratio(double num, double den) {
  if (den == 0) return nullptr;
  return num / den;
}

}  // namespace

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

std::vector<Group> totals(soci::session& sql, const Filter& f,
                          std::initializer_list<std::string_view> dims) {
  std::string keys;
  for (auto d : dims) {
    check_dim(d);
    keys += (keys.empty() ? "" : ", ") + std::string(d);
  }
  store::DynamicQuery q;
  q.sql("SELECT ").sql(keys).sql(keys.empty() ? "" : ", ").sql(metric_columns()).sql(" FROM ");
  append_rated_rows(q, f);
  if (!keys.empty()) q.sql(" GROUP BY ").sql(keys).sql(" ORDER BY ").sql(keys);
  std::vector<Group> out;
  q.each(sql, [&](const soci::row& r) {
    Group g;
    for (size_t i = 0; i < dims.size(); ++i) g.keys.push_back(store::text_at(r, i));
    g.metrics = metrics_at(r, dims.size());
    out.push_back(std::move(g));
  });
  return out;
}

Metrics total(soci::session& sql, const Filter& f) {
  auto groups = totals(sql, f, {});
  return groups.empty() ? Metrics{} : groups.front().metrics;
}

boost::json::array groups_json(const std::vector<Group>& groups, const char* key) {
  boost::json::array out;
  for (const auto& g : groups) {
    boost::json::object o{{key, g.keys.at(0)}};
    put_metrics(o, g.metrics);
    out.push_back(std::move(o));
  }
  return out;
}

boost::json::array missing_rates(soci::session& sql, const Filter& f) {
  store::DynamicQuery q;
  q.sql("SELECT currency, CAST(COUNT(*) AS BIGINT), MIN(date), MAX(date) FROM ");
  append_rated_rows(q, f);
  q.sql(" WHERE rate IS NULL GROUP BY currency ORDER BY currency");
  boost::json::array out;
  q.each(sql, [&](const soci::row& r) {
    out.push_back(boost::json::object{{"currency", store::text_at(r, 0)},
                                      {"rows", store::int_at(r, 1)},
                                      {"first_day", store::text_at(r, 2)},
                                      {"last_day", store::text_at(r, 3)}});
  });
  return out;
}

}  // namespace connhost::reporting
