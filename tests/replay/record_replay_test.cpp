// A recorded session replays to identical rows (#9): the tiktok, meta and google reporting
// pipelines recorded against the generated sandbox, replayed by a sandbox that has no world,
// into a fresh store; redaction of what was written; faults layered on top of the replay.
#include <connhost/sandbox/http_client.hpp>

#include <boost/json.hpp>

#include <set>

#include "replay_fixture.hpp"

namespace connhost::testing {
namespace {

namespace json = boost::json;

std::vector<std::filesystem::path> fixture_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(RecordReplayTest, RecordedSessionReplaysToIdenticalRows) {
  auto replayed = replaying();
  // Nothing to serve but the fixtures: the replaying sandbox generated no world.
  for (const auto& p : kReplayPlatforms) EXPECT_TRUE(replayed->sandbox->accounts(p).empty()) << p;
  for (const auto& p : kReplayPlatforms) {
    auto result = replayed->sync(p);
    ASSERT_EQ(result.status, "succeeded")
        << p << ": " << (result.error ? result.error->to_string() : "");
  }
  expect_same_rows(*replayed);
  // The replay answered every request from a recording of its platform.
  auto log = replayed->sandbox->requests();
  ASSERT_FALSE(log.empty());
  std::set<std::string> platforms;
  for (const auto& r : log) {
    EXPECT_LT(r.status, 400) << r.method << " " << r.path << "?" << r.query;
    EXPECT_TRUE(r.fault.empty());
    platforms.insert(r.platform);
  }
  EXPECT_EQ(platforms, (std::set<std::string>{"tiktok", "meta", "google"}));
}

TEST_F(RecordReplayTest, FixturesCarryNoSecretsTokensOrEmailAddresses) {
  std::string all;
  auto files = fixture_files(fixtures.path());
  ASSERT_EQ(files.size(), 3u);
  for (const auto& f : files) all += read_text(f);

  sandbox::Credentials c;
  for (const std::string& secret :
       {c.tiktok_app_id, c.tiktok_app_secret, c.tiktok_advertiser_token, c.tiktok_client_key,
        c.tiktok_client_secret, c.meta_app_id, c.meta_app_secret, c.meta_access_token,
        c.meta_verify_token, c.google_client_id, c.google_client_secret, c.google_refresh_token})
    EXPECT_EQ(all.find(secret), std::string::npos)
        << "a sandbox credential was recorded: " << secret;
  // Every token the sandbox knows, issued during the run or preconfigured.
  auto tokens = sandbox::http_request("GET", recorded->sandbox->base_url() + "/_sandbox/tokens");
  ASSERT_EQ(tokens.status, 200);
  int checked = 0;
  auto token_list = json::parse(tokens.body);
  for (const auto& t : token_list.at("tokens").as_array()) {
    std::string value(t.at("value").as_string());
    EXPECT_EQ(all.find(value), std::string::npos) << "a token was recorded: " << value;
    ++checked;
  }
  EXPECT_GT(checked, 3);
  auto email = http::find_email(all);
  EXPECT_FALSE(email) << "an e-mail address was recorded: "
                      << all.substr(email->first, email->second - email->first);
  // The scan finds what it must, so its silence above means something.
  EXPECT_TRUE(http::find_email(all + " ann.lee@example.com"));
  EXPECT_EQ(all.find("\"authorization\""), std::string::npos);

  // Google's OAuth refresh: the request's secrets and the answer's token are REDACTED, the rest
  // of the exchange is kept.
  auto doc = json::parse(read_text(fixtures.path() / "google_sb.json")).as_object();
  EXPECT_EQ(doc.at("format").as_string(), "connhost-fixtures/1");
  EXPECT_EQ(doc.at("platform").as_string(), "google");
  int token_exchanges = 0;
  for (const auto& e : doc.at("exchanges").as_array()) {
    const auto& req = e.at("request").as_object();
    if (req.at("path").as_string() != "/token") continue;
    ++token_exchanges;
    std::string body(req.at("body").as_string());
    EXPECT_NE(body.find("refresh_token=REDACTED"), std::string::npos) << body;
    EXPECT_NE(body.find("client_secret=REDACTED"), std::string::npos) << body;
    EXPECT_NE(body.find("grant_type=refresh_token"), std::string::npos) << body;
    const auto& answer = e.at("response").at("json").as_object();
    EXPECT_EQ(answer.at("access_token").as_string(), "REDACTED");
    EXPECT_TRUE(answer.contains("expires_in"));
  }
  EXPECT_GE(token_exchanges, 1) << "the Google run made no token exchange: nothing was checked";

  // Meta's paging.next links pointed at the recorded origin, which became {{origin}}; its async
  // report run was polled.
  std::string meta = read_text(fixtures.path() / "meta_sb.json");
  EXPECT_EQ(meta.find(recorded->sandbox->base_url()), std::string::npos);
  EXPECT_NE(meta.find("\"next\":\"{{origin}}/"), std::string::npos);
  EXPECT_NE(meta.find("report_run_id"), std::string::npos);
}

TEST_F(RecordReplayTest, FaultsOnTopOfTheReplayStillEndWithIdenticalRows) {
  auto replayed = replaying();
  replayed->sandbox->add_faults(R"({"faults":[
    {"platform":"tiktok","endpoint":"report/integrated/get","kind":"rate_limit","code":40133,"times":1,"retry_after_s":1},
    {"platform":"google","endpoint":"ads/search*","kind":"rate_limit","times":1,"retry_after_s":1},
    {"platform":"meta","endpoint":"act/insights*","kind":"server_error","status":503,"times":1},
    {"platform":"tiktok","endpoint":"campaign/get","kind":"connection_reset","times":1}]})");
  for (const auto& p : kReplayPlatforms) {
    auto result = replayed->sync(p);
    ASSERT_EQ(result.status, "succeeded")
        << p << ": " << (result.error ? result.error->to_string() : "");
  }
  std::multiset<std::string> fired;
  for (const auto& r : replayed->sandbox->requests())
    if (!r.fault.empty()) fired.insert(r.platform + " " + r.fault);
  EXPECT_EQ(fired, (std::multiset<std::string>{"tiktok rate_limit", "google rate_limit",
                                               "meta server_error", "tiktok connection_reset"}))
      << "a fault did not fire: the test proves nothing";
  expect_same_rows(*replayed);
}

TEST_F(RecordReplayTest, RequestNotInTheFixturesGetsA404NamingIt) {
  auto replayed = replaying();
  auto base = replayed->sandbox->base_url();
  auto r = sandbox::http_request(
      "GET", base + "/open_api/v1.3/report/integrated/get/?advertiser_id=1&page=7",
      {{"Access-Token", "x"}});
  EXPECT_EQ(r.status, 404);
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("method").as_string(), "GET");
  EXPECT_EQ(body.at("path").as_string(), "/open_api/v1.3/report/integrated/get/");
  EXPECT_EQ(body.at("query").as_array(),
            (json::array{json::array{"advertiser_id", "1"}, json::array{"page", "7"}}));
  EXPECT_EQ(body.at("nearest_path").as_string(), "/open_api/v1.3/report/integrated/get/");
  EXPECT_NE(std::string(body.at("error").as_string()).find("advertiser_id=1&page=7"),
            std::string::npos);

  r = sandbox::http_request("GET", base + "/open_api/v1.3/campaign/gett/?advertiser_id=1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(json::parse(r.body).at("nearest_path").as_string(), "/open_api/v1.3/campaign/get/");
  auto log = replayed->sandbox->requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].status, 404);
}

}  // namespace
}  // namespace connhost::testing
