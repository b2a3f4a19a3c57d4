// Business Account profile and Business Messaging against tiktok.md §3.2 and §3.3.
#include <set>

#include "tiktok_test_util.hpp"

namespace connhost::sandbox::testing {
namespace {

constexpr const char* kAllScopes =
    "user.info.basic,user.info.username,user.info.stats,user.info.profile,user.account.type,"
    "user.insights,message.list.read,message.list.send,message.list.manage";

class TikTokMessaging : public TikTokTest {
 protected:
  void SetUp() override {
    TikTokTest::SetUp();
    auto data = business_login(kAllScopes);
    token = s_of(data, "access_token");
    business_id = s_of(data, "open_id");
  }
  std::vector<json::object> conversations(const std::string& type) {
    std::vector<json::object> out;
    std::string cursor = "0";
    for (int guard = 0; guard < 100; ++guard) {
      auto data = data_of(v13_get("business/message/conversation/list/",
                                  {{"business_id", business_id},
                                   {"conversation_type", type},
                                   {"limit", "5"},
                                   {"cursor", cursor}},
                                  token));
      for (const auto& c : data.at("conversations").as_array()) out.push_back(c.as_object());
      EXPECT_TRUE(data.at("has_more").is_bool());
      cursor = std::to_string(data.at("cursor").as_int64());
      if (!data.at("has_more").as_bool()) break;
    }
    return out;
  }
  ClientResponse messages(const std::string& conversation_id) {
    return v13_get("business/message/content/list/",
                   {{"business_id", business_id}, {"conversation_id", conversation_id}}, token);
  }
  ClientResponse send(json::object body) {
    body["business_id"] = business_id;
    if (!body.contains("recipient_type")) body["recipient_type"] = "CONVERSATION";
    return v13_post("business/message/send/", body, token);
  }
  std::string token, business_id;
};

TEST_F(TikTokMessaging, BusinessGetIsFlat) {
  auto data = data_of(v13_get("business/get/",
                              {{"business_id", business_id},
                               {"fields",
                                "[\"display_name\",\"username\",\"followers_count\","
                                "\"bio_description\",\"metrics\"]"},
                               {"start_date", "2026-11-10"},
                               {"end_date", "2026-11-12"}},
                              token));
  EXPECT_TRUE(data.at("display_name").is_string());
  EXPECT_TRUE(data.at("username").is_string());
  EXPECT_TRUE(data.at("followers_count").is_int64());
  EXPECT_TRUE(data.at("bio_description").is_string());
  const auto& series = data.at("metrics").as_array();
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(s_of(series[0], "date"), "2026-11-10");
  EXPECT_TRUE(series[0].as_object().at("video_views").is_int64());
  // Defaults: display_name and profile_image.
  auto def = data_of(v13_get("business/get/", {{"business_id", business_id}}, token));
  EXPECT_EQ(def.size(), 2u);
  EXPECT_NE(s_of(def, "profile_image").find("x-expires="), std::string::npos);
  EXPECT_EQ(code_of(v13_get("business/get/",
                            {{"business_id", business_id}, {"start_date", "2026-08-01"}}, token)),
            40002);  // beyond 60 days
  EXPECT_EQ(code_of(v13_get("business/get/", {{"business_id", "-000other"}}, token)), 40001);
}

TEST_F(TikTokMessaging, ConversationPagesCoverEachOnce) {
  auto single = conversations("SINGLE");
  auto stranger = conversations("STRANGER");
  EXPECT_EQ(single.size(), 12u);
  EXPECT_EQ(stranger.size(), 4u);
  std::set<std::string> ids;
  int64_t last = INT64_MAX;
  for (const auto& c : single) {
    EXPECT_TRUE(ids.insert(s_of(c, "conversation_id")).second);
    EXPECT_TRUE(c.at("up_time").is_int64());
    EXPECT_GT(c.at("up_time").as_int64(), 1'000'000'000'000);  // milliseconds
    EXPECT_LE(c.at("up_time").as_int64(), last);
    last = c.at("up_time").as_int64();
    EXPECT_TRUE(c.at("referral").is_object());
  }
  EXPECT_EQ(code_of(v13_get("business/message/conversation/list/",
                            {{"business_id", business_id}, {"conversation_type", "GROUP"}}, token)),
            40002);
  EXPECT_EQ(code_of(v13_get(
                "business/message/conversation/list/",
                {{"business_id", business_id}, {"conversation_type", "SINGLE"}, {"limit", "101"}},
                token)),
            40002);
}

TEST_F(TikTokMessaging, ContentListShapeAndPlusEncoding) {
  std::string id;
  for (const auto& c : conversations("SINGLE"))
    if (s_of(c, "conversation_id").find('+') != std::string::npos) id = s_of(c, "conversation_id");
  ASSERT_FALSE(id.empty()) << "a conversation id with '+' exercises the %2B quirk";
  auto data = data_of(messages(id));
  const auto& list = data.at("messages").as_array();
  ASSERT_FALSE(list.empty());
  EXPECT_LE(list.size(), 20u);
  for (const auto& v : list) {
    const auto& m = v.as_object();
    EXPECT_TRUE(m.at("message_id").is_string());
    EXPECT_TRUE(m.at("timestamp").is_int64());
    std::string type = s_of(m, "message_type");
    EXPECT_FALSE(type.empty());
    for (char c : type) EXPECT_TRUE(std::isupper(static_cast<unsigned char>(c)) || c == '_');
    std::string role = s_of(m.at("from_user"), "role");
    EXPECT_TRUE(role == "BUSINESS_ACCOUNT" || role == "PERSONAL_ACCOUNT");
  }
  const auto& parts = data.at("participants").as_array();
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(s_of(parts[0], "role"), "BUSINESS_ACCOUNT");
  EXPECT_EQ(s_of(parts[0], "id"), business_id);
  EXPECT_TRUE(parts[1].as_object().at("is_follower").is_bool());

  // A '+' sent raw in the query decodes to a space: TikTok's answer to that.
  std::string raw = std::string(kV13) +
                    "business/message/content/list/?business_id=" + pct(business_id) +
                    "&conversation_id=" + id;
  auto r = get(raw, {{"Access-Token", token}});
  EXPECT_EQ(code_of(r), 40002);
  EXPECT_EQ(s_of(obj(r), "message"), "Param conversation_id is invalid.");
}

TEST_F(TikTokMessaging, SendTextAndValidation) {
  std::string conv = s_of(conversations("SINGLE")[0], "conversation_id");
  auto r =
      send({{"recipient", conv}, {"message_type", "TEXT"}, {"text", {{"body", "Hello there"}}}});
  auto data = data_of(r);
  std::string id = s_of(data.at("message"), "message_id");
  EXPECT_FALSE(id.empty());
  auto list = data_of(messages(conv)).at("messages").as_array();
  EXPECT_EQ(s_of(list[0], "message_id"), id);  // newest first
  EXPECT_EQ(s_of(list[0].at("text"), "body"), "Hello there");
  EXPECT_EQ(s_of(list[0].at("message_tag"), "source"), "API");

  auto typing = data_of(
      send({{"recipient", conv}, {"message_type", "SENDER_ACTION"}, {"sender_action", "TYPING"}}));
  EXPECT_EQ(s_of(typing.at("message"), "message_id"), "");

  EXPECT_EQ(code_of(send({{"recipient", conv},
                          {"message_type", "TEXT"},
                          {"text", {{"body", std::string(6001, 'x')}}}})),
            40002);
  EXPECT_EQ(code_of(send({{"recipient", conv},
                          {"message_type", "TEXT"},
                          {"text", {{"body", "a"}}},
                          {"image", {{"media_id", "m"}}}})),
            40002);  // text and image together
  EXPECT_EQ(
      code_of(send(
          {{"recipient", conv}, {"message_type", "IMAGE"}, {"image", {{"media_id", "nope"}}}})),
      40002);
  EXPECT_EQ(code_of(send({{"recipient", conv},
                          {"message_type", "IMAGE"},
                          {"image", {{"media_id", "x"}}},
                          {"referenced_message_info", {{"referenced_message_id", id}}}})),
            40002);  // replies must be TEXT
  EXPECT_EQ(code_of(send({{"recipient", conv},
                          {"message_type", "TEXT"},
                          {"text", {{"body", "re"}}},
                          {"referenced_message_info", {{"referenced_message_id", id}}}})),
            0);
  EXPECT_EQ(
      code_of(send({{"recipient", "nope"}, {"message_type", "TEXT"}, {"text", {{"body", "a"}}}})),
      40002);
  EXPECT_EQ(code_of(send({{"recipient", conv}, {"message_type", "VOICE"}})), 40002);
  EXPECT_EQ(
      code_of(send(
          {{"recipient", conv},
           {"message_type", "TEMPLATE"},
           {"template",
            {{"type", "QA_BUTTON_CARD"}, {"title", "Pick one"}, {"buttons", json::array{}}}}})),
      40002);
}

TEST_F(TikTokMessaging, TenMessagesPerUserTurn) {
  std::string conv = s_of(conversations("SINGLE")[1], "conversation_id");
  int ok = 0;
  int64_t code = 0;
  for (int i = 0; i < 12 && code == 0; ++i) {
    code = code_of(
        send({{"recipient", conv}, {"message_type", "TEXT"}, {"text", {{"body", "ping"}}}}));
    if (code == 0) ++ok;
  }
  EXPECT_EQ(ok, 10);
  EXPECT_EQ(code, 40064);
}

TEST_F(TikTokMessaging, ClosedReplyWindowAllowsThreeMore) {
  // The oldest accepted conversation's user wrote more than 48 hours ago.
  std::string conv = s_of(conversations("SINGLE").back(), "conversation_id");
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(code_of(send(
                  {{"recipient", conv}, {"message_type", "TEXT"}, {"text", {{"body", "late"}}}})),
              0);
  auto r = send({{"recipient", conv}, {"message_type", "TEXT"}, {"text", {{"body", "too late"}}}});
  EXPECT_EQ(code_of(r), 40064);
}

TEST_F(TikTokMessaging, ImageUploadSendAndDownload) {
  const std::string png(
      "\x89PNG\r\n\x1a\n"
      "fake-but-magic",
      22);
  std::string boundary = "----sandboxboundary";
  std::string body =
      "--" + boundary + "\r\nContent-Disposition: form-data; name=\"business_id\"\r\n\r\n" +
      business_id + "\r\n--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"media_type\"\r\n\r\nIMAGE\r\n--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
      "Content-Type: image/png\r\n\r\n" +
      png + "\r\n--" + boundary + "--\r\n";
  auto up = post(std::string(kV13) + "business/message/media/upload/", body,
                 "multipart/form-data; boundary=" + boundary, {{"Access-Token", token}});
  std::string media_id = s_of(data_of(up), "media_id");

  std::string conv = s_of(conversations("SINGLE")[2], "conversation_id");
  auto sent = data_of(
      send({{"recipient", conv}, {"message_type", "IMAGE"}, {"image", {{"media_id", media_id}}}}));
  std::string message_id = s_of(sent.at("message"), "message_id");

  auto dl = data_of(v13_post("business/message/media/download/",
                             {{"business_id", business_id},
                              {"conversation_id", conv},
                              {"message_id", message_id},
                              {"media_id", media_id},
                              {"media_type", "IMAGE"}},
                             token));
  std::string url = s_of(dl, "download_url");
  ASSERT_EQ(url.rfind(base, 0), 0u) << url;
  EXPECT_NE(url.find("x-expires="), std::string::npos);
  // The download needs the x-user header (the Access-Token).
  EXPECT_EQ(http_request("GET", url).status, 403);
  auto file = http_request("GET", url, {{"x-user", token}});
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.body, png);

  EXPECT_EQ(code_of(v13_post("business/message/media/download/",
                             {{"business_id", business_id},
                              {"conversation_id", conv},
                              {"message_id", message_id},
                              {"media_id", "other"},
                              {"media_type", "IMAGE"}},
                             token)),
            40002);
  auto not_image = post(std::string(kV13) + "business/message/media/upload/", "x",
                        "multipart/form-data; boundary=" + boundary, {{"Access-Token", token}});
  EXPECT_EQ(code_of(not_image), 40002);
}

TEST_F(TikTokMessaging, ScopesAndOwnership) {
  auto narrow = business_login("user.info.basic");
  EXPECT_EQ(
      code_of(v13_get("business/message/conversation/list/",
                      {{"business_id", s_of(narrow, "open_id")}, {"conversation_type", "SINGLE"}},
                      s_of(narrow, "access_token"))),
      40001);
  // The other business account's token cannot read this one's conversations.
  auto other = business_login(kAllScopes, "nordic_threads");
  ASSERT_NE(s_of(other, "open_id"), business_id);
  EXPECT_EQ(code_of(v13_get("business/message/conversation/list/",
                            {{"business_id", business_id}, {"conversation_type", "SINGLE"}},
                            s_of(other, "access_token"))),
            40001);
}

}  // namespace
}  // namespace connhost::sandbox::testing
