#pragma once

// The parameters of GET /open_api/v1.3/report/integrated/get/ (notes §1.8), parsed and checked
// the way TikTok checks them; reports.cpp computes the rows.

#include <optional>
#include <string>
#include <vector>

#include "tiktok/state.hpp"

namespace connhost::sandbox::tiktok {

struct ReportFilter {
  std::optional<std::vector<std::string>> campaign_ids;
  std::vector<std::string> campaign_status = {"STATUS_NOT_DELETE"};  // implicit (notes §1.8)
  std::optional<std::string> campaign_name;
  std::optional<std::vector<std::string>> objective_types;
};

struct ReportRequest {
  std::vector<const Account*> advertisers;
  bool advertiser_level = false;  // AUCTION_ADVERTISER, else AUCTION_CAMPAIGN
  bool dim_advertiser = false, dim_campaign = false, dim_day = false;
  std::vector<std::string> dimensions;  // as requested, for the row's `dimensions` object
  std::vector<std::string> metrics;
  int64_t from = 0, to = 0;  // account-local days, inclusive
  ReportFilter filter;
  std::optional<std::string> order_field;
  bool order_desc = true;
  bool total_metrics = false;
  int64_t page = 1, page_size = 10;
};

ReportRequest parse_report_request(State& s, const Request& r, const Token& token);

// Metrics the sandbox can compute, and which of them are money (for "-" across currencies) or
// attributes (which need an ID dimension).
bool is_known_metric(const std::string& m);
bool is_money_metric(const std::string& m);
bool is_attribute_metric(const std::string& m);

}  // namespace connhost::sandbox::tiktok
