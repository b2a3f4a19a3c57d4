// GET /open_api/v1.3/campaign/get/ (notes §1.6): fields, filtering, page/page_size, page_info.
#include <algorithm>
#include <cctype>
#include <functional>

#include "tiktok/campaign_status.hpp"
#include "tiktok/handlers.hpp"

namespace connhost::sandbox::tiktok {
namespace {

using FieldFn = std::function<json::value(const Campaign&, const Account&)>;

json::value null_value() {
  return json::value(nullptr);
}

const std::vector<std::pair<std::string, FieldFn>>& campaign_fields() {
  static const std::vector<std::pair<std::string, FieldFn>> fields = {
      {"advertiser_id",
       [](const Campaign& c, const Account&) { return json::value(c.account_id); }},
      {"campaign_id", [](const Campaign& c, const Account&) { return json::value(c.id); }},
      {"campaign_name", [](const Campaign& c, const Account&) { return json::value(c.name); }},
      {"campaign_type",
       [](const Campaign&, const Account&) { return json::value("REGULAR_CAMPAIGN"); }},
      {"campaign_system_origin",
       [](const Campaign&, const Account&) { return json::value("TT_ADS_PLATFORM"); }},
      {"objective_type",
       [](const Campaign& c, const Account&) { return json::value(c.objective); }},
      {"objective",
       [](const Campaign& c, const Account&) {
         return json::value(c.objective == "APP_PROMOTION" ? "APP" : "LANDING_PAGE");
       }},
      {"budget",
       [](const Campaign& c, const Account& a) {
         // A number (notes §1.6), e.g. 50.0; the currency's precision.
         std::string text = money_text(c.daily_budget_micros, a.currency_decimals);
         if (text.find('.') == std::string::npos) text += ".0";
         return number_text(text);
       }},
      {"budget_mode",
       [](const Campaign&, const Account&) { return json::value("BUDGET_MODE_DAY"); }},
      {"operation_status",
       [](const Campaign& c, const Account&) { return json::value(operation_status(c)); }},
      {"secondary_status",
       [](const Campaign& c, const Account&) { return json::value(secondary_status(c)); }},
      {"create_time", [](const Campaign& c,
                         const Account&) { return json::value(datetime_text(c.created_unix)); }},
      {"modify_time", [](const Campaign& c,
                         const Account&) { return json::value(datetime_text(c.modified_unix)); }},
      {"is_smart_performance_campaign",
       [](const Campaign&, const Account&) { return json::value(false); }},
      {"is_search_campaign", [](const Campaign&, const Account&) { return json::value(false); }},
      {"is_new_structure", [](const Campaign&, const Account&) { return json::value(true); }},
      {"budget_optimize_on", [](const Campaign&, const Account&) { return json::value(false); }},
      {"app_id", [](const Campaign&, const Account&) { return null_value(); }},
      {"app_promotion_type", [](const Campaign&, const Account&) { return json::value("UNSET"); }},
      {"virtual_objective_type", [](const Campaign&, const Account&) { return null_value(); }},
      {"sales_destination", [](const Campaign&, const Account&) { return null_value(); }},
      {"campaign_product_source", [](const Campaign&, const Account&) { return null_value(); }},
      {"bid_type", [](const Campaign&, const Account&) { return null_value(); }},
      {"deep_bid_type", [](const Campaign&, const Account&) { return null_value(); }},
      {"roas_bid", [](const Campaign&, const Account&) { return null_value(); }},
      {"optimization_goal", [](const Campaign&, const Account&) { return null_value(); }},
      {"postback_window_mode", [](const Campaign&, const Account&) { return null_value(); }},
      {"rta_id", [](const Campaign&, const Account&) { return null_value(); }},
      {"rta_bid_enabled", [](const Campaign&, const Account&) { return json::value(false); }},
      {"rta_product_selection_enabled",
       [](const Campaign&, const Account&) { return json::value(false); }},
      {"is_advanced_dedicated_campaign",
       [](const Campaign&, const Account&) { return json::value(false); }},
      {"disable_skan_campaign", [](const Campaign&, const Account&) { return null_value(); }},
      {"bid_align_type", [](const Campaign&, const Account&) { return null_value(); }},
      {"campaign_app_profile_page_state",
       [](const Campaign&, const Account&) { return null_value(); }},
      {"special_industries",
       [](const Campaign&, const Account&) { return json::value(json::array{}); }},
      {"rf_campaign_type", [](const Campaign&, const Account&) { return json::value("STANDARD"); }},
      {"po_number", [](const Campaign&, const Account&) { return null_value(); }},
  };
  return fields;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct Filter {
  std::optional<std::vector<std::string>> ids;
  std::optional<std::string> name;
  std::string secondary_status = "CAMPAIGN_STATUS_NOT_DELETE";  // the default (notes §1.6)
  std::optional<std::string> primary_status;
  std::optional<std::string> objective_type;
  std::optional<int64_t> created_from, created_to;
};

std::string filter_text(const json::value& v, const std::string& key) {
  if (!v.is_string()) throw ApiError{40002, "filtering." + key + ": Not a valid string."};
  return std::string(v.as_string());
}

Filter parse_filter(const Request& r) {
  Filter f;
  auto v = json_param(r, "filtering");
  if (!v) return f;
  if (!v->is_object()) throw ApiError{40002, "filtering: Not a valid mapping type."};
  // Accepted keys (notes §1.6); those the sandbox's campaigns cannot differ in are accepted and
  // checked only for type, anything else is refused as TikTok refuses unknown fields.
  static const char* passive[] = {"campaign_system_origins",
                                  "campaign_type",
                                  "buying_types",
                                  "is_smart_performance_campaign",
                                  "split_test_enabled",
                                  "campaign_product_source",
                                  "optimization_goal",
                                  "sales_destination",
                                  "creative_campaign_type",
                                  "gmv_max_promotion_types",
                                  "store_ids"};
  for (const auto& [key, val] : v->as_object()) {
    std::string k(key);
    if (k == "campaign_ids") {
      f.ids = string_array(val, "filtering.campaign_ids");
      if (f.ids->empty() || f.ids->size() > 100)
        throw ApiError{40002, "filtering.campaign_ids: Length must be between 1 and 100."};
    } else if (k == "campaign_name") {
      f.name = filter_text(val, k);
    } else if (k == "secondary_status") {
      f.secondary_status = filter_text(val, k);
      if (!known_secondary_status(f.secondary_status))
        throw ApiError{
            40002, "filtering.secondary_status: Invalid enum value " + f.secondary_status + "."};
    } else if (k == "primary_status") {
      f.primary_status = filter_text(val, k);
    } else if (k == "objective_type") {
      f.objective_type = filter_text(val, k);
    } else if (k == "creation_filter_start_time" || k == "creation_filter_end_time") {
      auto t = parse_datetime(filter_text(val, k));
      if (!t)
        throw ApiError{40002, "filtering." + k + ": Not a valid datetime (YYYY-MM-DD HH:MM:SS)."};
      (k == "creation_filter_start_time" ? f.created_from : f.created_to) = *t;
    } else if (std::find_if(std::begin(passive), std::end(passive),
                            [&](const char* p) { return k == p; }) == std::end(passive)) {
      throw ApiError{40002, "filtering." + k + ": Unknown field."};
    }
  }
  return f;
}

bool matches(const Filter& f, const Campaign& c) {
  if (f.ids && std::find(f.ids->begin(), f.ids->end(), c.id) == f.ids->end()) return false;
  if (f.name && lower(c.name).find(lower(*f.name)) == std::string::npos) return false;  // fuzzy
  if (f.objective_type && c.objective != *f.objective_type) return false;
  if (!secondary_status_matches(f.secondary_status, c)) return false;
  if (f.primary_status && !primary_status_matches(*f.primary_status, c)) return false;
  if (f.created_from && c.created_unix < *f.created_from) return false;
  if (f.created_to && c.created_unix > *f.created_to) return false;
  return true;
}

}  // namespace

Response campaign_get(State& s, const Request& r) {
  Token t = require_access_token(s, r, kMarketing);
  std::string advertiser_id = required_text(r, "advertiser_id");
  require_advertiser(t, advertiser_id);
  const Account* account = s.world().account(Platform::tiktok, advertiser_id);
  if (!account) throw ApiError{40001, "No permission to operate advertiser " + advertiser_id + "."};

  const auto& all = campaign_fields();
  std::vector<std::string> wanted;
  if (auto f = json_param(r, "fields")) {
    wanted = string_array(*f, "fields");
    for (const auto& name : wanted)
      if (std::none_of(all.begin(), all.end(), [&](const auto& e) { return e.first == name; }))
        throw ApiError{40002, "fields: " + name + " is not a valid field."};
  }
  bool drop_nulls = false;
  if (auto ex = json_param(r, "exclude_field_types_in_response")) {
    for (const auto& x : string_array(*ex, "exclude_field_types_in_response")) {
      if (x != "NULL_FIELD")
        throw ApiError{40002, "exclude_field_types_in_response: Invalid enum value " + x + "."};
      drop_nulls = true;
    }
  }
  Filter filter = parse_filter(r);
  int64_t page = int_param(r, "page", 1, 1, 999999);
  int64_t page_size = int_param(r, "page_size", 10, 1, 1000);

  std::vector<const Campaign*> rows;
  for (const auto* c : s.world().campaigns(Platform::tiktok, advertiser_id))
    if (matches(filter, *c)) rows.push_back(c);
  // Newest first, as Ads Manager lists them; ties broken by id so pages never overlap.
  std::stable_sort(rows.begin(), rows.end(), [](const Campaign* a, const Campaign* b) {
    return a->created_unix != b->created_unix ? a->created_unix > b->created_unix : a->id < b->id;
  });

  json::array list;
  int64_t total = static_cast<int64_t>(rows.size());
  for (int64_t i = (page - 1) * page_size; i < std::min(total, page * page_size); ++i) {
    json::object o;
    for (const auto& [name, fn] : all) {
      if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), name) == wanted.end())
        continue;
      json::value v = fn(*rows[i], *account);
      if (drop_nulls && v.is_null()) continue;
      o[name] = std::move(v);
    }
    list.push_back(std::move(o));
  }
  return envelope_ok(json::object{
      {"list", std::move(list)},
      {"page_info", json::object{{"page", page},
                                 {"page_size", page_size},
                                 {"total_number", total},
                                 {"total_page", (total + page_size - 1) / page_size}}}});
}

}  // namespace connhost::sandbox::tiktok
