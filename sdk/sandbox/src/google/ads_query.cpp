#include "google/ads_query.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace connhost::sandbox::goog {
namespace {

using K = FieldKind;

// §4.2 "Enums (v24 protos)".
const std::vector<std::string_view> kStatus = {"UNSPECIFIED", "UNKNOWN", "ENABLED", "PAUSED",
                                               "REMOVED"};
const std::vector<std::string_view> kChannel = {
    "UNSPECIFIED",     "UNKNOWN",        "SEARCH",        "DISPLAY",   "SHOPPING",
    "HOTEL",           "VIDEO",          "MULTI_CHANNEL", "LOCAL",     "SMART",
    "PERFORMANCE_MAX", "LOCAL_SERVICES", "TRAVEL",        "DEMAND_GEN"};

[[noreturn]] void fail(AdsError e) {
  throw e;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

int64_t first_of_month(int64_t day) {
  return parse_day(format_day(day).substr(0, 8) + "01");
}

// DURING constants, relative to the account's today. LAST_N_DAYS end yesterday.
std::optional<std::pair<int64_t, int64_t>> during_range(std::string_view name, int64_t t) {
  int64_t mon = (t + 3) % 7;  // 1970-01-01 was a Thursday: 0 = Monday
  int64_t sun = (t + 4) % 7;  // 0 = Sunday
  std::string n = upper(name);
  if (n == "TODAY") return std::pair{t, t};
  if (n == "YESTERDAY") return std::pair{t - 1, t - 1};
  if (n == "LAST_7_DAYS") return std::pair{t - 7, t - 1};
  if (n == "LAST_14_DAYS") return std::pair{t - 14, t - 1};
  if (n == "LAST_30_DAYS") return std::pair{t - 30, t - 1};
  if (n == "THIS_WEEK_MON_TODAY") return std::pair{t - mon, t};
  if (n == "THIS_WEEK_SUN_TODAY") return std::pair{t - sun, t};
  if (n == "LAST_WEEK_MON_SUN") return std::pair{t - mon - 7, t - mon - 1};
  if (n == "LAST_WEEK_SUN_SAT") return std::pair{t - sun - 7, t - sun - 1};
  if (n == "LAST_BUSINESS_WEEK") return std::pair{t - mon - 7, t - mon - 3};
  if (n == "THIS_MONTH") return std::pair{first_of_month(t), t};
  if (n == "LAST_MONTH") {
    int64_t end = first_of_month(t) - 1;
    return std::pair{first_of_month(end), end};
  }
  return std::nullopt;
}

const FieldDef* find_field(std::string_view name) {
  for (const auto& f : field_catalogue())
    if (f.name == name) return &f;
  return nullptr;
}

bool compatible(const FieldDef& f, const std::string& from) {
  if (f.resource == "campaign") return from == "campaign";
  return true;  // customer is attributed to campaign; segments and metrics go with both
}

const FieldDef& resolve(const std::string& name, const std::string& from, const char* clause) {
  const FieldDef* f = find_field(name);
  if (!f)
    fail(query_error("UNRECOGNIZED_FIELD", "Unrecognized field in the query: '" + name + "'.",
                     name));
  if (!compatible(*f, from)) {
    std::string c = clause;
    std::string res(f->resource);
    if (c == "SELECT")
      fail(
          query_error("PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE",
                      "Cannot select fields from the following resource: '" + res +
                          "', since the resource is incompatible with the resource in FROM clause.",
                      name));
    if (c == "WHERE")
      fail(
          query_error("PROHIBITED_RESOURCE_TYPE_IN_WHERE_CLAUSE",
                      "Cannot filter on fields from the following resource: '" + res +
                          "', since the resource is incompatible with the resource in FROM clause.",
                      name));
    fail(query_error("PROHIBITED_FIELD_IN_ORDER_BY_CLAUSE",
                     "Cannot order by the following field: '" + name + "'.", name));
  }
  return *f;
}

std::optional<int64_t> to_int(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

Value literal_value(const FieldDef& f, const Literal& l, const std::string& op) {
  Value v;
  v.kind = f.kind;
  std::string field(f.name);
  auto bad = [&](const char* what) -> AdsError {
    return query_error(
        "BAD_VALUE", "Invalid value " + l.text + " for field " + field + ": expected " + what + ".",
        l.text);
  };
  switch (f.kind) {
    case K::int64: {
      if (l.kind == Literal::identifier) fail(bad("an integer"));
      auto n = to_int(l.text);
      if (!n) fail(query_error("BAD_NUMBER", "Invalid number " + l.text + ".", l.text));
      v.i = *n;
      return v;
    }
    case K::dbl: {
      if (l.kind != Literal::number) fail(bad("a number"));
      double d = 0;
      auto [p, ec] = std::from_chars(l.text.data(), l.text.data() + l.text.size(), d);
      if (ec != std::errc() || p != l.text.data() + l.text.size())
        fail(query_error("BAD_NUMBER", "Invalid number " + l.text + ".", l.text));
      v.d = d;
      return v;
    }
    case K::str:
      if (l.kind != Literal::string) fail(bad("a quoted string"));
      v.s = l.text;
      return v;
    case K::enumeration: {
      if (l.kind == Literal::number) fail(bad("an enum constant"));
      if (l.text == "UNSPECIFIED")
        fail(query_error("PROHIBITED_ENUM_CONSTANT",
                         "The enum constant UNSPECIFIED cannot be used in a query.", l.text));
      if (std::find(f.enum_values.begin(), f.enum_values.end(), l.text) == f.enum_values.end())
        fail(query_error("BAD_ENUM_CONSTANT",
                         "Invalid enum value " + l.text + " for field " + field + ".", l.text));
      v.s = l.text;
      return v;
    }
    case K::boolean: {
      std::string u = upper(l.text);
      if (l.kind != Literal::identifier || (u != "TRUE" && u != "FALSE"))
        fail(bad("TRUE or FALSE"));
      v.i = u == "TRUE";
      return v;
    }
    case K::date:
      try {
        if (l.kind != Literal::string) throw std::invalid_argument("");
        v.i = parse_day(l.text);
      } catch (const std::invalid_argument&) {
        if (op == "BETWEEN")
          fail(query_error("INVALID_VALUE_WITH_BETWEEN_OPERATOR",
                           "Invalid date literal supplied for BETWEEN operator: " + l.text + ".",
                           l.text));
        fail(query_error("INVALID_DATE_FORMAT",
                         "Invalid date " + l.text + ": dates are written 'YYYY-MM-DD'.", l.text));
      }
      return v;
  }
  return v;
}

bool op_allowed(FieldKind k, const std::string& op) {
  if (op == "=" || op == "!=" || op == "IN" || op == "NOT IN" || op == "IS NULL" ||
      op == "IS NOT NULL")
    return true;
  bool ordered = k == K::int64 || k == K::dbl || k == K::date || k == K::str;
  if (op == ">" || op == ">=" || op == "<" || op == "<=") return ordered;
  if (op == "LIKE" || op == "NOT LIKE" || op == "REGEXP_MATCH" || op == "NOT REGEXP_MATCH")
    return k == K::str;
  if (op == "BETWEEN") return k == K::date || k == K::int64 || k == K::dbl;
  if (op == "DURING") return k == K::date;
  return false;  // CONTAINS ANY/ALL/NONE: repeated fields only, and none is served
}

Predicate make_predicate(const FieldDef& f, const Condition& c, int64_t today) {
  Predicate p;
  p.field = &f;
  p.op = c.op;
  if (!op_allowed(f.kind, c.op))
    fail(query_error("OPERATOR_FIELD_MISMATCH",
                     "Operator " + c.op + " cannot be used with field " + std::string(f.name) + ".",
                     c.op));
  if (c.op == "DURING") {
    auto range = during_range(c.values.at(0).text, today);
    if (!range)
      fail(query_error(
          "INVALID_VALUE_WITH_DURING_OPERATOR",
          "Invalid date literal supplied for DURING operator: " + c.values.at(0).text + ".",
          c.values.at(0).text));
    p.op = "BETWEEN";
    Value lo, hi;
    lo.kind = hi.kind = K::date;
    lo.i = range->first;
    hi.i = range->second;
    p.values = {lo, hi};
    return p;
  }
  if ((c.op == "LIKE" || c.op == "NOT LIKE") && c.values.at(0).kind != Literal::string)
    fail(query_error("INVALID_VALUE_WITH_LIKE_OPERATOR", "The LIKE operator takes a quoted string.",
                     c.values.at(0).text));
  for (const auto& l : c.values) p.values.push_back(literal_value(f, l, c.op));
  if (c.op == "REGEXP_MATCH" || c.op == "NOT REGEXP_MATCH") {
    // std::regex compiles recursively: a bound keeps a hostile pattern from exhausting the stack.
    if (p.values.at(0).s.size() > 512)
      fail(query_error("BAD_VALUE", "The regular expression is too long.",
                       p.values.at(0).s.substr(0, 64)));
    try {
      p.regex = std::make_shared<const std::regex>(p.values.at(0).s);
    } catch (const std::regex_error&) {
      fail(query_error("BAD_VALUE", "Invalid regular expression " + p.values.at(0).s + ".",
                       p.values.at(0).s));
    }
  }
  return p;
}

// Narrows [lo, hi] by one date predicate; != and NOT IN leave the range as it is.
void bound(const Predicate& p, std::optional<int64_t>& lo, std::optional<int64_t>& hi) {
  auto raise = [&](int64_t v) { lo = lo ? std::max(*lo, v) : v; };
  auto lower = [&](int64_t v) { hi = hi ? std::min(*hi, v) : v; };
  const auto& v = p.values;
  if (p.op == "=" || p.op == "BETWEEN") {
    raise(v.front().i);
    lower(v.back().i);
  } else if (p.op == ">=" || p.op == ">") {
    raise(v[0].i + (p.op == ">" ? 1 : 0));
  } else if (p.op == "<=" || p.op == "<") {
    lower(v[0].i - (p.op == "<" ? 1 : 0));
  } else if (p.op == "IN") {
    auto [mn, mx] = std::minmax_element(v.begin(), v.end(),
                                        [](const Value& a, const Value& b) { return a.i < b.i; });
    raise(mn->i);
    lower(mx->i);
  }
}

std::string camel_path(const FieldDef& f) {
  return std::string(f.resource) + "." + std::string(f.json);
}

}  // namespace

const std::vector<FieldDef>& field_catalogue() {
  // §4.2 "JSON encoding": int64 fields as strings, doubles as numbers, enums as names. The
  // order within each resource follows the proto field numbers, as proto3 JSON printers do.
  static const std::vector<FieldDef> kFields = {
      {"customer.resource_name", "customer", "resourceName", K::str, {}},
      {"customer.id", "customer", "id", K::int64, {}},
      {"customer.descriptive_name", "customer", "descriptiveName", K::str, {}},
      {"customer.currency_code", "customer", "currencyCode", K::str, {}},
      {"customer.time_zone", "customer", "timeZone", K::str, {}},
      {"customer.manager", "customer", "manager", K::boolean, {}},
      {"customer.test_account", "customer", "testAccount", K::boolean, {}},
      {"campaign.resource_name", "campaign", "resourceName", K::str, {}},
      {"campaign.status", "campaign", "status", K::enumeration, kStatus},
      {"campaign.advertising_channel_type", "campaign", "advertisingChannelType", K::enumeration,
       kChannel},
      {"campaign.name", "campaign", "name", K::str, {}},
      {"campaign.id", "campaign", "id", K::int64, {}},
      {"campaign.start_date", "campaign", "startDate", K::str, {}},
      {"campaign.end_date", "campaign", "endDate", K::str, {}},
      {"metrics.clicks", "metrics", "clicks", K::int64, {}},
      {"metrics.ctr", "metrics", "ctr", K::dbl, {}},
      {"metrics.average_cpc", "metrics", "averageCpc", K::dbl, {}},
      {"metrics.impressions", "metrics", "impressions", K::int64, {}},
      {"metrics.interactions", "metrics", "interactions", K::int64, {}},
      {"metrics.conversions", "metrics", "conversions", K::dbl, {}},
      {"metrics.conversions_value", "metrics", "conversionsValue", K::dbl, {}},
      {"metrics.cost_micros", "metrics", "costMicros", K::int64, {}},
      {"segments.date", "segments", "date", K::date, {}},
  };
  return kFields;
}

std::variant<QueryPlan, AdsError> plan_query(std::string_view gaql, int64_t today) {
  auto parsed = parse_gaql(gaql);
  if (auto* e = std::get_if<GaqlError>(&parsed))
    return query_error(e->code, e->message,
                       e->trigger.empty() ? std::nullopt : std::optional<std::string>(e->trigger));
  const GaqlQuery& q = std::get<GaqlQuery>(parsed);
  QueryPlan plan;
  plan.text = std::string(gaql);
  try {
    if (q.from != "campaign" && q.from != "customer")
      fail(query_error("BAD_RESOURCE_TYPE_IN_FROM_CLAUSE",
                       "Invalid resource in FROM clause: '" + q.from +
                           "'. (connhost-sandbox serves FROM campaign and FROM customer.)",
                       q.from));
    plan.from = q.from;
    const auto& cat = field_catalogue();
    plan.selected.assign(cat.size(), false);
    for (const auto& name : q.select) {
      const FieldDef& f = resolve(name, plan.from, "SELECT");
      size_t idx = static_cast<size_t>(&f - cat.data());
      if (plan.selected[idx]) continue;
      plan.selected[idx] = true;
      plan.select.push_back(&f);
      if (f.resource == "metrics") plan.metrics_selected = plan.has_metrics = true;
      if (f.name == "segments.date") plan.by_date = true;
    }
    std::optional<int64_t> lo, hi;
    for (const auto& c : q.where) {
      const FieldDef& f = resolve(c.field, plan.from, "WHERE");
      Predicate p = make_predicate(f, c, today);
      if (f.resource == "segments") {
        bound(p, lo, hi);
        plan.date_filters.push_back(std::move(p));
      } else if (f.resource == "metrics") {
        plan.has_metrics = true;
        plan.metric_filters.push_back(std::move(p));
      } else {
        plan.attribute_filters.push_back(std::move(p));
      }
    }
    plan.date_bounded = lo.has_value() && hi.has_value();
    if (plan.date_bounded) plan.from_day = *lo, plan.to_day = *hi;
    // segments.date in SELECT needs a finite date range in WHERE (the "core date segment" rule).
    if (plan.by_date && !plan.date_bounded)
      fail(query_error("EXPECTED_FILTERS_ON_DATE_RANGE",
                       "A finite date range filter on segments.date is required when "
                       "segments.date is selected.",
                       "segments.date"));
    for (const auto& o : q.order_by) {
      const FieldDef& f = resolve(o.field, plan.from, "ORDER BY");
      if (f.resource == "segments" && !plan.by_date)
        fail(query_error("EXPECTED_REFERENCED_FIELD_IN_SELECT_CLAUSE",
                         "Field '" + o.field + "' in ORDER BY must also be in the SELECT clause.",
                         o.field));
      if (f.resource == "metrics") plan.has_metrics = true;
      plan.order.emplace_back(&f, o.descending);
    }
    plan.limit = q.limit;
    for (const auto& [name, value] : q.parameters) {
      if (name != "include_drafts" && name != "omit_unselected_resource_names")
        fail(query_error("BAD_PARAMETER_NAME", "Invalid parameter name: " + name + ".", name));
      std::string u = upper(value.text);
      if (value.kind != Literal::identifier || (u != "TRUE" && u != "FALSE"))
        fail(query_error("BAD_PARAMETER_VALUE",
                         "Invalid value " + value.text + " for parameter " + name + ".",
                         value.text));
      if (name == "omit_unselected_resource_names")
        plan.omit_unselected_resource_names = u == "TRUE";
    }
    for (const auto* f : plan.select) {
      if (!plan.field_mask.empty()) plan.field_mask += ',';
      plan.field_mask += camel_path(*f);
    }
  } catch (const AdsError& e) {
    return e;
  }
  return plan;
}

}  // namespace connhost::sandbox::goog
