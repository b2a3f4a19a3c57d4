#include <soci/soci.h>
#include <boost/json/array.hpp>

#include <map>
#include <set>

#include "categories/rules.hpp"
#include "reporting/reports.hpp"
#include "store/dynamic_query.hpp"

namespace connhost::reporting {

std::vector<std::string> known_categories(soci::session& sql,
                                          const std::vector<std::string>& rule_categories) {
  std::set<std::string> all(rule_categories.begin(), rule_categories.end());
  all.insert(std::string(categories::kFallback));
  store::DynamicQuery q;
  q.sql(
      "SELECT DISTINCT category FROM campaign_categories UNION SELECT DISTINCT category FROM "
      "category_overrides");
  q.each(sql, [&](const soci::row& r) { all.insert(store::text_at(r, 0)); });
  return {all.begin(), all.end()};
}

boost::json::object categories(soci::session& sql, const std::string& platform,
                               const std::vector<std::string>& rule_categories) {
  std::map<std::string, int64_t> counts;
  for (const auto& c : known_categories(sql, rule_categories)) counts[c] = 0;
  // Campaigns without a campaign_categories row (synced before any categorization) count as
  // Uncategorized, as the views show them.
  store::DynamicQuery q;
  q.sql("SELECT COALESCE(cc.category, ")
      .bind(std::string(categories::kFallback))
      .sql(
          ") AS category, CAST(COUNT(*) AS BIGINT) FROM ad_campaigns c LEFT JOIN "
          "campaign_categories cc ON cc.platform = c.platform AND cc.account_id = c.account_id "
          "AND cc.campaign_id = c.campaign_id WHERE 1 = 1");
  if (platform != "unified") q.sql(" AND c.platform = ").bind(platform);
  q.sql(" GROUP BY COALESCE(cc.category, ").bind(std::string(categories::kFallback)).sql(")");
  q.each(sql, [&](const soci::row& r) { counts[store::text_at(r, 0)] = store::int_at(r, 1); });
  boost::json::array list;
  for (const auto& [name, n] : counts)
    list.push_back(boost::json::object{{"category", name}, {"campaigns", n}});
  return {{"platform", platform}, {"categories", std::move(list)}};
}

}  // namespace connhost::reporting
