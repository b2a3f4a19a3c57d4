// GET /open_api/v1.3/advertiser/info/ (notes §1.5).
#include <algorithm>
#include <functional>

#include "tiktok/handlers.hpp"

namespace connhost::sandbox::tiktok {
namespace {

// `timezone` is TikTok's fixed-offset zone, `display_timezone` the named one (notes §1.5
// example: "Etc/GMT" and "Europe/London"). Etc/GMT signs are inverted (POSIX): UTC-5 is GMT+5.
std::string fixed_offset_zone(const std::string& iana) {
  static const std::pair<const char*, const char*> zones[] = {
      {"America/New_York", "Etc/GMT+5"},    {"Europe/Berlin", "Etc/GMT-1"},
      {"Europe/London", "Etc/GMT"},         {"Asia/Tokyo", "Etc/GMT-9"},
      {"America/Sao_Paulo", "Etc/GMT+3"},   {"Asia/Seoul", "Etc/GMT-9"},
      {"America/Los_Angeles", "Etc/GMT+8"}, {"Australia/Sydney", "Etc/GMT-10"}};
  for (const auto& [name, fixed] : zones)
    if (iana == name) return fixed;
  return iana;
}

std::string country_of(const std::string& currency) {
  static const std::pair<const char*, const char*> map[] = {
      {"USD", "US"}, {"EUR", "DE"}, {"GBP", "GB"}, {"JPY", "JP"}, {"BRL", "BR"}, {"KRW", "KR"}};
  for (const auto& [cur, country] : map)
    if (currency == cur) return country;
  return "US";
}

using FieldFn = std::function<json::value(const Account&)>;

const std::vector<std::pair<std::string, FieldFn>>& advertiser_fields() {
  static const std::vector<std::pair<std::string, FieldFn>> fields = {
      {"advertiser_id", [](const Account& a) { return json::value(a.id); }},
      {"name", [](const Account& a) { return json::value(a.name); }},
      {"status", [](const Account&) { return json::value("STATUS_ENABLE"); }},
      {"role", [](const Account&) { return json::value("ROLE_ADVERTISER"); }},
      {"rejection_reason", [](const Account&) { return json::value(""); }},
      {"company", [](const Account& a) { return json::value(a.name + " Ltd."); }},
      {"industry", [](const Account&) { return json::value("291905"); }},
      {"address", [](const Account&) { return json::value("1 Sandbox Street"); }},
      {"country", [](const Account& a) { return json::value(country_of(a.currency)); }},
      {"currency", [](const Account& a) { return json::value(a.currency); }},
      {"timezone", [](const Account& a) { return json::value(fixed_offset_zone(a.time_zone)); }},
      {"display_timezone", [](const Account& a) { return json::value(a.time_zone); }},
      {"balance",
       [](const Account& a) {
         // A number, not a string (notes §1.5), in the currency's precision.
         int64_t units = 100 + static_cast<int64_t>(hash_text(a.id) % 20000);
         int64_t micros =
             a.currency_decimals == 0 ? units * 100'000'000 : units * 1'000'000 + 430'000;
         return number_text(money_text(micros, a.currency_decimals));
       }},
      {"create_time", [](const Account& a) { return json::value(a.created_unix); }},  // seconds
      {"contacter", [](const Account&) { return json::value("Sandbox Contact"); }},
      {"email", [](const Account&) { return json::value("ads@example.com"); }},
      {"cellphone_number", [](const Account&) { return json::value("+1*****0100"); }},
      {"telephone_number", [](const Account&) { return json::value(""); }},
      {"language", [](const Account&) { return json::value("en"); }},
      {"license_no", [](const Account&) { return json::value(""); }},
      {"license_url", [](const Account&) { return json::value(nullptr); }},
      {"description", [](const Account&) { return json::value(""); }},
      {"owner_bc_id", [](const Account& a) { return json::value("69" + a.id.substr(2)); }},
      {"advertiser_account_type", [](const Account&) { return json::value("AUCTION"); }},
      {"can_use_custom_identity", [](const Account&) { return json::value(true); }},
      {"ads_only_mode", [](const Account&) { return json::value(false); }},
      {"company_name_editable", [](const Account&) { return json::value(false); }},
  };
  return fields;
}

}  // namespace

Response advertiser_info(State& s, const Request& r) {
  Token t = require_access_token(s, r, kMarketing);
  auto ids = id_array_param(r, "advertiser_ids");
  if (!ids) throw ApiError{40002, "advertiser_ids: Missing data for required field."};
  if (ids->empty() || ids->size() > 100)
    throw ApiError{40002, "advertiser_ids: Length must be between 1 and 100."};
  const auto& all = advertiser_fields();
  std::vector<std::string> wanted;
  if (auto f = json_param(r, "fields")) {
    wanted = string_array(*f, "fields");
    for (const auto& name : wanted)
      if (std::none_of(all.begin(), all.end(), [&](const auto& e) { return e.first == name; }))
        throw ApiError{40002, "fields: " + name + " is not a valid field."};
  }
  json::array list;
  for (const auto& id : *ids) {
    require_advertiser(t, id);
    const Account* a = s.world().account(Platform::tiktok, id);
    if (!a) throw ApiError{40001, "No permission to operate advertiser " + id + "."};
    json::object o;
    for (const auto& [name, fn] : all)
      if (wanted.empty() || std::find(wanted.begin(), wanted.end(), name) != wanted.end())
        o[name] = fn(*a);
    list.push_back(std::move(o));
  }
  return envelope_ok(json::object{{"list", std::move(list)}});
}

}  // namespace connhost::sandbox::tiktok
