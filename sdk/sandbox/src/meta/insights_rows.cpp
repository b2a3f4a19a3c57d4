// Insights rows (§1.3, §1.4): metrics summed per campaign (or account) and time bucket, kept
// only where there was delivery (Insights returns nothing for objects that did not run), and
// printed as Graph prints them: numeric strings, AdsActionStats arrays, the date range.
//
// Purchases (§1.4): every campaign reports at least two overlapping purchase action types, in
// one of three styles, so summing them is always wrong and the priority pick
// omni_purchase -> purchase -> offsite_conversion.fb_pixel_purchase is always right.
//
// Rows are written straight into the page body: a JSON object per row cost more than the
// rows themselves, and report pages are the bulk of what the sandbox serves.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

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

// Action types as Graph lists them in `actions` and `cost_per_action_type`: sorted by name, so
// the index order below is the output order and no row needs a sort.
enum ActionType : uint8_t {
  add_to_cart,
  initiate_checkout,
  landing_page_view,
  link_click,
  pixel_purchase,
  omni_purchase,
  onsite_web_purchase,
  page_engagement,
  post_engagement,
  purchase,
  kActionTypes
};
constexpr std::string_view kActionName[kActionTypes] = {"add_to_cart",
                                                        "initiate_checkout",
                                                        "landing_page_view",
                                                        "link_click",
                                                        "offsite_conversion.fb_pixel_purchase",
                                                        "omni_purchase",
                                                        "onsite_web_purchase",
                                                        "page_engagement",
                                                        "post_engagement",
                                                        "purchase"};

// One row's AdsActionStats (§1.3). Counts are keyed by type (0: not reported, which Graph
// leaves out as it leaves out zero counts); values keep the order they are reported in, and
// their presence matters even at zero (the ROAS pick looks at types, not amounts).
struct Actions {
  int64_t count[kActionTypes] = {};
  struct Value {
    ActionType type;
    int64_t amount;
  };
  Value value[3];
  int values = 0;
  void add_value(ActionType t, int64_t amount) { value[values++] = {t, amount}; }
};

int64_t scale(int64_t micros, int64_t num, int64_t den, int decimals) {
  if (den == 0) return 0;
  int64_t unit = 1;
  for (int i = decimals; i < 6; ++i) unit *= 10;
  return static_cast<int64_t>(std::llround(static_cast<double>(micros / unit) * num / den)) * unit;
}

// §1.4: purchase types overlap and must not be summed. Style 0 reports all three with
// omni_purchase the largest; style 1 has no omni_purchase; style 2 has no plain "purchase".
Actions actions_of(const InsightRow& r, int decimals) {
  const DayMetrics& m = r.m;
  Actions a;
  if (m.link_clicks > 0) {
    a.count[link_click] = m.link_clicks;
    a.count[landing_page_view] = m.link_clicks * 78 / 100;
  }
  if (m.clicks > 0 || m.impressions > 0) {
    a.count[page_engagement] = m.clicks + m.impressions / 500;
    a.count[post_engagement] = m.clicks + m.impressions / 700;
  }
  int64_t p = m.purchases, v = m.purchase_value_micros;
  if (p <= 0) return a;
  a.count[add_to_cart] = p * 3 + m.link_clicks / 40;
  a.count[initiate_checkout] = p * 2;
  int64_t web = p > 1 ? p - std::max<int64_t>(1, p / 5) : p;
  int64_t web_v = scale(v, web, p, decimals);
  switch (r.purchase_style) {
    case 0:
      a.count[pixel_purchase] = web;
      a.count[omni_purchase] = p;
      a.count[purchase] = web;
      a.add_value(pixel_purchase, web_v);
      a.add_value(omni_purchase, v);
      a.add_value(purchase, web_v);
      break;
    case 1: {
      int64_t pixel = p > 1 ? p - std::max<int64_t>(1, p / 6) : p;
      a.count[pixel_purchase] = pixel;
      a.count[purchase] = p;
      a.add_value(pixel_purchase, scale(v, pixel, p, decimals));
      a.add_value(purchase, v);
      break;
    }
    default:
      a.count[pixel_purchase] = web;
      a.count[omni_purchase] = p;
      a.count[onsite_web_purchase] = web;
      a.add_value(pixel_purchase, web_v);
      a.add_value(omni_purchase, v);
      a.add_value(onsite_web_purchase, web_v);
      break;
  }
  return a;
}

// The fields and attribution windows of a query, resolved once per page instead of by string
// comparison in every row.
enum class Field : uint8_t {
  account_id,
  account_name,
  account_currency,
  campaign_id,
  campaign_name,
  objective,
  buying_type,
  spend,
  impressions,
  clicks,
  inline_link_clicks,
  cpc,
  cost_per_inline_link_click,
  cpm,
  ctr,
  inline_link_click_ctr,
  actions,
  action_values,
  purchase_roas,
  website_purchase_roas,
  cost_per_action_type,
};
struct FieldName {
  std::string_view name;
  Field field;
};
constexpr FieldName kFields[] = {
    {"account_id", Field::account_id},
    {"account_name", Field::account_name},
    {"account_currency", Field::account_currency},
    {"campaign_id", Field::campaign_id},
    {"campaign_name", Field::campaign_name},
    {"objective", Field::objective},
    {"buying_type", Field::buying_type},
    {"spend", Field::spend},
    {"impressions", Field::impressions},
    {"clicks", Field::clicks},
    {"inline_link_clicks", Field::inline_link_clicks},
    {"cpc", Field::cpc},
    {"cost_per_inline_link_click", Field::cost_per_inline_link_click},
    {"cpm", Field::cpm},
    {"ctr", Field::ctr},
    {"inline_link_click_ctr", Field::inline_link_click_ctr},
    {"actions", Field::actions},
    {"action_values", Field::action_values},
    {"purchase_roas", Field::purchase_roas},
    {"website_purchase_roas", Field::website_purchase_roas},
    {"cost_per_action_type", Field::cost_per_action_type},
};

enum class Window : uint8_t { view1, view7, view28, click1, click7, click28, ev1, full };
struct WindowKey {
  Window window;
  std::string key;  // `"1d_view":`
};
Window window_of(std::string_view w) {
  return w == "1d_view"     ? Window::view1
         : w == "7d_view"   ? Window::view7
         : w == "28d_view"  ? Window::view28
         : w == "1d_click"  ? Window::click1
         : w == "28d_click" ? Window::click28
         : w == "1d_ev"     ? Window::ev1
         : w == "7d_click"  ? Window::click7
                            : Window::full;  // dda, default
}

// Graph's escaping (graph_escape) of a JSON string. Ids, currencies, objectives and most names
// need none, so those are copied; anything else takes the exact path Graph bodies take.
void put_string(std::string& out, std::string_view s) {
  bool plain = std::all_of(s.begin(), s.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/' && c != '@';
  });
  if (plain) {
    out += '"';
    out += s;
    out += '"';
  } else {
    out += graph_escape(json::serialize(json::string(s)));
  }
}

void put_int(std::string& out, int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

// money() without its temporaries: micros are exact, so this is digit work only.
void put_money(std::string& out, int64_t micros, int decimals) {
  uint64_t v = micros < 0 ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  if (micros < 0) out += '-';
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v / 1'000'000);
  out.append(buf, res.ptr);
  if (decimals <= 0) return;
  char frac[6];
  uint64_t f = v % 1'000'000;
  for (int i = 5; i >= 0; --i, f /= 10) frac[i] = static_cast<char>('0' + f % 10);
  int n = std::min(decimals, 6);
  while (n > 0 && frac[n - 1] == '0') --n;
  if (n == 0) return;
  out += '.';
  out.append(frac, static_cast<size_t>(n));
}

// decimal(value, 6): to_chars with a precision prints exactly what printf's "%.6f" prints.
void put_decimal(std::string& out, double value) {
  char buf[128];
  auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 6);
  if (res.ec != std::errc()) {
    out += decimal(value, 6);
    return;
  }
  std::string_view s(buf, static_cast<size_t>(res.ptr - buf));
  if (s.find('.') != std::string_view::npos) {
    while (s.back() == '0') s.remove_suffix(1);
    if (s.back() == '.') s.remove_suffix(1);
  }
  if (s == "-0") s = "0";
  out += s;
}

// A day as "YYYY-MM-DD", quoted. Rows come ordered by date, so most rows repeat the previous
// row's day and format_day runs once per day rather than twice per row.
struct DayText {
  int64_t day = std::numeric_limits<int64_t>::min();
  std::string text;
  const std::string& of(int64_t d) {
    if (d != day) {
      day = d;
      text = '"' + format_day(d) + '"';
    }
    return text;
  }
};

class RowWriter {
 public:
  RowWriter(const Account& acc, const Query& q) : acc_(acc) {
    for (const auto& f : q.fields)
      for (const auto& k : kFields)
        if (k.name == f) fields_.push_back(k.field);
    // A repeated window would overwrite its own key with the same value: keep the first.
    for (const auto& w : q.windows) {
      std::string key = '"' + w + "\":";
      bool seen = false;
      for (const auto& k : windows_) seen = seen || k.key == key;
      if (!seen) windows_.push_back({window_of(w), std::move(key)});
    }
    put_string(acc_id_, acc.id);
    put_string(acc_name_, acc.name);
    put_string(acc_currency_, acc.currency);
  }

  void row(std::string& out, const InsightRow& r) {
    const DayMetrics& m = r.m;
    const int dec = acc_.currency_decimals;
    const double spend = static_cast<double>(m.spend_micros) / 1e6;
    const Actions a = actions_of(r, dec);
    out += '{';
    bool first = true;
    auto key = [&](std::string_view k) {
      if (!first) out += ',';
      first = false;
      out += '"';
      out += k;
      out += "\":";
    };
    for (Field f : fields_) {
      switch (f) {
        case Field::account_id:
          key("account_id");
          out += acc_id_;
          break;
        case Field::account_name:
          key("account_name");
          out += acc_name_;
          break;
        case Field::account_currency:
          key("account_currency");
          out += acc_currency_;
          break;
        case Field::campaign_id:
          if (!r.campaign) break;
          key("campaign_id");
          put_string(out, r.campaign->id);
          break;
        case Field::campaign_name:
          if (!r.campaign) break;
          key("campaign_name");
          put_string(out, r.campaign->name);
          break;
        case Field::objective:
          if (!r.campaign) break;
          key("objective");
          put_string(out, r.campaign->objective);
          break;
        case Field::buying_type:
          key("buying_type");
          out += "\"AUCTION\"";
          break;
        case Field::spend:
          key("spend");
          quoted(out, [&] { put_money(out, m.spend_micros, dec); });
          break;
        case Field::impressions:
          key("impressions");
          quoted(out, [&] { put_int(out, m.impressions); });
          break;
        case Field::clicks:
          key("clicks");
          quoted(out, [&] { put_int(out, m.clicks); });
          break;
        case Field::inline_link_clicks:
          key("inline_link_clicks");
          quoted(out, [&] { put_int(out, m.link_clicks); });
          break;
        case Field::cpc:
          if (m.clicks <= 0) break;
          key("cpc");
          quoted(out, [&] { put_decimal(out, spend / m.clicks); });
          break;
        case Field::cost_per_inline_link_click:
          if (m.link_clicks <= 0) break;
          key("cost_per_inline_link_click");
          quoted(out, [&] { put_decimal(out, spend / m.link_clicks); });
          break;
        case Field::cpm:
          if (m.impressions <= 0) break;
          key("cpm");
          quoted(out, [&] { put_decimal(out, spend / m.impressions * 1000); });
          break;
        case Field::ctr:
          if (m.impressions <= 0) break;
          key("ctr");
          quoted(out, [&] { put_decimal(out, 100.0 * m.clicks / m.impressions); });
          break;
        case Field::inline_link_click_ctr:
          if (m.impressions <= 0) break;
          key("inline_link_click_ctr");
          quoted(out, [&] { put_decimal(out, 100.0 * m.link_clicks / m.impressions); });
          break;
        case Field::actions: {
          bool any = false;
          for (int t = 0; t < kActionTypes; ++t) {
            if (a.count[t] <= 0) continue;
            if (!any)
              key("actions"), out += '[';
            else
              out += ',';
            any = true;
            action(out, static_cast<ActionType>(t), a.count[t], false, dec);
          }
          if (any) out += ']';
          break;
        }
        case Field::action_values: {
          bool any = false;
          for (int i = 0; i < a.values; ++i) {
            if (a.value[i].amount <= 0) continue;
            if (!any)
              key("action_values"), out += '[';
            else
              out += ',';
            any = true;
            action(out, a.value[i].type, a.value[i].amount, true, dec);
          }
          if (any) out += ']';
          break;
        }
        case Field::purchase_roas:
        case Field::website_purchase_roas: {
          if (!(spend > 0) || a.values == 0) break;
          // purchase_roas follows the widest purchase type the campaign reports (§1.4
          // priority); website_purchase_roas the pixel's.
          const Actions::Value* pick = nullptr;
          for (ActionType want : {omni_purchase, purchase, pixel_purchase}) {
            if (f == Field::website_purchase_roas && want != pixel_purchase) continue;
            for (int i = 0; i < a.values; ++i)
              if (!pick && a.value[i].type == want) pick = &a.value[i];
          }
          if (!pick) break;
          key(f == Field::purchase_roas ? "purchase_roas" : "website_purchase_roas");
          out += "[{\"action_type\":\"";
          out += kActionName[pick->type];
          out += "\",\"value\":";
          quoted(out, [&] { put_decimal(out, static_cast<double>(pick->amount) / 1e6 / spend); });
          out += "}]";
          break;
        }
        case Field::cost_per_action_type: {
          bool any = false;
          for (int t = 0; t < kActionTypes; ++t) {
            if (a.count[t] <= 0) continue;
            if (!any)
              key("cost_per_action_type"), out += '[';
            else
              out += ',';
            any = true;
            out += "{\"action_type\":\"";
            out += kActionName[t];
            out += "\",\"value\":";
            quoted(out, [&] { put_decimal(out, spend / a.count[t]); });
            out += '}';
          }
          if (any) out += ']';
          break;
        }
      }
    }
    // Insights rows always carry their date range, requested or not.
    key("date_start");
    out += start_.of(r.day_start);
    key("date_stop");
    out += stop_.of(r.day_stop);
    out += '}';
  }

 private:
  template <class F>
  static void quoted(std::string& out, F&& put) {
    out += '"';
    put();
    out += '"';
  }

  // One AdsActionStats element (§1.3): counts as integers, money in the currency's precision,
  // both as strings, with per-window keys when action_attribution_windows was given.
  void action(std::string& out, ActionType type, int64_t amount, bool money, int decimals) const {
    int64_t unit = 1;
    if (money)
      for (int i = decimals; i < 6; ++i) unit *= 10;
    auto fmt = [&](int64_t v) {
      out += '"';
      if (money)
        put_money(out, v, decimals);
      else
        put_int(out, v);
      out += '"';
    };
    auto part = [&](int64_t v, double share) {
      return static_cast<int64_t>(std::floor(static_cast<double>(v / unit) * share)) * unit;
    };
    out += "{\"action_type\":\"";
    out += kActionName[type];
    out += "\",\"value\":";
    fmt(amount);
    if (windows_.empty()) {
      out += '}';
      return;
    }
    int64_t view = part(amount, 0.1), click7 = amount - view;
    for (const auto& w : windows_) {
      int64_t v = 0;
      switch (w.window) {
        case Window::view1:
          v = view;
          break;
        case Window::view7:
          v = part(amount, 0.16);
          break;
        case Window::view28:
          v = part(amount, 0.21);
          break;
        case Window::click1:
          v = part(click7, 0.85);
          break;
        case Window::click28:
          v = click7 + part(amount, 0.04);
          break;
        case Window::ev1:
          v = 0;
          break;
        case Window::click7:
          v = click7;
          break;
        case Window::full:
          v = amount;
          break;
      }
      out += ',';
      out += w.key;
      fmt(v);
    }
    out += '}';
  }

  const Account& acc_;
  std::vector<Field> fields_;
  std::vector<WindowKey> windows_;
  std::string acc_id_, acc_name_, acc_currency_;
  DayText start_, stop_;
};

}  // namespace

void render_rows(std::string& out, const Account& acc, std::span<const InsightRow> rows,
                 const Query& q) {
  RowWriter writer(acc, q);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) out += ',';
    size_t before = out.size();
    writer.row(out, rows[i]);
    // Rows of one page are alike in size: the first one sizes the rest, so the page body is
    // allocated about once instead of doubling its way up.
    if (i == 0) out.reserve(out.size() + (out.size() - before + 1) * (rows.size() - 1) * 9 / 8);
  }
}

}  // namespace connhost::sandbox::meta
