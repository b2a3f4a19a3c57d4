#pragma once

// Ads Insights internals shared by the query parser (insights_query.cpp), the row builder
// (insights_rows.cpp) and the endpoints (insights.cpp).

#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "meta/state.hpp"

namespace connhost::sandbox::meta {

// §1.3 "too much data": object-buckets a read may ask for (see insights_query.cpp).
inline constexpr int64_t kSyncLimit = 10000;
inline constexpr int64_t kAsyncLimit = 1000000;

struct Query {
  std::string level = "account";
  int increment = 0;  // days per bucket; 0: all_days; -1: monthly
  int64_t since = 0, until = 0;
  std::vector<std::string> fields;
  std::vector<std::string> windows;  // action_attribution_windows, when given
  std::vector<Filter> filters;
  std::string key;  // canonical form, for the row cache
};

// The parameters of an Insights read, validated. `limit` is the size ceiling (kSyncLimit or
// kAsyncLimit); the account is taken from the call's path (act_{id}).
std::optional<Query> parse_query(Call& c, int64_t limit, GraphError& err);

// Rows with delivery, ordered by date then campaign id.
std::vector<InsightRow> compute_rows(const World& w, const std::string& account, const Query& q);
// Appends `rows` as Graph prints them, as the elements of a JSON array ("{...},{...}"),
// already in Graph's escaping (graph_escape), so the text can go into a body as it is.
void render_rows(std::string& out, const Account& acc, std::span<const InsightRow> rows,
                 const Query& q);

// Calendar helpers on days since the epoch.
std::tuple<int, int, int> ymd(int64_t day);
int64_t make_day(int y, int m, int d);  // months out of 1..12 roll over; days clamp to the month

}  // namespace connhost::sandbox::meta
