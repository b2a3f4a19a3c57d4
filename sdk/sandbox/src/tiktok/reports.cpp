// GET /open_api/v1.3/report/integrated/get/ (notes §1.8): synchronous BASIC reports at campaign
// and advertiser level, by campaign_id / advertiser_id and stat_time_day.
//
// Which rows appear: every campaign-day on which the campaign was live (from its creation day
// until it was paused or deleted, or today), including live days without delivery, which come
// back as zero rows ("spend":"0.00" ...), as in the notes' §1.8 example. Without stat_time_day a
// campaign (or advertiser) has a row when it was live on at least one day of the range.
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "tiktok/campaign_status.hpp"
#include "tiktok/handlers.hpp"
#include "tiktok/report_request.hpp"

namespace connhost::sandbox::tiktok {
namespace {

struct Row {
  const Account* account = nullptr;    // set when advertiser_id or campaign_id is a dimension
  const Campaign* campaign = nullptr;  // set when campaign_id is a dimension
  int64_t day = -1;                    // set when stat_time_day is a dimension
  DayMetrics m;
  const Account* currency_of = nullptr;  // the one currency summed, or null when mixed
  bool mixed = false;
};

bool live_on(const World& w, const Campaign& c, int64_t day) {
  int64_t created = c.created_unix / 86400;
  int64_t stopped = c.state == CampaignState::active ? w.today() : c.modified_unix / 86400;
  return day >= std::max(created, w.first_day()) && day <= std::min(stopped, w.today());
}

bool passes(const ReportFilter& f, const Campaign& c) {
  if (f.campaign_ids &&
      std::find(f.campaign_ids->begin(), f.campaign_ids->end(), c.id) == f.campaign_ids->end())
    return false;
  if (f.objective_types && std::find(f.objective_types->begin(), f.objective_types->end(),
                                     c.objective) == f.objective_types->end())
    return false;
  if (f.campaign_name && c.name.find(*f.campaign_name) == std::string::npos) return false;
  return std::any_of(f.campaign_status.begin(), f.campaign_status.end(),
                     [&](const std::string& st) { return status_matches(st, c, "filtering"); });
}

// Per-unit money (cpc, cpm, cost per ...): micros divided, written in the currency's precision.
std::string money_ratio(int64_t micros, int64_t count, int decimals, int64_t scale = 1) {
  if (count == 0) return money_text(0, decimals);
  return money_text(
      static_cast<int64_t>(std::llround(static_cast<long double>(micros) * scale / count)),
      decimals);
}

// The metric as TikTok writes it: always a string (notes §1.8).
std::string metric_text(const std::string& name, const Row& row) {
  const DayMetrics& m = row.m;
  if (is_money_metric(name) && row.mixed) return "-";  // across currencies (notes §1.8)
  int d = row.currency_of ? row.currency_of->currency_decimals : 2;
  if (name == "spend" || name == "billed_cost" || name == "cash_spend")
    return money_text(m.spend_micros, d);
  if (name == "voucher_spend") return money_text(0, d);
  if (name == "impressions" || name == "gross_impressions") return std::to_string(m.impressions);
  if (name == "clicks") return std::to_string(m.clicks);
  if (name == "ctr") return ratio_text(m.clicks, m.impressions, 2, 100);  // percent
  if (name == "cpc") return money_ratio(m.spend_micros, m.clicks, d);
  if (name == "cpm") return money_ratio(m.spend_micros, m.impressions, d, 1000);
  if (name == "conversion" || name == "result" || name == "complete_payment")
    return std::to_string(m.purchases);
  if (name == "cost_per_conversion" || name == "cost_per_result" ||
      name == "cost_per_complete_payment")
    return money_ratio(m.spend_micros, m.purchases, d);
  if (name == "conversion_rate" || name == "result_rate" || name == "complete_payment_rate")
    return ratio_text(m.purchases, m.clicks, 2, 100);
  if (name == "value_per_complete_payment")
    return money_ratio(m.purchase_value_micros, m.purchases, d);
  if (name == "complete_payment_roas")
    return ratio_text(m.purchase_value_micros, m.spend_micros, 2);
  // Despite its name, the total value of website payments (notes §1.8).
  if (name == "total_complete_payment_rate") return money_text(m.purchase_value_micros, d);
  if (name == "campaign_name") return row.campaign ? row.campaign->name : "";
  if (name == "objective_type") return row.campaign ? row.campaign->objective : "";
  if (name == "campaign_budget")
    return row.campaign ? money_text(row.campaign->daily_budget_micros, d) : "-";
  if (name == "advertiser_name") return row.account ? row.account->name : "-";
  if (name == "currency") return row.account ? row.account->currency : "-";
  return "-";
}

long double sort_value(const std::string& name, const Row& row) {
  if (is_money_metric(name) && row.mixed) return -INFINITY;
  try {
    return std::stold(metric_text(name, row));
  } catch (const std::exception&) {
    return -INFINITY;
  }
}

void add(Row& row, const DayMetrics& m, const Account* a) {
  row.m += m;
  if (!row.currency_of && !row.mixed)
    row.currency_of = a;
  else if (row.currency_of && row.currency_of->currency != a->currency) {
    row.mixed = true;
    row.currency_of = nullptr;
  }
}

json::object metrics_object(const std::vector<std::string>& metrics, const Row& row) {
  json::object o;
  for (const auto& name : metrics) o[name] = metric_text(name, row);
  return o;
}

}  // namespace

Response report_integrated_get(State& s, const Request& r) {
  Token token = require_access_token(s, r, kMarketing);
  ReportRequest q = parse_report_request(s, r, token);
  static const char* statuses[] = {"STATUS_ALL", "STATUS_NOT_DELETE", "STATUS_DELETE",
                                   "STATUS_DELIVERY_OK", "STATUS_DISABLE"};
  for (const auto& st : q.filter.campaign_status)
    if (std::find(std::begin(statuses), std::end(statuses), st) == std::end(statuses))
      throw ApiError{40002, "filtering: Invalid enum value " + st + " for campaign_status."};

  World& w = s.world();
  // A read starts on its first page; later pages see the same restated numbers.
  if (q.page == 1)
    for (const Account* a : q.advertisers) w.restate(Platform::tiktok, a->id);

  using Key = std::tuple<int, int, int64_t>;  // advertiser, campaign, day; -1 when not a dim
  std::map<Key, Row> rows;
  Row total;
  for (size_t ai = 0; ai < q.advertisers.size(); ++ai) {
    const Account* a = q.advertisers[ai];
    auto campaigns = w.campaigns(Platform::tiktok, a->id);
    for (size_t ci = 0; ci < campaigns.size(); ++ci) {
      const Campaign& c = *campaigns[ci];
      // At advertiser level every campaign counts; the campaign filters apply below it.
      if (!q.advertiser_level && !passes(q.filter, c)) continue;
      for (int64_t day = q.from; day <= q.to; ++day) {
        if (!live_on(w, c, day)) continue;
        Key key{q.dim_advertiser || q.dim_campaign ? static_cast<int>(ai) : -1,
                q.dim_campaign ? static_cast<int>(ci) : -1, q.dim_day ? day : -1};
        Row& row = rows[key];
        if (q.dim_advertiser || q.dim_campaign) row.account = a;
        if (q.dim_campaign) row.campaign = &c;
        row.day = q.dim_day ? day : -1;
        DayMetrics m = w.metrics(Platform::tiktok, c, day);
        add(row, m, a);
        add(total, m, a);
      }
    }
  }

  std::vector<const Row*> ordered;
  for (const auto& [key, row] : rows) ordered.push_back(&row);
  if (q.order_field) {
    std::stable_sort(ordered.begin(), ordered.end(), [&](const Row* x, const Row* y) {
      long double a = sort_value(*q.order_field, *x), b = sort_value(*q.order_field, *y);
      return q.order_desc ? a > b : a < b;
    });
  }

  int64_t count = static_cast<int64_t>(ordered.size());
  json::array list;
  for (int64_t i = (q.page - 1) * q.page_size; i < std::min(count, q.page * q.page_size); ++i) {
    const Row& row = *ordered[i];
    json::object dims;
    for (const auto& d : q.dimensions) {
      if (d == "advertiser_id")
        dims[d] = row.account->id;
      else if (d == "campaign_id")
        dims[d] = row.campaign->id;
      else if (d == "stat_time_day")
        dims[d] = format_day(row.day) + " 00:00:00";
    }
    list.push_back(
        json::object{{"dimensions", std::move(dims)}, {"metrics", metrics_object(q.metrics, row)}});
  }
  json::object data;
  data["page_info"] = json::object{{"page", q.page},
                                   {"page_size", q.page_size},
                                   {"total_number", count},
                                   {"total_page", (count + q.page_size - 1) / q.page_size}};
  data["list"] = std::move(list);
  if (q.total_metrics) {
    std::vector<std::string> summable;
    for (const auto& m : q.metrics)
      if (!is_attribute_metric(m)) summable.push_back(m);
    data["total_metrics"] = metrics_object(summable, total);
  }
  return envelope_ok(std::move(data));
}

}  // namespace connhost::sandbox::tiktok
