// Messenger and Instagram messaging through plugin::Instance against the in-process sandbox:
// the hub.challenge handshake, deliveries of the sandbox's webhook driver (caught by a loopback
// target) verified and parsed, the Send API with its 24-hour window, media URLs; then the pure
// webhook functions with literal inputs (meta-google.md §3).
#include <gmock/gmock.h>

#include <boost/json/parse.hpp>

#include <string>

#include "connector_fixture.hpp"
#include "meta_messaging.hpp"
#include "meta_webhook.hpp"
#include "webhook_capture.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace wh = meta::webhook;
namespace json = boost::json;

constexpr const char* kPage = "109876543210987";
constexpr const char* kIgAccount = "17841400000000001";

class MetaMessagingTest : public ConnectorTest {
 protected:
  MetaMessagingTest() : ConnectorTest("meta") {}

  std::unique_ptr<plugin::Instance> connection(const std::string& app_secret,
                                               const std::string& verify_token = "") {
    std::map<std::string, std::string> secrets{{"app_secret", app_secret},
                                               {"access_token", creds.meta_access_token}};
    if (!verify_token.empty()) secrets["webhook_verify_token"] = verify_token;
    return make({{"base_url", sandbox->base_url()}, {"app_id", creds.meta_app_id}}, secrets);
  }

  std::vector<plugin::WebhookRequest> deliver(const std::string& event,
                                              const std::string& mode = "single",
                                              sandbox::WebhookResult* result = nullptr,
                                              const std::string& text = "hello", int count = 1) {
    sandbox::WebhookRequest spec;
    spec.platform = "meta";
    spec.mode = mode;
    spec.event = event;
    spec.text = text;
    spec.count = count;
    return target.drive(*sandbox, spec, 0, result);
  }

  std::vector<plugin::MessageEvent> events(plugin::Instance& inst,
                                           const plugin::WebhookRequest& w) {
    EXPECT_FALSE(inst.verify(w));
    auto r = inst.parse_events(w);
    EXPECT_FALSE(r.error) << r.error->to_string();
    return r.events;
  }

  plugin::SendRequest text_to(const std::string& account, const std::string& user,
                              const std::string& text) {
    plugin::SendRequest s;
    s.account_id = account;
    s.conversation_id = user;
    s.recipient_id = user;
    s.type = "text";
    s.text = text;
    return s;
  }

  void clock(int64_t offset_s) {
    http::Client c;
    auto r = c.send(
        {"POST", sandbox->base_url() + "/_sandbox/clock?offset_s=" + std::to_string(offset_s)});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  sandbox::Credentials creds;
  WebhookCapture target;
};

plugin::WebhookRequest get(std::string query) {
  plugin::WebhookRequest r;
  r.method = "GET";
  r.query = std::move(query);
  return r;
}

TEST_F(MetaMessagingTest, HandshakeEchoesTheChallengeForTheRightTokenOnly) {
  auto inst = connection(creds.meta_app_secret, creds.meta_verify_token);
  auto ok = inst->handshake(get("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=" +
                                creds.meta_verify_token));
  ASSERT_FALSE(ok.error) << ok.error->to_string();
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "1158201444");

  for (std::string q :
       {"hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong",
        "hub.mode=subscribe&hub.challenge=1",
        "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=sandbox-meta-verify-token",
        "hub.mode=subscribe&hub.challenge=%3Cscript%3E&hub.verify_token="
        "sandbox-meta-verify-token",
        ""}) {
    auto bad = inst->handshake(get(q));
    ASSERT_TRUE(bad.error) << q;
    EXPECT_EQ(bad.error->category, CH_ERROR_AUTH) << q;
    EXPECT_THAT(bad.error->message, Not(HasSubstr(creds.meta_verify_token)));
  }
  // A token that needed percent-encoding is compared decoded.
  auto odd = connection(creds.meta_app_secret, "tok en&=/");
  EXPECT_FALSE(
      odd->handshake(get("hub.verify_token=tok+en%26%3D%2F&hub.challenge=42&hub.mode=subscribe"))
          .error);

  auto unset = connection(creds.meta_app_secret);
  auto no_token = unset->handshake(get("hub.mode=subscribe&hub.challenge=1&hub.verify_token=x"));
  ASSERT_TRUE(no_token.error);
  EXPECT_EQ(no_token.error->category, CH_ERROR_CONFIG);
}

TEST_F(MetaMessagingTest, VerifyAcceptsTheDriversDeliveriesAndRefusesEveryForgery) {
  auto inst = connection(creds.meta_app_secret);
  auto got = deliver("message", "single", nullptr, "Grüße / héllo");
  ASSERT_EQ(got.size(), 1u);
  auto good = got[0];
  EXPECT_THAT(good.body, HasSubstr("Gr\\u00fc\\u00dfe \\/")) << "signed over Graph's escaping";
  EXPECT_FALSE(inst->verify(good));

  auto expect_auth = [&](const plugin::WebhookRequest& w, const char* what, plugin::Instance& i) {
    auto e = i.verify(w);
    ASSERT_TRUE(e) << what << " was accepted";
    EXPECT_EQ(e->category, CH_ERROR_AUTH) << what;
    EXPECT_THAT(e->message, Not(HasSubstr("Gr"))) << "the body leaked into the error";
    EXPECT_LT(e->message.size(), 80u);
  };
  for (size_t at : {size_t{0}, good.body.size() / 2, good.body.size() - 1}) {
    auto tampered = good;
    tampered.body[at] ^= 0x01;
    expect_auth(tampered, "a changed body", *inst);
  }
  // The legacy SHA-1 header alone is not enough.
  auto sha1_only = good;
  std::erase_if(sha1_only.headers, [](const auto& h) { return h.first == "X-Hub-Signature-256"; });
  ASSERT_EQ(sha1_only.headers.size(), good.headers.size() - 1);
  expect_auth(sha1_only, "only X-Hub-Signature (sha1)", *inst);
  auto truncated = good;
  for (auto& [k, v] : truncated.headers)
    if (k == "X-Hub-Signature-256") v.pop_back();
  expect_auth(truncated, "a short signature", *inst);

  auto other = connection("not-the-app-secret");
  expect_auth(good, "a wrong secret", *other);
  auto bad = deliver("message", "bad_signature");
  ASSERT_EQ(bad.size(), 1u);
  expect_auth(bad[0], "the driver's bad_signature", *inst);
  // Meta signs no timestamp: the replayed delivery is validly signed and passes; the host's
  // dedupe on the mid is what stops a replay.
  auto replayed = deliver("message", "replayed");
  ASSERT_EQ(replayed.size(), 1u);
  EXPECT_FALSE(inst->verify(replayed[0]));
}

TEST_F(MetaMessagingTest, ParseEventsMapsMessagesEchoesReadsAttachmentsAndInstagram) {
  auto inst = connection(creds.meta_app_secret);
  sandbox::WebhookResult r;
  auto in = events(*inst, deliver("message", "single", &r, "Grüße")[0]);
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].event_id, r.event_ids[0]);
  EXPECT_EQ(in[0].message_id, r.event_ids[0]);
  EXPECT_EQ(in[0].event_type, "message");
  EXPECT_EQ(in[0].direction, "in");
  EXPECT_EQ(in[0].type, "text");
  EXPECT_EQ(in[0].text, "Grüße");
  EXPECT_EQ(in[0].account_id, kPage);
  EXPECT_EQ(in[0].sender_id, "2490001000000001");
  EXPECT_EQ(in[0].conversation_id, "2490001000000001");
  EXPECT_EQ(in[0].recipient_id, kPage);
  EXPECT_GT(in[0].timestamp_ms, 1'700'000'000'000);

  auto echo = events(*inst, deliver("echo", "single", &r)[0]);
  ASSERT_EQ(echo.size(), 1u);
  EXPECT_EQ(echo[0].event_id, r.event_ids[0]);
  EXPECT_EQ(echo[0].event_type, "message_echo");
  EXPECT_EQ(echo[0].direction, "out");
  EXPECT_EQ(echo[0].sender_id, kPage);
  EXPECT_EQ(echo[0].conversation_id, "2490001000000001") << "the customer, not the Page";
  EXPECT_EQ(echo[0].extras["app_id"], creds.meta_app_id);

  auto read = events(*inst, deliver("read", "single", &r)[0]);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].event_id, r.event_ids[0]) << "the driver's id for a read";
  EXPECT_EQ(read[0].type, "read");
  EXPECT_EQ(read[0].event_type, "read");
  EXPECT_FALSE(read[0].extras["watermark_ms"].empty());
  EXPECT_EQ(read[0].event_id, "read.2490001000000001." + read[0].extras["watermark_ms"]);

  auto att = events(*inst, deliver("attachment", "single", &r)[0]);
  ASSERT_EQ(att.size(), 1u);
  EXPECT_EQ(att[0].type, "image");
  EXPECT_THAT(att[0].media_id, ::testing::StartsWith("https://scontent.xx.fbcdn.net/"));
  auto m = inst->media_url(
      {"", kPage, att[0].conversation_id, att[0].message_id, att[0].media_id, "image"});
  ASSERT_FALSE(m.error) << m.error->to_string();
  EXPECT_EQ(m.url, att[0].media_id);
  auto not_url = inst->media_url({"", kPage, "", "", "12345", "image"});
  ASSERT_TRUE(not_url.error);
  EXPECT_EQ(not_url.error->category, CH_ERROR_DATA);

  auto ig = events(*inst, deliver("instagram", "single", &r)[0]);
  ASSERT_EQ(ig.size(), 1u);
  EXPECT_EQ(ig[0].account_id, kIgAccount);
  EXPECT_EQ(ig[0].sender_id, "9130001000000001");
  EXPECT_EQ(ig[0].extras["channel"], "instagram");
  EXPECT_EQ(ig[0].event_id, r.event_ids[0]);

  // out_of_order: each delivery keeps its own id, newest first.
  auto batch = deliver("message", "out_of_order", &r, "x", 3);
  ASSERT_EQ(batch.size(), 3u);
  for (size_t i = 0; i < batch.size(); ++i) {
    auto e = events(*inst, batch[i]);
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].event_id, r.event_ids[i]);
  }
}

TEST_F(MetaMessagingTest, SendsInsideTheWindowAndIsRefusedOutsideIt) {
  auto inst = connection(creds.meta_app_secret);
  auto in = events(*inst, deliver("message")[0]);  // opens PSID ...001's window
  ASSERT_EQ(in.size(), 1u);
  auto sent = inst->send(text_to(kPage, in[0].conversation_id, "Hi! How can we help?"));
  ASSERT_FALSE(sent.error) << sent.error->to_string();
  EXPECT_THAT(sent.message_id, ::testing::StartsWith("m_"));

  auto image = text_to(kPage, in[0].conversation_id, "");
  image.type = "image";
  image.media_id = "https://example.com/catalog/shoe.png";
  image.reply_to_message_id = in[0].message_id;
  auto sent_image = inst->send(image);
  ASSERT_FALSE(sent_image.error) << sent_image.error->to_string();

  int sends = 0;
  for (const auto& r : sandbox->requests()) {
    if (r.endpoint != "me/messages") continue;
    ++sends;
    EXPECT_EQ(r.path, std::string("/v26.0/") + kPage + "/messages");
    EXPECT_THAT(r.query, Not(HasSubstr(creds.meta_access_token))) << "the token stays out of URLs";
    auto body = json::parse(r.body).as_object();
    EXPECT_EQ(body.at("messaging_type").as_string(), "RESPONSE");
    EXPECT_EQ(body.at("recipient").at("id").as_string(), in[0].conversation_id);
    if (sends == 1) {
      EXPECT_EQ(body.at("message").at("text").as_string(), "Hi! How can we help?");
    }
    if (sends == 2) {
      EXPECT_EQ(body.at("message").at("attachment").at("type").as_string(), "image");
      EXPECT_EQ(body.at("message").at("attachment").at("payload").at("url").as_string(),
                "https://example.com/catalog/shoe.png");
      EXPECT_EQ(body.at("reply_to").at("mid").as_string(), in[0].message_id);
    }
  }
  EXPECT_EQ(sends, 2);

  // Someone who never wrote: no matching user.
  auto stranger = inst->send(text_to(kPage, "2490009999999999", "hello?"));
  ASSERT_TRUE(stranger.error);
  EXPECT_EQ(stranger.error->category, CH_ERROR_DATA);
  EXPECT_THAT(stranger.error->message, HasSubstr("no matching user"));

  // 25 hours later the standard window is closed (§3.5: code 10, subcode 2018278).
  clock(25 * 3600);
  auto late = inst->send(text_to(kPage, in[0].conversation_id, "Still there?"));
  ASSERT_TRUE(late.error);
  EXPECT_EQ(late.error->category, CH_ERROR_DATA) << late.error->to_string();
  EXPECT_THAT(late.error->message, HasSubstr("24-hour messaging window is closed"));
  EXPECT_THAT(late.error->message, HasSubstr("2018278"));
  EXPECT_THAT(late.error->message, Not(HasSubstr(creds.meta_access_token)));

  // Instagram: the same window with its own subcode.
  clock(0);
  auto ig = events(*inst, deliver("instagram")[0]);
  ASSERT_EQ(ig.size(), 1u);
  auto ig_sent = inst->send(text_to(kIgAccount, ig[0].conversation_id, "hi from IG"));
  ASSERT_FALSE(ig_sent.error) << ig_sent.error->to_string();
  clock(25 * 3600);
  auto ig_late = inst->send(text_to(kIgAccount, ig[0].conversation_id, "late"));
  ASSERT_TRUE(ig_late.error);
  EXPECT_EQ(ig_late.error->category, CH_ERROR_DATA);
  EXPECT_THAT(ig_late.error->message, HasSubstr("2534022"));
}

TEST_F(MetaMessagingTest, AFaultyGraphKeepsItsCategory) {
  auto inst = connection(creds.meta_app_secret);
  auto in = events(*inst, deliver("message")[0]);
  sandbox->add_faults(
      R"({"platform":"meta","endpoint":"me/messages","kind":"rate_limit","code":613,"times":1})");
  auto throttled = inst->send(text_to(kPage, in[0].conversation_id, "hi"));
  ASSERT_TRUE(throttled.error);
  EXPECT_EQ(throttled.error->category, CH_ERROR_QUOTA) << throttled.error->to_string();
  sandbox->add_faults(
      R"({"platform":"meta","endpoint":"me/messages","kind":"revoked_token","times":1})");
  auto revoked = inst->send(text_to(kPage, in[0].conversation_id, "hi"));
  ASSERT_TRUE(revoked.error);
  EXPECT_EQ(revoked.error->category, CH_ERROR_AUTH) << revoked.error->to_string();
  auto ok = inst->send(text_to(kPage, in[0].conversation_id, "hi"));
  EXPECT_FALSE(ok.error) << ok.error->to_string();
}

// --- Pure functions -----------------------------------------------------------------------------

TEST(MetaWebhookUnits, SignatureIsHmacSha256OfTheRawBody) {
  EXPECT_EQ(wh::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  std::string body = R"({"object":"page","entry":[]})";
  std::string sig = "sha256=" + wh::hmac_sha256_hex("s3cret", body);
  EXPECT_NO_THROW(wh::verify(sig, body, "s3cret"));
  std::string upper = sig;
  for (size_t i = 7; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  EXPECT_NO_THROW(wh::verify(upper, body, "s3cret")) << "hex digits in either case";
  EXPECT_THROW(wh::verify(std::nullopt, body, "s3cret"), Error);
  EXPECT_THROW(wh::verify("sha1=" + sig.substr(7), body, "s3cret"), Error);
  EXPECT_THROW(wh::verify(sig, body + " ", "s3cret"), Error);
}

TEST(MetaWebhookUnits, AttachmentTypesMap) {
  EXPECT_EQ(wh::attachment_type("image", false), "image");
  EXPECT_EQ(wh::attachment_type("image", true), "sticker");
  EXPECT_EQ(wh::attachment_type("video", false), "video");
  EXPECT_EQ(wh::attachment_type("audio", false), "audio");
  EXPECT_EQ(wh::attachment_type("file", false), "file");
  EXPECT_EQ(wh::attachment_type("template", false), "template");
  EXPECT_EQ(wh::attachment_type("fallback", false), "share");
  EXPECT_EQ(wh::attachment_type("share", false), "share");
  EXPECT_EQ(wh::attachment_type("ig_reel", false), "share");
  EXPECT_EQ(wh::attachment_type("location", false), "unsupported");

  auto parsed = wh::parse_webhook(
      R"({"object":"page","entry":[{"id":"P","time":1,"messaging":[
        {"sender":{"id":"U"},"recipient":{"id":"P"},"timestamp":5,"message":{"mid":"m1","attachments":[
          {"type":"image","payload":{"url":"https://x/s.png","sticker_id":369239263222822}}]}},
        {"sender":{"id":"U"},"recipient":{"id":"P"},"timestamp":6,"message":{"mid":"m2","text":"see",
          "reply_to":{"mid":"m1"},"quick_reply":{"payload":"YES"},"attachments":[
          {"type":"fallback","title":"A page","payload":{"url":"https://x/a"}},
          {"type":"file","payload":{"url":"https://x/b.pdf"}}]}},
        {"sender":{"id":"U"},"recipient":{"id":"P"},"timestamp":7,"delivery":{"mids":["m0"]}},
        {"sender":{"id":"U"},"recipient":{"id":"P"},"timestamp":8,"read":{"mid":"m2"}}]},
       {"id":"P","time":2,"changes":[]}]})");
  ASSERT_EQ(parsed.size(), 3u) << "a delivery receipt is no message";
  EXPECT_EQ(parsed[0].type, "sticker");
  EXPECT_EQ(parsed[0].extras["sticker_id"], "369239263222822");
  EXPECT_EQ(parsed[0].media_id, "https://x/s.png");
  EXPECT_EQ(parsed[1].type, "share");
  EXPECT_EQ(parsed[1].text, "see");
  EXPECT_EQ(parsed[1].reply_to, "m1");
  EXPECT_EQ(parsed[1].extras["quick_reply_payload"], "YES");
  EXPECT_EQ(parsed[1].extras["title"], "A page");
  EXPECT_EQ(parsed[1].extras["attachment_count"], "2");
  EXPECT_EQ(parsed[1].extras["attachment_urls"], "https://x/a\nhttps://x/b.pdf");
  EXPECT_EQ(parsed[2].type, "read");
  EXPECT_EQ(parsed[2].event_id, "read.U.m2");
  EXPECT_EQ(parsed[2].extras["read_mid"], "m2");
}

TEST(MetaWebhookUnits, MalformedDeliveriesAreDataErrorsNamingTheField) {
  auto message = [](std::string_view body) {
    try {
      wh::parse_webhook(body);
    } catch (const Error& e) {
      EXPECT_EQ(e.category(), ErrorCategory::data);
      return std::string(e.what());
    }
    return std::string("(parsed)");
  };
  EXPECT_THAT(message("nope"), HasSubstr("body: not JSON"));
  EXPECT_THAT(message(R"({"object":"user","entry":[]})"), HasSubstr("object: 'user'"));
  EXPECT_THAT(message(R"({"object":"page"})"), HasSubstr("entry: missing"));
  EXPECT_THAT(message(R"({"object":"page","entry":[{"messaging":[]}]})"), HasSubstr("entry[0].id"));
  EXPECT_THAT(
      message(
          R"({"object":"page","entry":[{"id":"P","messaging":[{"recipient":{"id":"P"},"timestamp":1,"message":{"mid":"m"}}]}]})"),
      HasSubstr("entry[0].messaging[0].sender.id"));
  EXPECT_THAT(
      message(
          R"({"object":"page","entry":[{"id":"P","messaging":[{"sender":{"id":"U"},"recipient":{"id":"P"},"message":{"mid":"m"}}]}]})"),
      HasSubstr("timestamp"));
  EXPECT_THAT(
      message(
          R"({"object":"page","entry":[{"id":"P","messaging":[{"sender":{"id":"U"},"recipient":{"id":"P"},"timestamp":1,"message":{"text":"x"}}]}]})"),
      HasSubstr("message.mid"));
}

TEST(MetaMessagingUnits, SendErrorsAreNamed) {
  meta::Settings s;
  s.base_url = "https://graph.facebook.com";
  s.api_version = "v26.0";
  auto window = [&](int subcode) {
    try {
      meta::messaging::parse_send(
          400,
          R"({"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":)" +
              std::to_string(subcode) + R"(,"fbtrace_id":"Abc"}})",
          s);
    } catch (const Error& e) {
      EXPECT_EQ(e.category(), ErrorCategory::data);
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_THAT(window(2018278), HasSubstr("24-hour messaging window is closed"));
  EXPECT_THAT(window(2534022), HasSubstr("24-hour messaging window is closed"));
  EXPECT_EQ(meta::messaging::parse_send(200, R"({"recipient_id":"1","message_id":"m_1"})", s),
            "m_1");
  EXPECT_THROW(meta::messaging::parse_send(200, R"({"recipient_id":"1"})", s), Error);
  auto r = meta::messaging::send_request(s, "tok", {kPage, "U", "image", "", "778", ""});
  EXPECT_EQ(r.url, std::string("https://graph.facebook.com/v26.0/") + kPage + "/messages");
  auto body = json::parse(r.body);
  EXPECT_EQ(body.at("message").at("attachment").at("payload").at("attachment_id").as_string(),
            "778");
  EXPECT_THROW(
      meta::messaging::send_request(s, "tok", {kPage, "U", "text", std::string(2001, 'a'), "", ""}),
      Error);
  EXPECT_THROW(meta::messaging::send_request(s, "tok", {"../x", "U", "text", "a", "", ""}), Error);
}

}  // namespace
}  // namespace connhost::testing
