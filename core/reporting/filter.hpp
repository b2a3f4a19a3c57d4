#pragma once

// What a report is asked for: a platform (or all of them), a date range, the campaign filters
// and the reporting currency. Read from request parameters, checked, and turned into the SQL
// conditions every report shares, so the dashboard, the pivot and the campaign table always
// agree on which rows they sum.

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class session;
}
namespace connhost::store {
class DynamicQuery;
}

namespace connhost::reporting {

// A parameter the caller must fix; the message starts with what is wrong with it.
class InvalidParameter : public std::invalid_argument {
 public:
  InvalidParameter(std::string param, const std::string& message)
      : std::invalid_argument(message), param_(std::move(param)) {}
  const std::string& param() const { return param_; }

 private:
  std::string param_;
};

inline constexpr std::string_view kPlatforms[] = {"meta", "google", "tiktok"};
// "meta" | "google" | "tiktok" | "unified"
bool valid_platform(std::string_view p);

struct Filter {
  std::string platform;                 // "unified" for every platform
  std::string start_date, end_date;     // YYYY-MM-DD, inclusive; set by resolve_range
  std::vector<std::string> categories;  // empty: every category
  std::string campaign_type, status, search;
  std::string currency;  // ISO 4217: every money value is converted into it
};

// How a report fills in a missing range: the 30 days up to the latest day with data (the
// dashboard, the campaigns), or the 12 months up to it (the monthly pivot).
enum class DefaultRange { last_30_days, last_12_months };

using ParamLookup = std::function<std::optional<std::string>(std::string_view)>;

// Reads start_date, end_date, categories (comma-separated), campaign_type, status, search and
// currency; checks them (a real date, start not after end, a known category, a three-letter
// currency) and fills a missing range from the store. `known_categories` is every category a
// campaign can have (see categories_known). Throws InvalidParameter.
Filter read_filter(soci::session& sql, std::string platform, const ParamLookup& param,
                   const std::string& default_currency,
                   const std::vector<std::string>& known_categories, DefaultRange range);

// Appends " AND ..." conditions over unified_campaign_data aliased `u`.
void append_conditions(store::DynamicQuery& q, const Filter& f);

}  // namespace connhost::reporting
