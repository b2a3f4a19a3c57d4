// Messenger / Instagram webhooks (§3.2-§3.4) verified independently with OpenSSL, and the Send
// API (§3.5) with its 24-hour window.
#include "meta_test_util.hpp"

namespace connhost::sandbox::testing {
namespace {

const std::string kPage = "109876543210987";
const std::string kFirstPsid = "2490001000000001";

class MetaMessaging : public MetaTest {
 protected:
  WebhookResult deliver(const std::string& mode, const std::string& event = "",
                        const std::string& text = "hello", int count = 1) {
    WebhookRequest w;
    w.platform = "meta";
    w.target_url = receiver.url();
    w.mode = mode;
    w.event = event;
    w.text = text;
    w.count = count;
    return sandbox->send_webhooks(w);
  }
  bool signed_ok(const Receiver::Hit& h) {
    return h.header("X-Hub-Signature-256") ==
               "sha256=" + openssl_hmac(EVP_sha256(), kAppSecret, h.body) &&
           h.header("X-Hub-Signature") == "sha1=" + openssl_hmac(EVP_sha1(), kAppSecret, h.body);
  }
  ClientResponse send(const std::string& body, const std::string& sender = kPage,
                      const std::string& token = kToken) {
    return post("/v26.0/" + sender + "/messages?access_token=" + token, body);
  }
  Receiver receiver;
};

TEST_F(MetaMessaging, MessageDeliveryIsSignedOverTheExactEscapedBytes) {
  auto result = deliver("single", "", "Grüße äöå / 東京 @shop 😀");
  ASSERT_EQ(result.sent, 1);
  EXPECT_EQ(result.statuses[0], 200);
  auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 1u);
  const auto& h = hits[0];
  EXPECT_TRUE(signed_ok(h)) << h.head;
  // Escaped as Graph does: lowercase \uXXXX, '\/', '@' as \u0040, surrogate pairs; ASCII only.
  EXPECT_NE(
      h.body.find(
          "Gr\\u00fc\\u00dfe \\u00e4\\u00f6\\u00e5 \\/ \\u6771\\u4eac \\u0040shop \\ud83d\\ude00"),
      std::string::npos)
      << h.body;
  for (unsigned char c : h.body) EXPECT_LT(c, 0x80);
  auto v = json::parse(h.body);
  EXPECT_EQ(v.at("object").as_string(), "page");
  const auto& entry = v.at("entry").as_array().at(0).as_object();
  EXPECT_EQ(entry.at("id").as_string(), kPage);
  EXPECT_GT(entry.at("time").as_int64(), 1'000'000'000'000);  // milliseconds
  const auto& m = entry.at("messaging").as_array().at(0).as_object();
  EXPECT_EQ(m.at("sender").at("id").as_string(), kFirstPsid);
  EXPECT_EQ(m.at("recipient").at("id").as_string(), kPage);
  EXPECT_GT(m.at("timestamp").as_int64(), 1'000'000'000'000);
  EXPECT_EQ(m.at("message").at("text").as_string(), "Grüße äöå / 東京 @shop 😀");
  EXPECT_EQ(std::string(m.at("message").at("mid").as_string()), result.event_ids[0]);
}

TEST_F(MetaMessaging, BadSignatureFailsIndependentVerification) {
  deliver("bad_signature");
  auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_FALSE(signed_ok(hits[0]));
  EXPECT_EQ(hits[0].header("X-Hub-Signature-256").rfind("sha256=", 0), 0u);
}

TEST_F(MetaMessaging, DuplicatesRepeatTheMidAndBurstsDiffer) {
  auto dup = deliver("duplicate");
  ASSERT_EQ(dup.event_ids.size(), 2u);
  EXPECT_EQ(dup.event_ids[0], dup.event_ids[1]);
  auto hits = receiver.hits();
  EXPECT_EQ(hits[0].body, hits[1].body);
  auto burst = deliver("burst", "", "hi", 4);
  std::set<std::string> ids(burst.event_ids.begin(), burst.event_ids.end());
  EXPECT_EQ(ids.size(), 4u);
  for (const auto& h : receiver.hits()) EXPECT_TRUE(signed_ok(h));
}

TEST_F(MetaMessaging, EventVariants) {
  deliver("single", "echo", "from the page");
  deliver("single", "read");
  deliver("single", "attachment");
  deliver("single", "instagram", "hi ig");
  auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 4u);
  for (const auto& h : hits) EXPECT_TRUE(signed_ok(h));
  auto echo = json::parse(hits[0].body).at("entry").at(0).at("messaging").at(0);
  EXPECT_TRUE(echo.at("message").at("is_echo").as_bool());
  EXPECT_EQ(echo.at("sender").at("id").as_string(), kPage);
  auto read = json::parse(hits[1].body).at("entry").at(0).at("messaging").at(0);
  EXPECT_TRUE(read.at("read").at("watermark").is_int64());
  auto att = json::parse(hits[2].body).at("entry").at(0).at("messaging").at(0);
  const auto& a = att.at("message").at("attachments").at(0);
  EXPECT_EQ(a.at("type").as_string(), "image");
  EXPECT_EQ(std::string(a.at("payload").at("url").as_string()).rfind("https://", 0), 0u);
  EXPECT_NE(hits[2].body.find("https:\\/\\/"), std::string::npos);
  auto ig = json::parse(hits[3].body);
  EXPECT_EQ(ig.at("object").as_string(), "instagram");
  EXPECT_EQ(ig.at("entry").at(0).at("messaging").at(0).at("message").at("text").as_string(),
            "hi ig");
}

TEST_F(MetaMessaging, SendWithinTheWindowThenOutside) {
  std::string msg = R"({"recipient":{"id":")" + kFirstPsid +
                    R"("},"messaging_type":"RESPONSE","message":{"text":"hello, world"}})";
  // Nobody has written yet: no matching user.
  auto none = graph_error(send(msg));
  EXPECT_EQ(none.code, 100);
  EXPECT_EQ(none.subcode, 2018001);

  deliver("single");
  auto ok = send(msg);
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto v = body_json(ok);
  EXPECT_EQ(v.at("recipient_id").as_string(), kFirstPsid);
  EXPECT_EQ(std::string(v.at("message_id").as_string()).rfind("m_", 0), 0u);

  advance_clock(25 * 3600);
  auto late = graph_error(send(msg));
  EXPECT_EQ(late.code, 10);
  EXPECT_EQ(late.subcode, 2018278);
  // A human agent may answer for seven days; retired tags are refused.
  std::string tagged =
      R"({"recipient":{"id":")" + kFirstPsid +
      R"("},"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT","message":{"text":"hi"}})";
  EXPECT_EQ(send(tagged).status, 200);
  std::string retired =
      R"({"recipient":{"id":")" + kFirstPsid +
      R"("},"messaging_type":"MESSAGE_TAG","tag":"ACCOUNT_UPDATE","message":{"text":"hi"}})";
  EXPECT_EQ(graph_error(send(retired)).code, 100);
}

TEST_F(MetaMessaging, MeMessagesWithAPageTokenAndFormEncoding) {
  deliver("single");
  auto accounts = body_json(graph("/me/accounts"));
  std::string page_token(accounts.at("data").at(0).at("access_token").as_string());
  auto r =
      post("/v26.0/me/messages?access_token=" + page_token,
           "recipient=%7B%22id%22%3A%22" + kFirstPsid +
               "%22%7D&messaging_type=UPDATE&message=%7B%22attachment%22%3A%7B%22type%22%3A%"
               "22image%22%2C"
               "%22payload%22%3A%7B%22url%22%3A%22https%3A%2F%2Fexample.com%2Fa.png%22%7D%7D%7D",
           "application/x-www-form-urlencoded");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r).at("recipient_id").as_string(), kFirstPsid);
  // /me/messages with a user token is refused.
  EXPECT_EQ(graph_error(post("/v26.0/me/messages?access_token=" + std::string(kToken), "{}")).code,
            230);
  // Missing messaging_type and over-long text are parameter errors.
  EXPECT_EQ(
      graph_error(send(R"({"recipient":{"id":")" + kFirstPsid + R"("},"message":{"text":"x"}})"))
          .code,
      100);
  std::string long_text(2001, 'a');
  EXPECT_EQ(graph_error(send(R"({"recipient":{"id":")" + kFirstPsid +
                             R"("},"messaging_type":"RESPONSE","message":{"text":")" + long_text +
                             "\"}}"))
                .code,
            100);
}

TEST_F(MetaMessaging, InstagramSendUsesItsOwnErrors) {
  std::string ig = "17841400000000001";
  std::string igsid = "9130001000000001";
  std::string msg = R"({"recipient":{"id":")" + igsid +
                    R"("},"messaging_type":"RESPONSE","message":{"text":"hey"}})";
  EXPECT_EQ(graph_error(send(msg, ig)).subcode, 2534014);
  deliver("single", "instagram");
  EXPECT_EQ(send(msg, ig).status, 200);
  advance_clock(2 * 86400);
  auto late = graph_error(send(msg, ig));
  EXPECT_EQ(late.code, 10);
  EXPECT_EQ(late.subcode, 2534022);
}

}  // namespace
}  // namespace connhost::sandbox::testing
