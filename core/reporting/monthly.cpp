#include <boost/json/array.hpp>

#include "reporting/reports.hpp"
#include "reporting/totals.hpp"

namespace connhost::reporting {

boost::json::object monthly(soci::session& sql, const Filter& f) {
  boost::json::object out{{"platform", f.platform},
                          {"currency", f.currency},
                          {"start_date", f.start_date},
                          {"end_date", f.end_date}};
  auto month_totals = totals(sql, f, {"month"});
  auto category_totals = totals(sql, f, {"category"});
  boost::json::array months, categories, cells;
  for (const auto& g : month_totals) months.push_back(boost::json::string(g.keys[0]));
  for (const auto& g : category_totals) categories.push_back(boost::json::string(g.keys[0]));
  for (const auto& g : totals(sql, f, {"month", "category"})) {
    boost::json::object o{{"month", g.keys[0]}, {"category", g.keys[1]}};
    put_metrics(o, g.metrics);
    cells.push_back(std::move(o));
  }
  out["months"] = std::move(months);
  out["categories"] = std::move(categories);
  out["cells"] = std::move(cells);
  out["month_totals"] = groups_json(month_totals, "month");
  out["category_totals"] = groups_json(category_totals, "category");
  out["total"] = metrics_json(total(sql, f));
  out["missing_rates"] = missing_rates(sql, f);
  return out;
}

}  // namespace connhost::reporting
