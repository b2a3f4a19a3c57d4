// TikTok's developer-portal deauthorization (tiktok.md §2.5): a sandbox-made authorization.removed
// delivery verifies on a login_kit connection (signed with the Login Kit client secret), is
// refused on a business one (whose app secret did not sign it), and parses to one "deauthorized"
// event naming the Login Kit user. Expected values come from the delivery's own bytes and from
// the login capability's sign-in, not from the parser under test. The parser's reason codes and
// refusals are unit tests.
#include <gmock/gmock.h>

#include <openssl/sha.h>

#include <boost/json/parse.hpp>

#include <string>

#include "connector_fixture.hpp"
#include "login_test_util.hpp"
#include "tiktok_webhook.hpp"
#include "webhook_capture.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;
namespace wh = tiktok::webhook;
namespace json = boost::json;

constexpr const char* kRedirect = "http://127.0.0.1:9000/cb";
constexpr const char* kVerifier = "sandbox-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";

std::string hex_sha256(std::string_view s) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : d) out += {kHex[c >> 4], kHex[c & 15]};
  return out;
}

class TikTokDeauthTest : public ConnectorTest {
 protected:
  TikTokDeauthTest() : ConnectorTest("tiktok") {}

  std::unique_ptr<plugin::Instance> connection(const std::string& flow, bool client_secret = true) {
    std::map<std::string, std::string> secrets{{"app_secret", creds.tiktok_app_secret}};
    if (client_secret) secrets["client_secret"] = creds.tiktok_client_secret;
    return make({{"base_url", sandbox->base_url()},
                 {"open_api_base_url", sandbox->base_url()},
                 {"auth_page_url", sandbox->base_url() + "/v2/auth/authorize/"},
                 {"app_id", creds.tiktok_app_id},
                 {"client_key", creds.tiktok_client_key},
                 {"login_flow", flow}},
                secrets);
  }

  // One delivery of `event` from the sandbox's driver, timed by its own signature.
  plugin::WebhookRequest deliver(const std::string& event, const std::string& mode = "single") {
    sandbox::WebhookRequest spec;
    spec.platform = "tiktok";
    spec.mode = mode;
    spec.event = event;
    auto got = target.drive(*sandbox, spec, 0);
    EXPECT_EQ(got.size(), 1u);
    if (got.empty()) return {};
    auto sig = wh::parse_signature(header_of(got[0], "TikTok-Signature"));
    EXPECT_TRUE(sig);
    got[0].now_ms = sig ? sig->t * 1000 : 0;
    return got[0];
  }

  // The Login Kit user's open_id, as the login capability gets it.
  std::string login_kit_user(plugin::Instance& inst) {
    plugin::AuthorizeRequest r;
    r.code_challenge = hex_sha256(kVerifier);
    r.code_challenge_method = "S256";
    r.redirect_uri = kRedirect;
    r.state = "st";
    r.scopes = {"user.info.basic"};
    auto a = inst.authorize_url(r);
    EXPECT_FALSE(a.error) << a.error->to_string();
    http::Client c;
    auto resp = c.send({"GET", a.url + "&sandbox_auto=1"});
    EXPECT_EQ(resp.status, 302) << resp.body;
    auto cb = query_of(std::string(resp.header("Location").value_or("")));
    auto t = inst.exchange_code({cb["code"], kRedirect, kVerifier, {}, {}});
    EXPECT_FALSE(t.error) << t.error->to_string();
    return t.token.platform_user_id;
  }

  sandbox::Credentials creds;
  WebhookCapture target;
};

TEST_F(TikTokDeauthTest, VerifiesOnLoginKitAndParsesToADeauthorization) {
  auto inst = connection("login_kit");
  ASSERT_TRUE(inst);
  auto removed = deliver("authorization.removed");
  auto err = inst->verify(removed);
  EXPECT_FALSE(err) << err->to_string();

  auto body = json::parse(removed.body).as_object();
  const int64_t created = body.at("create_time").to_number<int64_t>();
  const std::string open_id(body.at("user_openid").as_string());
  EXPECT_EQ(open_id, login_kit_user(*inst)) << "the driver names the Login Kit user";
  auto content = json::parse(body.at("content").as_string()).as_object();
  const int64_t reason = content.at("reason").to_number<int64_t>();

  auto r = inst->parse_events(removed);
  ASSERT_FALSE(r.error) << r.error->to_string();
  ASSERT_EQ(r.events.size(), 1u);
  const auto& e = r.events[0];
  EXPECT_EQ(e.event_type, "authorization.removed");
  EXPECT_EQ(e.type, "deauthorized");
  EXPECT_EQ(e.direction, "in");
  EXPECT_EQ(e.sender_id, open_id);
  EXPECT_TRUE(e.conversation_id.empty());
  EXPECT_TRUE(e.message_id.empty());
  EXPECT_EQ(e.event_id, "authorization.removed:" + open_id + ":" + std::to_string(created));
  EXPECT_EQ(e.timestamp_ms, created * 1000);
  EXPECT_EQ(e.extras.at("reason"), std::to_string(reason));
  EXPECT_EQ(reason, 1) << "the driver's removal is a user's disconnection";
  EXPECT_EQ(e.extras.at("reason_text"), "user disconnected");

  // A redelivery is the same event: the inbox de-duplicates on its id (§2.5: at least once).
  auto again = inst->parse_events(removed);
  ASSERT_EQ(again.events.size(), 1u);
  EXPECT_EQ(again.events[0].event_id, e.event_id);
}

TEST_F(TikTokDeauthTest, TheBusinessAppSecretDidNotSignIt) {
  auto business = connection("business");
  ASSERT_TRUE(business);
  auto removed = deliver("authorization.removed");
  auto err = business->verify(removed);
  ASSERT_TRUE(err) << "a business connection accepted the portal's signature";
  EXPECT_EQ(err->category, CH_ERROR_AUTH);
  EXPECT_THAT(err->message, HasSubstr("signature mismatch"));
}

TEST_F(TikTokDeauthTest, AForgedRemovalIsRefusedOnLoginKit) {
  auto inst = connection("login_kit");
  ASSERT_TRUE(inst);
  auto forged = deliver("authorization.removed", "bad_signature");
  auto err = inst->verify(forged);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->category, CH_ERROR_AUTH);
}

TEST_F(TikTokDeauthTest, ALoginKitConnectionWithoutClientSecretVerifiesWithTheAppSecret) {
  // The default flow without Login Kit credentials is a Business inbox configured before the
  // portal's events were read: its Business deliveries still verify, the portal's do not.
  auto inst = connection("login_kit", false);
  ASSERT_TRUE(inst);
  auto message = deliver("im_receive_msg");
  auto err = inst->verify(message);
  EXPECT_FALSE(err) << err->to_string();
  EXPECT_TRUE(inst->verify(deliver("authorization.removed")));
}

TEST_F(TikTokDeauthTest, RequiredScopesFollowTheLoginFlow) {
  for (auto [flow, want] : {std::pair{"login_kit", std::vector<std::string>{"user.info.basic"}},
                            std::pair{"business", std::vector<std::string>{"user.info.basic"}},
                            std::pair{"advertiser", std::vector<std::string>{}}}) {
    auto inst = connection(flow);
    ASSERT_TRUE(inst) << flow;
    auto r = inst->profile_required_scopes();
    ASSERT_FALSE(r.error) << flow << ": " << r.error->to_string();
    EXPECT_EQ(r.scopes, want) << flow;
  }
}

// --- The parser alone --------------------------------------------------------------------------

std::string removal(const std::string& content, const std::string& openid = "u-1",
                    const std::string& created = "1763830000") {
  std::string out = R"({"client_key":"ck","event":"authorization.removed","create_time":)" +
                    created + R"(,"user_openid":")" + openid + "\"";
  if (!content.empty()) out += R"(,"content":)" + content;
  return out + "}";
}

TEST(TikTokDeauthParse, ReasonCodesAreNamed) {
  const std::pair<int, const char*> codes[] = {
      {0, "unknown"}, {1, "user disconnected"}, {2, "account deleted"}, {3, "age changed"},
      {4, "banned"},  {5, "developer revoked"}, {9, "unknown"}};
  for (auto [code, text] : codes) {
    auto events = wh::parse_webhook(removal("\"{\\\"reason\\\":" + std::to_string(code) + "}\""));
    ASSERT_EQ(events.size(), 1u) << code;
    EXPECT_EQ(events[0].extras["reason"], std::to_string(code));
    EXPECT_EQ(events[0].extras["reason_text"], text) << code;
    EXPECT_EQ(events[0].event_id, "authorization.removed:u-1:1763830000");
    EXPECT_EQ(events[0].timestamp_ms, 1763830000000);
  }
}

TEST(TikTokDeauthParse, AGarbledReasonStillRevokes) {
  for (std::string content : {std::string(), std::string("\"not json\""), std::string("42")}) {
    auto events = wh::parse_webhook(removal(content));
    ASSERT_EQ(events.size(), 1u) << content;
    EXPECT_EQ(events[0].type, "deauthorized");
    EXPECT_EQ(events[0].extras["reason"], "0") << content;
    EXPECT_EQ(events[0].extras["reason_text"], "unknown");
  }
}

TEST(TikTokDeauthParse, AWhoOrWhenMissingIsRefused) {
  try {
    wh::parse_webhook(removal("\"{}\"", ""));
    FAIL() << "no user_openid was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::data);
    EXPECT_THAT(e.what(), HasSubstr("user_openid"));
  }
  try {
    wh::parse_webhook(removal("\"{}\"", "u-1", "\"soon\""));
    FAIL() << "a non-numeric create_time was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::data);
    EXPECT_THAT(e.what(), HasSubstr("create_time"));
  }
}

TEST(TikTokDeauthParse, OtherPortalEventsGiveNothing) {
  std::string body =
      R"({"client_key":"ck","event":"video.publish.completed","create_time":1,"user_openid":"u",)"
      R"("content":"{\"share_id\":\"s\"}"})";
  EXPECT_TRUE(wh::parse_webhook(body).empty());
}

}  // namespace
}  // namespace connhost::testing
