// Parsers of TikTok Marketing API answers (tiktok.md §1): body text in, typed values out, or a
// thrown connhost::Error. Pure functions with no Call or ABI dependency, so unit tests and a
// libFuzzer target can feed them directly.
//
// Every data error names the endpoint, the platform's request_id (when the body got that far)
// and the offending field as a JSON path, e.g.
//   "TikTok report/integrated/get/ (request_id 2024...): data.list[3].metrics.spend: negative"
// A page is parsed whole before anything is returned, so a caller never sees half a page.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::tiktok {

// Endpoint paths below /open_api/<version>/ (tiktok.md §1.1: they always end in a slash).
inline constexpr std::string_view kAdvertiserGet = "oauth2/advertiser/get/";
inline constexpr std::string_view kAdvertiserInfo = "advertiser/info/";
inline constexpr std::string_view kCampaignGet = "campaign/get/";
inline constexpr std::string_view kReport = "report/integrated/get/";

// Where a value came from, for error messages.
struct Where {
  std::string_view endpoint;
  std::string_view request_id;
};

[[noreturn]] void bad_field(const Where& at, std::string_view field, std::string_view problem);

// {code, message, request_id, data} (tiktok.md §1.2).
struct Envelope {
  int64_t code = 0;
  std::string message;
  std::string request_id;
  boost::json::value data;  // an object when code == 0
};

// The envelope of any Marketing API answer. Throws Error::data for a body that is not JSON, not
// an object, or lacks an integer `code` (or, with code 0, an object `data`). A non-zero code is
// returned, not thrown: see check_code.
Envelope parse_envelope(std::string_view body, std::string_view endpoint);

// Throws the error a non-zero code means (tiktok_errors.hpp); returns for code 0.
void check_code(const Envelope& envelope, std::string_view endpoint, int64_t now_ms);

// --- values --------------------------------------------------------------------------------

// A decimal in the strict form [0-9]+(.[0-9]+)? (a leading '-' is recognised only to report a
// negative value) as micros, by string arithmetic: "12.34" -> 12340000. More than six decimal
// places that are not zeros cannot be held exactly and are refused, as are values that overflow.
int64_t decimal_micros(const Where& at, std::string_view field, std::string_view text);
// A non-negative whole number in the same form; "116.0" is accepted (v1.2 sent counts so).
int64_t decimal_count(const Where& at, std::string_view field, std::string_view text);
// A non-negative decimal as a double (purchases: the stream's column is a double).
double decimal_double(const Where& at, std::string_view field, std::string_view text);

// The text of a metric value: a JSON string as is, a JSON number written back in plain decimal
// (the notes say numbers must be tolerated, §1.8), or nothing for TikTok's "-" placeholder. A
// double is written in the shortest form that reads back as the same double, which recovers the
// decimal the platform wrote for any value of up to 15 significant digits.
std::optional<std::string> metric_text(const Where& at, std::string_view field,
                                       const boost::json::value& v);

// "YYYY-MM-DD HH:MM:SS", UTC (tiktok.md §1.6), as Unix milliseconds.
int64_t datetime_utc_ms(const Where& at, std::string_view field, std::string_view text);
// stat_time_day "YYYY-MM-DD 00:00:00" (tiktok.md §1.8) as the day "YYYY-MM-DD".
std::string stat_day(const Where& at, std::string_view field, std::string_view text);

bool is_iso_currency(std::string_view code);
// An IANA zone name by its shape: "Etc/GMT", "America/Los_Angeles", "UTC", "Etc/GMT-8".
bool is_zone_name(std::string_view name);

// --- endpoints -----------------------------------------------------------------------------

struct PageInfo {
  int64_t page = 0;
  int64_t page_size = 0;
  int64_t total_number = 0;
  int64_t total_page = 0;
};

// oauth2/advertiser/get/ (tiktok.md §1.4): data.list[] {advertiser_id, advertiser_name}.
struct AuthorizedAdvertiser {
  std::string id;
  std::string name;
};
std::vector<AuthorizedAdvertiser> parse_authorized_advertisers(const Envelope& envelope);

// advertiser/info/ (tiktok.md §1.5): data.list[].
struct AdvertiserInfo {
  std::string id;
  std::string name;
  std::string currency;   // ISO 4217, checked
  std::string time_zone;  // `timezone`, else `display_timezone`
  std::optional<std::string> status;
};
std::vector<AdvertiserInfo> parse_advertiser_info(const Envelope& envelope);

// campaign/get/ (tiktok.md §1.6): data {list, page_info}.
struct Campaign {
  std::string id;
  std::string name;
  std::string status;  // operation_status, else secondary_status
  std::optional<std::string> objective;
  std::optional<int64_t> created_ms;
  std::optional<int64_t> modified_ms;
};
struct CampaignPage {
  PageInfo page_info;
  std::vector<Campaign> campaigns;
};
// Rows that name another advertiser than `advertiser_id` are a data error.
CampaignPage parse_campaigns(const Envelope& envelope, std::string_view advertiser_id);

// report/integrated/get/ at AUCTION_CAMPAIGN by campaign_id and stat_time_day (tiktok.md §1.8).
struct DailyMetrics {
  std::string campaign_id;
  std::string date;  // "YYYY-MM-DD", the advertiser's day as reported
  int64_t spend_micros = 0;
  int64_t impressions = 0;
  int64_t clicks = 0;
  double purchases = 0;               // complete_payment
  int64_t purchase_value_micros = 0;  // total_complete_payment_rate (a value despite its name)
};
struct ReportPage {
  PageInfo page_info;
  std::vector<DailyMetrics> rows;
  int placeholders = 0;  // "-" values read as zero
};
// The metrics the parser needs, in the order the request names them.
inline constexpr std::string_view kReportMetrics[] = {
    "spend", "impressions", "clicks", "complete_payment", "total_complete_payment_rate"};
ReportPage parse_report(const Envelope& envelope);

// Body to page in one step (envelope, code, data), as a fuzz target or a test uses them.
ReportPage parse_report_body(std::string_view body, int64_t now_ms = 0);
CampaignPage parse_campaigns_body(std::string_view body, std::string_view advertiser_id,
                                  int64_t now_ms = 0);
std::vector<AdvertiserInfo> parse_advertiser_info_body(std::string_view body, int64_t now_ms = 0);
std::vector<AuthorizedAdvertiser> parse_authorized_advertisers_body(std::string_view body,
                                                                    int64_t now_ms = 0);

}  // namespace connhost::tiktok
