// The recorder's redaction on exchanges written by hand: what a fixture keeps and what becomes
// REDACTED (docs/replay.md, "Redaction").
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

#include "http/recorder.hpp"
#include "log/secret_mask.hpp"
#include "support/temp_dir.hpp"

namespace connhost::testing {
namespace {

namespace json = boost::json;

json::object only_exchange(const http::Recorder& r) {
  auto doc = json::parse(r.to_json()).as_object();
  EXPECT_EQ(doc.at("format").as_string(), "connhost-fixtures/1");
  auto& list = doc.at("exchanges").as_array();
  EXPECT_EQ(list.size(), 1u);
  return list.at(0).as_object();
}

TEST(Recorder, RedactsSecretsAndPersonalDataAndKeepsWhatRowsNeed) {
  log::register_secret("s3cr3t-registered-value");
  http::Recorder rec("tiktok");
  http::Request req;
  req.method = "GET";
  req.url =
      "http://127.0.0.1:4100/open_api/v1.3/report/integrated/get/"
      "?fields=display_name&access_token=tok-1&code=auth-code&advertiser_id=70123&app_id=7000";
  req.headers = {{"Authorization", "Bearer tok-1"}, {"Cookie", "sid=1"}};
  http::Response resp;
  resp.status = 200;
  resp.headers = {{"Content-Type", "application/json"},
                  {"Set-Cookie", "sid=2"},
                  {"X-Business-Use-Case-Usage", "{}"},
                  {"X-RateLimit-Remaining", "9"},
                  {"Retry-After", "2"},
                  {"Server", "sandbox"}};
  resp.body = R"({"code": 0, "message": "OK, mail ann@example.com",
    "data": {"user": {"open_id": "u-1", "display_name": "Ann", "name": "Ann Lee",
                      "avatar_url": "https://cdn/a.jpg", "email": "ann@example.com"},
             "list": [{"campaign_name": "Brand | US", "name": "Acme USD 1", "spend": "1.50"}],
             "refresh_token": "rt-9", "expires_in": 86400,
             "note": "s3cr3t-registered-value in text",
             "next": "http://127.0.0.1:4100/v2/next?cursor=2", "other": "http://127.0.0.1:41001/x"}})";
  rec.record(req, resp);
  auto e = only_exchange(rec);
  const auto& q = e.at("request").at("query").as_array();
  json::array expected{json::array{"fields", "display_name"},
                       json::array{"access_token", "REDACTED"}, json::array{"code", "REDACTED"},
                       json::array{"advertiser_id", "70123"}, json::array{"app_id", "REDACTED"}};
  EXPECT_EQ(q, expected);
  EXPECT_EQ(e.at("request").at("path").as_string(), "/open_api/v1.3/report/integrated/get/");
  EXPECT_EQ(e.at("response").at("status").as_int64(), 200);
  json::array headers{json::array{"content-type", "application/json"},
                      json::array{"x-business-use-case-usage", "{}"},
                      json::array{"x-ratelimit-remaining", "9"}, json::array{"retry-after", "2"}};
  EXPECT_EQ(e.at("response").at("headers").as_array(), headers);

  const auto& body = e.at("response").at("json").as_object();
  EXPECT_EQ(body.at("code").as_int64(), 0);  // an answer's code is no secret
  EXPECT_EQ(body.at("message").as_string(), "OK, mail REDACTED");
  const auto& data = body.at("data").as_object();
  const auto& user = data.at("user").as_object();
  EXPECT_EQ(user.at("open_id").as_string(), "u-1");
  for (const char* k : {"display_name", "name", "avatar_url", "email"})
    EXPECT_EQ(user.at(k).as_string(), "REDACTED") << k;
  const auto& row = data.at("list").as_array().at(0).as_object();
  EXPECT_EQ(row.at("campaign_name").as_string(), "Brand | US");
  EXPECT_EQ(row.at("name").as_string(), "Acme USD 1");
  EXPECT_EQ(row.at("spend").as_string(), "1.50");
  EXPECT_EQ(data.at("refresh_token").as_string(), "REDACTED");
  EXPECT_EQ(data.at("expires_in").as_int64(), 86400);
  EXPECT_EQ(data.at("note").as_string(), "REDACTED in text");
  EXPECT_EQ(data.at("next").as_string(), "{{origin}}/v2/next?cursor=2");
  // Another port is another origin.
  EXPECT_EQ(data.at("other").as_string(), "http://127.0.0.1:41001/x");

  std::string text = rec.to_json();
  for (const char* gone : {"tok-1", "auth-code", "sid=", "Bearer", "ann@example.com", "rt-9",
                           "s3cr3t-registered-value", "Ann"})
    EXPECT_EQ(text.find(gone), std::string::npos) << gone;
}

TEST(Recorder, RedactsFormAndJsonRequestBodies) {
  http::Recorder rec("google");
  http::Request req;
  req.method = "POST";
  req.url = "https://oauth2.example.com/token";
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  req.body = "client_id=cid&client_secret=cs&refresh_token=rt&grant_type=refresh_token";
  http::Response resp;
  resp.status = 200;
  resp.body =
      R"({"access_token":"at-1","id_token":"eyJ.x.y","token_type":"Bearer","expires_in":3599})";
  rec.record(req, resp);
  auto e = only_exchange(rec);
  EXPECT_EQ(e.at("request").at("body").as_string(),
            "client_id=REDACTED&client_secret=REDACTED&refresh_token=REDACTED&grant_type=refresh_"
            "token");
  const auto& answer = e.at("response").at("json").as_object();
  EXPECT_EQ(answer.at("access_token").as_string(), "REDACTED");
  EXPECT_EQ(answer.at("id_token").as_string(), "REDACTED");
  EXPECT_EQ(answer.at("expires_in").as_int64(), 3599);

  http::Recorder rec2("google");
  req.headers = {{"Content-Type", "application/json"}};
  req.body =
      R"({"query":"SELECT campaign.id FROM campaign","password":"pw","nested":{"apiKey":"k"}})";
  resp.body = "plain text answer";
  rec2.record(req, resp);
  auto e2 = only_exchange(rec2);
  EXPECT_EQ(e2.at("request").at("json"),
            json::parse(R"({"query":"SELECT campaign.id FROM campaign","password":"REDACTED",)"
                        R"("nested":{"apiKey":"REDACTED"}})"));
  EXPECT_EQ(e2.at("response").at("body").as_string(), "plain text answer");

  // A whole answer about the signed-in person (OIDC userinfo): its name too.
  http::Recorder rec3("google");
  http::Request who;
  who.url = "https://openidconnect.example.com/v1/userinfo";
  resp.body = R"({"sub":"1090","name":"Ann Lee","given_name":"Ann","locale":"en"})";
  rec3.record(who, resp);
  http::Recorder rec4("meta");
  who.url = "https://graph.example.com/v1/users/ann@example.com/profile";
  rec4.record(who, resp);
  EXPECT_EQ(only_exchange(rec4).at("request").at("path").as_string(), "/v1/users/REDACTED/profile");
  EXPECT_EQ(
      only_exchange(rec3).at("response").at("json"),
      json::parse(R"({"sub":"1090","name":"REDACTED","given_name":"REDACTED","locale":"en"})"));
}

TEST(Recorder, PreparingRefusesAnExistingFileAndAnUnwritableFolder) {
  test::TempDir dir("connhost-recorder");
  auto file = http::prepare_recording(dir.path() / "new" / "sub", "tiktok_main", false);
  EXPECT_EQ(file, dir.path() / "new" / "sub" / "tiktok_main.json");
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "new" / "sub"));
  http::Recorder rec("tiktok");
  rec.write(file);
  EXPECT_TRUE(std::filesystem::exists(file));
  EXPECT_THROW(http::prepare_recording(dir.path() / "new" / "sub", "tiktok_main", false),
               http::RecordError);
  EXPECT_EQ(http::prepare_recording(dir.path() / "new" / "sub", "tiktok_main", true), file);
  std::ofstream(dir.path() / "plain") << "x";
  try {
    http::prepare_recording(dir.path() / "plain" / "fixtures", "c", false);
    ADD_FAILURE() << "a folder under a file was accepted";
  } catch (const http::RecordError& e) {
    EXPECT_NE(std::string(e.what()).find((dir.path() / "plain" / "fixtures").string()),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace connhost::testing
