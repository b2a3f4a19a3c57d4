#include "tiktok/report_request.hpp"

#include <algorithm>
#include <set>

namespace connhost::sandbox::tiktok {
namespace {

// Metric names from notes §1.8 (GO model/report/metrics.go) that the world can back.
const std::set<std::string>& money_metrics() {
  static const std::set<std::string> m = {"spend",
                                          "billed_cost",
                                          "cash_spend",
                                          "voucher_spend",
                                          "cpc",
                                          "cpm",
                                          "cost_per_conversion",
                                          "cost_per_result",
                                          "cost_per_complete_payment",
                                          "value_per_complete_payment",
                                          "complete_payment_roas",
                                          "total_complete_payment_rate",
                                          "campaign_budget"};
  return m;
}
const std::set<std::string>& plain_metrics() {
  static const std::set<std::string> m = {
      "impressions",      "gross_impressions",    "clicks", "ctr",
      "conversion",       "conversion_rate",      "result", "result_rate",
      "complete_payment", "complete_payment_rate"};
  return m;
}
const std::set<std::string>& attribute_metrics() {
  static const std::set<std::string> m = {"campaign_name", "objective_type", "campaign_budget",
                                          "advertiser_name", "currency"};
  return m;
}
// Real TikTok vocabulary the sandbox does not emulate: answered as "not supported in sandbox"
// (40009, notes §1.2) rather than as an invalid value.
const std::set<std::string>& unemulated_dimensions() {
  static const std::set<std::string> d = {
      "adgroup_id", "ad_id",    "stat_time_hour", "country_code", "age",
      "gender",     "platform", "placement",      "province_id",  "language"};
  return d;
}

std::vector<std::string> json_string_list(const std::string& text, const std::string& where) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array())
    throw ApiError{40002, where +
                              ": filter_value must be a JSON array in a string, e.g. "
                              "\"[\\\"STATUS_ALL\\\"]\"."};
  return string_array(v, where);
}

ReportFilter parse_filtering(const Request& r) {
  ReportFilter f;
  auto v = json_param(r, "filtering");
  if (!v) return f;
  // v1.3 report filtering is a list of {field_name, filter_type, filter_value} (notes §1.8).
  if (!v->is_array()) throw ApiError{40002, "filtering: Not a valid list."};
  static const std::set<std::string> types = {"IN",           "MATCH",       "GREATER_EQUAL",
                                              "GREATER_THAN", "LOWER_EQUAL", "LOWER_THAN",
                                              "BETWEEN",      "RANGE"};
  size_t i = 0;
  for (const auto& item : v->as_array()) {
    std::string where = "filtering[" + std::to_string(i++) + "]";
    if (!item.is_object()) throw ApiError{40002, where + ": Not a valid mapping type."};
    const auto& o = item.as_object();
    auto text = [&](const char* key) {
      const json::value* x = o.if_contains(key);
      if (!x) throw ApiError{40002, where + "." + key + ": Missing data for required field."};
      // filter_value is a string even for lists: "[\"STATUS_ALL\"]", not ["STATUS_ALL"].
      if (!x->is_string()) throw ApiError{40002, where + "." + key + ": Not a valid string."};
      return std::string(x->as_string());
    };
    std::string field = text("field_name"), type = text("filter_type"),
                value = text("filter_value");
    if (!types.count(type))
      throw ApiError{40002, where + ".filter_type: Invalid enum value " + type + "."};
    auto need = [&](const char* wanted) {
      if (type != wanted)
        throw ApiError{40002, where + ": filter_type " + type + " is not supported for " + field +
                                  "; use " + wanted + "."};
    };
    if (field == "campaign_ids") {
      need("IN");
      f.campaign_ids = json_string_list(value, where);
    } else if (field == "campaign_status") {
      need("IN");
      f.campaign_status = json_string_list(value, where);
    } else if (field == "campaign_name") {
      need("MATCH");
      f.campaign_name = value;
    } else if (field == "objective_type") {
      need("IN");
      f.objective_types = json_string_list(value, where);
    } else {
      throw ApiError{40002, where + ".field_name: " + field +
                                " is not a supported filter field for this data level."};
    }
  }
  return f;
}

int64_t date_param(const Request& r, const char* name) {
  std::string text = required_text(r, name);
  try {
    return parse_day(text);
  } catch (const std::exception&) {
    throw ApiError{40002, std::string(name) + ": Not a valid date (YYYY-MM-DD)."};
  }
}

}  // namespace

bool is_money_metric(const std::string& m) {
  return money_metrics().count(m) > 0;
}
bool is_attribute_metric(const std::string& m) {
  return attribute_metrics().count(m) > 0;
}
bool is_known_metric(const std::string& m) {
  return money_metrics().count(m) || plain_metrics().count(m) || attribute_metrics().count(m);
}

ReportRequest parse_report_request(State& s, const Request& r, const Token& token) {
  ReportRequest q;
  std::string report_type = required_text(r, "report_type");
  static const std::set<std::string> other_types = {"AUDIENCE", "PLAYABLE_MATERIAL", "CATALOG",
                                                    "BC", "TT_SHOP"};
  if (other_types.count(report_type))
    throw ApiError{40009, "report_type " + report_type + " is not supported in the sandbox."};
  if (report_type != "BASIC")
    throw ApiError{40002, "report_type: Invalid enum value " + report_type + "."};

  std::string service = text_param(r, "service_type").value_or("AUCTION");
  if (service == "RESERVATION")
    throw ApiError{40009, "service_type RESERVATION is not supported in the sandbox."};
  if (service != "AUCTION")
    throw ApiError{40002, "service_type: Invalid enum value " + service + "."};

  std::string level = required_text(r, "data_level");
  if (level == "AUCTION_ADGROUP" || level == "AUCTION_AD" || level.rfind("RESERVATION_", 0) == 0)
    throw ApiError{40009, "data_level " + level + " is not supported in the sandbox."};
  if (level != "AUCTION_CAMPAIGN" && level != "AUCTION_ADVERTISER")
    throw ApiError{40002, "data_level: Invalid enum value " + level + "."};
  q.advertiser_level = level == "AUCTION_ADVERTISER";

  // advertiser_ids (max 5) wins over advertiser_id (notes §1.8).
  std::vector<std::string> ids;
  if (auto many = id_array_param(r, "advertiser_ids")) {
    ids = *many;
    if (ids.empty() || ids.size() > 5)
      throw ApiError{40002, "advertiser_ids: Length must be between 1 and 5."};
  } else {
    ids.push_back(required_text(r, "advertiser_id"));
  }
  for (const auto& id : ids) {
    require_advertiser(token, id);
    const Account* a = s.world().account(Platform::tiktok, id);
    if (!a) throw ApiError{40001, "No permission to operate advertiser " + id + "."};
    if (std::find(q.advertisers.begin(), q.advertisers.end(), a) == q.advertisers.end())
      q.advertisers.push_back(a);
  }

  auto dims = id_array_param(r, "dimensions");
  if (!dims) throw ApiError{40002, "dimensions: Missing data for required field."};
  if (dims->empty()) throw ApiError{40002, "dimensions: Length must be at least 1."};
  for (const auto& d : *dims) {
    if (std::count(dims->begin(), dims->end(), d) > 1)
      throw ApiError{40002, "dimensions: " + d + " is repeated."};
    if (d == "advertiser_id")
      q.dim_advertiser = true;
    else if (d == "campaign_id")
      q.dim_campaign = true;
    else if (d == "stat_time_day")
      q.dim_day = true;
    else if (unemulated_dimensions().count(d))
      throw ApiError{40009, "dimension " + d + " is not supported in the sandbox."};
    else
      throw ApiError{40002, "dimensions: " + d + " is not a valid dimension."};
  }
  if (q.dim_campaign && q.advertiser_level)
    throw ApiError{40002,
                   "dimensions: campaign_id is not available at data_level "
                   "AUCTION_ADVERTISER."};
  if (q.dim_campaign && q.dim_advertiser)
    throw ApiError{40002, "dimensions: at most one ID dimension may be used."};
  q.dimensions = *dims;

  if (auto m = id_array_param(r, "metrics"))
    q.metrics = *m;
  else
    q.metrics = {"spend", "impressions"};  // the default (notes §1.8)
  for (const auto& m : q.metrics) {
    if (!is_known_metric(m)) throw ApiError{40002, "metrics: " + m + " is not a valid metric."};
    bool needs_campaign = m == "campaign_name" || m == "objective_type" || m == "campaign_budget";
    if (needs_campaign && !q.dim_campaign)
      throw ApiError{40002, "metrics: " + m + " requires the campaign_id dimension."};
    if ((m == "advertiser_name" || m == "currency") && !q.dim_campaign && !q.dim_advertiser)
      throw ApiError{40002, "metrics: " + m + " requires an ID dimension."};
  }

  bool lifetime = bool_param(r, "query_lifetime", false);
  if (lifetime) {
    if (q.dim_day) throw ApiError{40002, "query_lifetime cannot be used with a time dimension."};
    q.from = s.world().first_day();
    q.to = s.world().today();
  } else {
    q.from = date_param(r, "start_date");
    q.to = date_param(r, "end_date");
    if (q.to < q.from) throw ApiError{40002, "end_date must not be earlier than start_date."};
    int64_t span = q.to - q.from + 1;
    // 30 days with stat_time_day, 365 without a time dimension (notes §1.8, §4).
    if (q.dim_day && span > 30)
      throw ApiError{40002,
                     "The time range between start_date and end_date cannot exceed 30 "
                     "days when stat_time_day is a dimension."};
    if (!q.dim_day && span > 365)
      throw ApiError{40002,
                     "The time range between start_date and end_date cannot exceed 365 "
                     "days."};
  }

  q.filter = parse_filtering(r);
  if (auto of = text_param(r, "order_field")) {
    if (!is_known_metric(*of) || is_attribute_metric(*of) || *of == "campaign_budget")
      throw ApiError{40002, "order_field: " + *of + " is not a sortable metric."};
    q.order_field = *of;
  }
  std::string order_type = text_param(r, "order_type").value_or("DESC");
  if (order_type != "ASC" && order_type != "DESC")
    throw ApiError{40002, "order_type: Invalid enum value " + order_type + "."};
  q.order_desc = order_type == "DESC";
  q.total_metrics = bool_param(r, "enable_total_metrics", false);
  std::string mode = text_param(r, "query_mode").value_or("REGULAR");
  if (mode == "CHUNK") throw ApiError{40009, "query_mode CHUNK is not supported in the sandbox."};
  if (mode != "REGULAR") throw ApiError{40002, "query_mode: Invalid enum value " + mode + "."};
  bool_param(r, "multi_adv_report_in_utc_time", false);  // type-checked; days are account-local
  q.page = int_param(r, "page", 1, 1, 999999);
  q.page_size = int_param(r, "page_size", 10, 1, 1000);
  return q;
}

}  // namespace connhost::sandbox::tiktok
