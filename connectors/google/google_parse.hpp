// Google Ads REST and Google OAuth response parsing: pure functions from body text to values.
//
// Nothing here touches the host (no Call, no HTTP): a body goes in, parsed values or a thrown
// connhost::Error::data come out, naming the offending field and the platform's request id. That
// keeps the parser testable on hand-written bodies and lets a libFuzzer target feed it directly.
//
// Wire facts are from shared/platforms/meta-google.md section 4 (Google OAuth 2.0 and the Google
// Ads API REST), which cites the public docs and the google-ads-node v24 protos.
#pragma once

#include <connhost/connector.hpp>

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::google {

// Parses JSON keeping every non-integer number as its exact source text (a json::string), so
// that money is converted from the digits Google sent and never passes through binary floating
// point. Proto3 JSON allows doubles as strings anyway (notes section 4.2, "JSON encoding"), so
// readers treat both alike. Throws Error::data naming `what` and `request_id` when the body is not
// one complete JSON document.
boost::json::value parse_json(std::string_view body, std::string_view what,
                              std::string_view request_id);

// --- value grammar -------------------------------------------------------------------------

// A full decimal integer: optional '-', then digits only, fitting int64. No '+', no spaces, no
// fraction, no exponent.
std::optional<int64_t> parse_int64_text(std::string_view text);

// A JSON number's text (-?digits[.digits][(e|E)[+-]digits]) in units of a currency, converted to
// micros by decimal string arithmetic. Digits beyond the sixth decimal place are rounded half away
// from zero (250.0000005 -> 250000001, -0.0000005 -> -1). Nothing when the text is not such a
// number or the result does not fit int64.
std::optional<int64_t> decimal_to_micros(std::string_view text);

// The same grammar, as the nearest double (std::from_chars, correctly rounded).
std::optional<double> parse_decimal_double(std::string_view text);

// A protobuf Duration in JSON ("60s", "1.5s"), as milliseconds rounded up.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// An ISO 4217 alphabetic code in use (including a few recently withdrawn ones that old accounts
// may still carry); the fund and precious-metal X-codes are not account currencies.
bool is_iso4217(std::string_view code);

// A plausible IANA zone name: "UTC" or Area/Location made of letters, digits, '_', '-', '+', '/'.
bool is_iana_zone_name(std::string_view name);

// "YYYY-MM-DD" naming a real calendar day.
bool is_iso_date(std::string_view text);

// --- OAuth (notes section 4.1) ---------------------------------------------------------------

struct Token {
  std::string access_token;
  int64_t expires_in_s = 0;  // 0: the reply gave none
};
// The JSON reply of POST {oauth}/token with grant_type=refresh_token.
Token parse_token(std::string_view body);

struct OAuthError {
  std::string error;        // "invalid_grant", "invalid_client", ...
  std::string description;  // error_description, may be empty
};
// {"error":"invalid_grant","error_description":"..."}; nothing when the body is not that shape.
std::optional<OAuthError> parse_oauth_error(std::string_view body);

// --- Google Ads errors (notes section 4.3) ---------------------------------------------------

struct AdsErrorDetail {
  std::string kind;     // the errorCode one-of's name: "quotaError", "authorizationError", ...
  std::string code;     // its enum value: "RESOURCE_EXHAUSTED", "USER_PERMISSION_DENIED", ...
  std::string message;  // GoogleAdsError.message
};

struct ApiError {
  int http_status = 0;
  bool parsed = false;  // false: the body was not a google.rpc.Status (HTML from a proxy, empty)
  int code = 0;         // google.rpc.Status.code as sent (the HTTP code it maps to)
  std::string status;   // "INVALID_ARGUMENT", "RESOURCE_EXHAUSTED", ...
  std::string message;  // google.rpc.Status.message
  std::vector<AdsErrorDetail> errors;                    // GoogleAdsFailure.errors
  std::string request_id;                                // GoogleAdsFailure.requestId
  std::optional<std::chrono::milliseconds> retry_delay;  // quotaErrorDetails.retryDelay

  bool has(std::string_view kind, std::string_view code) const;
};

// Reads a google.rpc.Status error body: {"error":{...}} for unary calls, or the same wrapped in a
// JSON array for searchStream. Never throws: a body of another shape gives parsed == false.
ApiError parse_api_error(int http_status, std::string_view body);

// --- Google Ads results (notes section 4.2) --------------------------------------------------

// GET /vNN/customers:listAccessibleCustomers: the customer ids (digits) of "customers/123..."
// resource names.
std::vector<std::string> parse_accessible_customers(std::string_view body,
                                                    std::string_view request_id);

struct Customer {
  std::string id;  // digits
  std::string name;
  std::string currency;   // ISO 4217
  std::string time_zone;  // IANA
};
// :search of "SELECT customer.id, customer.descriptive_name, customer.currency_code,
// customer.time_zone FROM customer": exactly one row, whose id must be `expected_id`.
Customer parse_customer(std::string_view body, std::string_view expected_id,
                        std::string_view request_id);

struct Campaign {
  std::string id;
  std::string name;
  std::string status;                       // ENABLED, PAUSED, REMOVED
  std::optional<std::string> channel_type;  // advertisingChannelType
};
struct CampaignPage {
  std::vector<Campaign> campaigns;
  std::string next_page_token;  // empty on the last page
};
// One :search page of "SELECT campaign.id, campaign.name, campaign.status,
// campaign.advertising_channel_type FROM campaign".
CampaignPage parse_campaign_page(std::string_view body, std::string_view request_id);

struct DailyRow {
  std::string campaign_id;
  std::string date;  // segments.date, the account-local day as Google reports it
  int64_t cost_micros = 0;
  int64_t impressions = 0;
  int64_t clicks = 0;
  double conversions = 0;
  int64_t conversions_value_micros = 0;
};
struct DailyReport {
  std::vector<DailyRow> rows;
  std::string request_id;         // the batches' requestId, else the one passed in
  std::optional<ApiError> error;  // an error element inside the stream array: no rows then
};
// The whole body of one :searchStream answer for the daily campaign query over [from, to]: a JSON
// array of batches, each with results[]. Every row is checked (date inside [from, to], no
// (campaign, date) twice, metrics non-negative and well-formed) before any is returned.
DailyReport parse_daily_stream(std::string_view body, std::string_view from, std::string_view to,
                               std::string_view request_id);

}  // namespace connhost::google
