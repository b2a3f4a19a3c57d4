// The host's messaging operations (core/plugin/instance_messaging.cpp) against a fake plugin
// through the real ABI: requests reach the plugin whole, records come back as MessageEvents and
// results, plugin errors keep their category, tokens are masked, and a plugin built against
// ABI 1.0 (no media_url in its table) is never asked for media_url.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "log/logger.hpp"
#include "log/secret_mask.hpp"
#include "plugin/instance.hpp"
#include "plugin/registry.hpp"

using connhost::plugin::Instance;
using connhost::plugin::Registry;
using connhost::plugin::WebhookRequest;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

class MessagingInstanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connhost::log::init(connhost::log::Level::off, connhost::log::Format::text);
    registry.load_directories({MESSAGING_PLUGIN_DIR, GOOD_PLUGIN_DIR});
    ASSERT_TRUE(registry.refused().empty()) << registry.refused()[0].reason;
  }
  std::unique_ptr<Instance> make(const std::string& id, std::string mode = "normal") {
    std::shared_ptr<const connhost::plugin::LoadedPlugin> plugin;
    for (const auto& p : registry.plugins())
      if (p->id == id) plugin = p;
    EXPECT_TRUE(plugin) << id;
    if (!plugin) return nullptr;
    std::vector<std::pair<std::string, std::string>> values;
    if (id == "fake_messaging") values.emplace_back("mode", mode);
    if (id == "messaging_abi10") values.emplace_back("base_url", "https://x.test");
    if (id == "example") values.emplace_back("account_id", "acc");
    Instance::Settings s{id + "_main", std::move(values),
                         [](std::string_view) { return std::optional<std::string>(); }};
    auto [inst, err] = Instance::create(plugin, std::move(s));
    EXPECT_FALSE(err) << err->to_string();
    return std::move(inst);
  }
  static WebhookRequest post(std::string body, std::string sig, int64_t ts, int64_t now) {
    WebhookRequest r;
    r.method = "POST";
    r.body = std::move(body);
    r.headers = {{"X-Sig", std::move(sig)}, {"X-Ts", std::to_string(ts)}};
    r.now_ms = now;
    r.tolerance_ms = 300'000;
    return r;
  }
  Registry registry;
};

TEST_F(MessagingInstanceTest, HandshakeAnswersTheRecordOrThePluginsError) {
  auto inst = make("fake_messaging");
  WebhookRequest ok;
  ok.method = "GET";
  ok.query = "token=ok";
  auto h = inst->handshake(ok);
  ASSERT_FALSE(h.error) << h.error->to_string();
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, "challenge-123");

  WebhookRequest bad = ok;
  bad.query = "token=nope";
  auto refused = inst->handshake(bad);
  ASSERT_TRUE(refused.error);
  EXPECT_EQ(refused.error->category, CH_ERROR_AUTH);
  EXPECT_EQ(refused.error->message, "wrong verify token");

  auto broken = make("fake_messaging", "no_status")->handshake(ok);
  ASSERT_TRUE(broken.error);
  EXPECT_EQ(broken.error->category, CH_ERROR_INTERNAL);
  EXPECT_THAT(broken.error->message, HasSubstr("no HTTP status"));
}

TEST_F(MessagingInstanceTest, VerifySeesHeadersClockAndTolerance) {
  auto inst = make("fake_messaging");
  EXPECT_FALSE(inst->verify(post("{}", "good", 1000, 2000)));
  auto bad = inst->verify(post("{}", "evil", 1000, 2000));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->category, CH_ERROR_AUTH);
  auto stale = inst->verify(post("{}", "good", 1000, 1000 + 300'001));
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->message, "stale timestamp");
}

TEST_F(MessagingInstanceTest, ParseEventsMapsRecordsToEventsWithExtras) {
  auto inst = make("fake_messaging");
  auto r = inst->parse_events(post("hello", "good", 0, 0));
  ASSERT_FALSE(r.error) << r.error->to_string();
  ASSERT_EQ(r.events.size(), 2u);  // the "note" record is not an event
  const auto& e = r.events[0];
  EXPECT_EQ(e.event_id, "e1");
  EXPECT_EQ(e.event_type, "message");
  EXPECT_EQ(e.account_id, "page");
  EXPECT_EQ(e.conversation_id, "c1");
  EXPECT_EQ(e.message_id, "m1");
  EXPECT_EQ(e.sender_id, "u1");
  EXPECT_EQ(e.recipient_id, "page");
  EXPECT_EQ(e.direction, "in");
  EXPECT_EQ(e.timestamp_ms, 1763830000123);
  EXPECT_EQ(e.type, "text");
  EXPECT_EQ(e.text, "hello");
  EXPECT_EQ(e.reply_to, "m0");
  EXPECT_EQ(e.extras, (std::map<std::string, std::string>{{"mime_type", "text/plain"},
                                                          {"sender_name", "Alice"}}));
  EXPECT_EQ(r.events[1].type, "read");
  EXPECT_EQ(r.events[1].extras.at("watermark_ms"), "5");
  EXPECT_EQ(r.events[1].timestamp_ms, 5);

  auto bad_ts = inst->parse_events(post("bad_ts", "good", 0, 0));
  ASSERT_TRUE(bad_ts.error);
  EXPECT_EQ(bad_ts.error->category, CH_ERROR_INTERNAL);
  EXPECT_THAT(bad_ts.error->message, HasSubstr("non-integer timestamp_ms: 'soon'"));
  EXPECT_TRUE(bad_ts.events.empty());

  auto thrown = inst->parse_events(post("throw", "good", 0, 0));
  ASSERT_TRUE(thrown.error);
  EXPECT_EQ(thrown.error->category, CH_ERROR_INTERNAL);
  EXPECT_THAT(thrown.error->message, HasSubstr("boom"));
}

TEST_F(MessagingInstanceTest, SendReturnsTheMessageIdAndMasksTheToken) {
  connhost::log::init(connhost::log::Level::info, connhost::log::Format::text);
  auto logs = connhost::log::capture();
  auto inst = make("fake_messaging");
  connhost::plugin::SendRequest req;
  req.access_token = "tok-send-secret-123456";
  req.recipient_id = "u1";
  req.type = "text";
  req.text = "hi";
  auto sent = inst->send(req);
  ASSERT_FALSE(sent.error) << sent.error->to_string();
  EXPECT_EQ(sent.message_id, "m-u1-text");
  EXPECT_THAT(logs.text(), HasSubstr("sending with token"));
  EXPECT_THAT(logs.text(), Not(HasSubstr("tok-send-secret-123456")));

  req.text = "window";
  auto refused = inst->send(req);
  ASSERT_TRUE(refused.error);
  EXPECT_EQ(refused.error->category, CH_ERROR_DATA);
  EXPECT_EQ(refused.error->message, "the 24-hour window is closed");

  req.text = "no_id";
  auto no_id = inst->send(req);
  ASSERT_TRUE(no_id.error);
  EXPECT_EQ(no_id.error->category, CH_ERROR_INTERNAL);
  connhost::log::init(connhost::log::Level::off, connhost::log::Format::text);
}

TEST_F(MessagingInstanceTest, MediaUrlPassesEveryField) {
  auto inst = make("fake_messaging");
  connhost::plugin::MediaRequest req{"tok", "biz", "conv", "msg", "media1", "image"};
  auto m = inst->media_url(req);
  ASSERT_FALSE(m.error) << m.error->to_string();
  EXPECT_EQ(m.url, "https://cdn.test/media1?c=conv&m=msg&t=image");
  EXPECT_EQ(m.content_type, "image/png");
  using Headers = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(m.headers, (Headers{{"x-user", "tok"}}));
}

TEST_F(MessagingInstanceTest, APluginWithoutMessagingAnswersNotImplemented) {
  auto inst = make("example");
  auto v = inst->verify(post("{}", "good", 0, 0));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->category, CH_ERROR_NOT_IMPLEMENTED);
  EXPECT_EQ(v->message, "the plugin offers no messaging");
  EXPECT_EQ(inst->handshake({}).error->category, CH_ERROR_NOT_IMPLEMENTED);
  EXPECT_EQ(inst->parse_events({}).error->category, CH_ERROR_NOT_IMPLEMENTED);
  EXPECT_EQ(inst->send({}).error->category, CH_ERROR_NOT_IMPLEMENTED);
  EXPECT_EQ(inst->media_url({}).error->category, CH_ERROR_NOT_IMPLEMENTED);
}

TEST_F(MessagingInstanceTest, AnAbi10TableDoesNotOfferMediaUrl) {
  const auto* p = registry.find("messaging_abi10");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->abi_version(), std::to_string(CONNHOST_ABI_MAJOR) + ".0");
  EXPECT_TRUE(p->capabilities & CH_CAP_MESSAGING);
  EXPECT_FALSE(CH_HAS_FIELD(&p->messaging, ch_messaging_v1, media_url));
  EXPECT_EQ(p->messaging.media_url, nullptr) << "the loader copied past the plugin's struct_size";
  auto inst = make("messaging_abi10");
  EXPECT_FALSE(inst->verify(post("{}", "any", 0, 0)));  // what 1.0 has still works
  auto m = inst->media_url({"tok", "biz", "conv", "msg", "media1", "image"});
  ASSERT_TRUE(m.error);
  EXPECT_EQ(m.error->category, CH_ERROR_NOT_IMPLEMENTED);
  EXPECT_EQ(m.error->message, "the plugin offers no messaging media_url");
  // Declared capability, op left NULL: not_implemented naming the op.
  auto h = inst->handshake({});
  ASSERT_TRUE(h.error);
  EXPECT_EQ(h.error->message, "the plugin offers no messaging handshake");
}

}  // namespace
