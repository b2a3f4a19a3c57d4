// The messaging API (/api/conversations..., /api/messages/{id}, /api/attachments/{id}) in the
// in-process server, with the outbox's Sender running and the real plugins talking to the
// in-process sandbox. Conversations and inbound messages are seeded with SQL as the inbound
// processor writes them.
#include <gmock/gmock.h>

#include <thread>

#include "http_call.hpp"
#include "messaging_fixture.hpp"
#include "metrics/metrics.hpp"
#include "outbox/sender.hpp"
#include "server/auth.hpp"
#include "server/dispatcher.hpp"
#include "server/routes/routes.hpp"
#include "server/server.hpp"

namespace connhost::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kKey = "messaging-api-key-for-tests";

class MessagingApiTest : public MessagingFixture {
 protected:
  void SetUp() override {
    MessagingFixture::SetUp();
    load_config();
  }
  void TearDown() override {
    if (srv) srv->stop();
    if (sender) sender->stop();
  }

  void start() {
    http = std::make_shared<http::Client>();
    sender = std::make_unique<outbox::Sender>(
        *cfg, registry, [this] { return open_store(); }, http, pipeline::GrantResolver{}, metrics);
    sender->start();
    stores = std::make_unique<server::StorePool>([this] { return open_store(); }, 4);
    readiness.set(server::Readiness::State::ready, "");
    ctx = std::make_unique<server::ServerContext>(server::ServerContext{.config = *cfg,
                                                                        .plugins = registry,
                                                                        .stores = *stores,
                                                                        .readiness = readiness,
                                                                        .metrics = metrics,
                                                                        .sender = sender.get(),
                                                                        .http = http});
    server::add_routes(router, *ctx);
    auth = server::Auth({server::ApiKey{.id = "tests", .secret = kKey}});
    dispatcher = std::make_unique<server::Dispatcher>(
        router, auth, readiness, metrics,
        [](const server::Request&) { return server::error_response(404, "not_found", "none"); });
    server::ServerOptions so;
    so.listen = {"127.0.0.1", 0};
    srv = std::make_unique<server::Server>([this](server::Request& r) { return (*dispatcher)(r); },
                                           so, metrics);
    port = srv->start();
  }

  Reply call(const std::string& method, const std::string& target, const std::string& body = "") {
    std::vector<std::pair<std::string, std::string>> h = {
        {"Authorization", std::string("Bearer ") + kKey}};
    if (!body.empty()) h.emplace_back("Content-Type", "application/json");
    Connection c(port);
    return c.call(method, target, h, body);
  }
  json::value get_json(const std::string& target, int status = 200) {
    auto r = call("GET", target);
    EXPECT_EQ(r.status, status) << target << ": " << r.body;
    return json::parse(r.body);
  }
  static std::string code(const Reply& r) {
    return std::string(json::parse(r.body).at("error").at("code").as_string());
  }

  // Polls the message's status until it leaves queued/sending (the sender runs on its thread).
  json::object settled(int64_t id) {
    auto deadline = std::chrono::steady_clock::now() + 15s;
    json::object m;
    do {
      m = get_json("/api/messages/" + std::to_string(id)).at("message").as_object();
      if (m.at("status") != "queued" && m.at("status") != "sending") break;
      std::this_thread::sleep_for(20ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return m;
  }

  void set_contact(int64_t conversation, const std::string& name) {
    std::string now = store::timestamp_at(std::chrono::system_clock::now());
    long long cid = 0, conv = conversation;
    sql() << "INSERT INTO contacts (display_name, created_at, updated_at) VALUES (:n, :c, :u) "
             "RETURNING id",
        soci::use(name), soci::use(now), soci::use(now), soci::into(cid);
    sql() << "UPDATE conversations SET contact_id = :c WHERE id = :id", soci::use(cid),
        soci::use(conv);
  }
  void set_activity(int64_t conversation, outbox::TimePoint at) {
    std::string t = store::timestamp_at(at);
    long long c = conversation;
    sql() << "UPDATE conversations SET last_activity_at = :t WHERE id = :c", soci::use(t),
        soci::use(c);
  }

  metrics::Registry metrics;
  server::Readiness readiness;
  std::shared_ptr<http::Client> http;
  std::unique_ptr<outbox::Sender> sender;
  std::unique_ptr<server::StorePool> stores;
  std::unique_ptr<server::ServerContext> ctx;
  server::Router router;
  server::Auth auth;
  std::unique_ptr<server::Dispatcher> dispatcher;
  std::unique_ptr<server::Server> srv;
  uint16_t port = 0;
};

TEST_F(MessagingApiTest, ConversationsAreListedNewestFirstWithFiltersAndTheWindow) {
  auto now = std::chrono::system_clock::now();
  auto a = conversation("meta_sb", "meta", kPage, "psid-a", "psid-a", now + 20h);
  auto b = conversation("meta_sb", "meta", kPage, "psid-b", "psid-b", now - 1h);
  auto t = conversation("tiktok_sb", "tiktok", "biz", "thread-t", "user-t", now + 40h);
  set_activity(a, now - 3h);
  set_activity(b, now - 2h);
  set_activity(t, now - 1h);
  set_contact(a, "Ana <b>Díaz</b>");
  inbound(a, "m_1", "first");
  inbound(a, "m_2", std::string(300, 'x'));
  inbound(t, "tt_1", "hello tiktok");
  sql() << "UPDATE conversations SET unread = 0 WHERE id = " + std::to_string(b);
  start();

  EXPECT_EQ(Connection(port).call("GET", "/api/conversations").status, 401)
      << "under the API key like every /api route";
  auto all = get_json("/api/conversations");
  EXPECT_EQ(all.at("total").as_int64(), 3);
  auto& list = all.at("conversations").as_array();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].at("id").as_int64(), t) << "most recent activity first";
  EXPECT_EQ(list[1].at("id").as_int64(), b);
  EXPECT_EQ(list[2].at("id").as_int64(), a);

  const auto& ca = list[2].as_object();
  EXPECT_EQ(ca.at("contact_name").as_string(), "Ana <b>Díaz</b>");
  EXPECT_EQ(ca.at("participant_name").as_string(), "Maya Lopez") << "the inbound sender_name";
  EXPECT_EQ(ca.at("unread").as_int64(), 1);
  EXPECT_TRUE(ca.at("can_reply").as_bool());
  EXPECT_TRUE(ca.at("window_reason").is_null());
  const auto& last = ca.at("last_message").as_object();
  EXPECT_EQ(last.at("direction").as_string(), "in");
  EXPECT_LT(last.at("preview").as_string().size(), 200u) << "a preview, not the whole text";
  EXPECT_THAT(std::string(last.at("preview").as_string()), HasSubstr("xxxx"));

  const auto& cb = list[1].as_object();
  EXPECT_FALSE(cb.at("can_reply").as_bool());
  EXPECT_THAT(std::string(cb.at("window_reason").as_string()), HasSubstr("24-hour reply window"));
  EXPECT_TRUE(cb.at("last_message").is_null());

  auto ids = [&](const std::string& q) {
    std::vector<int64_t> out;
    auto page = get_json("/api/conversations" + q);
    for (auto& c : page.at("conversations").as_array()) out.push_back(c.at("id").as_int64());
    return out;
  };
  EXPECT_EQ(ids("?platform=tiktok"), std::vector<int64_t>{t});
  EXPECT_EQ(ids("?connection=meta_sb"), (std::vector<int64_t>{b, a}));
  EXPECT_EQ(ids("?unread=true"), (std::vector<int64_t>{t, a}));
  EXPECT_EQ(ids("?q=ana"), std::vector<int64_t>{a}) << "by the contact's name";
  EXPECT_EQ(ids("?q=maya"), (std::vector<int64_t>{t, a})) << "by the sender's name";
  EXPECT_EQ(ids("?q=USER-T"), std::vector<int64_t>{t}) << "by the participant id";
  EXPECT_EQ(ids("?q=%25"), std::vector<int64_t>{}) << "% is a character, not a wildcard";
  EXPECT_EQ(ids("?limit=1&offset=1"), std::vector<int64_t>{b});
  EXPECT_EQ(call("GET", "/api/conversations?limit=0").status, 400);
  EXPECT_EQ(call("GET", "/api/conversations?unread=maybe").status, 400);

  auto one = get_json("/api/conversations/" + std::to_string(a));
  EXPECT_EQ(one.at("conversation").at("id").as_int64(), a);
  EXPECT_EQ(code(call("GET", "/api/conversations/999999")), "not_found");
  EXPECT_EQ(code(call("GET", "/api/conversations/abc")), "bad_parameter");

  auto read = call("POST", "/api/conversations/" + std::to_string(a) + "/read");
  EXPECT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(json::parse(read.body).at("conversation").at("unread").as_int64(), 0);
  EXPECT_EQ(ids("?unread=true"), std::vector<int64_t>{t});
}

TEST_F(MessagingApiTest, MessagesArePagedBySentAt) {
  auto c = meta_conversation();
  std::vector<int64_t> ids;
  auto base = std::chrono::system_clock::now() - 1h;
  for (int k = 0; k < 5; ++k) {
    ids.push_back(inbound(c, "m_" + std::to_string(k), "message " + std::to_string(k)));
    std::string at = store::timestamp_at(base + std::chrono::minutes(k));
    long long id = ids.back();
    sql() << "UPDATE messages SET sent_at = :s WHERE id = :i", soci::use(at), soci::use(id);
  }
  start();
  std::string path = "/api/conversations/" + std::to_string(c) + "/messages";
  auto page = get_json(path + "?limit=2");
  auto& ms = page.at("messages").as_array();
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_EQ(ms[0].at("id").as_int64(), ids[3]) << "the newest page, oldest first";
  EXPECT_EQ(ms[1].at("id").as_int64(), ids[4]);
  EXPECT_TRUE(page.at("has_more").as_bool());
  std::string before(page.at("next_before").as_string());
  auto prev = get_json(path + "?limit=2&before=" + before);
  ASSERT_EQ(prev.at("messages").as_array().size(), 2u);
  EXPECT_EQ(prev.at("messages").as_array()[0].at("id").as_int64(), ids[1]);
  auto rest = get_json(path + "?limit=2&before=" + std::string(prev.at("next_before").as_string()));
  ASSERT_EQ(rest.at("messages").as_array().size(), 1u);
  EXPECT_FALSE(rest.at("has_more").as_bool());
  auto newer = get_json(path + "?after=" + std::string(ms[0].at("sent_at").as_string()));
  ASSERT_EQ(newer.at("messages").as_array().size(), 1u);
  EXPECT_EQ(newer.at("messages").as_array()[0].at("id").as_int64(), ids[4]);
  EXPECT_EQ(code(call("GET", path + "?before=yesterday")), "bad_parameter");
  EXPECT_EQ(call("GET", "/api/conversations/999999/messages").status, 404);
  const auto& m = ms[0].as_object();
  EXPECT_EQ(m.at("direction").as_string(), "in");
  EXPECT_EQ(m.at("status").as_string(), "received");
  EXPECT_FALSE(m.contains("media_id")) << "an inbound media id stays on the server";
}

TEST_F(MessagingApiTest, AReplyIsQueuedThenSentAndRefusalsSayWhy) {
  meta_user_writes();
  auto c = meta_conversation();
  auto closed = conversation("meta_sb", "meta", kPage, "psid-closed", "psid-closed",
                             std::chrono::system_clock::now() - 1min);
  start();
  std::string path = "/api/conversations/" + std::to_string(c) + "/messages";
  auto r = call("POST", path, R"({"text":"Your order shipped today"})");
  ASSERT_EQ(r.status, 202) << r.body;
  auto queued = json::parse(r.body).at("message").as_object();
  EXPECT_EQ(queued.at("direction").as_string(), "out");
  EXPECT_THAT(std::string(queued.at("status").as_string()), ::testing::AnyOf("queued", "sending"));
  int64_t id = queued.at("id").as_int64();
  auto m = settled(id);
  EXPECT_EQ(m.at("status").as_string(), "sent") << json::serialize(m);
  EXPECT_EQ(m.at("attempts").as_int64(), 1);
  EXPECT_THAT(std::string(m.at("platform_message_id").as_string()), HasSubstr("m_"));
  ASSERT_EQ(sends().size(), 1u);
  EXPECT_THAT(sends()[0].body, HasSubstr("Your order shipped today"));

  // A permanent failure shows the platform's reason on the message.
  auto stranger = meta_conversation("meta_sb", "2490009999999999");
  auto dead = call("POST", "/api/conversations/" + std::to_string(stranger) + "/messages",
                   R"({"text":"hi"})");
  ASSERT_EQ(dead.status, 202);
  auto d = settled(json::parse(dead.body).at("message").at("id").as_int64());
  EXPECT_EQ(d.at("status").as_string(), "dead");
  EXPECT_EQ(d.at("error_category").as_string(), "data");
  EXPECT_THAT(std::string(d.at("error").as_string()), HasSubstr("no matching user"));

  auto refused = call("POST", "/api/conversations/" + std::to_string(closed) + "/messages",
                      R"({"text":"too late"})");
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(code(refused), "window_closed");
  EXPECT_THAT(refused.body, HasSubstr("24-hour reply window"));
  auto empty = call("POST", path, R"({"text":"   "})");
  EXPECT_EQ(empty.status, 400);
  EXPECT_THAT(empty.body, HasSubstr("text: "));
  EXPECT_EQ(code(call("POST", path, "not json")), "bad_body");
  EXPECT_EQ(code(call("POST", path, R"({"text":5})")), "bad_parameter");
  EXPECT_EQ(call("POST", "/api/conversations/999999/messages", R"({"text":"x"})").status, 404);
  EXPECT_EQ(code(call("GET", "/api/messages/999999")), "not_found");

  // The replies appear in the conversation, in order.
  auto msgs = get_json(path).at("messages").as_array();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].at("id").as_int64(), id);
}

TEST_F(MessagingApiTest, AttachmentsAreStreamedFromThePlatformWithoutTheToken) {
  auto business = tiktok_grant();
  ASSERT_FALSE(business.empty());
  testing::WebhookCapture target;
  sandbox::WebhookRequest spec;
  spec.platform = "tiktok";
  auto got = target.drive(*sandbox, spec, 0);
  ASSERT_EQ(got.size(), 1u);
  auto content = json::parse(json::parse(got[0].body).at("content").as_string());
  std::string thread(content.at("conversation_id").as_string());
  auto c = conversation("tiktok_sb", "tiktok", business, thread,
                        std::string(content.at("from_user").at("id").as_string()),
                        std::chrono::system_clock::now() + 40h);
  // The avatar is a PNG on the sandbox's CDN; sent as an image it is uploaded to TikTok.
  http::Client h;
  http::Request info{"GET",
                     sandbox->base_url() + "/open_api/v1.3/business/get/?business_id=" + business};
  info.headers.emplace_back("Access-Token", tiktok_token);
  std::string avatar(json::parse(h.send(info).body).at("data").at("profile_image").as_string());
  std::string png = h.send({"GET", avatar}).body;
  ASSERT_GT(png.size(), 8u);
  start();
  auto r = call("POST", "/api/conversations/" + std::to_string(c) + "/messages",
                json::serialize(json::object{{"image_url", avatar}}));
  ASSERT_EQ(r.status, 202) << r.body;
  auto m = settled(json::parse(r.body).at("message").at("id").as_int64());
  ASSERT_EQ(m.at("status").as_string(), "sent") << json::serialize(m);

  // As the inbound processor stores the echo's image: the message's TikTok media id.
  http::Request list{"GET", sandbox->base_url() +
                                "/open_api/v1.3/business/message/content/list/?business_id=" +
                                business + "&conversation_id="};
  for (char ch : thread) {
    if (std::isalnum(static_cast<unsigned char>(ch))) {
      list.url += ch;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(ch));
      list.url += buf;
    }
  }
  list.headers.emplace_back("Access-Token", tiktok_token);
  auto newest = json::parse(h.send(list).body).at("data").at("messages").as_array()[0];
  ASSERT_EQ(newest.at("message_id"), m.at("platform_message_id"));
  std::string media_id(newest.at("image").at("media_id").as_string());
  long long mid = m.at("id").as_int64(), att = 0;
  sql() << "INSERT INTO attachments (message_id, kind, media_id, mime_type) VALUES (:m, 'image', "
           ":i, 'image/png') RETURNING id",
      soci::use(mid), soci::use(media_id), soci::into(att);

  auto page = call("GET", "/api/conversations/" + std::to_string(c) + "/messages");
  ASSERT_EQ(page.status, 200);
  std::string url = "/api/attachments/" + std::to_string(att);
  EXPECT_THAT(page.body, HasSubstr("\"url\":\"" + url + "\""));
  sandbox->clear_requests();
  auto bytes = call("GET", url);
  ASSERT_EQ(bytes.status, 200) << bytes.body;
  EXPECT_EQ(bytes.body, png) << "the bytes the sandbox served for the upload";
  EXPECT_THAT(bytes.header("Content-Type"), HasSubstr("image/"));
  // No shared cache may keep it: the route says private; the dispatcher's no-store for every /api
  // answer, where it wins, is stricter still.
  EXPECT_THAT(bytes.header("Cache-Control"),
              ::testing::AnyOf(HasSubstr("private"), HasSubstr("no-store")));
  // The CDN was asked with the token in x-user; the browser's answers never carry it.
  bool cdn = false;
  for (auto& q : sandbox->requests())
    if (q.endpoint == "cdn/media") {
      cdn = true;
      EXPECT_EQ(q.status, 200);
    }
  EXPECT_TRUE(cdn);
  for (const auto& reply : {page, bytes, call("GET", "/api/conversations"),
                            call("GET", "/api/messages/" + std::to_string(mid))}) {
    EXPECT_THAT(reply.body, Not(HasSubstr(tiktok_token)));
    // The download URL media/download answers (the avatar given as image_url is the client's own).
    EXPECT_THAT(reply.body, Not(HasSubstr("/tiktokcdn/im/"))) << "a platform media URL leaked";
    for (auto& [k, v] : reply.headers) EXPECT_THAT(v, Not(HasSubstr(tiktok_token))) << k;
  }
  EXPECT_EQ(code(call("GET", "/api/attachments/999999")), "not_found");

  // The platform refusing the media is a 502 naming its category, still without the token.
  sandbox->add_faults(
      R"({"faults":[{"platform":"tiktok","endpoint":"business/message/media/download","kind":"revoked_token","times":1}]})");
  auto refused = call("GET", url);
  EXPECT_EQ(refused.status, 502);
  EXPECT_EQ(code(refused), "platform_auth");
  EXPECT_THAT(refused.body, Not(HasSubstr(tiktok_token)));
}

TEST_F(MessagingApiTest, MetaAttachmentsPassTheContentTypeAndOversizedOnesAreRefused) {
  // Meta's attachments carry their URL (media_url answers it as is): a local stand-in for the
  // CDN serves one small image and one over the 25 MiB cap.
  const std::string small = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, 'p');
  sandbox::HttpServer cdn([&](sandbox::Request& r) {
    if (r.path == "/big.jpg")
      return sandbox::Response::text(200, std::string(26u * 1024 * 1024, 'b'), "image/jpeg");
    return sandbox::Response::text(200, small, "image/png");
  });
  uint16_t cdn_port = cdn.start({});
  std::string base = "http://127.0.0.1:" + std::to_string(cdn_port);
  auto c = meta_conversation();
  inbound(c, "m_small", "", base + "/small.png", "image/png");
  inbound(c, "m_big", "", base + "/big.jpg", "image/jpeg");
  start();
  auto page = get_json("/api/conversations/" + std::to_string(c) + "/messages");
  std::vector<int64_t> att;
  for (auto& m : page.at("messages").as_array())
    for (auto& a : m.at("attachments").as_array()) att.push_back(a.at("id").as_int64());
  ASSERT_EQ(att.size(), 2u);
  EXPECT_THAT(json::serialize(page), Not(HasSubstr(base))) << "the platform's URL stays here";
  auto ok = call("GET", "/api/attachments/" + std::to_string(att[0]));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body, small);
  EXPECT_EQ(ok.header("Content-Type"), "image/png");
  auto big = call("GET", "/api/attachments/" + std::to_string(att[1]));
  EXPECT_EQ(big.status, 502);
  EXPECT_EQ(code(big), "attachment_too_large");
  EXPECT_THAT(big.body, HasSubstr("attachment too large"));
  EXPECT_THAT(big.body, Not(HasSubstr(base)));
  cdn.stop();
}

TEST_F(MessagingApiTest, EveryMessagingRouteIsInTheOpenApiDocument) {
  start();
  auto doc = get_json("/api/openapi.json");
  const auto& paths = doc.at("paths").as_object();
  for (const char* p :
       {"/api/conversations", "/api/conversations/{id}", "/api/conversations/{id}/messages",
        "/api/conversations/{id}/read", "/api/messages/{id}", "/api/attachments/{id}"})
    EXPECT_TRUE(paths.contains(p)) << p;
  EXPECT_TRUE(paths.at("/api/conversations/{id}/messages").as_object().contains("post"));
}

}  // namespace
}  // namespace connhost::test
