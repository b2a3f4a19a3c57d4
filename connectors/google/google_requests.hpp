// Google Ads REST and OAuth request building: URLs, GAQL queries, bodies. Pure functions.
//
// Paths and bodies follow shared/platforms/meta-google.md section 4.1 (OAuth token endpoint) and
// 4.2 (GoogleAdsService REST: Search and SearchStream); listAccessibleCustomers is the
// CustomerService REST method (GET /vNN/customers:listAccessibleCustomers), which the notes name
// in the project issue but do not detail.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace connhost::google {

struct Endpoints {
  std::string ads_base;    // base_url without a trailing '/'
  std::string version;     // "v24"
  std::string oauth_base;  // oauth_base_url without a trailing '/'
};

std::string strip_trailing_slash(std::string_view url);

// "v" followed by digits.
bool valid_api_version(std::string_view version);

// A customer id as written by people ("123-456-7890") or the API ("1234567890"): the 10 digits,
// or nothing (notes 4.2: "customer_id is 10 digits without hyphens").
std::optional<std::string> normalize_customer_id(std::string_view text);

std::string token_url(const Endpoints& e);
std::string list_accessible_customers_url(const Endpoints& e);
std::string search_url(const Endpoints& e, std::string_view customer_id);
std::string search_stream_url(const Endpoints& e, std::string_view customer_id);

// application/x-www-form-urlencoded body of a refresh_token grant (notes 4.1).
std::string refresh_form(std::string_view client_id, std::string_view client_secret,
                         std::string_view refresh_token);

std::string customer_query();
std::string campaigns_query();
// Days are GAQL date literals, inclusive on both ends (BETWEEN).
std::string daily_query(std::string_view from, std::string_view to);

// {"query": ...} for searchStream, plus "pageToken" for a later :search page.
std::string query_body(std::string_view query, std::string_view page_token = {});

}  // namespace connhost::google
