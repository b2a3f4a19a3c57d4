// The control API under /_sandbox/ and the in-process API agree with the world.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "sandbox_fixture.hpp"

namespace connhost::sandbox::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

class ControlTest : public SandboxTest {};

TEST_F(ControlTest, HealthNamesSeedAndToday) {
  auto r = get("/_sandbox/health");
  ASSERT_EQ(r.status, 200);
  auto v = json::parse(r.body).as_object();
  EXPECT_EQ(v["today"].as_string(), kToday);
  EXPECT_EQ(v["seed"].as_int64(), 42);
}

TEST_F(ControlTest, AccountsMatchTheInProcessApi) {
  auto r = get("/_sandbox/accounts?platform=google");
  ASSERT_EQ(r.status, 200);
  auto accounts = json::parse(r.body).at("accounts").as_array();
  auto expected = sandbox->accounts("google");
  ASSERT_EQ(accounts.size(), expected.size());
  EXPECT_EQ(accounts[0].at("id").as_string(), expected[0].id);
  EXPECT_EQ(accounts[0].at("campaigns").as_array().size(), expected[0].campaign_ids.size());
}

TEST_F(ControlTest, TruthOverHttpEqualsTruthInProcess) {
  auto acc = sandbox->accounts("tiktok")[0].id;
  auto r = get("/_sandbox/truth?platform=tiktok&account=" + acc + "&from=2026-10-01&to=2026-10-31");
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = json::parse(r.body).as_object();
  auto t = sandbox->truth("tiktok", acc, "2026-10-01", "2026-10-31");
  EXPECT_EQ(v["total"].at("spend_micros").as_int64(), t.total.spend_micros);
  EXPECT_EQ(v["total"].at("purchases").as_int64(), t.total.purchases);
  EXPECT_EQ(v["campaigns"].as_object().size(), t.by_campaign.size());
  EXPECT_EQ(v["currency"].as_string(), t.currency);
  EXPECT_GT(t.total.spend_micros, 0);
}

TEST_F(ControlTest, TruthRejectsBadParameters) {
  EXPECT_EQ(get("/_sandbox/truth?platform=myspace&account=1").status, 400);
  EXPECT_EQ(get("/_sandbox/truth?platform=meta").status, 400);
  EXPECT_EQ(get("/_sandbox/truth?platform=meta&account=999").status, 404);
  auto acc = sandbox->accounts("meta")[0].id;
  auto r = get("/_sandbox/truth?platform=meta&account=" + acc + "&from=yesterday");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("not a date"));
}

TEST_F(ControlTest, FaultsCanBeSetListedAndCleared) {
  auto r = post("/_sandbox/faults", R"({"platform":"meta","kind":"server_error","times":1})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto listed = json::parse(get("/_sandbox/faults").body).at("faults").as_array();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("kind").as_string(), "server_error");
  EXPECT_EQ(post("/_sandbox/faults", R"({"kind":"nope"})").status, 400);
  EXPECT_EQ(http_request("DELETE", base + "/_sandbox/faults").status, 200);
  EXPECT_TRUE(json::parse(get("/_sandbox/faults").body).at("faults").as_array().empty());
}

TEST_F(ControlTest, RestateMovesRecentDays) {
  auto acc = sandbox->accounts("meta")[0].id;
  auto before = sandbox->truth("meta", acc, "2026-11-14", "2026-11-20").total.purchases;
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(post("/_sandbox/restate?platform=meta&account=" + acc, "").status, 200);
  EXPECT_GT(sandbox->truth("meta", acc, "2026-11-14", "2026-11-20").total.purchases, before);
}

TEST_F(ControlTest, UnknownPathsAnswer404) {
  EXPECT_EQ(get("/_sandbox/nothing").status, 404);
  EXPECT_EQ(get("/definitely/not/an/api").status, 404);
}

TEST_F(ControlTest, RequestLogKeepsPlatformRequestsOnly) {
  sandbox->clear_requests();
  get("/_sandbox/health");
  get("/not/emulated?x=1");
  auto log = sandbox->requests();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].path, "/not/emulated");
  EXPECT_EQ(log[0].query, "x=1");
  EXPECT_EQ(log[0].status, 404);
}

}  // namespace
}  // namespace connhost::sandbox::testing
