#include "reporting/filter.hpp"

#include <algorithm>
#include <cctype>

#include "categories/fx.hpp"
#include "pipeline/days.hpp"
#include "store/dynamic_query.hpp"
#include "store/session.hpp"

namespace connhost::reporting {
namespace {

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string item(text.substr(start, comma - start));
    auto b = item.find_first_not_of(' '), e = item.find_last_not_of(' ');
    item = b == std::string::npos ? "" : item.substr(b, e - b + 1);
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end())
      out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

std::string checked_date(const ParamLookup& param, std::string_view name) {
  auto v = param(name);
  if (!v || v->empty()) return "";
  if (!fx::valid_date(*v))
    throw InvalidParameter(std::string(name), std::string(name) + ": '" + v->substr(0, 40) +
                                                  "' is not a date; expected YYYY-MM-DD");
  return *v;
}

// The latest day with data for the platform (any category), or nothing in an empty store.
std::optional<std::string> latest_day(soci::session& sql, const std::string& platform) {
  store::DynamicQuery q;
  q.sql("SELECT MAX(date) FROM campaign_daily");
  if (platform != "unified") q.sql(" WHERE platform = ").bind(platform);
  std::optional<std::string> out;
  q.each(sql, [&](const soci::row& r) { out = store::nullable_text_at(r, 0); });
  return out;
}

}  // namespace

bool valid_platform(std::string_view p) {
  return p == "unified" ||
         std::find(std::begin(kPlatforms), std::end(kPlatforms), p) != std::end(kPlatforms);
}

Filter read_filter(soci::session& sql, std::string platform, const ParamLookup& param,
                   const std::string& default_currency,
                   const std::vector<std::string>& known_categories, DefaultRange range) {
  Filter f;
  if (!valid_platform(platform))
    throw InvalidParameter(
        "platform", "platform: '" + platform + "' is not one of meta, google, tiktok, unified");
  f.platform = std::move(platform);
  f.start_date = checked_date(param, "start_date");
  f.end_date = checked_date(param, "end_date");
  if (!f.start_date.empty() && !f.end_date.empty() && f.start_date > f.end_date)
    throw InvalidParameter("start_date",
                           "start_date: " + f.start_date + " is after end_date " + f.end_date);
  if (f.end_date.empty()) {
    auto latest = latest_day(sql, f.platform);
    f.end_date = latest.value_or(pipeline::format_day(pipeline::today_in("")));
    if (!f.start_date.empty() && f.start_date > f.end_date) f.end_date = f.start_date;
  }
  if (f.start_date.empty()) {
    int64_t end = pipeline::parse_day(f.end_date);
    f.start_date = pipeline::format_day(
        range == DefaultRange::last_30_days ? end - 29 : pipeline::months_back(end, 11));
  }
  if (auto c = param("categories"); c && !c->empty()) {
    f.categories = split_list(*c);
    for (const auto& cat : f.categories)
      if (std::find(known_categories.begin(), known_categories.end(), cat) ==
          known_categories.end())
        throw InvalidParameter("categories", "categories: unknown category '" + cat.substr(0, 80) +
                                                 "' (see /api/" + f.platform +
                                                 "-reports/categories)");
  }
  f.campaign_type = param("campaign_type").value_or("");
  f.status = param("status").value_or("");
  f.search = param("search").value_or("");
  if (f.search.size() > 200) throw InvalidParameter("search", "search: longer than 200 characters");
  f.currency = param("currency").value_or(default_currency);
  if (!fx::valid_currency(f.currency))
    throw InvalidParameter("currency", "currency: '" + f.currency.substr(0, 20) +
                                           "' is not an ISO 4217 code such as USD");
  return f;
}

void append_conditions(store::DynamicQuery& q, const Filter& f) {
  if (f.platform != "unified") q.sql(" AND u.platform = ").bind(f.platform);
  q.sql(" AND u.date >= ").bind(f.start_date).sql(" AND u.date <= ").bind(f.end_date);
  if (!f.categories.empty()) q.sql(" AND u.category IN ").bind_list(f.categories);
  if (!f.campaign_type.empty()) q.sql(" AND u.campaign_type = ").bind(f.campaign_type);
  if (!f.status.empty()) q.sql(" AND u.campaign_status = ").bind(f.status);
  if (!f.search.empty()) {
    // Case-insensitive substring of the campaign's name or id; LIKE's wildcards in the search
    // text are escaped so they match themselves.
    std::string pattern = store::like_pattern(f.search);
    q.sql(" AND (LOWER(u.campaign_name) LIKE ").bind(pattern).sql(" ESCAPE '\\'");
    q.sql(" OR LOWER(u.campaign_id) LIKE ").bind(pattern).sql(" ESCAPE '\\')");
  }
}

}  // namespace connhost::reporting
