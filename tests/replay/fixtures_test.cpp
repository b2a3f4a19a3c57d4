// The replaying sandbox on hand-written fixtures: matching (order, the last answer repeating,
// REDACTED as a wildcard in queries, JSON and form bodies), {{origin}}, faults for a platform the
// sandbox does not emulate, and bad files refused with the file and the JSON path named.
#include <gtest/gtest.h>
#include <connhost/sandbox/http_client.hpp>
#include <connhost/sandbox/sandbox.hpp>

#include <boost/json.hpp>

#include <fstream>

#include "support/temp_dir.hpp"

namespace connhost::testing {
namespace {

namespace json = boost::json;
using sandbox::http_request;

constexpr const char* kAcme = R"({
  "format": "connhost-fixtures/1",
  "platform": "acme",
  "exchanges": [
    {"endpoint": "reports",
     "request": {"method": "GET", "path": "/v1/reports", "query": [["account", "7"], ["token", "REDACTED"]]},
     "response": {"status": 200, "headers": [["content-type", "application/json"]],
                  "json": {"page": 1, "next": "{{origin}}/v1/reports?account=7&cursor=c2"}}},
    {"endpoint": "reports",
     "request": {"method": "GET", "path": "/v1/reports", "query": [["account", "7"], ["token", "REDACTED"]]},
     "response": {"status": 200, "json": {"page": 2}}},
    {"request": {"method": "GET", "path": "/v1/reports", "query": [["account", "7"], ["cursor", "c2"]]},
     "response": {"status": 200, "json": {"page": "c2"}}},
    {"request": {"method": "POST", "path": "/v1/search", "json": {"q": "spend", "key": "REDACTED", "n": 2}},
     "response": {"status": 200, "body": "searched", "headers": [["x-app-usage", "{\"call_count\":3}"]]}},
    {"request": {"method": "POST", "path": "/oauth/token", "body": "grant_type=refresh_token&refresh_token=REDACTED"},
     "response": {"status": 200, "json": {"access_token": "REDACTED", "expires_in": 3600}}},
    {"request": {"method": "GET", "path": "/v1/users/REDACTED/profile"},
     "response": {"status": 200, "json": {"id": "u"}}},
    {"request": {"method": "GET", "path": "/v1/redirect"},
     "response": {"status": 302, "headers": [["location", "{{origin}}/v1/elsewhere"]]}}
  ]
})";

class ReplayFixtures : public ::testing::Test {
 protected:
  void SetUp() override { write("a_acme.json", kAcme); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir.path() / name) << text;
  }

  void start() {
    sandbox::Options o;
    o.replay_dir = dir.path().string();
    sb = std::make_unique<sandbox::Sandbox>(o);
    sb->start();
    base = sb->base_url();
  }

  test::TempDir dir{"connhost-replay-fixtures"};
  std::unique_ptr<sandbox::Sandbox> sb;
  std::string base;
};

TEST_F(ReplayFixtures, AnswersInRecordedOrderTheLastOneRepeating) {
  start();
  // The parameters in another order and another token still match the recording.
  auto first = http_request("GET", base + "/v1/reports?token=abc&account=7");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("content-type").value_or(""), "application/json");
  auto doc = json::parse(first.body);
  EXPECT_EQ(doc.at("page").as_int64(), 1);
  // {{origin}} became this sandbox's own base URL, so the next link leads back here.
  std::string next(doc.at("next").as_string());
  EXPECT_EQ(next, base + "/v1/reports?account=7&cursor=c2");
  EXPECT_EQ(json::parse(http_request("GET", next).body).at("page").as_string(), "c2");
  EXPECT_EQ(json::parse(http_request("GET", base + "/v1/reports?account=7&token=x").body)
                .at("page")
                .as_int64(),
            2);
  EXPECT_EQ(json::parse(http_request("GET", base + "/v1/reports?account=7&token=y").body)
                .at("page")
                .as_int64(),
            2);
  // A recorded value is not a wildcard: another account is not in the recording.
  EXPECT_EQ(http_request("GET", base + "/v1/reports?account=8&token=y").status, 404);
  // Neither is a missing parameter.
  EXPECT_EQ(http_request("GET", base + "/v1/reports?account=7").status, 404);
}

TEST_F(ReplayFixtures, BodiesMatchStructurallyAndAsFormPairs) {
  start();
  auto r = http_request("POST", base + "/v1/search", {{"Content-Type", "application/json"}},
                        R"({"n": 2, "key": "k-123", "q": "spend"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "searched");
  EXPECT_EQ(r.header("x-app-usage").value_or(""), R"({"call_count":3})");
  EXPECT_EQ(
      http_request("POST", base + "/v1/search", {}, R"({"n": 3, "key": "k", "q": "spend"})").status,
      404);
  r = http_request("POST", base + "/oauth/token",
                   {{"Content-Type", "application/x-www-form-urlencoded"}},
                   "refresh_token=rt-1&grant_type=refresh_token");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).at("access_token").as_string(), "REDACTED");
  // A path recorded with REDACTED in it (a registered secret, an address) matches there.
  EXPECT_EQ(http_request("GET", base + "/v1/users/ann.lee/profile").status, 200);
  EXPECT_EQ(http_request("GET", base + "/v1/users/ann.lee/settings").status, 404);
  r = http_request("GET", base + "/v1/redirect");
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.header("location").value_or(""), base + "/v1/elsewhere");
}

TEST_F(ReplayFixtures, FaultsOfAnUnemulatedPlatformAreGenericAndLeaveTheAnswerUnserved) {
  start();
  sb->add_faults(R"({"faults":[
    {"platform":"acme","endpoint":"reports","kind":"rate_limit","times":1,"retry_after_s":3},
    {"platform":"acme","endpoint":"reports","kind":"connection_reset","times":1},
    {"platform":"acme","endpoint":"/v1/redirect","kind":"server_error","status":503,"times":1}]})");
  auto r = http_request("GET", base + "/v1/reports?account=7&token=t");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("retry-after").value_or(""), "3");
  EXPECT_EQ(json::parse(r.body).at("error").at("kind").as_string(), "rate_limit");
  EXPECT_THROW(http_request("GET", base + "/v1/reports?account=7&token=t"), std::runtime_error);
  // Neither fault used up the first recorded answer.
  r = http_request("GET", base + "/v1/reports?account=7&token=t");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body).at("page").as_int64(), 1);
  // The endpoint of an exchange without one is its path.
  EXPECT_EQ(http_request("GET", base + "/v1/redirect").status, 503);
  auto log = sb->requests();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].platform, "acme");
  EXPECT_EQ(log[0].endpoint, "reports");
  EXPECT_EQ(log[0].fault, "rate_limit");
  EXPECT_EQ(log[1].fault, "connection_reset");
  EXPECT_EQ(log[3].endpoint, "/v1/redirect");
}

TEST_F(ReplayFixtures, EmulatedPlatformsRenderAnswerFaultsInTheirOwnFormat) {
  write("b_tiktok.json", R"({"format":"connhost-fixtures/1","platform":"tiktok","exchanges":[
    {"request":{"method":"GET","path":"/open_api/v1.3/campaign/get/","query":[["advertiser_id","42"]]},
     "response":{"status":200,"json":{"code":0,"message":"OK","data":{"list":[]}}}}]})");
  start();
  sb->add_faults(
      R"({"platform":"tiktok","endpoint":"campaign/get","kind":"rate_limit","code":40100,"times":1})");
  auto url = base + "/open_api/v1.3/campaign/get/?advertiser_id=42";
  auto r = http_request("GET", url, {{"Access-Token", "t"}});
  // TikTok's rate limit: code 40100 inside an HTTP 200, as the emulator answers it.
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).at("code").as_int64(), 40100);
  r = http_request("GET", url, {{"Access-Token", "t"}});
  EXPECT_EQ(json::parse(r.body).at("code").as_int64(), 0);
  EXPECT_EQ(sb->requests().front().endpoint, "campaign/get");
}

void expect_refused(const std::string& text, const std::string& expected) {
  test::TempDir dir("connhost-replay-bad");
  std::ofstream(dir.path() / "a_good.json") << kAcme;
  std::ofstream(dir.path() / "b_bad.json") << text;
  sandbox::Options o;
  o.replay_dir = dir.path().string();
  try {
    sandbox::Sandbox sb(o);
    ADD_FAILURE() << "accepted: " << text;
  } catch (const std::invalid_argument& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("b_bad.json"), std::string::npos) << what;
    EXPECT_NE(what.find(expected), std::string::npos) << what;
  }
}

TEST(ReplayBadFixtures, AreRefusedNamingTheFileAndTheJsonPath) {
  expect_refused(R"({"format":"connhost-fixtures/1","exchanges":[
    {"request":{"method":"GET","path":"/a"},"response":{"status":200}},
    {"request":{"method":5,"path":"/b"},"response":{}}]})",
                 "$.exchanges[1].request.method: expected a string");
  expect_refused(R"({"format":"connhost-fixtures/2","exchanges":[]})", "$.format");
  expect_refused(R"({"format":"connhost-fixtures/1","exchanges":[{"request":{"method":"GET",
    "path":"/a","query":[["x"]]},"response":{}}]})",
                 "$.exchanges[0].request.query[0]: expected a [name, value] pair");
  expect_refused(R"({"format":"connhost-fixtures/1","exchanges":[{"request":{"method":"GET",
    "path":"/a"}}]})",
                 "$.exchanges[0]: missing \"response\"");
  expect_refused(R"({"format":"connhost-fixtures/1","exchanges":[{"request":{"method":"GET",
    "path":"/a"},"response":{"status":99}}]})",
                 "$.exchanges[0].response.status");
  expect_refused("{\"format\":\"connhost-fixtures/1\",\n\"exchanges\": [,]}", "line 2");

  test::TempDir empty("connhost-replay-empty");
  sandbox::Options o;
  o.replay_dir = empty.path().string();
  EXPECT_THROW(sandbox::Sandbox{o}, std::invalid_argument);
  o.replay_dir = (empty.path() / "missing").string();
  EXPECT_THROW(sandbox::Sandbox{o}, std::invalid_argument);
}

}  // namespace
}  // namespace connhost::testing
