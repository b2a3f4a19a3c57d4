// Insights rows (§1.3, §1.4): metrics summed per campaign (or account) and time bucket, kept
// only where there was delivery (Insights returns nothing for objects that did not run), and
// printed as Graph prints them: numeric strings, AdsActionStats arrays, the date range.
//
// Purchases (§1.4): every campaign reports at least two overlapping purchase action types, in
// one of three styles, so summing them is always wrong and the priority pick
// omni_purchase -> purchase -> offsite_conversion.fb_pixel_purchase is always right.
#include <algorithm>
#include <cmath>

#include "meta/insights.hpp"

namespace connhost::sandbox::meta {
namespace {

std::vector<std::pair<int64_t, int64_t>> buckets(const Query& q) {
  std::vector<std::pair<int64_t, int64_t>> out;
  if (q.increment == 0) {
    out.emplace_back(q.since, q.until);
  } else if (q.increment == -1) {
    for (int64_t d = q.since; d <= q.until;) {
      auto [y, m, dd] = ymd(d);
      int64_t end = std::min(q.until, make_day(y, m + 1, 1) - 1);
      out.emplace_back(d, end);
      d = end + 1;
    }
  } else {
    for (int64_t d = q.since; d <= q.until; d += q.increment)
      out.emplace_back(d, std::min(q.until, d + q.increment - 1));
  }
  return out;
}

}  // namespace

std::vector<InsightRow> compute_rows(const World& w, const std::string& account, const Query& q) {
  auto all = w.campaigns(Platform::meta, account);
  std::vector<std::pair<const Campaign*, int>> camps;  // with purchase style
  for (size_t i = 0; i < all.size(); ++i)
    if (campaign_matches(*all[i], q.filters)) camps.emplace_back(all[i], static_cast<int>(i % 3));
  std::sort(camps.begin(), camps.end(),
            [](const auto& a, const auto& b) { return a.first->id < b.first->id; });
  std::vector<InsightRow> rows;
  for (auto [from, to] : buckets(q)) {
    InsightRow account_row{nullptr, from, to, {}, 0};
    for (auto [camp, style] : camps) {
      InsightRow r{camp, from, to, {}, style};
      for (int64_t d = from; d <= to; ++d) r.m += w.metrics(Platform::meta, *camp, d);
      if (q.level == "campaign") {
        if (r.m.impressions > 0 || r.m.spend_micros > 0) rows.push_back(r);
      } else {
        account_row.m += r.m;
      }
    }
    if (q.level == "account" && (account_row.m.impressions > 0 || account_row.m.spend_micros > 0))
      rows.push_back(account_row);
  }
  return rows;
}

namespace {

// One AdsActionStats element (§1.3): counts as integers, money in micros, both as strings,
// with per-window keys when action_attribution_windows was given.
struct Action {
  std::string type;
  int64_t amount;
  bool money;
};

json::object action_json(const Action& a, const Query& q, int decimals) {
  int64_t unit = 1;
  if (a.money)
    for (int i = decimals; i < 6; ++i) unit *= 10;
  auto fmt = [&](int64_t v) { return a.money ? money(v, decimals) : std::to_string(v); };
  auto part = [&](int64_t v, double share) {
    return static_cast<int64_t>(std::floor(static_cast<double>(v / unit) * share)) * unit;
  };
  json::object o{{"action_type", a.type}, {"value", fmt(a.amount)}};
  int64_t view = part(a.amount, 0.1), click7 = a.amount - view;
  for (const auto& w : q.windows) {
    int64_t v = w == "1d_view"     ? view
                : w == "7d_view"   ? part(a.amount, 0.16)
                : w == "28d_view"  ? part(a.amount, 0.21)
                : w == "1d_click"  ? part(click7, 0.85)
                : w == "28d_click" ? click7 + part(a.amount, 0.04)
                : w == "1d_ev"     ? 0
                : w == "7d_click"  ? click7
                                   : a.amount;
    o[w] = fmt(v);
  }
  return o;
}

int64_t scale(int64_t micros, int64_t num, int64_t den, int decimals) {
  if (den == 0) return 0;
  int64_t unit = 1;
  for (int i = decimals; i < 6; ++i) unit *= 10;
  return static_cast<int64_t>(std::llround(static_cast<double>(micros / unit) * num / den)) * unit;
}

// §1.4: purchase types overlap and must not be summed. Style 0 reports all three with
// omni_purchase the largest; style 1 has no omni_purchase; style 2 has no plain "purchase".
void purchase_actions(const InsightRow& r, std::vector<Action>& counts, std::vector<Action>& values,
                      int decimals) {
  int64_t p = r.m.purchases, v = r.m.purchase_value_micros;
  if (p <= 0) return;
  int64_t web = p > 1 ? p - std::max<int64_t>(1, p / 5) : p;
  int64_t web_v = scale(v, web, p, decimals);
  switch (r.purchase_style) {
    case 0:
      counts.push_back({"offsite_conversion.fb_pixel_purchase", web, false});
      counts.push_back({"omni_purchase", p, false});
      counts.push_back({"purchase", web, false});
      values.push_back({"offsite_conversion.fb_pixel_purchase", web_v, true});
      values.push_back({"omni_purchase", v, true});
      values.push_back({"purchase", web_v, true});
      break;
    case 1: {
      int64_t pixel = p > 1 ? p - std::max<int64_t>(1, p / 6) : p;
      counts.push_back({"offsite_conversion.fb_pixel_purchase", pixel, false});
      counts.push_back({"purchase", p, false});
      values.push_back(
          {"offsite_conversion.fb_pixel_purchase", scale(v, pixel, p, decimals), true});
      values.push_back({"purchase", v, true});
      break;
    }
    default:
      counts.push_back({"offsite_conversion.fb_pixel_purchase", web, false});
      counts.push_back({"omni_purchase", p, false});
      counts.push_back({"onsite_web_purchase", web, false});
      values.push_back({"offsite_conversion.fb_pixel_purchase", web_v, true});
      values.push_back({"omni_purchase", v, true});
      values.push_back({"onsite_web_purchase", web_v, true});
      break;
  }
}

}  // namespace

json::object render_row(const Account& acc, const InsightRow& r, const Query& q) {
  const DayMetrics& m = r.m;
  int dec = acc.currency_decimals;
  double spend = static_cast<double>(m.spend_micros) / 1e6;
  std::vector<Action> counts, values;
  if (m.link_clicks > 0) {
    counts.push_back({"link_click", m.link_clicks, false});
    counts.push_back({"landing_page_view", m.link_clicks * 78 / 100, false});
  }
  if (m.clicks > 0 || m.impressions > 0) {
    counts.push_back({"page_engagement", m.clicks + m.impressions / 500, false});
    counts.push_back({"post_engagement", m.clicks + m.impressions / 700, false});
  }
  if (m.purchases > 0) {
    counts.push_back({"add_to_cart", m.purchases * 3 + m.link_clicks / 40, false});
    counts.push_back({"initiate_checkout", m.purchases * 2, false});
  }
  purchase_actions(r, counts, values, dec);
  std::sort(counts.begin(), counts.end(),
            [](const Action& a, const Action& b) { return a.type < b.type; });

  json::object o;
  auto put_list = [&](const char* key, const std::vector<Action>& list) {
    json::array arr;
    for (const auto& a : list)
      if (a.amount > 0) arr.push_back(action_json(a, q, dec));
    if (!arr.empty()) o[key] = std::move(arr);
  };
  for (const auto& f : q.fields) {
    if (f == "account_id")
      o[f] = acc.id;
    else if (f == "account_name")
      o[f] = acc.name;
    else if (f == "account_currency")
      o[f] = acc.currency;
    else if (f == "campaign_id" && r.campaign)
      o[f] = r.campaign->id;
    else if (f == "campaign_name" && r.campaign)
      o[f] = r.campaign->name;
    else if (f == "objective" && r.campaign)
      o[f] = r.campaign->objective;
    else if (f == "buying_type")
      o[f] = "AUCTION";
    else if (f == "spend")
      o[f] = money(m.spend_micros, dec);
    else if (f == "impressions")
      o[f] = std::to_string(m.impressions);
    else if (f == "clicks")
      o[f] = std::to_string(m.clicks);
    else if (f == "inline_link_clicks")
      o[f] = std::to_string(m.link_clicks);
    else if (f == "cpc" && m.clicks > 0)
      o[f] = decimal(spend / m.clicks, 6);
    else if (f == "cost_per_inline_link_click" && m.link_clicks > 0)
      o[f] = decimal(spend / m.link_clicks, 6);
    else if (f == "cpm" && m.impressions > 0)
      o[f] = decimal(spend / m.impressions * 1000, 6);
    else if (f == "ctr" && m.impressions > 0)
      o[f] = decimal(100.0 * m.clicks / m.impressions, 6);
    else if (f == "inline_link_click_ctr" && m.impressions > 0)
      o[f] = decimal(100.0 * m.link_clicks / m.impressions, 6);
    else if (f == "actions")
      put_list("actions", counts);
    else if (f == "action_values")
      put_list("action_values", values);
    else if ((f == "purchase_roas" || f == "website_purchase_roas") && spend > 0 &&
             !values.empty()) {
      // purchase_roas follows the widest purchase type the campaign reports (§1.4 priority);
      // website_purchase_roas the pixel's.
      const Action* pick = nullptr;
      for (const char* want :
           {"omni_purchase", "purchase", "offsite_conversion.fb_pixel_purchase"}) {
        if (f == "website_purchase_roas" &&
            std::string_view(want) != "offsite_conversion.fb_pixel_purchase")
          continue;
        for (const auto& a : values)
          if (!pick && a.type == want) pick = &a;
      }
      if (pick)
        o[f] = json::array{
            json::object{{"action_type", pick->type},
                         {"value", decimal(static_cast<double>(pick->amount) / 1e6 / spend, 6)}}};
    } else if (f == "cost_per_action_type") {
      json::array arr;
      for (const auto& a : counts)
        if (a.amount > 0)
          arr.push_back(
              json::object{{"action_type", a.type}, {"value", decimal(spend / a.amount, 6)}});
      if (!arr.empty()) o[f] = std::move(arr);
    }
  }
  // Insights rows always carry their date range, requested or not.
  o["date_start"] = format_day(r.day_start);
  o["date_stop"] = format_day(r.day_stop);
  return o;
}

}  // namespace connhost::sandbox::meta
