// Insights parameters (§1.3): level, time_range / date_preset, time_increment, fields,
// action_attribution_windows, filtering, and the size limits:
// - too much data (code 100, subcode 1487534): more than kSyncLimit object-buckets (campaigns x
//   time buckets) on a synchronous read, kAsyncLimit on an async one;
// - a start date more than 37 months back (code 3018), the ceiling of date_preset=maximum.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "meta/insights.hpp"

namespace connhost::sandbox::meta {
namespace {

const std::set<std::string> kEmulated = {"account_id",
                                         "account_name",
                                         "account_currency",
                                         "campaign_id",
                                         "campaign_name",
                                         "objective",
                                         "buying_type",
                                         "spend",
                                         "impressions",
                                         "clicks",
                                         "inline_link_clicks",
                                         "cpc",
                                         "cpm",
                                         "ctr",
                                         "cost_per_inline_link_click",
                                         "inline_link_click_ctr",
                                         "actions",
                                         "action_values",
                                         "purchase_roas",
                                         "website_purchase_roas",
                                         "cost_per_action_type",
                                         "date_start",
                                         "date_stop"};
// Valid Insights fields the sandbox has no data for: accepted and left out of rows, as Graph
// leaves out fields without a value.
const std::set<std::string> kValidUnset = {"reach",
                                           "frequency",
                                           "cpp",
                                           "unique_clicks",
                                           "unique_ctr",
                                           "adset_id",
                                           "adset_name",
                                           "ad_id",
                                           "ad_name",
                                           "conversions",
                                           "conversion_values",
                                           "outbound_clicks",
                                           "unique_inline_link_clicks",
                                           "video_play_actions",
                                           "video_p25_watched_actions",
                                           "video_p50_watched_actions",
                                           "video_p75_watched_actions",
                                           "video_p100_watched_actions",
                                           "quality_ranking",
                                           "engagement_rate_ranking",
                                           "conversion_rate_ranking",
                                           "social_spend",
                                           "attribution_setting",
                                           "created_time",
                                           "updated_time",
                                           "optimization_goal"};
const std::set<std::string> kWindows = {"1d_view",   "7d_view", "28d_view", "1d_click", "7d_click",
                                        "28d_click", "1d_ev",   "dda",      "default"};

}  // namespace

std::tuple<int, int, int> ymd(int64_t day) {
  std::string s = format_day(day);
  return {std::stoi(s.substr(0, 4)), std::stoi(s.substr(5, 2)), std::stoi(s.substr(8, 2))};
}

int64_t make_day(int y, int m, int d) {
  while (m < 1) m += 12, --y;
  while (m > 12) m -= 12, ++y;
  for (; d > 28; --d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    try {
      return parse_day(buf);
    } catch (const std::exception&) {
    }
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return parse_day(buf);
}

namespace {

int64_t months_back(int64_t day, int months) {
  auto [y, m, d] = ymd(day);
  return make_day(y, m - months, d);
}

std::optional<std::pair<int64_t, int64_t>> preset(const std::string& p, int64_t t) {
  auto [y, m, d] = ymd(t);
  if (p == "today") return std::pair{t, t};
  if (p == "yesterday") return std::pair{t - 1, t - 1};
  for (int n : {3, 7, 14, 28, 30, 90})
    if (p == "last_" + std::to_string(n) + "d") return std::pair{t - n, t - 1};
  if (p == "this_month") return std::pair{make_day(y, m, 1), t};
  if (p == "last_month") return std::pair{make_day(y, m - 1, 1), make_day(y, m, 1) - 1};
  if (p == "this_year") return std::pair{make_day(y, 1, 1), t};
  if (p == "last_year") return std::pair{make_day(y - 1, 1, 1), make_day(y, 1, 1) - 1};
  int64_t monday = t - ((t + 3) % 7 + 7) % 7;  // 1970-01-05 was a Monday
  if (p == "this_week_mon_today") return std::pair{monday, t};
  if (p == "last_week_mon_sun") return std::pair{monday - 7, monday - 1};
  if (p == "maximum") return std::pair{months_back(t, 37), t};
  return std::nullopt;
}

}  // namespace

std::optional<Query> parse_query(Call& c, int64_t limit, GraphError& err) {
  Query q;
  const Params& p = c.params;
  q.level = p.get("level").value_or("account");
  if (q.level == "adset" || q.level == "ad") {
    err = invalid_param("(#100) level=" + q.level +
                        " is not available: the sandbox's ad accounts have no ad sets or ads; "
                        "use level=campaign or level=account");
    return std::nullopt;
  }
  if (q.level != "account" && q.level != "campaign") {
    err = invalid_param("(#100) param level must be one of {ad, adset, campaign, account}");
    return std::nullopt;
  }
  std::string inc = p.get("time_increment").value_or("all_days");
  if (inc == "all_days")
    q.increment = 0;
  else if (inc == "monthly")
    q.increment = -1;
  else {
    int v = 0;
    bool ok =
        !inc.empty() && inc.size() <= 2 &&
        std::all_of(inc.begin(), inc.end(), [](unsigned char ch) { return std::isdigit(ch); });
    if (ok) v = std::stoi(inc);
    if (!ok || v < 1 || v > 90) {
      err = invalid_param(
          "(#100) time_increment must be all_days, monthly or an integer between 1 and 90");
      return std::nullopt;
    }
    q.increment = v;
  }
  int64_t today = c.world().today();
  if (auto tr = p.get("time_range")) {
    try {
      auto v = json::parse(*tr).as_object();
      q.since = parse_day(v.at("since").as_string());
      q.until = parse_day(v.at("until").as_string());
    } catch (const std::exception&) {
      err = invalid_param(
          "(#100) param time_range must be an object with since and until as "
          "dates in YYYY-MM-DD format, e.g. {\"since\":\"2026-09-01\",\"until\":\"2026-09-30\"}");
      return std::nullopt;
    }
    if (q.since > q.until) {
      err = invalid_param("(#100) time_range: since must be on or before until");
      return std::nullopt;
    }
  } else {
    std::string dp = p.get("date_preset").value_or("last_30d");
    auto r = preset(dp, today);
    if (!r) {
      err = invalid_param(
          "(#100) date_preset must be one of the following values: today, "
          "yesterday, this_month, last_month, this_year, last_year, last_3d, "
          "last_7d, last_14d, last_28d, last_30d, last_90d, this_week_mon_today, "
          "last_week_mon_sun, maximum");
      return std::nullopt;
    }
    std::tie(q.since, q.until) = *r;
  }
  if (q.since < months_back(today, 37)) {
    err.code = 3018;
    err.subcode.reset();
    err.type = "OAuthException";
    err.message =
        "(#3018) The start date of the time range cannot be beyond 37 months from the "
        "current date";
    return std::nullopt;
  }
  q.until = std::min(q.until, today);  // the future has no data yet
  if (q.until < q.since) q.until = q.since;

  for (const auto& f :
       parse_fields(p.get("fields").value_or("impressions,spend,date_start,date_stop"))) {
    if (!kEmulated.count(f.name) && !kValidUnset.count(f.name)) {
      err = invalid_param(
          "(#100) " + f.name +
          " is not valid for fields param. please check "
          "https://developers.facebook.com/docs/marketing-api/reference/ads-insights/ "
          "for all valid values");
      return std::nullopt;
    }
    if (std::find(q.fields.begin(), q.fields.end(), f.name) == q.fields.end())
      q.fields.push_back(f.name);
  }
  if (auto w = p.get("action_attribution_windows")) {
    try {
      auto parsed = json::parse(*w);
      for (const auto& x : parsed.as_array()) {
        std::string win(x.as_string());
        if (!kWindows.count(win)) throw std::invalid_argument(win);
        q.windows.push_back(win);
      }
    } catch (const std::exception&) {
      err = invalid_param(
          "(#100) action_attribution_windows must be a JSON array of 1d_view, "
          "7d_view, 28d_view, 1d_click, 7d_click, 28d_click, 1d_ev, dda, default");
      return std::nullopt;
    }
  }
  if (p.has("breakdowns") && !p.get("breakdowns")->empty() && *p.get("breakdowns") != "[]") {
    err = invalid_param("(#100) breakdowns are not available in the sandbox");
    return std::nullopt;
  }
  auto filters = parse_filtering(p, err);
  if (!filters) return std::nullopt;
  q.filters = *filters;

  // Size check before any work: campaigns x buckets.
  int64_t days = q.until - q.since + 1;
  int64_t buckets = q.increment == 0    ? 1
                    : q.increment == -1 ? days / 28 + 1
                                        : (days + q.increment - 1) / q.increment;
  int64_t objects = q.level == "account" ? 1 : 0;
  if (q.level == "campaign")
    for (const auto* camp : c.world().campaigns(Platform::meta, c.segs[0].substr(4)))
      objects += campaign_matches(*camp, q.filters) ? 1 : 0;
  if (objects * buckets > limit) {
    err.code = 100;
    err.subcode = 1487534;
    err.type = "OAuthException";
    err.message = "Please reduce the amount of data you're asking for, then retry your request";
    err.user_title = "Too much data requested";
    err.user_msg = "Please reduce the amount of data you're asking for, then retry your request";
    return std::nullopt;
  }
  q.key = q.level + "|" + inc + "|" + format_day(q.since) + "|" + format_day(q.until) + "|" +
          p.get("filtering").value_or("") + "|" + p.get("effective_status").value_or("");
  return q;
}

}  // namespace connhost::sandbox::meta
