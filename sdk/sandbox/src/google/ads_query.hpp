#pragma once

// What the emulated GoogleAdsService understands of GAQL: the resources and fields it serves,
// a query checked against them (the plan), the rows a plan yields from the world, and their
// proto3 JSON rendering (platform notes §4.2).

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "google/ads_errors.hpp"
#include "google/gaql.hpp"
#include "world/world.hpp"

namespace connhost::sandbox::goog {

enum class FieldKind { int64, dbl, str, enumeration, boolean, date };

struct FieldDef {
  std::string_view name;      // GAQL name, e.g. "metrics.cost_micros"
  std::string_view resource;  // "campaign", "customer", "segments" or "metrics"
  std::string_view json;      // lowerCamelCase key, e.g. "costMicros"
  FieldKind kind;
  std::vector<std::string_view> enum_values;  // enumeration fields only
};

// Every field the sandbox serves, in the order proto3 JSON prints them within their object.
const std::vector<FieldDef>& field_catalogue();

struct Value {
  FieldKind kind = FieldKind::str;
  bool present = true;  // false: the field has no value in this row (e.g. ctr without impressions)
  int64_t i = 0;        // int64, boolean (0/1) and date (days since epoch)
  double d = 0;
  std::string s;  // str and enumeration
};

struct Predicate {
  const FieldDef* field = nullptr;
  std::string op;
  std::vector<Value> values;
  std::shared_ptr<const std::regex> regex;  // REGEXP_MATCH
};

struct QueryPlan {
  std::string from;                     // "campaign" or "customer"
  std::vector<const FieldDef*> select;  // deduplicated, in SELECT order
  std::vector<bool> selected;           // indexed like field_catalogue()
  bool by_date = false;                 // segments.date selected
  bool has_metrics = false;             // metrics selected or filtered on
  bool metrics_selected = false;
  std::vector<Predicate> attribute_filters, date_filters, metric_filters;
  bool date_bounded = false;         // a finite range came from the WHERE clause
  int64_t from_day = 0, to_day = 0;  // the range the filters allow (when bounded)
  std::vector<std::pair<const FieldDef*, bool>> order;  // field, descending
  std::optional<int64_t> limit;
  bool omit_unselected_resource_names = false;
  std::string field_mask;
  std::string text;  // the query as sent, for page tokens
};

// Checks a GAQL query against the catalogue; `today` anchors DURING constants.
std::variant<QueryPlan, AdsError> plan_query(std::string_view gaql, int64_t today);

struct ReportRow {
  const Campaign* campaign = nullptr;  // null for FROM customer
  int64_t day = -1;                    // -1 when not segmented by date
  DayMetrics metrics;
};

struct RunResult {
  std::vector<ReportRow> rows;
  int64_t scanned = 0;  // entity-days looked at, for queryResourceConsumption
};

RunResult run_query(const QueryPlan& plan, const World& world, const Account& account);
json::object render_row(const QueryPlan& plan, const ReportRow& row, const Account& account);
// The summaryRow: the selected metrics totalled over all rows.
json::object render_summary(const QueryPlan& plan, const std::vector<ReportRow>& rows);

// A field's value in a row, for filters and ordering.
Value field_value(const FieldDef& f, const ReportRow& row, const Account& account);
bool matches(const Predicate& p, const Value& v);
int compare(const Value& a, const Value& b);

}  // namespace connhost::sandbox::goog
