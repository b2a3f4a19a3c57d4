// Running a checked GAQL plan over the world and rendering rows as proto3 JSON (platform notes
// §4.2): camelCase keys, int64 as strings, doubles as numbers, enums as names, and the primary
// resource's resourceName in every row.
#include <algorithm>

#include "google/ads_query.hpp"

namespace connhost::sandbox::goog {
namespace {

using K = FieldKind;

const char* status_name(CampaignState s) {
  switch (s) {
    case CampaignState::active:
      return "ENABLED";
    case CampaignState::paused:
      return "PAUSED";
    case CampaignState::deleted:
      return "REMOVED";
  }
  return "UNKNOWN";
}

int64_t digits_value(const std::string& s) {
  int64_t v = 0;
  for (char c : s)
    if (c >= '0' && c <= '9') v = v * 10 + (c - '0');
  return v;
}

// GAQL LIKE: % matches any run, _ one character, [x] the character x literally.
bool like(std::string_view s, std::string_view pattern) {
  struct Piece {
    enum { lit, one, any } kind;
    char c;
  };
  std::vector<Piece> p;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '%')
      p.push_back({Piece::any, 0});
    else if (c == '_')
      p.push_back({Piece::one, 0});
    else if (c == '[' && i + 2 < pattern.size() && pattern[i + 2] == ']') {
      p.push_back({Piece::lit, pattern[i + 1]});
      i += 2;
    } else {
      p.push_back({Piece::lit, c});
    }
  }
  size_t si = 0, pi = 0, star_p = std::string::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi].kind != Piece::any &&
        (p[pi].kind == Piece::one || p[pi].c == s[si])) {
      ++si, ++pi;
    } else if (pi < p.size() && p[pi].kind == Piece::any) {
      star_p = pi++;
      star_s = si;
    } else if (star_p != std::string::npos) {
      pi = star_p + 1;
      si = ++star_s;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi].kind == Piece::any) ++pi;
  return pi == p.size();
}

json::value render_value(const Value& v) {
  switch (v.kind) {
    case K::int64:
      return json::string(std::to_string(v.i));
    case K::dbl:
      return v.d;
    case K::boolean:
      return v.i != 0;
    case K::date:
      return json::string(format_day(v.i));
    default:
      return json::string(v.s);
  }
}

// The selected fields of one resource, in catalogue (proto) order.
json::object render_resource(const QueryPlan& plan, std::string_view resource, const ReportRow& row,
                             const Account& account, bool with_resource_name) {
  json::object o;
  const auto& cat = field_catalogue();
  for (size_t i = 0; i < cat.size(); ++i) {
    const FieldDef& f = cat[i];
    if (f.resource != resource) continue;
    bool want = plan.selected[i] || (with_resource_name && f.json == "resourceName");
    if (!want) continue;
    Value v = field_value(f, row, account);
    if (v.present) o[f.json] = render_value(v);
  }
  return o;
}

}  // namespace

Value field_value(const FieldDef& f, const ReportRow& row, const Account& account) {
  Value v;
  v.kind = f.kind;
  const Campaign* c = row.campaign;
  const DayMetrics& m = row.metrics;
  std::string_view n = f.name;
  if (f.resource == "campaign" && !c) {
    v.present = false;
    return v;
  }
  if (n == "customer.resource_name")
    v.s = "customers/" + account.id;
  else if (n == "customer.id")
    v.i = digits_value(account.id);
  else if (n == "customer.descriptive_name")
    v.s = account.name;
  else if (n == "customer.currency_code")
    v.s = account.currency;
  else if (n == "customer.time_zone")
    v.s = account.time_zone;
  else if (n == "customer.manager" || n == "customer.test_account")
    v.i = 0;
  else if (n == "campaign.resource_name")
    v.s = "customers/" + account.id + "/campaigns/" + c->id;
  else if (n == "campaign.status")
    v.s = status_name(c->state);
  else if (n == "campaign.advertising_channel_type")
    v.s = c->objective;
  else if (n == "campaign.name")
    v.s = c->name;
  else if (n == "campaign.id")
    v.i = digits_value(c->id);
  else if (n == "campaign.start_date")
    v.s = format_day(c->created_unix / 86400);
  // Not in the platform notes: campaigns without an end date report Google's sentinel.
  else if (n == "campaign.end_date")
    v.s = "2037-12-30";
  else if (n == "metrics.cost_micros")
    v.i = m.spend_micros;
  else if (n == "metrics.impressions")
    v.i = m.impressions;
  else if (n == "metrics.clicks" || n == "metrics.interactions")
    v.i = m.clicks;
  else if (n == "metrics.conversions")
    v.d = static_cast<double>(m.purchases);
  else if (n == "metrics.conversions_value")
    v.d = static_cast<double>(m.purchase_value_micros) / 1e6;
  else if (n == "metrics.ctr") {
    v.present = m.impressions > 0;
    if (v.present) v.d = static_cast<double>(m.clicks) / static_cast<double>(m.impressions);
  } else if (n == "metrics.average_cpc") {
    // In micros of the account currency, like cost.
    v.present = m.clicks > 0;
    if (v.present) v.d = static_cast<double>(m.spend_micros) / static_cast<double>(m.clicks);
  } else if (n == "segments.date") {
    v.present = row.day >= 0;
    v.i = row.day;
  }
  return v;
}

int compare(const Value& a, const Value& b) {
  if (a.present != b.present) return a.present ? 1 : -1;
  switch (a.kind) {
    case K::dbl:
      return a.d < b.d ? -1 : a.d > b.d ? 1 : 0;
    case K::str:
    case K::enumeration:
      return a.s.compare(b.s) < 0 ? -1 : a.s == b.s ? 0 : 1;
    default:
      return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  }
}

bool matches(const Predicate& p, const Value& v) {
  const std::string& op = p.op;
  if (op == "IS NULL") return !v.present;
  if (op == "IS NOT NULL") return v.present;
  if (!v.present) return false;
  if (op == "IN" || op == "NOT IN") {
    bool any = std::any_of(p.values.begin(), p.values.end(),
                           [&](const Value& x) { return compare(v, x) == 0; });
    return op == "IN" ? any : !any;
  }
  if (op == "BETWEEN") return compare(v, p.values[0]) >= 0 && compare(v, p.values[1]) <= 0;
  if (op == "LIKE") return like(v.s, p.values[0].s);
  if (op == "NOT LIKE") return !like(v.s, p.values[0].s);
  if (op == "REGEXP_MATCH" || op == "NOT REGEXP_MATCH") {
    bool m = false;
    try {
      m = std::regex_match(v.s, *p.regex);
    } catch (const std::exception&) {
      m = false;
    }
    return op == "REGEXP_MATCH" ? m : !m;
  }
  int c = compare(v, p.values[0]);
  if (op == "=") return c == 0;
  if (op == "!=") return c != 0;
  if (op == ">") return c > 0;
  if (op == ">=") return c >= 0;
  if (op == "<") return c < 0;
  if (op == "<=") return c <= 0;
  return false;
}

RunResult run_query(const QueryPlan& plan, const World& world, const Account& account) {
  RunResult out;
  std::vector<int64_t> days;
  if (plan.by_date || plan.has_metrics) {
    // No date filter: metrics cover all time (here: the world's whole history).
    int64_t lo = world.first_day(), hi = world.today();
    if (plan.date_bounded) lo = std::max(lo, plan.from_day), hi = std::min(hi, plan.to_day);
    for (int64_t d = lo; d <= hi; ++d) {
      ReportRow probe;
      probe.day = d;
      bool ok = true;
      for (const auto& p : plan.date_filters)
        ok = ok && matches(p, field_value(*p.field, probe, account));
      if (ok) days.push_back(d);
    }
  }
  auto passes = [&](const std::vector<Predicate>& preds, const ReportRow& row) {
    for (const auto& p : preds)
      if (!matches(p, field_value(*p.field, row, account))) return false;
    return true;
  };
  auto delivered = [](const DayMetrics& m) { return m.impressions > 0 || m.spend_micros > 0; };

  std::vector<const Campaign*> entities;
  if (plan.from == "campaign")
    entities = world.campaigns(Platform::google, account.id);
  else
    entities.push_back(nullptr);
  const auto all_campaigns = world.campaigns(Platform::google, account.id);

  for (const Campaign* e : entities) {
    ReportRow base;
    base.campaign = e;
    if (!passes(plan.attribute_filters, base)) continue;
    if (!plan.by_date && !plan.has_metrics) {
      out.rows.push_back(base);
      continue;
    }
    // The campaign itself, or for FROM customer every campaign of the account.
    std::vector<const Campaign*> sources = e ? std::vector<const Campaign*>{e} : all_campaigns;
    std::vector<DayMetrics> per_day(days.size());
    for (const Campaign* c : sources)
      for (size_t i = 0; i < days.size(); ++i)
        per_day[i] += world.metrics(Platform::google, *c, days[i]);
    out.scanned += static_cast<int64_t>(sources.size() * days.size());
    if (plan.by_date) {
      // Decision (notes §4.2 and §7 leave it open): date-segmented queries return no row for a
      // day without delivery, as Google's segmented reports skip zero-impression rows.
      for (size_t i = 0; i < days.size(); ++i) {
        if (!delivered(per_day[i])) continue;
        ReportRow r = base;
        r.day = days[i];
        r.metrics = per_day[i];
        out.rows.push_back(std::move(r));
      }
    } else {
      ReportRow r = base;
      for (const auto& m : per_day) r.metrics += m;
      out.rows.push_back(std::move(r));
    }
  }
  if (!plan.metric_filters.empty()) {
    std::erase_if(out.rows, [&](const ReportRow& r) { return !passes(plan.metric_filters, r); });
  }
  if (!plan.order.empty()) {
    std::stable_sort(out.rows.begin(), out.rows.end(), [&](const ReportRow& a, const ReportRow& b) {
      for (const auto& [f, desc] : plan.order) {
        int c = compare(field_value(*f, a, account), field_value(*f, b, account));
        if (c != 0) return desc ? c > 0 : c < 0;
      }
      return false;
    });
  }
  if (plan.limit && out.rows.size() > static_cast<size_t>(*plan.limit))
    out.rows.resize(static_cast<size_t>(*plan.limit));
  return out;
}

json::object render_row(const QueryPlan& plan, const ReportRow& row, const Account& account) {
  // GoogleAdsRow field order: customer (1), campaign (2), metrics (4), segments (102).
  json::object o;
  const auto& cat = field_catalogue();
  bool customer_selected = false;
  for (size_t i = 0; i < cat.size(); ++i)
    if (plan.selected[i] && cat[i].resource == "customer") customer_selected = true;
  if (plan.from == "customer" || customer_selected) {
    bool name = plan.from == "customer" || !plan.omit_unselected_resource_names;
    o["customer"] = render_resource(plan, "customer", row, account, name);
  }
  // The primary resource's resourceName comes back even when not selected (§4.2).
  if (plan.from == "campaign")
    o["campaign"] = render_resource(plan, "campaign", row, account, true);
  if (plan.metrics_selected) o["metrics"] = render_resource(plan, "metrics", row, account, false);
  if (plan.by_date) o["segments"] = render_resource(plan, "segments", row, account, false);
  return o;
}

json::object render_summary(const QueryPlan& plan, const std::vector<ReportRow>& rows) {
  ReportRow total;
  for (const auto& r : rows) total.metrics += r.metrics;
  Account none{};
  return json::object{{"metrics", render_resource(plan, "metrics", total, none, false)}};
}

}  // namespace connhost::sandbox::goog
