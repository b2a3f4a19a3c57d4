// The Insights row renderer (insights_rows.cpp) writes page bodies as text. These tests hold it
// to the JSON-object renderer it replaced, kept below as the reference: for every field
// selection, zero denominators, each purchase style, attribution windows and names that need
// Graph's escaping, both must give the same JSON value, and the same bytes.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "meta/insights.hpp"

namespace connhost::sandbox::meta {
namespace {

// ---- The reference: render_row as it was before rows were written as text. ----

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

json::object reference_row(const Account& acc, const InsightRow& r, const Query& q) {
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
  o["date_start"] = format_day(r.day_start);
  o["date_stop"] = format_day(r.day_stop);
  return o;
}

// ---- Fixtures ----

const std::vector<std::string> kAllFields = {"account_id",
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
                                             "date_stop",
                                             "reach"};

Account account(int decimals, std::string name = "Sandbox Store") {
  return Account{
      Platform::meta, "1234567890",          std::move(name), decimals == 0 ? "JPY" : "USD",
      decimals,       "America/Los_Angeles", 1700000000};
}

Campaign campaign(std::string id, std::string name) {
  Campaign c;
  c.id = std::move(id);
  c.account_id = "1234567890";
  c.name = std::move(name);
  c.state = CampaignState::active;
  c.objective = "OUTCOME_SALES";
  return c;
}

InsightRow row(const Campaign* c, int64_t day, DayMetrics m, int style, int64_t days = 1) {
  return InsightRow{c, day, day + days - 1, m, style};
}

DayMetrics metrics(int64_t spend, int64_t impressions, int64_t clicks, int64_t link_clicks,
                   int64_t purchases, int64_t value) {
  DayMetrics m;
  m.spend_micros = spend;
  m.impressions = impressions;
  m.clicks = clicks;
  m.link_clicks = link_clicks;
  m.purchases = purchases;
  m.purchase_value_micros = value;
  return m;
}

// Renders `rows` both ways and compares: as parsed JSON values (what clients see) and as the
// bytes of a Graph body (the renderer keeps the reference's field order and escaping).
void expect_same(const Account& acc, const std::vector<InsightRow>& rows, const Query& q) {
  std::string text;
  render_rows(text, acc, rows, q);
  json::array want;
  for (const auto& r : rows) want.push_back(reference_row(acc, r, q));
  // What a client parsed from the reference's body (not `want` itself: invalid UTF-8 in a
  // name reaches clients as U+FFFD).
  std::string want_body = graph_serialize(want);
  json::value got;
  ASSERT_NO_THROW(got = json::parse("[" + text + "]")) << text;
  EXPECT_EQ(got, json::parse(want_body)) << text;
  EXPECT_EQ("[" + text + "]", want_body);
}

const int64_t kDay = parse_day("2026-10-01");

std::vector<InsightRow> edge_rows(const Campaign* c) {
  return {
      // Spend only: every ratio's denominator is zero, no actions at all.
      row(c, kDay, metrics(1'230'000, 0, 0, 0, 0, 0), 0),
      // Impressions without clicks: cpm/ctr but no cpc, engagement actions only.
      row(c, kDay, metrics(2'000'000, 1500, 0, 0, 0, 0), 1),
      // Clicks without link clicks, no purchases.
      row(c, kDay + 1, metrics(5'550'000, 12000, 40, 0, 0, 0), 2),
      // One purchase (the p > 1 branches not taken), each style.
      row(c, kDay + 1, metrics(10'000'000, 20000, 300, 200, 1, 49'990'000), 0),
      row(c, kDay + 1, metrics(10'000'000, 20000, 300, 200, 1, 49'990'000), 1),
      row(c, kDay + 2, metrics(10'000'000, 20000, 300, 200, 1, 49'990'000), 2),
      // Many purchases, each style.
      row(c, kDay + 2, metrics(123'450'000, 250000, 4100, 3000, 57, 4'321'870'000), 0),
      row(c, kDay + 2, metrics(123'450'000, 250000, 4100, 3000, 57, 4'321'870'000), 1),
      row(c, kDay + 3, metrics(123'450'000, 250000, 4100, 3000, 57, 4'321'870'000), 2),
      // Purchases worth nothing (zero-valued action_values are left out, ROAS still picks).
      row(c, kDay + 3, metrics(3'000'000, 900, 12, 9, 2, 0), 0),
      // Purchases without spend: no ROAS.
      row(c, kDay + 4, metrics(0, 300, 5, 4, 3, 90'000'000), 1),
      // A multi-day bucket.
      row(c, kDay, metrics(77'770'000, 99999, 1234, 1000, 11, 999'990'000), 2, 30),
  };
}

Query query(std::vector<std::string> fields, std::vector<std::string> windows = {}) {
  Query q;
  q.level = "campaign";
  q.fields = std::move(fields);
  q.windows = std::move(windows);
  return q;
}

TEST(MetaInsightsRender, AllFieldsMatchTheReference) {
  Campaign c = campaign("120210000000000001", "Prospecting - US");
  for (int dec : {2, 0}) {
    auto acc = account(dec);
    expect_same(acc, edge_rows(&c), query(kAllFields));
  }
}

TEST(MetaInsightsRender, FieldSelectionsMatchTheReference) {
  Campaign c = campaign("120210000000000001", "Prospecting - US");
  auto acc = account(2);
  // The bench's and the connector's selection, the default one, nothing but the dates, and
  // the derived fields alone (so the first key is a conditional one).
  for (const auto& fields : std::vector<std::vector<std::string>>{
           {"campaign_id", "spend", "impressions", "clicks", "inline_link_clicks", "actions",
            "action_values"},
           {"impressions", "spend", "date_start", "date_stop"},
           {},
           {"cpc", "purchase_roas"},
           {"website_purchase_roas", "cost_per_action_type", "cpm"},
           {"reach", "frequency", "action_values", "objective"}})
    expect_same(acc, edge_rows(&c), query(fields));
}

TEST(MetaInsightsRender, AttributionWindowsMatchTheReference) {
  Campaign c = campaign("120210000000000001", "Prospecting - US");
  for (int dec : {2, 0}) {
    auto acc = account(dec);
    expect_same(acc, edge_rows(&c),
                query(kAllFields, {"1d_view", "7d_view", "28d_view", "1d_click", "7d_click",
                                   "28d_click", "1d_ev", "dda", "default"}));
    // A window named twice is one key.
    expect_same(acc, edge_rows(&c),
                query({"actions", "action_values"}, {"7d_click", "1d_view", "7d_click"}));
  }
}

TEST(MetaInsightsRender, AccountLevelRowsHaveNoCampaignFields) {
  auto acc = account(2);
  auto q = query(kAllFields);
  q.level = "account";
  std::vector<InsightRow> rows;
  for (const auto& r : edge_rows(nullptr)) rows.push_back(r);
  expect_same(acc, rows, q);
}

TEST(MetaInsightsRender, NamesAreEscapedAsGraphEscapesThem) {
  auto acc = account(
      2, "Caf\xc3\xa9 / Shop @ \xe6\x9d\xb1\xe4\xba\xac \"quoted\" \\ \x01 \xf0\x9f\x98\x80");
  Campaign c = campaign("120210000000000002", "Retargeting/EU @home \xc3\xa9t\xc3\xa9\t\x7f");
  Campaign bad = campaign("120210000000000003", "broken \xc3 utf-8");
  std::vector<InsightRow> rows = edge_rows(&c);
  rows.push_back(row(&bad, kDay + 5, metrics(1'000'000, 10, 1, 1, 0, 0), 0));
  expect_same(acc, rows, query(kAllFields));
}

// Random metrics (zeros included) against random field selections.
TEST(MetaInsightsRender, RandomRowsMatchTheReference) {
  std::mt19937_64 rng(7);
  auto pick = [&](int64_t hi) {
    // One value in four is zero, so every "> 0" branch is taken both ways.
    return rng() % 4 == 0 ? 0 : static_cast<int64_t>(rng() % static_cast<uint64_t>(hi));
  };
  std::vector<Campaign> camps;
  for (int i = 0; i < 5; ++i)
    camps.push_back(campaign("12021000000000010" + std::to_string(i), "C" + std::to_string(i)));
  for (int round = 0; round < 50; ++round) {
    auto acc = account(round % 3 == 0 ? 0 : 2);
    std::vector<std::string> fields;
    for (const auto& f : kAllFields)
      if (rng() % 2) fields.push_back(f);
    std::shuffle(fields.begin(), fields.end(), rng);
    std::vector<std::string> windows;
    if (round % 4 == 0) windows = {"28d_click", "1d_view"};
    std::vector<InsightRow> rows;
    for (int i = 0; i < 40; ++i) {
      int64_t unit = acc.currency_decimals == 0 ? 1'000'000 : 10'000;
      DayMetrics m = metrics(pick(500'000) * unit, pick(2'000'000), pick(50'000), pick(40'000),
                             pick(900), pick(5'000'000) * unit);
      rows.push_back(row(&camps[static_cast<size_t>(i) % camps.size()], kDay + i / 7, m, i % 3,
                         1 + static_cast<int64_t>(rng() % 3)));
    }
    expect_same(acc, rows, query(fields, windows));
  }
}

}  // namespace
}  // namespace connhost::sandbox::meta
