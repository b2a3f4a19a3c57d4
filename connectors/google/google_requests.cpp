#include "google_requests.hpp"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>

namespace connhost::google {

std::string strip_trailing_slash(std::string_view url) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

bool valid_api_version(std::string_view v) {
  return v.size() >= 2 && v[0] == 'v' &&
         std::all_of(v.begin() + 1, v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::string> normalize_customer_id(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c == '-') continue;
    if (c < '0' || c > '9') return std::nullopt;
    digits += c;
  }
  if (digits.size() != 10) return std::nullopt;
  return digits;
}

std::string token_url(const Endpoints& e) {
  return e.oauth_base + "/token";
}

std::string list_accessible_customers_url(const Endpoints& e) {
  return e.ads_base + "/" + e.version + "/customers:listAccessibleCustomers";
}

std::string search_url(const Endpoints& e, std::string_view customer_id) {
  return e.ads_base + "/" + e.version + "/customers/" + std::string(customer_id) +
         "/googleAds:search";
}

std::string search_stream_url(const Endpoints& e, std::string_view customer_id) {
  return e.ads_base + "/" + e.version + "/customers/" + std::string(customer_id) +
         "/googleAds:searchStream";
}

std::string refresh_form(std::string_view client_id, std::string_view client_secret,
                         std::string_view refresh_token) {
  auto enc = [](std::string_view v) {
    return boost::urls::encode(v, boost::urls::unreserved_chars);
  };
  return "grant_type=refresh_token&client_id=" + enc(client_id) +
         "&client_secret=" + enc(client_secret) + "&refresh_token=" + enc(refresh_token);
}

std::string customer_query() {
  return "SELECT customer.id, customer.descriptive_name, customer.currency_code, "
         "customer.time_zone FROM customer";
}

std::string campaigns_query() {
  // No created/modified time is selected: the campaign resource has no creation or
  // last-modified timestamp field (notes 4.2 list none; change history lives in change_event).
  return "SELECT campaign.id, campaign.name, campaign.status, "
         "campaign.advertising_channel_type FROM campaign";
}

std::string daily_query(std::string_view from, std::string_view to) {
  return "SELECT campaign.id, segments.date, metrics.cost_micros, metrics.impressions, "
         "metrics.clicks, metrics.conversions, metrics.conversions_value FROM campaign "
         "WHERE segments.date BETWEEN '" +
         std::string(from) + "' AND '" + std::string(to) + "'";
}

std::string query_body(std::string_view query, std::string_view page_token) {
  boost::json::object o;
  o["query"] = boost::json::string_view(query.data(), query.size());
  if (!page_token.empty())
    o["pageToken"] = boost::json::string_view(page_token.data(), page_token.size());
  return boost::json::serialize(o);
}

}  // namespace connhost::google
