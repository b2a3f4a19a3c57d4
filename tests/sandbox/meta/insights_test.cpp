// Ads Insights (§1.3-§1.5): row shape, paging to the end, the end-to-end truth check with the
// §1.4 purchase pick, restatement per read, the size limits, and the async report-run flow.
#include <boost/url.hpp>

#include <regex>
#include <set>

#include "meta_test_util.hpp"

namespace connhost::sandbox::testing {
namespace {

const std::string kRange = R"({"since":"2026-09-01","until":"2026-11-19"})";
const std::string kFields =
    "campaign_id,campaign_name,spend,impressions,clicks,inline_link_clicks,cpc,actions,"
    "action_values,date_start,date_stop";

std::string enc(const std::string& s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

// "123.45" -> 123450000
int64_t micros(const std::string& s) {
  auto dot = s.find('.');
  int64_t whole = std::stoll(s.substr(0, dot));
  std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  frac.resize(6, '0');
  return whole * 1'000'000 + std::stoll(frac);
}

// §1.4's priority pick: the first purchase type present, in order.
const char* kPriority[] = {"omni_purchase", "purchase", "offsite_conversion.fb_pixel_purchase"};
std::optional<std::string> pick(const json::object& row, const char* key,
                                std::string* type = nullptr) {
  const auto* list = row.if_contains(key);
  if (!list) return std::nullopt;
  for (const char* want : kPriority)
    for (const auto& a : list->as_array())
      if (a.at("action_type").as_string() == want) {
        if (type) *type = want;
        return std::string(a.at("value").as_string());
      }
  return std::nullopt;
}

class MetaInsights : public MetaTest {
 protected:
  std::vector<json::object> read_all(std::string url, int* pages = nullptr) {
    std::vector<json::object> rows;
    int n = 0;
    while (true) {
      auto r = http_request("GET", url);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      auto v = body_json(r);
      for (const auto& row : v.at("data").as_array()) rows.push_back(row.as_object());
      ++n;
      const auto* paging = v.as_object().if_contains("paging");
      const auto* next = paging ? paging->as_object().if_contains("next") : nullptr;
      if (!next) break;
      url = std::string(next->as_string());
      EXPECT_NE(url.find("/v26.0/"), std::string::npos);
      if (n > 500) break;
    }
    if (pages) *pages = n;
    return rows;
  }
  std::string sync_url(const std::string& acct, int limit, const std::string& fields = kFields) {
    return base + "/v26.0/act_" + acct +
           "/insights?level=campaign&time_increment=1&time_range=" + enc(kRange) +
           "&fields=" + enc(fields) + "&limit=" + std::to_string(limit) + "&access_token=" + kToken;
  }
  void expect_matches_truth(const std::string& acct, const std::vector<json::object>& rows) {
    Truth t = sandbox->truth("meta", acct, "2026-09-01", "2026-11-19");
    Totals sum;
    std::map<std::string, Totals> by;
    for (const auto& row : rows) {
      std::string id(row.at("campaign_id").as_string());
      Totals& c = by[id];
      int64_t spend = micros(std::string(row.at("spend").as_string()));
      int64_t imp = std::stoll(std::string(row.at("impressions").as_string()));
      int64_t clicks = std::stoll(std::string(row.at("clicks").as_string()));
      int64_t purchases = std::stoll(pick(row, "actions").value_or("0"));
      int64_t value = micros(pick(row, "action_values").value_or("0"));
      for (Totals* x : {&sum, &c}) {
        x->spend_micros += spend;
        x->impressions += imp;
        x->clicks += clicks;
        x->purchases += purchases;
        x->purchase_value_micros += value;
      }
    }
    EXPECT_EQ(static_cast<int64_t>(rows.size()), t.rows);
    EXPECT_EQ(sum.spend_micros, t.total.spend_micros);
    EXPECT_EQ(sum.impressions, t.total.impressions);
    EXPECT_EQ(sum.clicks, t.total.clicks);
    EXPECT_EQ(sum.purchases, t.total.purchases);
    EXPECT_EQ(sum.purchase_value_micros, t.total.purchase_value_micros);
    for (const auto& [id, tot] : t.by_campaign) {
      EXPECT_EQ(by[id].spend_micros, tot.spend_micros) << id;
      EXPECT_EQ(by[id].purchases, tot.purchases) << id;
    }
  }
  int epoch(const std::string& acct) {
    auto r = control("GET", "/_sandbox/truth?platform=meta&account=" + acct);
    return static_cast<int>(body_json(r).at("restatement_epoch").as_int64());
  }
};

TEST_F(MetaInsights, RowShapeIsStringsAndActionArrays) {
  auto r = http_request("GET", sync_url(meta_account(), 50));
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = body_json(r);
  const auto& data = v.at("data").as_array();
  ASSERT_EQ(data.size(), 50u);
  std::regex number(R"(\d+(\.\d+)?)");
  for (const auto& row : data) {
    const auto& o = row.as_object();
    for (const char* k : {"spend", "impressions", "clicks", "inline_link_clicks"})
      EXPECT_TRUE(std::regex_match(std::string(o.at(k).as_string()), number)) << k;
    EXPECT_EQ(o.at("date_start"), o.at("date_stop"));  // time_increment=1
    EXPECT_TRUE(o.at("campaign_name").is_string());
    if (const auto* acts = o.if_contains("actions"))
      for (const auto& a : acts->as_array()) {
        EXPECT_TRUE(a.at("action_type").is_string());
        EXPECT_TRUE(std::regex_match(std::string(a.at("value").as_string()), number));
      }
  }
  const auto& cursors = v.at("paging").at("cursors").as_object();
  EXPECT_TRUE(cursors.at("before").is_string());
  EXPECT_EQ(std::string(v.at("paging").at("next").as_string()).rfind(base + "/v26.0/act_", 0), 0u);
}

TEST_F(MetaInsights, PagingToTheEndMatchesTruth) {
  std::string acct = meta_account();
  int pages = 0;
  auto rows = read_all(sync_url(acct, 97), &pages);
  std::set<std::pair<std::string, std::string>> keys;
  for (const auto& row : rows)
    EXPECT_TRUE(keys.emplace(std::string(row.at("campaign_id").as_string()),
                             std::string(row.at("date_start").as_string()))
                    .second);
  EXPECT_GT(pages, 3);
  expect_matches_truth(acct, rows);
  // The second account, in a zero-decimal or other currency, too.
  std::string other = meta_account(1);
  expect_matches_truth(other, read_all(sync_url(other, 500)));
}

TEST_F(MetaInsights, PurchaseTypesOverlapAndMustNotBeSummed) {
  auto rows = read_all(sync_url(meta_account(), 500));
  int without_omni = 0, with_omni = 0;
  for (const auto& row : rows) {
    auto picked = pick(row, "actions");
    if (!picked) continue;
    int64_t count = std::stoll(*picked), total = 0;
    bool omni = false;
    for (const auto& a : row.at("actions").as_array()) {
      std::string type(a.at("action_type").as_string());
      if (type.find("purchase") != std::string::npos)
        total += std::stoll(std::string(a.at("value").as_string()));
      omni |= type == "omni_purchase";
    }
    EXPECT_NE(total, count) << "summing purchase types must never give the right count";
    (omni ? with_omni : without_omni)++;
  }
  EXPECT_GT(with_omni, 0);
  EXPECT_GT(without_omni, 0);
}

TEST_F(MetaInsights, RestatesOncePerReadNotPerPage) {
  std::string acct = meta_account();
  int before = epoch(acct);
  read_all(sync_url(acct, 100));
  EXPECT_EQ(epoch(acct), before + 1);
  read_all(sync_url(acct, 100));
  EXPECT_EQ(epoch(acct), before + 2);
}

TEST_F(MetaInsights, OnlyDaysWithDeliveryAndDefaults) {
  std::string acct = meta_account();
  for (const auto& row : read_all(sync_url(acct, 500)))
    EXPECT_TRUE(micros(std::string(row.at("spend").as_string())) > 0 ||
                row.at("impressions").as_string() != "0");
  // Without fields: impressions, spend and the date range; level account by default.
  auto v = body_json(http_request(
      "GET", base + "/v26.0/act_" + acct + "/insights?date_preset=last_7d&access_token=" + kToken));
  const auto& row = v.at("data").as_array().at(0).as_object();
  EXPECT_EQ(row.size(), 4u);
  EXPECT_TRUE(row.contains("impressions"));
  EXPECT_EQ(row.at("date_stop").as_string(), "2026-11-19");
}

TEST_F(MetaInsights, AttributionWindowsAddPerWindowKeys) {
  auto r = graph("/act_" + meta_account() +
                 "/insights?level=campaign&fields=campaign_id,actions&time_range=" + enc(kRange) +
                 "&action_attribution_windows=" + enc(R"(["7d_click","1d_view"])"));
  ASSERT_EQ(r.status, 200) << r.body;
  int checked = 0;
  auto v = body_json(r);
  for (const auto& row : v.at("data").as_array())
    for (const auto& a : row.at("actions").as_array()) {
      int64_t value = std::stoll(std::string(a.at("value").as_string()));
      int64_t click = std::stoll(std::string(a.at("7d_click").as_string()));
      int64_t view = std::stoll(std::string(a.at("1d_view").as_string()));
      EXPECT_EQ(click + view, value);  // the default setting is 7d_click + 1d_view
      ++checked;
    }
  EXPECT_GT(checked, 0);
  EXPECT_EQ(graph_error(graph("/act_" + meta_account() +
                              "/insights?action_attribution_windows=" + enc(R"(["3d_click"])")))
                .code,
            100);
}

TEST_F(MetaInsights, BadParametersAreCode100) {
  std::string acct = meta_account();
  std::string b = "/act_" + acct + "/insights?level=campaign&";
  EXPECT_EQ(graph_error(graph(b + "time_range=" + enc("{\"since\":\"2026-13-01\"}"))).code, 100);
  EXPECT_EQ(graph_error(graph(b + "time_range=yesterday")).code, 100);
  EXPECT_EQ(graph_error(graph(b + "fields=spend,happiness")).code, 100);
  EXPECT_EQ(graph_error(graph(b + "date_preset=lifetime")).code, 100);
  auto old =
      graph_error(graph(b + "time_range=" + enc(R"({"since":"2023-01-01","until":"2023-02-01"})")));
  EXPECT_EQ(old.code, 3018);
  auto bad_cursor = graph_error(graph(b + "after=notacursor"));
  EXPECT_EQ(bad_cursor.code, 100);
}

class MetaInsightsBig : public MetaInsights {
  void customize(Options& o) override { o.campaigns_per_account = 16; }
};

TEST_F(MetaInsightsBig, TooMuchDataSyncButFineAsync) {
  std::string acct = meta_account();
  std::string q = "level=campaign&time_increment=1&time_range=" +
                  enc(R"({"since":"2024-01-01","until":"2026-11-19"})");
  auto e = graph_error(graph("/act_" + acct + "/insights?" + q));
  EXPECT_EQ(e.code, 100);
  EXPECT_EQ(e.subcode, 1487534);
  // A year is fine.
  EXPECT_EQ(graph("/act_" + acct + "/insights?level=campaign&time_increment=1&time_range=" +
                  enc(R"({"since":"2025-11-20","until":"2026-11-19"})"))
                .status,
            200);
  auto run = post("/v26.0/act_" + acct + "/insights?access_token=" + kToken, q,
                  "application/x-www-form-urlencoded");
  EXPECT_EQ(run.status, 200) << run.body;
}

TEST_F(MetaInsights, AsyncReportRunWalksTheStatesAndServesTheRows) {
  std::string acct = meta_account();
  std::string body = R"({"level":"campaign","time_increment":1,"time_range":)" + kRange +
                     R"(,"fields":")" + kFields + "\"}";
  auto created = post("/v26.0/act_" + acct + "/insights?access_token=" + kToken, body);
  ASSERT_EQ(created.status, 200) << created.body;
  auto cv = body_json(created).as_object();
  EXPECT_EQ(cv.size(), 1u);
  std::string run = str(cv, "report_run_id");

  // Results before completion are refused.
  EXPECT_EQ(graph_error(graph("/" + run + "/insights")).code, 100);

  std::vector<std::string> statuses;
  std::vector<int64_t> percents;
  for (int i = 0; i < 6; ++i) {
    auto p = graph("/" + run);
    ASSERT_EQ(p.status, 200) << p.body;
    auto v = body_json(p).as_object();
    EXPECT_EQ(v.at("id").as_string(), run);
    EXPECT_EQ(v.at("account_id").as_string(), acct);
    EXPECT_EQ(v.at("date_start").as_string(), "2026-09-01");
    statuses.emplace_back(v.at("async_status").as_string());
    percents.push_back(v.at("async_percent_completion").as_int64());
    if (statuses.back() == "Job Completed") {
      EXPECT_TRUE(v.contains("time_completed"));
      break;
    }
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{"Job Not Started", "Job Started", "Job Running",
                                                "Job Completed"}));
  EXPECT_EQ(percents.front(), 0);
  EXPECT_EQ(percents.back(), 100);
  EXPECT_TRUE(std::is_sorted(percents.begin(), percents.end()));

  auto rows = read_all(base + "/v26.0/" + run + "/insights?limit=150&access_token=" + kToken);
  expect_matches_truth(acct, rows);
}

}  // namespace
}  // namespace connhost::sandbox::testing
