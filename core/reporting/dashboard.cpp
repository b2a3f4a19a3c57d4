#include <boost/json/array.hpp>

#include "reporting/reports.hpp"
#include "reporting/totals.hpp"

namespace connhost::reporting {
boost::json::object dashboard(soci::session& sql, const Filter& f) {
  boost::json::object out{{"platform", f.platform},
                          {"currency", f.currency},
                          {"start_date", f.start_date},
                          {"end_date", f.end_date}};
  out["totals"] = metrics_json(total(sql, f));
  out["by_category"] = groups_json(totals(sql, f, {"category"}), "category");
  out["by_platform"] = groups_json(totals(sql, f, {"platform"}), "platform");
  out["series"] = groups_json(totals(sql, f, {"date"}), "date");
  out["missing_rates"] = missing_rates(sql, f);
  return out;
}

}  // namespace connhost::reporting
