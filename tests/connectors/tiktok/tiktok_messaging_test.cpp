// TikTok Business Messaging through plugin::Instance against the in-process sandbox: deliveries
// of the sandbox's webhook driver (caught by a loopback target) verified and parsed, sends of
// text and images, the policy limits, media download URLs; then the pure signature and payload
// functions with literal inputs (tiktok.md §3.3, §3.4).
#include <gmock/gmock.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <map>
#include <string>

#include "connector_fixture.hpp"
#include "login_test_util.hpp"
#include "tiktok_messaging.hpp"
#include "tiktok_webhook.hpp"
#include "webhook_capture.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace wh = tiktok::webhook;
namespace json = boost::json;

constexpr const char* kRedirect = "http://127.0.0.1:9000/cb";

class TikTokMessagingTest : public ConnectorTest {
 protected:
  TikTokMessagingTest() : ConnectorTest("tiktok") {}

  std::unique_ptr<plugin::Instance> connection(const std::string& app_secret) {
    return make({{"base_url", sandbox->base_url()},
                 {"open_api_base_url", sandbox->base_url()},
                 {"auth_page_url", sandbox->base_url() + "/v2/auth/authorize/"},
                 {"app_id", creds.tiktok_app_id},
                 {"login_flow", "business"}},
                {{"app_secret", app_secret}});
  }

  // A tt_user grant for the sandbox's first Business Account (acme.store), as login gets one.
  plugin::TokenRecord grant(plugin::Instance& inst) {
    plugin::AuthorizeRequest a;
    a.redirect_uri = kRedirect;
    a.state = "s";
    auto url = inst.authorize_url(a);
    EXPECT_FALSE(url.error);
    http::Client c;
    auto r = c.send({"GET", url.url + "&sandbox_auto=1"});
    EXPECT_EQ(r.status, 302) << r.body;
    auto q = query_of(std::string(r.header("Location").value_or("")));
    auto t = inst.exchange_code({q["code"], kRedirect, {}, {}, {}});
    EXPECT_FALSE(t.error) << t.error->to_string();
    return t.token;
  }

  // One delivery of `event`; `now_ms` is taken from its own signature unless given.
  plugin::WebhookRequest deliver(const std::string& event, const std::string& mode = "single",
                                 sandbox::WebhookResult* result = nullptr,
                                 const std::string& text = "hello from the sandbox") {
    sandbox::WebhookRequest spec;
    spec.platform = "tiktok";
    spec.mode = mode;
    spec.event = event;
    spec.text = text;
    auto got = target.drive(*sandbox, spec, 0, result);
    EXPECT_EQ(got.size(), 1u) << event << " " << mode;
    if (got.empty()) return {};
    auto sig = wh::parse_signature(header_of(got[0], "TikTok-Signature"));
    EXPECT_TRUE(sig);
    got[0].now_ms = sig ? sig->t * 1000 : 0;
    return got[0];
  }

  plugin::MessageEvent one_event(plugin::Instance& inst, const plugin::WebhookRequest& w) {
    EXPECT_FALSE(inst.verify(w));
    auto r = inst.parse_events(w);
    EXPECT_FALSE(r.error) << r.error->to_string();
    EXPECT_EQ(r.events.size(), 1u);
    return r.events.empty() ? plugin::MessageEvent{} : r.events[0];
  }

  // The sandbox's view of a conversation (content/list, §3.3), newest first.
  json::array messages(const std::string& token, const std::string& business,
                       const std::string& conversation) {
    http::Client c;
    auto enc = [](const std::string& s) {
      return boost::urls::encode(s, boost::urls::unreserved_chars);
    };
    http::Request r{"GET", sandbox->base_url() +
                               "/open_api/v1.3/business/message/content/list/?business_id=" +
                               enc(business) + "&conversation_id=" + enc(conversation)};
    r.headers.emplace_back("Access-Token", token);
    auto a = c.send(r);
    auto v = json::parse(a.body);
    EXPECT_EQ(v.at("code").as_int64(), 0) << a.body;
    return v.at("data").at("messages").as_array();
  }

  void clock(int64_t offset_s) {
    http::Client c;
    auto r = c.send(
        {"POST", sandbox->base_url() + "/_sandbox/clock?offset_s=" + std::to_string(offset_s)});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  plugin::SendRequest text_to(const plugin::TokenRecord& t, const std::string& conversation,
                              const std::string& text) {
    plugin::SendRequest s;
    s.access_token = t.access_token;
    s.account_id = t.platform_user_id;
    s.conversation_id = conversation;
    s.type = "text";
    s.text = text;
    return s;
  }

  sandbox::Credentials creds;
  WebhookCapture target;
};

TEST_F(TikTokMessagingTest, VerifyAcceptsTheDriversDeliveriesAndRefusesEveryForgery) {
  auto inst = connection(creds.tiktok_app_secret);
  auto good = deliver("im_receive_msg");
  EXPECT_FALSE(inst->verify(good));

  auto expect_auth = [&](const plugin::WebhookRequest& w, const char* what, plugin::Instance& i) {
    auto e = i.verify(w);
    ASSERT_TRUE(e) << what << " was accepted";
    EXPECT_EQ(e->category, CH_ERROR_AUTH) << what;
    EXPECT_THAT(e->message, Not(HasSubstr("hello"))) << "the body leaked into the error";
    EXPECT_LT(e->message.size(), 80u) << e->message;
  };
  for (size_t at : {size_t{0}, good.body.size() / 2, good.body.size() - 1}) {
    auto tampered = good;
    tampered.body[at] ^= 0x01;  // one bit of one byte
    expect_auth(tampered, "a changed body", *inst);
  }
  auto stale = good;
  stale.now_ms += stale.tolerance_ms + 1;
  expect_auth(stale, "a timestamp beyond the tolerance", *inst);
  auto early = good;
  early.now_ms -= early.tolerance_ms + 1;
  expect_auth(early, "a timestamp from the future", *inst);
  auto edge = good;
  edge.now_ms += edge.tolerance_ms;
  EXPECT_FALSE(inst->verify(edge)) << "exactly at the tolerance is still in time";
  auto unsigned_ = good;
  unsigned_.headers.clear();
  expect_auth(unsigned_, "no signature header", *inst);
  auto garbled = good;
  for (auto& [k, v] : garbled.headers)
    if (k == "TikTok-Signature") v = "t=abc,s=zz";
  expect_auth(garbled, "a malformed header", *inst);

  auto other_secret = connection("not-the-app-secret");
  expect_auth(good, "a wrong secret", *other_secret);

  auto bad = deliver("im_receive_msg", "bad_signature");
  expect_auth(bad, "the driver's bad_signature", *inst);
  auto replayed = deliver("im_receive_msg", "replayed");
  replayed.now_ms = good.now_ms;  // signed an hour before the good one
  expect_auth(replayed, "the driver's replayed delivery", *inst);
  // The replayed one is validly signed: with an hour of tolerance it passes.
  replayed.tolerance_ms = 2 * 3600 * 1000;
  EXPECT_FALSE(inst->verify(replayed));
}

TEST_F(TikTokMessagingTest, ParseEventsMapsEveryBusinessEvent) {
  auto inst = connection(creds.tiktok_app_secret);
  sandbox::WebhookResult sent;
  auto in = one_event(*inst, deliver("im_receive_msg", "single", &sent, "Grüße, hello"));
  ASSERT_EQ(sent.event_ids.size(), 1u);
  EXPECT_EQ(in.event_id, sent.event_ids[0]);
  EXPECT_EQ(in.event_type, "im_receive_msg");
  EXPECT_EQ(in.message_id, in.event_id);
  EXPECT_EQ(in.direction, "in");
  EXPECT_EQ(in.type, "text");
  EXPECT_EQ(in.text, "Grüße, hello");
  EXPECT_FALSE(in.account_id.empty());
  EXPECT_EQ(in.recipient_id, in.account_id);  // to_user: the business account
  EXPECT_FALSE(in.sender_id.empty());
  EXPECT_NE(in.sender_id, in.account_id);
  EXPECT_NE(in.conversation_id.find('+'), std::string::npos) << "the first conversation has a +";
  EXPECT_GT(in.timestamp_ms, 1'700'000'000'000);
  EXPECT_FALSE(in.extras["sender_name"].empty());

  auto echo = one_event(*inst, deliver("im_send_msg", "single", &sent));
  EXPECT_EQ(echo.event_id, sent.event_ids[0]);
  EXPECT_EQ(echo.direction, "out");
  EXPECT_EQ(echo.type, "text");
  EXPECT_EQ(echo.sender_id, echo.account_id);
  EXPECT_EQ(echo.extras["source"], "APP");

  auto read = one_event(*inst, deliver("im_mark_read_msg", "single", &sent));
  EXPECT_EQ(read.event_id, sent.event_ids[0]) << "the driver's id for a read";
  EXPECT_EQ(read.type, "read");
  EXPECT_EQ(read.direction, "in");
  EXPECT_EQ(read.extras["watermark_ms"], std::to_string(read.timestamp_ms));
  EXPECT_TRUE(read.message_id.empty());

  auto eu = one_event(*inst, deliver("im_receive_msg_eu", "single", &sent));
  EXPECT_EQ(eu.event_id, sent.event_ids[0]);
  EXPECT_EQ(eu.type, "unsupported");
  EXPECT_EQ(eu.direction, "in");
  EXPECT_TRUE(eu.text.empty());
  EXPECT_THAT(eu.extras["reason"], HasSubstr("EEA/CH/UK"));

  // A developer-portal event is signed with the Login Kit secret, not this Business connection's
  // (tiktok_deauth_test.cpp verifies it where it belongs); it parses to no message, only a
  // deauthorization.
  auto removed = deliver("authorization.removed");
  EXPECT_TRUE(inst->verify(removed));
  auto parsed = inst->parse_events(removed);
  ASSERT_FALSE(parsed.error) << parsed.error->to_string();
  ASSERT_EQ(parsed.events.size(), 1u);
  EXPECT_EQ(parsed.events[0].type, "deauthorized");
  EXPECT_TRUE(parsed.events[0].message_id.empty());
}

TEST_F(TikTokMessagingTest, BurstsKeepTheirOrderAndIds) {
  auto inst = connection(creds.tiktok_app_secret);
  sandbox::WebhookRequest spec;
  spec.platform = "tiktok";
  spec.mode = "burst";
  spec.count = 5;
  sandbox::WebhookResult result;
  auto got = target.drive(*sandbox, spec, 0, &result);
  ASSERT_EQ(got.size(), 5u);
  for (size_t i = 0; i < got.size(); ++i) {
    got[i].now_ms = wh::parse_signature(header_of(got[i], "TikTok-Signature"))->t * 1000;
    auto e = one_event(*inst, got[i]);
    EXPECT_EQ(e.event_id, result.event_ids[i]);
  }
}

TEST_F(TikTokMessagingTest, SendsTextRepliesAndImagesIntoTheConversation) {
  auto inst = connection(creds.tiktok_app_secret);
  auto t = grant(*inst);
  auto in = one_event(*inst, deliver("im_receive_msg"));
  ASSERT_EQ(in.account_id, t.platform_user_id);

  auto text = text_to(t, in.conversation_id, "Thanks, we're on it");
  text.reply_to_message_id = in.message_id;
  auto sent = inst->send(text);
  ASSERT_FALSE(sent.error) << sent.error->to_string();
  EXPECT_FALSE(sent.message_id.empty());

  // An image by URL: fetched, uploaded through media/upload/, then sent by its media_id. The
  // account's avatar is a PNG the sandbox's CDN serves without a token.
  auto user = inst->user_info({{}, {}, {}, {}, t.access_token});
  ASSERT_FALSE(user.error) << user.error->to_string();
  plugin::SendRequest image = text_to(t, in.conversation_id, "");
  image.type = "image";
  image.media_id = user.user.avatar_url;
  auto sent_image = inst->send(image);
  ASSERT_FALSE(sent_image.error) << sent_image.error->to_string();

  auto list = messages(t.access_token, t.platform_user_id, in.conversation_id);
  ASSERT_GE(list.size(), 3u);
  const auto& newest = list[0].as_object();
  EXPECT_EQ(newest.at("message_id").as_string(), sent_image.message_id);
  EXPECT_EQ(newest.at("message_type").as_string(), "IMAGE");
  EXPECT_EQ(newest.at("message_tag").at("source").as_string(), "API");
  const auto& reply = list[1].as_object();
  EXPECT_EQ(reply.at("message_id").as_string(), sent.message_id);
  EXPECT_EQ(reply.at("text").at("body").as_string(), "Thanks, we're on it");
  EXPECT_EQ(reply.at("referenced_message_info").at("referenced_message_id").as_string(),
            in.message_id);

  // The wire: Access-Token header, the §3.3 body, the token nowhere in a URL.
  int sends = 0, uploads = 0;
  for (const auto& r : sandbox->requests()) {
    if (r.endpoint == "business/message/media/upload") ++uploads;
    if (r.endpoint != "business/message/send") continue;
    ++sends;
    EXPECT_THAT(r.query, Not(HasSubstr(t.access_token)));
    auto body = json::parse(r.body).as_object();
    EXPECT_EQ(body.at("recipient_type").as_string(), "CONVERSATION");
    EXPECT_EQ(body.at("recipient").as_string(), in.conversation_id);
    EXPECT_EQ(body.at("business_id").as_string(), t.platform_user_id);
  }
  EXPECT_EQ(sends, 2);
  EXPECT_EQ(uploads, 1);

  // What TikTok would refuse anyway is refused before sending.
  auto image_reply = image;
  image_reply.reply_to_message_id = in.message_id;
  auto refused = inst->send(image_reply);
  ASSERT_TRUE(refused.error);
  EXPECT_EQ(refused.error->category, CH_ERROR_DATA);
  EXPECT_THAT(refused.error->message, HasSubstr("only lets a text message reply"));
  auto not_png = image;
  not_png.media_id = target.url("/not-an-image");  // answers "ok" as text/plain
  auto wrong = inst->send(not_png);
  ASSERT_TRUE(wrong.error);
  EXPECT_EQ(wrong.error->category, CH_ERROR_DATA);
  EXPECT_THAT(wrong.error->message, HasSubstr("not a JPG or PNG"));
}

TEST_F(TikTokMessagingTest, TooFastIsQuotaAndAClosedWindowIsDataWithTheReason) {
  auto inst = connection(creds.tiktok_app_secret);
  auto t = grant(*inst);
  auto in = one_event(*inst, deliver("im_receive_msg"));
  // §3.3: at most 10 business messages per user turn, then 40064 "too fast".
  for (int i = 0; i < 10; ++i) {
    auto s = inst->send(text_to(t, in.conversation_id, "update " + std::to_string(i)));
    ASSERT_FALSE(s.error) << i << ": " << s.error->to_string();
  }
  auto fast = inst->send(text_to(t, in.conversation_id, "one more"));
  ASSERT_TRUE(fast.error);
  EXPECT_EQ(fast.error->category, CH_ERROR_QUOTA) << fast.error->to_string();
  EXPECT_EQ(fast.error->retry_after, std::chrono::milliseconds(60'000));
  EXPECT_THAT(fast.error->message, HasSubstr("40064"));

  // Another conversation, then 49 hours later: 3 more messages, then the window is closed.
  sandbox::WebhookRequest spec;
  spec.platform = "tiktok";
  spec.mode = "burst";
  spec.count = 2;
  auto two = target.drive(*sandbox, spec, 0);
  ASSERT_EQ(two.size(), 2u);
  two[1].now_ms = wh::parse_signature(header_of(two[1], "TikTok-Signature"))->t * 1000;
  auto second = one_event(*inst, two[1]);
  ASSERT_NE(second.conversation_id, in.conversation_id);
  clock(49 * 3600);
  // The 24-hour access token died with the move; the refresh token lives a year (§3.1).
  auto fresh = inst->refresh({{}, {}, {}, t.refresh_token, {}});
  ASSERT_FALSE(fresh.error) << fresh.error->to_string();
  t.access_token = fresh.token.access_token;
  for (int i = 0; i < 3; ++i) {
    auto s = inst->send(text_to(t, second.conversation_id, "late " + std::to_string(i)));
    ASSERT_FALSE(s.error) << i << ": " << s.error->to_string();
  }
  auto closed = inst->send(text_to(t, second.conversation_id, "too late"));
  ASSERT_TRUE(closed.error);
  EXPECT_EQ(closed.error->category, CH_ERROR_DATA) << closed.error->to_string();
  EXPECT_THAT(closed.error->message, HasSubstr("48-hour reply window"));
  EXPECT_THAT(closed.error->message, Not(HasSubstr(t.access_token)));
}

TEST_F(TikTokMessagingTest, MediaUrlGivesADownloadUrlTheCdnServesWithTheToken) {
  auto inst = connection(creds.tiktok_app_secret);
  auto t = grant(*inst);
  auto in = one_event(*inst, deliver("im_receive_msg"));
  auto user = inst->user_info({{}, {}, {}, {}, t.access_token});
  ASSERT_FALSE(user.error);
  plugin::SendRequest image = text_to(t, in.conversation_id, "");
  image.type = "image";
  image.media_id = user.user.avatar_url;
  auto sent = inst->send(image);
  ASSERT_FALSE(sent.error) << sent.error->to_string();
  auto list = messages(t.access_token, t.platform_user_id, in.conversation_id);
  std::string media_id(list[0].at("image").at("media_id").as_string());

  auto m = inst->media_url(
      {t.access_token, t.platform_user_id, in.conversation_id, sent.message_id, media_id, "image"});
  ASSERT_FALSE(m.error) << m.error->to_string();
  EXPECT_THAT(m.url, HasSubstr("/tiktokcdn/im/" + media_id));
  ASSERT_EQ(m.headers.size(), 1u);
  EXPECT_EQ(m.headers[0].first, "x-user");

  http::Client c;
  http::Request with{"GET", m.url};
  with.headers = m.headers;
  auto bytes = c.send(with);
  EXPECT_EQ(bytes.status, 200);
  EXPECT_EQ(tiktok::messaging::image_type(bytes.body), "image/png");
  EXPECT_EQ(c.send({"GET", m.url}).status, 403) << "the CDN wants the token";

  auto wrong = inst->media_url(
      {t.access_token, t.platform_user_id, in.conversation_id, in.message_id, media_id, "image"});
  ASSERT_TRUE(wrong.error);
  EXPECT_EQ(wrong.error->category, CH_ERROR_CONFIG) << wrong.error->to_string();
}

TEST_F(TikTokMessagingTest, TikTokHasNoHandshake) {
  auto inst = connection(creds.tiktok_app_secret);
  auto h = inst->handshake({});
  ASSERT_TRUE(h.error);
  EXPECT_EQ(h.error->category, CH_ERROR_NOT_IMPLEMENTED);
  EXPECT_THAT(h.error->message, HasSubstr("no subscription handshake"));
}

// --- Pure functions -----------------------------------------------------------------------------

TEST(TikTokWebhookUnits, HmacIsRfc4231) {
  EXPECT_EQ(wh::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(TikTokWebhookUnits, SignatureHeaderPartsAreMatchedByName) {
  auto s = wh::parse_signature("s=ABCDEF01, t=1763830000");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->t, 1763830000);
  EXPECT_EQ(s->s, "abcdef01");
  EXPECT_TRUE(wh::parse_signature("t=1,s=aa,v=ignored"));
  EXPECT_FALSE(wh::parse_signature("t=1"));
  EXPECT_FALSE(wh::parse_signature("s=aa"));
  EXPECT_FALSE(wh::parse_signature("t=x1,s=aa"));
  EXPECT_FALSE(wh::parse_signature("t=1,s=xyz"));
  EXPECT_FALSE(wh::parse_signature(""));
}

TEST(TikTokWebhookUnits, VerifyChecksTheSignatureBeforeTheClock) {
  std::string body = R"({"event":"im_receive_msg"})";
  std::string header = "t=1000,s=" + wh::hmac_sha256_hex("k", "1000." + body);
  EXPECT_NO_THROW(wh::verify(header, body, "k", 1'000'000, 0));
  try {
    wh::verify(header, body, "other", 1'000'000, 0);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::auth);
    EXPECT_STREQ(e.what(), "TikTok webhook: signature mismatch");
  }
  try {
    wh::verify(header, body, "k", 1'000'001, 0);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "TikTok webhook: timestamp outside the tolerance");
  }
}

std::string envelope(const std::string& event, const std::string& content) {
  json::object o{{"client_key", "7000"},
                 {"event", event},
                 {"create_time", 1763830000},
                 {"user_openid", "-0001"},
                 {"content", content}};
  return json::serialize(o);
}

TEST(TikTokWebhookUnits, EveryInboundTypeMaps) {
  EXPECT_EQ(wh::normalized_type("text"), "text");
  EXPECT_EQ(wh::normalized_type("TEXT"), "text");
  EXPECT_EQ(wh::normalized_type("image"), "image");
  EXPECT_EQ(wh::normalized_type("video"), "video");
  EXPECT_EQ(wh::normalized_type("sticker"), "sticker");
  EXPECT_EQ(wh::normalized_type("share_post"), "share");
  EXPECT_EQ(wh::normalized_type("SHARE_POST"), "share");
  EXPECT_EQ(wh::normalized_type("template"), "template");
  EXPECT_EQ(wh::normalized_type("emoji"), "unsupported");
  EXPECT_EQ(wh::normalized_type(""), "unsupported");

  auto one = [](const std::string& content) {
    auto v = wh::parse_webhook(envelope("im_receive_msg", content));
    EXPECT_EQ(v.size(), 1u);
    return v.at(0);
  };
  auto image = one(
      R"({"conversation_id":"c1","message_id":"m1","timestamp":1763830000123,"type":"image","image":{"media_id":"md1"},"from_user":{"id":"u1","role":"personal_account"},"to_user":{"id":"-0001"},"referenced_message_info":{"referenced_message_id":"m0"}})");
  EXPECT_EQ(image.type, "image");
  EXPECT_EQ(image.media_id, "md1");
  EXPECT_EQ(image.reply_to, "m0");
  EXPECT_EQ(image.timestamp_ms, 1763830000123);
  EXPECT_EQ(image.account_id, "-0001");
  EXPECT_EQ(image.extras["sender_role"], "personal_account");
  auto video =
      one(R"({"conversation_id":"c","message_id":"m","type":"video","video":{"media_id":"v1"}})");
  EXPECT_EQ(video.type, "video");
  EXPECT_EQ(video.media_id, "v1");
  EXPECT_EQ(video.timestamp_ms, 1763830000000) << "create_time when content has no timestamp";
  auto share = one(
      R"({"conversation_id":"c","message_id":"m","timestamp":1,"type":"share_post","share_post":{"embed_url":"https://www.tiktok.com/embed/v2/7","video_id":"7"}})");
  EXPECT_EQ(share.type, "share");
  EXPECT_EQ(share.extras["embed_url"], "https://www.tiktok.com/embed/v2/7");
  EXPECT_EQ(share.extras["item_id"], "7");
  auto tpl = one(
      R"({"conversation_id":"c","message_id":"m","timestamp":1,"type":"template","template":{"title":"Pick"}})");
  EXPECT_EQ(tpl.type, "template");
  EXPECT_EQ(tpl.text, "Pick");
  auto emoji = one(R"({"conversation_id":"c","message_id":"m","timestamp":1,"type":"emoji"})");
  EXPECT_EQ(emoji.type, "unsupported");
  EXPECT_EQ(emoji.extras["platform_type"], "emoji");
}

TEST(TikTokWebhookUnits, MalformedDeliveriesAreDataErrorsNamingTheField) {
  auto message = [](std::string_view body) {
    try {
      wh::parse_webhook(body);
    } catch (const Error& e) {
      EXPECT_EQ(e.category(), ErrorCategory::data);
      return std::string(e.what());
    }
    return std::string("(parsed)");
  };
  EXPECT_THAT(message("not json"), HasSubstr("body: not JSON"));
  EXPECT_THAT(message("[]"), HasSubstr("body: not an object"));
  EXPECT_THAT(message(R"({"content":"{}"})"), HasSubstr("event: missing"));
  EXPECT_THAT(message(envelope("im_receive_msg", "{oops")), HasSubstr("content: not JSON text"));
  EXPECT_THAT(message(envelope("im_receive_msg", R"({"message_id":"m"})")),
              HasSubstr("content.conversation_id"));
  EXPECT_THAT(message(envelope("im_receive_msg", R"({"conversation_id":"c"})")),
              HasSubstr("content.message_id"));
  EXPECT_THAT(message(envelope("im_mark_read_msg", R"({"conversation_id":"c"})")),
              HasSubstr("content.read"));
}

TEST(TikTokMessagingUnits, SendBodiesFollowSection33) {
  auto api = tiktok::Api::make("https://business-api.tiktok.com", "v1.3");
  tiktok::messaging::Outgoing m{"-0001", "c+1==", "text", "hi", "", "m0"};
  auto r = tiktok::messaging::send_request(api, "act.1", m);
  EXPECT_EQ(r.url, "https://business-api.tiktok.com/open_api/v1.3/business/message/send/");
  EXPECT_EQ(r.method, "POST");
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("message_type").as_string(), "TEXT");
  EXPECT_EQ(body.at("text").at("body").as_string(), "hi");
  EXPECT_EQ(body.at("recipient").as_string(), "c+1==");
  EXPECT_EQ(body.at("referenced_message_info").at("referenced_message_id").as_string(), "m0");
  auto img = tiktok::messaging::send_request(api, "act.1", {"-0001", "c", "image", "", "md", ""});
  auto ib = json::parse(img.body).as_object();
  EXPECT_EQ(ib.at("message_type").as_string(), "IMAGE");
  EXPECT_EQ(ib.at("image").at("media_id").as_string(), "md");
  EXPECT_FALSE(ib.contains("text"));
  EXPECT_THROW(tiktok::messaging::send_request(api, "t", {"-1", "c", "video", "", "v", ""}), Error);
  EXPECT_THROW(tiktok::messaging::send_request(api, "t",
                                               {"-1", "c", "text", std::string(6001, 'a'), "", ""}),
               Error);
  EXPECT_EQ(
      tiktok::messaging::parse_send(
          200, R"({"code":0,"message":"OK","data":{"message":{"message_id":"x1"}}})", {}, {}, 0),
      "x1");
}

}  // namespace
}  // namespace connhost::testing
