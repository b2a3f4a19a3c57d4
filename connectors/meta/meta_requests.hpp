// Meta Graph request building: the connection's settings and every URL and body the reporting
// capability sends. Wire format: shared/platforms/meta-google.md section 1.
#pragma once

#include <connhost/connector.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace meta {

struct Settings {
  std::string base_url;                     // scheme://host[:port][/prefix], no trailing slash
  std::string api_version;                  // "v26.0"
  std::vector<std::string> account_ids;     // digits, without act_; empty: /me/adaccounts
  std::vector<std::string> purchase_types;  // priority order
  int64_t page_size = 500;
  int64_t chunk_days = 30;
  int64_t async_after_days = 31;
  std::chrono::milliseconds async_poll_initial{1000};
  std::chrono::milliseconds async_poll_max{30'000};
  std::chrono::milliseconds async_timeout{3'600'000};
  int64_t async_concurrent_runs = 3;
  std::chrono::milliseconds throttle_default_retry{300'000};
  double usage_pace_pct = 75;
  double usage_stop_pct = 95;
  std::chrono::milliseconds usage_pace_max{5000};

  // Reads and validates the settings; a bad value is Error::config naming the key.
  static Settings from(const connhost::Config& config);
};

// Every URL starts at base_url + "/" + api_version (section 1.1). None carries the token: the
// transport adds it (see authorize) so that no builder can leak it elsewhere.
class Urls {
 public:
  explicit Urls(const Settings& s);

  std::string ad_accounts(int64_t limit) const;       // GET /me/adaccounts
  std::string ad_account(std::string_view id) const;  // GET /act_{id}
  std::string campaigns(std::string_view id, int64_t limit) const;
  // GET /act_{id}/insights, level=campaign, time_increment=1, one time_range.
  std::string insights(std::string_view id, std::string_view since, std::string_view until,
                       int64_t limit) const;
  std::string insights_async(std::string_view id) const;  // POST /act_{id}/insights
  std::string report_run(std::string_view run_id) const;
  std::string report_run_insights(std::string_view run_id, int64_t limit) const;

  // The JSON body of the async POST: the same parameters as the synchronous GET (section 1.5).
  static std::string insights_async_body(std::string_view since, std::string_view until);

  // A paging.next URL (absolute, followed verbatim, section 1.1) after checking that it stays on
  // the configured scheme, host and port; anything else is Error::data, since following it would
  // send the token elsewhere.
  std::string next(std::string_view next_url, std::string_view request_id) const;

  // The URL with access_token in the query, unless it already carries one (Graph's own next
  // links do). The notes only document the token as a parameter (section 1.1: the official SDK
  // always sends it in the query string), so no Authorization header is used.
  static std::string authorize(std::string_view url, std::string_view token);

 private:
  std::string root_;  // base_url + "/" + api_version
  std::string scheme_, host_, port_;
};

// The fields each request lists: Graph returns only `id` unless asked (section 1.1).
inline constexpr std::string_view kAccountFields =
    "id,account_id,name,currency,timezone_name,account_status";
inline constexpr std::string_view kCampaignFields =
    "id,name,status,effective_status,objective,created_time,updated_time";
inline constexpr std::string_view kInsightsFields =
    "campaign_id,spend,impressions,clicks,inline_link_clicks,actions,action_values,date_start,"
    "date_stop,account_currency";
inline constexpr std::string_view kReportRunFields =
    "id,async_status,async_percent_completion,error_code,error_message,error_subcode,"
    "error_user_title,error_user_msg";

}  // namespace meta
