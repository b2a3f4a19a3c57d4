#pragma once

// The reports of the HTTP API (/api/{platform}-reports/...), as JSON documents. Each takes a
// checked Filter (filter.hpp); the shapes are documented in docs/api.md.

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "reporting/filter.hpp"

namespace soci {
class session;
}

namespace connhost::reporting {

// Cards (totals), by category, by platform, a daily series, and the rows without an FX rate.
boost::json::object dashboard(soci::session& sql, const Filter& f);

// The month x category pivot with month, category and grand totals, each summed on its own.
boost::json::object monthly(soci::session& sql, const Filter& f);

struct CampaignPage {
  std::string sort = "spend";  // one of campaign_sort_keys()
  bool descending = true;
  int64_t page = 1;        // 1-based
  int64_t page_size = 50;  // 1..500
};
const std::vector<std::string>& campaign_sort_keys();
// One row per campaign with its metrics over the range, sorted and paged, and the total count.
boost::json::object campaigns(soci::session& sql, const Filter& f, const CampaignPage& page);

// Every category a campaign of the platform can have: those assigned now, those the rules and
// overrides name, and "Uncategorized"; sorted, without duplicates.
std::vector<std::string> known_categories(soci::session& sql,
                                          const std::vector<std::string>& rule_categories);
// [{"category","campaigns"}] for the platform ("unified": all), including categories no
// campaign has yet.
boost::json::object categories(soci::session& sql, const std::string& platform,
                               const std::vector<std::string>& rule_categories);

}  // namespace connhost::reporting
