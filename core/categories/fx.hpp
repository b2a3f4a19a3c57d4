#pragma once

// Foreign exchange: the dated rates file the user supplies, loaded into fx_rates, and the
// monthly report converted to one reporting currency with them.
//
// File: CSV with the header `date,currency,reporting_currency,rate`, one rate per line:
// `2026-10-01,EUR,USD,1.08` means 1 EUR = 1.08 USD on that day. Blank lines are skipped.
//
// Conversion: each campaign-day row is converted with the rate of its own day (a currency into
// itself: rate 1), rounded to whole micros, then summed, so totals are exact sums of integers
// and do not depend on the order rows are read. A row without a rate for its day is left out of
// every converted sum of its group (money and counts alike, so CPA, ROAS and CPC stay
// consistent) and counted in rows_without_rate and in the per-currency list.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class session;
}

namespace connhost::fx {

struct Rate {
  std::string date;  // YYYY-MM-DD
  std::string currency, reporting_currency;
  double rate = 0;
  int line = 0;
};

struct ParseResult {
  std::vector<Rate> rates;          // empty when there is an error
  std::vector<std::string> errors;  // "FILE:LINE: message", in line order
  bool ok() const { return errors.empty(); }
};

ParseResult parse_csv(std::string_view text, std::string_view label);
ParseResult read_csv(const std::filesystem::path& file);

// Upserts every rate in one transaction; returns how many rows were written.
int64_t load_rates(soci::session& sql, const std::vector<Rate>& rates);

bool valid_currency(std::string_view s);  // three capital letters
bool valid_date(std::string_view s);      // YYYY-MM-DD, a real calendar day

struct MonthlyQuery {
  std::string currency;              // the reporting currency
  std::string platform;              // "" for every platform
  std::string from_month, to_month;  // YYYY-MM; empty: everything
  bool by_category = false;
};

struct MonthlyRow {
  std::string month, platform, category;  // category "" unless by_category
  int64_t spend_micros = 0, impressions = 0, clicks = 0;
  double purchases = 0;
  int64_t revenue_micros = 0;
  int64_t rows_without_rate = 0;
};

struct MissingRates {
  std::string currency;
  int64_t rows = 0;
  std::string first_day, last_day;
};

struct MonthlyReport {
  std::vector<MonthlyRow> rows;       // by month, platform, category
  std::vector<MissingRates> missing;  // by currency
  int64_t rows_without_rate() const;
};

MonthlyReport monthly_converted(soci::session& sql, const MonthlyQuery& q);

// Derived metrics from sums; nullopt (printed '-') when the denominator is zero.
std::optional<double> cpa(const MonthlyRow& r);
std::optional<double> roas(const MonthlyRow& r);
std::optional<double> cpc(const MonthlyRow& r);

}  // namespace connhost::fx
