#include "tiktok_requests.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "tiktok_parse.hpp"

namespace connhost::tiktok {

namespace {

bool version_ok(std::string_view v) {
  if (v.size() < 2 || v[0] != 'v') return false;
  bool digit_run = false;
  for (char c : v.substr(1)) {
    if (c >= '0' && c <= '9') {
      digit_run = true;
    } else if (c == '.' && digit_run) {
      digit_run = false;
    } else {
      return false;
    }
  }
  return digit_run;
}

std::string encode(std::string_view s) {
  // Only unreserved characters stay as they are: JSON text, '+' and '&' in a value all travel
  // percent-encoded, so no server can read them as separators or spaces.
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

}  // namespace

Api Api::make(std::string_view base_url, std::string_view version) {
  auto parsed = boost::urls::parse_absolute_uri(base_url);
  if (!parsed)
    throw connhost::Error::config("base_url '" + std::string(base_url) +
                                  "' is not an absolute URL");
  auto u = *parsed;
  if ((u.scheme() != "https" && u.scheme() != "http") || u.encoded_host().empty() ||
      u.has_query() || u.has_fragment() || u.has_userinfo())
    throw connhost::Error::config("base_url '" + std::string(base_url) +
                                  "' must be http(s)://host[:port][/path]");
  if (!version_ok(version))
    throw connhost::Error::config("api_version '" + std::string(version) +
                                  "' is not of the form v1.3");
  Api api;
  api.base_url = std::string(base_url);
  while (!api.base_url.empty() && api.base_url.back() == '/') api.base_url.pop_back();
  api.version = std::string(version);
  return api;
}

std::string Api::url(std::string_view endpoint, const Query& query) const {
  std::string out = base_url + "/open_api/" + version + "/" + std::string(endpoint);
  char sep = '?';
  for (const auto& [k, v] : query) {
    out += sep;
    out += encode(k);
    out += '=';
    out += encode(v);
    sep = '&';
  }
  return out;
}

std::string json_strings(const std::vector<std::string>& items) {
  boost::json::array a;
  for (const auto& s : items) a.emplace_back(s);
  return boost::json::serialize(a);
}

connhost::HttpRequest get(const Api& api, std::string_view endpoint, const Query& query,
                          std::string_view access_token) {
  connhost::HttpRequest r;
  r.method = "GET";
  r.url = api.url(endpoint, query);
  // §1.1: the header, not Authorization: Bearer, and not the query form of the YML fragments.
  r.headers.emplace_back("Access-Token", std::string(access_token));
  r.headers.emplace_back("Accept", "application/json");
  return r;
}

Query advertiser_get_query(std::string_view app_id, std::string_view app_secret) {
  return {{"app_id", std::string(app_id)}, {"secret", std::string(app_secret)}};
}

Query advertiser_info_query(const std::vector<std::string>& advertiser_ids) {
  return {{"advertiser_ids", json_strings(advertiser_ids)},
          {"fields", json_strings({"advertiser_id", "name", "status", "currency", "timezone",
                                   "display_timezone"})}};
}

Query campaign_get_query(std::string_view advertiser_id, int64_t page) {
  boost::json::object filtering;
  // Airbyte's filter for "deleted campaigns too" (§1.6); the default leaves deleted ones out.
  filtering["secondary_status"] = "CAMPAIGN_STATUS_ALL";
  return {{"advertiser_id", std::string(advertiser_id)},
          {"fields",
           json_strings({"advertiser_id", "campaign_id", "campaign_name", "objective_type",
                         "operation_status", "secondary_status", "create_time", "modify_time"})},
          {"filtering", boost::json::serialize(filtering)},
          {"page", std::to_string(page)},
          {"page_size", std::to_string(kPageSize)}};
}

Query report_query(std::string_view advertiser_id, const Chunk& chunk, int64_t page) {
  std::vector<std::string> metrics(std::begin(kReportMetrics), std::end(kReportMetrics));
  // The report leaves deleted campaigns out unless asked for STATUS_ALL (§1.8); an IN filter's
  // filter_value is itself a JSON array written as a string.
  boost::json::object status_all;
  status_all["field_name"] = "campaign_status";
  status_all["filter_type"] = "IN";
  status_all["filter_value"] = json_strings({"STATUS_ALL"});
  boost::json::array filtering;
  filtering.push_back(std::move(status_all));
  return {{"advertiser_id", std::string(advertiser_id)},
          {"report_type", "BASIC"},
          {"service_type", "AUCTION"},
          {"data_level", "AUCTION_CAMPAIGN"},
          {"dimensions", json_strings({"campaign_id", "stat_time_day"})},
          {"metrics", json_strings(metrics)},
          {"start_date", format_day(chunk.first)},
          {"end_date", format_day(chunk.last)},
          {"filtering", boost::json::serialize(filtering)},
          {"page", std::to_string(page)},
          {"page_size", std::to_string(kPageSize)}};
}

}  // namespace connhost::tiktok
