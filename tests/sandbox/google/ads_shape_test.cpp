// Google Ads REST shapes against the platform notes §4.2 and §4.3: camelCase keys, int64 as
// strings, doubles as numbers, enums as names, the primary resourceName, the stream's array of
// batches, google.rpc.Status errors with GoogleAdsFailure details.
#include <regex>
#include <set>

#include "google_support.hpp"

namespace connhost::sandbox::testing {
namespace {

const std::string kDaily =
    "SELECT campaign.id, campaign.name, campaign.status, campaign.advertising_channel_type, "
    "segments.date, metrics.cost_micros, metrics.impressions, metrics.clicks, "
    "metrics.conversions, metrics.conversions_value, metrics.ctr, metrics.average_cpc "
    "FROM campaign WHERE segments.date BETWEEN '2026-11-01' AND '2026-11-07'";

bool digits(const json::value& v) {
  return v.is_string() && std::regex_match(std::string(v.as_string()), std::regex("[0-9]+"));
}

class GoogleAds : public GoogleTest {
 protected:
  void SetUp() override {
    GoogleTest::SetUp();
    token = access_token();
  }
  std::string token;
};

TEST_F(GoogleAds, ListAccessibleCustomersShape) {
  auto r = get("/v24/customers:listAccessibleCustomers", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(r.status, 200);
  auto o = parse(r.body).as_object();
  ASSERT_EQ(o.size(), 1u);
  for (const auto& n : o.at("resourceNames").as_array())
    EXPECT_TRUE(std::regex_match(std::string(n.as_string()), std::regex("customers/[0-9]{10}")));
}

TEST_F(GoogleAds, SearchRowShape) {
  auto r = search(kDaily, token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = parse(r.body).as_object();
  EXPECT_EQ(body.at("fieldMask").as_string(),
            "campaign.id,campaign.name,campaign.status,campaign.advertisingChannelType,"
            "segments.date,metrics.costMicros,metrics.impressions,metrics.clicks,"
            "metrics.conversions,metrics.conversionsValue,metrics.ctr,metrics.averageCpc");
  EXPECT_FALSE(body.contains("requestId")) << "Search responses have no requestId (§4.2)";
  EXPECT_FALSE(body.contains("nextPageToken"));
  EXPECT_FALSE(body.contains("totalResultsCount"));
  EXPECT_TRUE(digits(body.at("queryResourceConsumption")));
  const auto& results = body.at("results").as_array();
  ASSERT_FALSE(results.empty());
  std::set<std::string> statuses{"ENABLED", "PAUSED", "REMOVED"};
  std::set<std::string> channels{"SEARCH", "DISPLAY",         "SHOPPING",
                                 "VIDEO",  "PERFORMANCE_MAX", "DEMAND_GEN"};
  for (const auto& row : results) {
    const auto& c = row.at("campaign").as_object();
    ASSERT_TRUE(digits(c.at("id")));
    EXPECT_EQ(c.at("resourceName").as_string(),
              "customers/" + customer() + "/campaigns/" + std::string(c.at("id").as_string()));
    EXPECT_TRUE(c.at("name").is_string());
    EXPECT_TRUE(statuses.count(std::string(c.at("status").as_string())));
    EXPECT_TRUE(channels.count(std::string(c.at("advertisingChannelType").as_string())));
    std::string date(row.at("segments").at("date").as_string());
    EXPECT_GE(date, "2026-11-01");
    EXPECT_LE(date, "2026-11-07");
    const auto& m = row.at("metrics").as_object();
    EXPECT_TRUE(digits(m.at("costMicros")));
    EXPECT_TRUE(digits(m.at("impressions")));
    EXPECT_TRUE(digits(m.at("clicks")));
    EXPECT_TRUE(m.at("conversions").is_number());
    EXPECT_TRUE(m.at("conversionsValue").is_number());
    // A date-segmented row exists only for a day with delivery.
    EXPECT_GT(std::stoll(std::string(m.at("impressions").as_string())), 0);
    EXPECT_TRUE(m.at("ctr").is_number());
    if (m.contains("averageCpc")) {
      EXPECT_TRUE(m.at("averageCpc").is_number());
    }
  }
  // Doubles print as proto3 JSON does: 3, not 3E0.
  EXPECT_EQ(r.body.find("E0"), std::string::npos);
  EXPECT_TRUE(std::regex_search(r.body, std::regex("\"conversions\":[0-9]+[,}]")));
}

TEST_F(GoogleAds, PrimaryResourceNameComesBackUnselected) {
  auto r =
      search("SELECT metrics.clicks FROM campaign WHERE segments.date DURING LAST_7_DAYS", token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto results = parse(r.body).at("results").as_array();
  ASSERT_FALSE(results.empty());
  for (const auto& row : results) {
    const auto& c = row.at("campaign").as_object();
    EXPECT_EQ(c.size(), 1u);
    EXPECT_TRUE(c.contains("resourceName"));
  }
}

TEST_F(GoogleAds, SearchStreamIsOneArrayOfBatches) {
  auto r = stream(kDaily, token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = parse(r.body);
  ASSERT_TRUE(body.is_array());
  const auto& batches = body.as_array();
  ASSERT_EQ(batches.size(), 1u);
  const auto& b = batches[0].as_object();
  EXPECT_FALSE(b.at("results").as_array().empty());
  EXPECT_TRUE(b.at("fieldMask").is_string());
  EXPECT_TRUE(b.at("requestId").is_string());
  EXPECT_TRUE(digits(b.at("queryResourceConsumption")));
  EXPECT_TRUE(r.header("request-id").has_value());
}

TEST_F(GoogleAds, CampaignListingIncludesRemovedUntilFiltered) {
  auto all = search("SELECT campaign.id, campaign.status FROM campaign", token);
  ASSERT_EQ(all.status, 200) << all.body;
  auto rows = parse(all.body).at("results").as_array();
  EXPECT_EQ(rows.size(), sandbox->accounts("google")[0].campaign_ids.size());
  size_t removed = 0, enabled = 0;
  for (const auto& row : rows) {
    removed += row.at("campaign").at("status").as_string() == "REMOVED";
    enabled += row.at("campaign").at("status").as_string() == "ENABLED";
  }
  auto live = search("SELECT campaign.id FROM campaign WHERE campaign.status != 'REMOVED'", token);
  ASSERT_EQ(live.status, 200);
  auto live_body = parse(live.body).as_object();
  size_t live_rows = live_body.contains("results") ? live_body.at("results").as_array().size() : 0;
  EXPECT_EQ(live_rows, rows.size() - removed);
  auto en = search("SELECT campaign.id FROM campaign WHERE campaign.status IN (ENABLED)", token);
  auto en_body = parse(en.body).as_object();
  EXPECT_EQ(en_body.contains("results") ? en_body.at("results").as_array().size() : 0, enabled);
}

TEST_F(GoogleAds, CustomerResourceShape) {
  auto r = search(
      "SELECT customer.id, customer.descriptive_name, customer.currency_code, "
      "customer.time_zone FROM customer",
      token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto rows = parse(r.body).at("results").as_array();
  ASSERT_EQ(rows.size(), 1u);
  const auto& c = rows[0].at("customer").as_object();
  auto acct = sandbox->accounts("google")[0];
  EXPECT_EQ(c.at("resourceName").as_string(), "customers/" + acct.id);
  EXPECT_EQ(c.at("id").as_string(), acct.id);  // int64: a string
  EXPECT_EQ(c.at("currencyCode").as_string(), acct.currency);
  EXPECT_EQ(c.at("timeZone").as_string(), acct.time_zone);
  EXPECT_EQ(c.at("descriptiveName").as_string(), acct.name);
}

TEST_F(GoogleAds, UnsegmentedQueriesReturnEveryCampaignEvenWithoutDelivery) {
  // Today-only totals: campaigns that stopped delivering still get a row, with zero metrics.
  auto r = search(
      "SELECT campaign.id, campaign.status, metrics.impressions, metrics.cost_micros, "
      "metrics.ctr FROM campaign WHERE segments.date DURING TODAY",
      token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto rows = parse(r.body).at("results").as_array();
  EXPECT_EQ(rows.size(), sandbox->accounts("google")[0].campaign_ids.size());
  bool saw_zero = false;
  for (const auto& row : rows) {
    const auto& m = row.at("metrics").as_object();
    if (m.at("impressions").as_string() == "0") {
      saw_zero = true;
      EXPECT_EQ(m.at("costMicros").as_string(), "0");
      EXPECT_FALSE(m.contains("ctr")) << "a ratio without impressions has no value";
    }
  }
  EXPECT_TRUE(saw_zero);
}

TEST_F(GoogleAds, OrderByAndLimit) {
  auto r = search(
      "SELECT campaign.id, metrics.cost_micros FROM campaign WHERE segments.date "
      "DURING LAST_30_DAYS ORDER BY metrics.cost_micros DESC LIMIT 3",
      token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto rows = parse(r.body).at("results").as_array();
  ASSERT_EQ(rows.size(), 3u);
  int64_t prev = INT64_MAX;
  for (const auto& row : rows) {
    int64_t c = std::stoll(std::string(row.at("metrics").at("costMicros").as_string()));
    EXPECT_LE(c, prev);
    prev = c;
  }
}

TEST_F(GoogleAds, SummaryRowTotalsTheStream) {
  json::object extra{{"summaryRowSetting", "SUMMARY_ROW_WITH_RESULTS"}};
  auto r = stream(
      "SELECT campaign.id, segments.date, metrics.clicks FROM campaign WHERE "
      "segments.date DURING LAST_14_DAYS",
      token, "", extra);
  ASSERT_EQ(r.status, 200) << r.body;
  auto batches = parse(r.body).as_array();
  int64_t sum = 0;
  for (const auto& b : batches)
    if (b.as_object().contains("results"))
      for (const auto& row : b.at("results").as_array())
        sum += std::stoll(std::string(row.at("metrics").at("clicks").as_string()));
  const auto& last = batches.back().as_object();
  EXPECT_EQ(std::stoll(std::string(last.at("summaryRow").at("metrics").at("clicks").as_string())),
            sum);
}

TEST_F(GoogleAds, ReportTotalsEqualTheGroundTruth) {
  for (const auto& acct : sandbox->accounts("google")) {
    for (bool streamed : {false, true}) {
      std::string q =
          "SELECT campaign.id, segments.date, metrics.cost_micros, metrics.impressions, "
          "metrics.clicks, metrics.conversions, metrics.conversions_value FROM campaign "
          "WHERE segments.date BETWEEN '2026-08-01' AND '2026-11-20'";
      auto r = streamed ? stream(q, token, acct.id) : search(q, token, acct.id);
      ASSERT_EQ(r.status, 200) << r.body;
      std::vector<json::value> rows;
      auto body = parse(r.body);
      if (streamed) {
        for (const auto& b : body.as_array())
          for (const auto& row : b.at("results").as_array()) rows.push_back(row);
      } else {
        for (const auto& row : body.at("results").as_array()) rows.push_back(row);
      }
      Totals sum;
      std::map<std::string, int64_t> spend_by_campaign;
      for (const auto& row : rows) {
        const auto& m = row.at("metrics");
        int64_t cost = std::stoll(std::string(m.at("costMicros").as_string()));
        sum.spend_micros += cost;
        sum.impressions += std::stoll(std::string(m.at("impressions").as_string()));
        sum.clicks += std::stoll(std::string(m.at("clicks").as_string()));
        sum.purchases += std::llround(m.at("conversions").to_number<double>());
        sum.purchase_value_micros +=
            std::llround(m.at("conversionsValue").to_number<double>() * 1e6);
        spend_by_campaign[std::string(row.at("campaign").at("id").as_string())] += cost;
      }
      // The read restated the account; the truth now reflects the same epoch.
      auto truth = sandbox->truth("google", acct.id, "2026-08-01", "2026-11-20");
      EXPECT_EQ(sum.spend_micros, truth.total.spend_micros);
      EXPECT_EQ(sum.impressions, truth.total.impressions);
      EXPECT_EQ(sum.clicks, truth.total.clicks);
      EXPECT_EQ(sum.purchases, truth.total.purchases);
      EXPECT_EQ(sum.purchase_value_micros, truth.total.purchase_value_micros);
      EXPECT_EQ(static_cast<int64_t>(rows.size()), truth.rows);
      for (const auto& [id, t] : truth.by_campaign)
        EXPECT_EQ(spend_by_campaign[id], t.spend_micros) << id;
    }
  }
}

TEST_F(GoogleAds, AReportReadRestatesTheAccountOnce) {
  auto epoch = [&] {
    auto r = get("/_sandbox/truth?platform=google&account=" + customer());
    return parse(r.body).at("restatement_epoch").as_int64();
  };
  int64_t before = epoch();
  ASSERT_EQ(search(kDaily, token).status, 200);
  EXPECT_EQ(epoch(), before + 1);
  ASSERT_EQ(search("SELECT campaign.id FROM campaign", token).status, 200);
  EXPECT_EQ(epoch(), before + 1) << "an attribute listing is not a report read";
}

TEST_F(GoogleAds, VersionsInThePath) {
  for (int v : {23, 24, 25, 26}) {
    auto r =
        ads("search", customer(), R"({"query":"SELECT campaign.id FROM campaign"})", token, {}, v);
    EXPECT_EQ(r.status, 200) << v;
  }
  auto r =
      ads("search", customer(), R"({"query":"SELECT campaign.id FROM campaign"})", token, {}, 19);
  EXPECT_EQ(r.status, 400);
  auto body = parse(r.body);
  EXPECT_EQ(ads_error(body).at("errorCode").at("requestError").as_string(), "UNSUPPORTED_VERSION");
  EXPECT_EQ(body.at("error").at("details").at(0).at("@type").as_string(),
            "type.googleapis.com/google.ads.googleads.v19.errors.GoogleAdsFailure");
}

TEST_F(GoogleAds, AuthenticationAndPermissionErrors) {
  auto q = R"({"query":"SELECT campaign.id FROM campaign"})";
  auto r = post("/v24/customers/" + customer() + "/googleAds:search", q);
  EXPECT_EQ(r.status, 401);
  auto body = parse(r.body);
  EXPECT_EQ(body.at("error").at("status").as_string(), "UNAUTHENTICATED");
  EXPECT_EQ(body.at("error").at("code").as_int64(), 401);

  r = ads("search", customer(), q, "ya29.garbage");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(ads_error(parse(r.body)).at("errorCode").at("authenticationError").as_string(),
            "OAUTH_TOKEN_INVALID");

  auto exp = post("/_sandbox/tokens/expire?token=" + pct(token), "", "application/json");
  ASSERT_EQ(exp.status, 200);
  r = ads("search", customer(), q, token);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(ads_error(parse(r.body)).at("errorCode").at("authenticationError").as_string(),
            "OAUTH_TOKEN_EXPIRED");

  token = access_token();
  r = ads("search", "9999999999", q, token);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(ads_error(parse(r.body)).at("errorCode").at("authenticationError").as_string(),
            "CUSTOMER_NOT_FOUND");
  r = ads("search", "123-456-7890", q, token);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ads_error(parse(r.body)).at("errorCode").at("requestError").as_string(),
            "INVALID_CUSTOMER_ID");

  // login-customer-id: digits only; the sandbox has no managers, so another customer is denied.
  r = ads("search", customer(), q, token, {{"login-customer-id", customer(1)}});
  EXPECT_EQ(r.status, 403);
  body = parse(r.body);
  EXPECT_EQ(body.at("error").at("status").as_string(), "PERMISSION_DENIED");
  EXPECT_EQ(ads_error(body).at("errorCode").at("authorizationError").as_string(),
            "USER_PERMISSION_DENIED");
  r = ads("search", customer(), q, token, {{"login-customer-id", "123-456-7890"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ads_error(parse(r.body)).at("errorCode").at("headerError").as_string(),
            "INVALID_LOGIN_CUSTOMER_ID");
  r = ads("search", customer(), q, token, {{"login-customer-id", customer()}});
  EXPECT_EQ(r.status, 200);

  // developer-token is optional and ignored since 9 Sep 2026 (§0).
  r = ads("search", customer(), q, token, {{"developer-token", "anything"}});
  EXPECT_EQ(r.status, 200);
}

TEST_F(GoogleAds, TokenWithoutTheAdwordsScopeIsRefused) {
  auto loc = consent(auth_params("openid email", "online", ""));
  auto code = query_of(loc)["code"];
  int status = 0;
  auto body = parse(token_post({{"code", code},
                                {"client_id", kClientId},
                                {"client_secret", kClientSecret},
                                {"redirect_uri", kRedirect},
                                {"grant_type", "authorization_code"}},
                               &status));
  ASSERT_EQ(status, 200) << json::serialize(body);
  auto r =
      search("SELECT campaign.id FROM campaign", std::string(body.at("access_token").as_string()));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(parse(r.body).at("error").at("details").at(0).at("reason").as_string(),
            "ACCESS_TOKEN_SCOPE_INSUFFICIENT");
}

TEST_F(GoogleAds, BodiesThatDoNotFitTheRequestMessage) {
  auto r =
      ads("search", customer(), R"({"query":"SELECT campaign.id FROM campaign","foo":1})", token);
  EXPECT_EQ(r.status, 400);
  auto body = parse(r.body);
  EXPECT_EQ(body.at("error").at("status").as_string(), "INVALID_ARGUMENT");
  EXPECT_NE(std::string(body.at("error").at("message").as_string()).find("Unknown name \"foo\""),
            std::string::npos);
  r = ads("search", customer(), "{not json", token);
  EXPECT_EQ(r.status, 400);
  // pageToken is not a field of the stream request; its errors come as an array too.
  r = ads("searchStream", customer(),
          R"({"query":"SELECT campaign.id FROM campaign","pageToken":"x"})", token);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(parse(r.body).is_array());
  // snake_case names are accepted as proto3 JSON parsers do.
  r = ads(
      "search", customer(),
      R"({"query":"SELECT campaign.id FROM campaign","search_settings":{"return_total_results_count":true}})",
      token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(digits(parse(r.body).at("totalResultsCount")));
  // An empty query is a missing required field.
  r = ads("search", customer(), R"({"query":""})", token);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ads_error(parse(r.body)).at("errorCode").at("fieldError").as_string(), "REQUIRED");
}

TEST_F(GoogleAds, UnknownPathsAndMethodsGetGoogles404) {
  auto r = get("/v24/customers/" + customer() + "/googleAds:search",
               {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("was not found on this server"), std::string::npos);
  r = post("/v24/customers/" + customer() + "/campaigns:mutate", "{}");
  EXPECT_EQ(r.status, 404);
}

}  // namespace
}  // namespace connhost::sandbox::testing
