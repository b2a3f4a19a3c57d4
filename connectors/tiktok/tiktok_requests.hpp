// Request building for the Marketing API (tiktok.md §1.1): GET with every parameter in the query,
// arrays and objects as JSON text, URL-encoded; the token in the Access-Token header.
#pragma once

#include <connhost/connector.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tiktok_window.hpp"

namespace connhost::tiktok {

using Query = std::vector<std::pair<std::string, std::string>>;

// Where the Marketing API lives: checked once when the connection is created.
struct Api {
  std::string base_url;  // scheme://host[:port][/prefix], no trailing slash
  std::string version;   // "v1.3"

  // Throws Error::config for a base_url that is not an absolute http(s) URL without query or
  // fragment, or a version that is not of the form v<digits>[.<digits>]...
  static Api make(std::string_view base_url, std::string_view version);

  // <base>/open_api/<version>/<endpoint>?<query>, every value percent-encoded.
  std::string url(std::string_view endpoint, const Query& query) const;
};

// A JSON array of strings, as text: ["a","b"].
std::string json_strings(const std::vector<std::string>& items);

// A GET with the Access-Token header. The token never goes into the URL.
connhost::HttpRequest get(const Api& api, std::string_view endpoint, const Query& query,
                          std::string_view access_token);

// oauth2/advertiser/get/ (§1.4). The app secret is a query parameter there: the platform takes it
// nowhere else. The host masks it in its logs because it was read through Call::secret.
Query advertiser_get_query(std::string_view app_id, std::string_view app_secret);

// advertiser/info/ (§1.5) for up to kInfoBatch advertisers.
inline constexpr size_t kInfoBatch = 100;
Query advertiser_info_query(const std::vector<std::string>& advertiser_ids);

inline constexpr int kPageSize = 1000;  // the maximum for both paged endpoints (§1.6, §1.8)

// campaign/get/ (§1.6): every campaign, deleted ones included (CAMPAIGN_STATUS_ALL).
Query campaign_get_query(std::string_view advertiser_id, int64_t page);

// report/integrated/get/ (§1.8): BASIC, AUCTION_CAMPAIGN, by campaign_id and stat_time_day over
// [chunk.first, chunk.last] (advertiser-local days), deleted campaigns included (STATUS_ALL).
Query report_query(std::string_view advertiser_id, const Chunk& chunk, int64_t page);

}  // namespace connhost::tiktok
