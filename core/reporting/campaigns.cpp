#include <soci/soci.h>
#include <boost/json/array.hpp>

#include <algorithm>
#include <map>

#include "reporting/reports.hpp"
#include "reporting/totals.hpp"
#include "store/dynamic_query.hpp"

namespace connhost::reporting {
namespace {

// The campaign's attributes, grouped on; one value per campaign.
constexpr std::string_view kKeys =
    "platform, account_id, account_name, campaign_id, campaign_name, campaign_status, category, "
    "campaign_type";
constexpr size_t kKeyCount = 8;

// Sort keys and the expression over the grouped table `t` each one orders by. Only these are
// ever spliced into the SQL text. Derived metrics order with their nulls last either way.
const std::map<std::string, std::string, std::less<>>& sort_expressions() {
  static const std::map<std::string, std::string, std::less<>> m = {
      {"name", "LOWER(campaign_name)"},
      {"platform", "platform"},
      {"status", "campaign_status"},
      {"category", "category"},
      {"campaign_type", "campaign_type"},
      {"spend", "spend_micros"},
      {"impressions", "impressions"},
      {"clicks", "clicks"},
      {"purchases", "purchases"},
      {"revenue", "revenue_micros"},
      {"cpa", "CASE WHEN purchases > 0 THEN spend_micros / purchases END"},
      {"roas", "CASE WHEN spend_micros > 0 THEN revenue_micros * 1.0 / spend_micros END"},
      {"cpc", "CASE WHEN clicks > 0 THEN spend_micros * 1.0 / clicks END"},
      {"ctr", "CASE WHEN impressions > 0 THEN clicks * 1.0 / impressions END"},
  };
  return m;
}

void append_grouped(store::DynamicQuery& q, const Filter& f) {
  q.sql("(SELECT ").sql(kKeys).sql(", ").sql(metric_columns()).sql(" FROM ");
  append_rated_rows(q, f);
  q.sql(" GROUP BY ").sql(kKeys).sql(") t");
}

}  // namespace

const std::vector<std::string>& campaign_sort_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const auto& [name, expr] : sort_expressions()) k.push_back(name);
    return k;
  }();
  return keys;
}

boost::json::object campaigns(soci::session& sql, const Filter& f, const CampaignPage& p) {
  auto sort = sort_expressions().find(p.sort);
  if (sort == sort_expressions().end())
    throw InvalidParameter("sort", "sort: '" + p.sort.substr(0, 40) + "' is not a sort key");
  if (p.page < 1) throw InvalidParameter("page", "page: must be 1 or more");
  if (p.page_size < 1 || p.page_size > 500)
    throw InvalidParameter("page_size", "page_size: must be between 1 and 500");

  store::DynamicQuery count;
  count.sql("SELECT COUNT(*) FROM ");
  append_grouped(count, f);
  int64_t total = count.scalar_int(sql);

  store::DynamicQuery q;
  q.sql("SELECT * FROM ");
  append_grouped(q, f);
  const char* dir = p.descending ? " DESC" : " ASC";
  // Ties (and equal nulls) fall back to a stable order so that pages never overlap.
  q.sql(" ORDER BY ")
      .sql(sort->second)
      .sql(dir)
      .sql(" NULLS LAST, platform, account_id, campaign_id LIMIT ")
      .sql(std::to_string(p.page_size))
      .sql(" OFFSET ")
      .sql(std::to_string((p.page - 1) * p.page_size));
  boost::json::array rows;
  q.each(sql, [&](const soci::row& r) {
    boost::json::object o{
        {"platform", store::text_at(r, 0)},     {"account_id", store::text_at(r, 1)},
        {"account_name", store::text_at(r, 2)}, {"campaign_id", store::text_at(r, 3)},
        {"name", store::text_at(r, 4)},         {"status", store::text_at(r, 5)},
        {"category", store::text_at(r, 6)}};
    auto type = store::nullable_text_at(r, 7);
    o["campaign_type"] = type ? boost::json::value(*type) : boost::json::value(nullptr);
    put_metrics(o, metrics_at(r, kKeyCount));
    rows.push_back(std::move(o));
  });
  return {{"platform", f.platform},
          {"currency", f.currency},
          {"start_date", f.start_date},
          {"end_date", f.end_date},
          {"page", p.page},
          {"page_size", p.page_size},
          {"total", total},
          {"sort", p.sort},
          {"order", p.descending ? "desc" : "asc"},
          {"campaigns", std::move(rows)}};
}

}  // namespace connhost::reporting
