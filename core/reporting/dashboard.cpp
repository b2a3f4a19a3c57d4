#include <boost/json/array.hpp>

#include <map>

#include "reporting/reports.hpp"
#include "reporting/totals.hpp"

namespace connhost::reporting {
namespace {

boost::json::array keyed(const std::map<std::string, Metrics>& groups, const char* key) {
  boost::json::array out;
  for (const auto& [k, m] : groups) {
    boost::json::object o{{key, k}};
    put_metrics(o, m);
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

boost::json::object dashboard(soci::session& sql, const Filter& f) {
  // One scan, folded four ways (totals.hpp, day_groups).
  auto groups = day_groups(sql, f);
  Metrics all;
  std::map<std::string, Metrics> by_category, by_platform, by_date;
  for (const auto& g : groups) {
    all += g.metrics;
    by_category[g.category] += g.metrics;
    by_platform[g.platform] += g.metrics;
    by_date[g.date] += g.metrics;
  }
  return {{"platform", f.platform},
          {"currency", f.currency},
          {"start_date", f.start_date},
          {"end_date", f.end_date},
          {"totals", metrics_json(all)},
          {"by_category", keyed(by_category, "category")},
          {"by_platform", keyed(by_platform, "platform")},
          {"series", keyed(by_date, "date")},
          {"missing_rates", missing_rates(groups)}};
}

boost::json::object monthly(soci::session& sql, const Filter& f) {
  auto groups = day_groups(sql, f);
  Metrics all;
  std::map<std::string, Metrics> by_month, by_category;
  std::map<std::pair<std::string, std::string>, Metrics> cells;
  for (const auto& g : groups) {
    std::string month = g.date.substr(0, 7);
    all += g.metrics;
    by_month[month] += g.metrics;
    by_category[g.category] += g.metrics;
    cells[{month, g.category}] += g.metrics;
  }
  boost::json::array months, categories, cell_list;
  for (const auto& [m, _] : by_month) months.push_back(boost::json::string(m));
  for (const auto& [c, _] : by_category) categories.push_back(boost::json::string(c));
  for (const auto& [key, m] : cells) {
    boost::json::object o{{"month", key.first}, {"category", key.second}};
    put_metrics(o, m);
    cell_list.push_back(std::move(o));
  }
  return {{"platform", f.platform},
          {"currency", f.currency},
          {"start_date", f.start_date},
          {"end_date", f.end_date},
          {"months", std::move(months)},
          {"categories", std::move(categories)},
          {"cells", std::move(cell_list)},
          {"month_totals", keyed(by_month, "month")},
          {"category_totals", keyed(by_category, "category")},
          {"total", metrics_json(all)},
          {"missing_rates", missing_rates(groups)}};
}

}  // namespace connhost::reporting
