// report/integrated/get against tiktok.md §1.8: string metrics, stat_time_day format, paging,
// the 30-day limit, the filtering format, the implicit non-deleted filter, restatement, and
// totals equal to the sandbox's ground truth.
#include <algorithm>
#include <map>
#include <set>

#include "tiktok_test_util.hpp"

namespace connhost::sandbox::testing {
namespace {

constexpr const char* kStatusAll =
    "[{\"field_name\":\"campaign_status\",\"filter_type\":\"IN\",\"filter_value\":\"[\\\"STATUS_"
    "ALL\\\"]\"}]";

// "12.34" -> 12340000 micros; "1234" -> 1234000000.
int64_t micros(const std::string& s) {
  auto dot = s.find('.');
  int64_t units = std::stoll(s.substr(0, dot));
  int64_t frac = 0;
  if (dot != std::string::npos) {
    std::string f = s.substr(dot + 1);
    f.resize(6, '0');
    frac = std::stoll(f);
  }
  return units * 1'000'000 + frac;
}

class TikTokReport : public TikTokTest {
 protected:
  Params daily(const std::string& adv, const std::string& from, const std::string& to) {
    return {
        {"advertiser_id", adv},
        {"report_type", "BASIC"},
        {"data_level", "AUCTION_CAMPAIGN"},
        {"dimensions", "[\"campaign_id\",\"stat_time_day\"]"},
        {"metrics",
         "[\"spend\",\"impressions\",\"clicks\",\"ctr\",\"cpc\",\"conversion\","
         "\"complete_payment\",\"total_complete_payment_rate\",\"campaign_name\",\"currency\"]"},
        {"start_date", from},
        {"end_date", to}};
  }
  // Every row of a report, following page_info to the end.
  std::vector<json::object> all_rows(Params p, int page_size) {
    std::vector<json::object> rows;
    p.emplace_back("page_size", std::to_string(page_size));
    for (int page = 1;; ++page) {
      auto q = p;
      q.emplace_back("page", std::to_string(page));
      auto data = data_of(v13_get("report/integrated/get/", q));
      for (const auto& v : data.at("list").as_array()) rows.push_back(v.as_object());
      const auto& info = data.at("page_info").as_object();
      EXPECT_EQ(info.at("page").as_int64(), page);
      if (page >= info.at("total_page").as_int64()) {
        EXPECT_EQ(static_cast<int64_t>(rows.size()), info.at("total_number").as_int64());
        break;
      }
    }
    return rows;
  }
};

TEST_F(TikTokReport, RowShape) {
  auto data =
      data_of(v13_get("report/integrated/get/", daily(advertisers[0], "2026-11-01", "2026-11-20")));
  const auto& info = data.at("page_info").as_object();
  EXPECT_EQ(info.at("page_size").as_int64(), 10);
  const auto& list = data.at("list").as_array();
  ASSERT_EQ(list.size(), 10u);
  for (const auto& v : list) {
    const auto& dims = v.as_object().at("dimensions").as_object();
    EXPECT_TRUE(dims.at("campaign_id").is_string());
    std::string day = s_of(dims, "stat_time_day");
    EXPECT_EQ(day.size(), 19u);
    EXPECT_EQ(day.substr(10), " 00:00:00");
    const auto& m = v.as_object().at("metrics").as_object();
    EXPECT_EQ(m.size(), 10u);
    for (const auto& [k, val] : m) EXPECT_TRUE(val.is_string()) << k;  // metrics are strings
    std::string spend = s_of(m, "spend");
    EXPECT_EQ(spend.size() - spend.find('.'), 3u) << spend;  // USD: two decimals
    EXPECT_EQ(s_of(m, "currency"), "USD");
    // total_complete_payment_rate is a value, not a rate.
    std::string value = s_of(m, "total_complete_payment_rate");
    if (std::stoll(s_of(m, "complete_payment")) > 0) {
      EXPECT_GT(std::stod(value), 1.0);
    }
    int64_t clicks = std::stoll(s_of(m, "clicks"));
    if (clicks == 0) {
      EXPECT_EQ(s_of(m, "cpc"), "0.00");
    } else {
      EXPECT_NEAR(std::stod(s_of(m, "cpc")), std::stod(spend) / clicks, 0.006);
    }
  }
}

TEST_F(TikTokReport, PagesCoverEveryRowOnceAndTotalsMatchTruth) {
  for (const auto& adv : advertisers) {
    auto p = daily(adv, "2026-10-22", "2026-11-20");  // 30 days ending today
    p.emplace_back("filtering", kStatusAll);
    auto rows = all_rows(p, 17);
    std::set<std::pair<std::string, std::string>> keys;
    int64_t spend = 0, impressions = 0, clicks = 0, purchases = 0, value = 0, delivering = 0;
    for (const auto& row : rows) {
      const auto& d = row.at("dimensions").as_object();
      EXPECT_TRUE(keys.insert({s_of(d, "campaign_id"), s_of(d, "stat_time_day")}).second);
      const auto& m = row.at("metrics").as_object();
      spend += micros(s_of(m, "spend"));
      impressions += std::stoll(s_of(m, "impressions"));
      clicks += std::stoll(s_of(m, "clicks"));
      purchases += std::stoll(s_of(m, "complete_payment"));
      value += micros(s_of(m, "total_complete_payment_rate"));
      if (micros(s_of(m, "spend")) > 0 || std::stoll(s_of(m, "impressions")) > 0) ++delivering;
    }
    auto truth = sandbox->truth("tiktok", adv, "2026-10-22", "2026-11-20");
    EXPECT_EQ(spend, truth.total.spend_micros) << adv;
    EXPECT_EQ(impressions, truth.total.impressions);
    EXPECT_EQ(clicks, truth.total.clicks);
    EXPECT_EQ(purchases, truth.total.purchases);
    EXPECT_EQ(value, truth.total.purchase_value_micros);
    EXPECT_EQ(delivering, truth.rows);
    EXPECT_GE(static_cast<int64_t>(rows.size()), truth.rows);  // live days without delivery too
  }
}

TEST_F(TikTokReport, DeletedCampaignsOnlyWithStatusAll) {
  // Find a deleted campaign and the day it stopped.
  std::string adv, campaign, stop_day;
  for (const auto& a : advertisers) {
    auto data = data_of(v13_get(
        "campaign/get/", {{"advertiser_id", a},
                          {"page_size", "100"},
                          {"filtering", "{\"secondary_status\":\"CAMPAIGN_STATUS_DELETE\"}"}}));
    for (const auto& v : data.at("list").as_array()) {
      adv = a;
      campaign = s_of(v, "campaign_id");
      stop_day = s_of(v, "modify_time").substr(0, 10);
    }
  }
  ASSERT_FALSE(campaign.empty()) << "seed 42 has deleted TikTok campaigns";
  auto p = daily(adv, stop_day, stop_day);
  auto has = [&](const Params& q) {
    for (const auto& row : all_rows(q, 1000))
      if (s_of(row.at("dimensions"), "campaign_id") == campaign) return true;
    return false;
  };
  EXPECT_FALSE(has(p));
  p.emplace_back("filtering", kStatusAll);
  EXPECT_TRUE(has(p));
}

TEST_F(TikTokReport, AdvertiserLevelEqualsTruth) {
  auto rows = all_rows({{"advertiser_id", advertisers[1]},
                        {"report_type", "BASIC"},
                        {"data_level", "AUCTION_ADVERTISER"},
                        {"dimensions", "[\"advertiser_id\"]"},
                        {"metrics", "[\"spend\",\"clicks\",\"currency\"]"},
                        {"start_date", "2026-01-01"},
                        {"end_date", "2026-11-20"}},
                       10);
  ASSERT_EQ(rows.size(), 1u);
  auto truth = sandbox->truth("tiktok", advertisers[1], "2026-01-01", "2026-11-20");
  const auto& m = rows[0].at("metrics").as_object();
  EXPECT_EQ(micros(s_of(m, "spend")), truth.total.spend_micros);
  EXPECT_EQ(std::stoll(s_of(m, "clicks")), truth.total.clicks);
  EXPECT_EQ(s_of(m, "currency"), truth.currency);
}

TEST_F(TikTokReport, MixedCurrenciesGiveDash) {
  auto data = data_of(
      v13_get("report/integrated/get/",
              {{"advertiser_ids", "[\"" + advertisers[0] + "\",\"" + advertisers[1] + "\"]"},
               {"report_type", "BASIC"},
               {"data_level", "AUCTION_ADVERTISER"},
               {"dimensions", "[\"stat_time_day\"]"},
               {"metrics", "[\"spend\",\"clicks\"]"},
               {"start_date", "2026-11-19"},
               {"end_date", "2026-11-20"},
               {"enable_total_metrics", "true"}}));
  ASSERT_EQ(data.at("list").as_array().size(), 2u);
  for (const auto& v : data.at("list").as_array()) {
    EXPECT_EQ(s_of(v.at("metrics"), "spend"), "-");
    EXPECT_NE(s_of(v.at("metrics"), "clicks"), "-");
  }
  EXPECT_EQ(s_of(data.at("total_metrics"), "spend"), "-");
}

TEST_F(TikTokReport, RangeLimits) {
  EXPECT_EQ(
      code_of(v13_get("report/integrated/get/", daily(advertisers[0], "2026-10-21", "2026-11-20"))),
      40002);  // 31 days
  EXPECT_EQ(
      code_of(v13_get("report/integrated/get/", daily(advertisers[0], "2026-10-22", "2026-11-20"))),
      0);
  auto life = daily(advertisers[0], "2026-10-22", "2026-11-20");
  life.emplace_back("query_lifetime", "true");
  EXPECT_EQ(code_of(v13_get("report/integrated/get/", life)), 40002);  // not with stat_time_day
  EXPECT_EQ(
      code_of(v13_get("report/integrated/get/", daily(advertisers[0], "2026-11-20", "2026-11-01"))),
      40002);
  EXPECT_EQ(
      code_of(v13_get("report/integrated/get/", daily(advertisers[0], "2026-11-1", "2026-11-20"))),
      40002);
}

TEST_F(TikTokReport, ParameterErrors) {
  auto p = daily(advertisers[0], "2026-11-01", "2026-11-02");
  auto with = [&](const std::string& k, const std::string& v) {
    auto q = p;
    for (auto& [key, val] : q)
      if (key == k) val = v;
    if (std::none_of(q.begin(), q.end(), [&](const auto& e) { return e.first == k; }))
      q.emplace_back(k, v);
    return code_of(v13_get("report/integrated/get/", q));
  };
  EXPECT_EQ(with("dimensions", "campaign_id,stat_time_day"), 40002);  // not JSON
  EXPECT_EQ(with("metrics", "[\"spend\",\"nope\"]"), 40002);
  EXPECT_EQ(with("report_type", "NOPE"), 40002);
  EXPECT_EQ(with("data_level", "AUCTION_AD"), 40009);  // real, not emulated
  EXPECT_EQ(with("page_size", "1001"), 40002);
  // filter_value is a JSON array inside a string, not an array.
  EXPECT_EQ(with("filtering",
                 "[{\"field_name\":\"campaign_status\",\"filter_type\":\"IN\",\"filter_value\":["
                 "\"STATUS_ALL\"]}]"),
            40002);
  EXPECT_EQ(with("filtering", "{\"campaign_ids\":[\"1\"]}"), 40002);  // the campaign/get form
  EXPECT_EQ(with("filtering", kStatusAll), 0);
  EXPECT_EQ(code_of(v13_get("report/integrated/get/", p, "")), 40104);
}

TEST_F(TikTokReport, CampaignIdFilterAndOrdering) {
  std::string id = sandbox->accounts("tiktok")[0].campaign_ids[0];
  auto p = daily(advertisers[0], "2026-11-01", "2026-11-20");
  p.emplace_back(
      "filtering",
      "[{\"field_name\":\"campaign_ids\",\"filter_type\":\"IN\",\"filter_value\":\"[\\\"" + id +
          "\\\"]\"}]");
  p.emplace_back("order_field", "spend");
  p.emplace_back("order_type", "DESC");
  auto rows = all_rows(p, 100);
  ASSERT_FALSE(rows.empty());
  double last = 1e18;
  for (const auto& row : rows) {
    EXPECT_EQ(s_of(row.at("dimensions"), "campaign_id"), id);
    double spend = std::stod(s_of(row.at("metrics"), "spend"));
    EXPECT_LE(spend, last);
    last = spend;
  }
}

TEST_F(TikTokReport, FirstPageRestatesLaterPagesDoNot) {
  auto epoch = [&] {
    auto r = get("/_sandbox/truth?platform=tiktok&account=" + advertisers[0]);
    return obj(r).at("restatement_epoch").as_int64();
  };
  int64_t e0 = epoch();
  auto p = daily(advertisers[0], "2026-11-01", "2026-11-20");
  data_of(v13_get("report/integrated/get/", p));  // page 1 (default)
  EXPECT_EQ(epoch(), e0 + 1);
  auto p2 = p;
  p2.emplace_back("page", "2");
  data_of(v13_get("report/integrated/get/", p2));
  EXPECT_EQ(epoch(), e0 + 1);
}

}  // namespace
}  // namespace connhost::sandbox::testing
