// Meta Graph / Marketing API response parsing: pure functions, body text in, values out, or a
// thrown connhost::Error naming the offending field and the platform's request id. Nothing here
// touches the host (no Call, no I/O), so tests and a libFuzzer target can feed it directly.
//
// Wire format: shared/platforms/meta-google.md section 1 (the sections are cited where used).
#pragma once

#include <connhost/connector.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meta {

// --- Scalars ----------------------------------------------------------------------------------

// A decimal money string ("123.45", "7", "0.000001") in the account currency's units, as Graph
// sends spend and action values (section 1.3), converted to micros by string arithmetic. More
// than six non-zero fractional digits cannot be represented exactly and are refused, as are
// signs, exponents, blanks and overflow. `field` and `request_id` only make the error precise.
int64_t money_micros(std::string_view text, std::string_view field, std::string_view request_id);

// A non-negative integer count sent as a numeric string ("10234").
int64_t count(std::string_view text, std::string_view field, std::string_view request_id);

// A non-negative decimal ("7", "2.5"), e.g. an action count.
double decimal(std::string_view text, std::string_view field, std::string_view request_id);

// "YYYY-MM-DD" that names a real calendar day; returns days since 1970-01-01.
std::optional<int64_t> day_number(std::string_view text);
std::string day_text(int64_t day_number);

// Graph datetimes ("2026-01-11T12:30:14+0000"; also "+00:00" and "Z") to Unix milliseconds.
std::optional<int64_t> graph_time_ms(std::string_view text);

// ISO 4217 active codes (the list Meta accounts may be set in is a subset of these).
bool is_currency(std::string_view code);

// --- Errors and throttling (sections 1.6 and 1.7) ---------------------------------------------

struct GraphError {
  int64_t code = 0;
  int64_t subcode = 0;
  std::string type;
  std::string message;
  std::string fbtrace_id;
  bool is_transient = false;
};

// The {"error":{...}} envelope, when the body holds one.
std::optional<GraphError> error_envelope(std::string_view body);

// The usage headers, every counter a percentage (section 1.7). A header that is missing or does
// not parse contributes nothing: usage only tunes pacing, it must never fail a sync.
struct Usage {
  double max_pct = 0;                 // the highest counter over every header
  std::string max_counter;            // which one, for logs ("x-app-usage.call_count")
  int64_t regain_minutes = 0;         // max estimated_time_to_regain_access (BUC), minutes
  int64_t account_reset_seconds = 0;  // X-Ad-Account-Usage reset_time_duration, seconds
  double account_pct = 0;             // X-Ad-Account-Usage acc_id_util_pct
};
struct UsageHeaders {
  std::optional<std::string_view> app;       // X-App-Usage
  std::optional<std::string_view> account;   // X-Ad-Account-Usage
  std::optional<std::string_view> buc;       // X-Business-Use-Case-Usage
  std::optional<std::string_view> insights;  // X-FB-Ads-Insights-Throttle
};
Usage parse_usage(const UsageHeaders& headers);

// How long to stay away once throttled (no Retry-After exists, section 1.7): the largest
// estimated_time_to_regain_access of the business use cases; else the ad account's
// reset_time_duration when its own counter is at or above `stop_pct`; else `fallback`.
std::chrono::milliseconds regain_after(const Usage& usage, double stop_pct,
                                       std::chrono::milliseconds fallback);

// What a rising counter means for the next request (checked before it is sent).
struct Pace {
  std::chrono::milliseconds sleep{0};  // pause before the request
  bool stop = false;                   // at or above stop_pct: fail with quota instead
};
// Between pace_pct and stop_pct the pause grows linearly from 0 to max_sleep.
Pace pace_for(const Usage& usage, double pace_pct, double stop_pct,
              std::chrono::milliseconds max_sleep);

// Section 1.6 / 1.7: which error codes mean "wait" and which mean "the token is bad".
bool is_throttle_code(int64_t code);
bool is_token_code(int64_t code);

// The category error for a Graph error envelope (also used for failed async report runs).
connhost::Error classify_envelope(const GraphError& error, int status, const Usage& usage,
                                  double stop_pct, std::chrono::milliseconds throttle_fallback,
                                  std::string_view header_trace_id, std::string_view what);

// The category error for a Graph answer that is not a success (status >= 300, or any body with an
// error envelope). The message names Meta's code, subcode and fbtrace_id, never a token.
connhost::Error classify(int status, std::string_view body, const Usage& usage, double stop_pct,
                         std::chrono::milliseconds throttle_fallback,
                         std::string_view header_trace_id, std::string_view what);

// --- Pages (section 1.1: data + paging; the end is only the absence of paging.next) ------------

struct Account {
  std::string account_id;  // digits, without act_
  std::string name;
  std::string currency;
  std::string time_zone;
  std::optional<std::string> status;  // account_status as Graph writes it
};

struct Campaign {
  std::string id;
  std::string name;
  std::string status;
  std::optional<std::string> objective;
  std::optional<int64_t> created_ms;
  std::optional<int64_t> updated_ms;
};

struct DailyRow {
  std::string date;  // account-local, as Graph reports it
  std::string campaign_id;
  int64_t spend_micros = 0;
  int64_t impressions = 0;
  int64_t clicks = 0;
  std::optional<int64_t> link_clicks;
  double purchases = 0;
  int64_t purchase_value_micros = 0;
  std::optional<std::string> currency;  // account_currency, when Graph sent it
};

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next;  // paging.next, absolute, verbatim
};

Account parse_account(std::string_view body, std::string_view request_id);
Page<Account> parse_accounts_page(std::string_view body, std::string_view request_id);
Page<Campaign> parse_campaigns_page(std::string_view body, std::string_view request_id);

// One page of /insights at level=campaign, time_increment=1. Every row must be a single day
// inside [since, until] (day numbers). Purchases come from `actions` by `purchase_types` in
// priority order, the first type present wins, never summed (section 1.4); see the .cpp for the
// rule that pairs the value from `action_values`.
Page<DailyRow> parse_insights_page(std::string_view body, std::string_view request_id,
                                   const std::vector<std::string>& purchase_types, int64_t since,
                                   int64_t until);

// Picks the purchase count and value of one row (exposed for tests).
struct ActionStat {
  std::string type;
  std::string value;
};
struct Purchases {
  double count = 0;
  int64_t value_micros = 0;
  std::optional<std::string> type;  // the chosen action_type
};
Purchases pick_purchases(const std::vector<ActionStat>& actions,
                         const std::vector<ActionStat>& action_values,
                         const std::vector<std::string>& priority, std::string_view where,
                         std::string_view request_id);

// Async report runs (section 1.5).
std::string parse_report_run_id(std::string_view body, std::string_view request_id);

struct ReportRun {
  std::string id;
  std::string async_status;
  int64_t percent = 0;
  std::optional<int64_t> error_code;
  std::optional<int64_t> error_subcode;
  std::string error_message;
};
ReportRun parse_report_run(std::string_view body, std::string_view request_id);

// The error for a run that ended "Job Failed" or "Job Skipped": its error fields (v25+) name the
// cause. Token and throttle codes keep their categories; anything else is transient, since a
// failed job is asked again with the chunk.
connhost::Error report_run_failed(const ReportRun& run, std::string_view trace_id,
                                  const Usage& usage, double stop_pct,
                                  std::chrono::milliseconds throttle_fallback,
                                  std::string_view what);

}  // namespace meta
