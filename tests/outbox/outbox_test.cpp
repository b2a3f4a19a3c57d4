// The outbox against the sandbox: replies queued with outbox::enqueue (as the API does) and sent
// by outbox::Sender through the real Meta and TikTok plugins; what reached the platform is read
// from the sandbox's request log. The sender's clock is pinned, so that backoffs and windows are
// stepped through without waiting.
#include <gmock/gmock.h>

#include <atomic>
#include <set>
#include <thread>

#include "messaging_fixture.hpp"
#include "metrics/metrics.hpp"
#include "outbox/enqueue.hpp"
#include "outbox/sender.hpp"
#ifdef CONNHOST_OUTBOX_POSTGRES
#include "support/postgres.hpp"
#endif

namespace connhost::test {
namespace {

// One name per binary, so that ctest tells the SQLite run from the PostgreSQL one.
#ifdef CONNHOST_OUTBOX_POSTGRES
#define OUTBOX_FIXTURE OutboxPostgresTest
#else
#define OUTBOX_FIXTURE OutboxTest
#endif

using ::testing::HasSubstr;
using ::testing::Not;
namespace json = boost::json;
using namespace std::chrono_literals;

class OUTBOX_FIXTURE : public MessagingFixture {
 protected:
  void SetUp() override {
    MessagingFixture::SetUp();
#ifdef CONNHOST_OUTBOX_POSTGRES
    pg = std::make_unique<PgTestDatabase>();
    store_backend = [this](store::StoreOptions& o) {
      o.backend = store::Backend::postgresql;
      o.pg_connection = pg->conninfo();
    };
#endif
    load_config();
  }
  void TearDown() override {
    db.reset();  // every connection closes before the database is dropped
#ifdef CONNHOST_OUTBOX_POSTGRES
    pg.reset();
#endif
  }
#ifdef CONNHOST_OUTBOX_POSTGRES
  std::unique_ptr<PgTestDatabase> pg;
#endif

  outbox::SenderOptions options() {
    outbox::SenderOptions o;
    o.now = [this] { return now(); };
    o.backoff_base = 1s;
    o.backoff_max = 10s;
    o.seed = 7;
    return o;
  }
  std::unique_ptr<outbox::Sender> sender(outbox::SenderOptions o) {
    return std::make_unique<outbox::Sender>(
        *cfg, registry, [this] { return open_store(); }, std::make_shared<http::Client>(),
        pipeline::GrantResolver{}, metrics, std::move(o));
  }
  std::unique_ptr<outbox::Sender> sender() {
    return sender(options());
  }

  outbox::TimePoint now() const {
    return outbox::TimePoint(std::chrono::milliseconds(clock_ms));
  }
  void advance(std::chrono::milliseconds by) {
    clock_ms += by.count();
  }

  int64_t text(int64_t conversation, const std::string& body) {
    outbox::Reply r;
    r.text = body;
    return outbox::enqueue(sql(), conversation, r, now());
  }

  double sent_metric(const std::string& connection, const std::string& result) {
    return metrics
        .counter("connhost_messages_sent_total", "",
                 {{"connection", connection}, {"result", result}})
        .value();
  }

  std::atomic<int64_t> clock_ms{std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count()};
  metrics::Registry metrics;
};

TEST_F(OUTBOX_FIXTURE, TextAndImagesReachTheSandboxAndAreMarkedSent) {
  auto psid_mid = meta_user_writes();
  auto c = meta_conversation();
  int64_t t = text(c, "Thanks, we're on it");
  outbox::Reply img;
  img.image_url = "https://example.com/receipt.png";
  img.reply_to = psid_mid;
  int64_t i = outbox::enqueue(sql(), c, img, now());
  outbox::Reply by_id;
  by_id.type = "image";
  by_id.media_id = "778899";
  int64_t m = outbox::enqueue(sql(), c, by_id, now());

  auto s = sender();
  auto pass = s->run_once();
  EXPECT_EQ(pass.claimed, 3);
  EXPECT_EQ(pass.sent, 3);
  EXPECT_FALSE(pass.next_due) << "nothing is left queued";

  auto log = sends();
  ASSERT_EQ(log.size(), 3u);
  auto body = [&](size_t k) { return json::parse(log[k].body).as_object(); };
  EXPECT_EQ(body(0).at("recipient").at("id").as_string(), kPsid);
  EXPECT_EQ(body(0).at("messaging_type").as_string(), "RESPONSE");
  EXPECT_EQ(body(0).at("message").at("text").as_string(), "Thanks, we're on it");
  EXPECT_THAT(log[0].path, HasSubstr(kPage));
  EXPECT_EQ(body(1).at("message").at("attachment").at("payload").at("url").as_string(),
            "https://example.com/receipt.png");
  EXPECT_EQ(body(1).at("reply_to").at("mid").as_string(), psid_mid);
  EXPECT_EQ(body(2).at("message").at("attachment").at("payload").at("attachment_id"),
            json::value("778899"));
  for (auto& r : log) {
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_THAT(r.query, Not(HasSubstr(creds.meta_access_token))) << "the token is in a URL";
  }
  for (int64_t id : {t, i, m}) {
    auto r = row(id);
    EXPECT_EQ(r.status, "sent") << id << " " << r.error;
    EXPECT_EQ(r.attempts, 1);
    EXPECT_THAT(r.platform_message_id, HasSubstr("m_"));
    EXPECT_TRUE(r.next_attempt_at.empty());
  }
  EXPECT_EQ(sent_metric("meta_sb", "sent"), 3);
}

TEST_F(OUTBOX_FIXTURE, TikTokTextAndImageByUrlReachTheConversation) {
  auto business = tiktok_grant();
  ASSERT_FALSE(business.empty());
  // A user writes to the Business Account: its conversation id is the thread.
  testing::WebhookCapture target;
  sandbox::WebhookRequest spec;
  spec.platform = "tiktok";
  auto got = target.drive(*sandbox, spec, 0);
  ASSERT_EQ(got.size(), 1u);
  auto content = json::parse(json::parse(got[0].body).at("content").as_string());
  std::string thread(content.at("conversation_id").as_string());
  std::string user(content.at("from_user").at("id").as_string());
  auto c = conversation("tiktok_sb", "tiktok", business, thread, user,
                        std::chrono::system_clock::now() + 48h);
  int64_t t = text(c, "Hello from the outbox");
  // The sandbox's CDN serves the account's avatar as a PNG without a token.
  http::Client h;
  http::Request info{"GET",
                     sandbox->base_url() + "/open_api/v1.3/business/get/?business_id=" + business};
  info.headers.emplace_back("Access-Token", tiktok_token);
  auto avatar = json::parse(h.send(info).body).at("data").at("profile_image").as_string();
  outbox::Reply img;
  img.image_url = std::string(avatar);
  int64_t i = outbox::enqueue(sql(), c, img, now());

  auto pass = sender()->run_once();
  EXPECT_EQ(pass.sent, 2) << row(t).error << " / " << row(i).error;
  auto log = sends();
  ASSERT_EQ(log.size(), 2u);
  auto first = json::parse(log[0].body).as_object();
  EXPECT_EQ(first.at("recipient").as_string(), thread);
  EXPECT_EQ(first.at("message_type").as_string(), "TEXT");
  EXPECT_EQ(first.at("text").at("body").as_string(), "Hello from the outbox");
  auto second = json::parse(log[1].body).as_object();
  EXPECT_EQ(second.at("message_type").as_string(), "IMAGE");
  EXPECT_EQ(row(t).status, "sent");
  EXPECT_EQ(row(i).status, "sent");
  EXPECT_FALSE(row(i).platform_message_id.empty());
}

TEST_F(OUTBOX_FIXTURE, SendsArePacedByTheConnectionsRateLimit) {
  meta_user_writes();
  auto c = meta_conversation("meta_slow");
  for (int k = 0; k < 6; ++k) text(c, "paced " + std::to_string(k));
  auto pass = sender()->run_once();
  EXPECT_EQ(pass.sent, 6);
  auto log = sends();
  ASSERT_EQ(log.size(), 6u);
  // 2 per second with a burst of 2: the last four wait ~500 ms each, by the sandbox's clock.
  for (size_t k = 3; k < log.size(); ++k)
    EXPECT_GE(log[k].at_ms - log[k - 1].at_ms, 400) << "send " << k << " came too soon";
  EXPECT_GE(log.back().at_ms - log.front().at_ms, 1800);
}

TEST_F(OUTBOX_FIXTURE, A5xxBurstIsRetriedWithBackoffThenSent) {
  meta_user_writes();
  auto c = meta_conversation();
  int64_t id = text(c, "through the storm");
  sandbox->add_faults(
      R"({"faults":[{"platform":"meta","endpoint":"me/messages","kind":"server_error","status":503,"times":2}]})");
  auto s = sender();
  auto first = s->run_once();
  EXPECT_EQ(first.retried, 1);
  auto r = row(id);
  EXPECT_EQ(r.status, "queued");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.error_category, "transient");
  ASSERT_TRUE(first.next_due);
  EXPECT_LE(*first.next_due, now() + 1s) << "the first backoff is at most backoff_base";
  // Not due yet: nothing is sent before the backoff ends.
  if (*first.next_due > now()) {
    EXPECT_EQ(s->run_once().claimed, 0);
  }
  int passes = 0;
  while (row(id).status == "queued" && passes++ < 5) {
    advance(10s);
    s->run_once();
  }
  r = row(id);
  EXPECT_EQ(r.status, "sent") << r.error;
  EXPECT_EQ(r.attempts, 3);
  EXPECT_TRUE(r.error.empty()) << "a sent message keeps no error";
  auto log = sends();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].fault, "server_error");
  EXPECT_EQ(log[1].fault, "server_error");
  EXPECT_EQ(log[2].status, 200);
  EXPECT_EQ(sent_metric("meta_sb", "retried"), 2);
  EXPECT_EQ(sent_metric("meta_sb", "sent"), 1);
}

TEST_F(OUTBOX_FIXTURE, QuotaWaitsAtLeastThePlatformsRetryAfter) {
  meta_user_writes();
  auto c = meta_conversation();
  int64_t id = text(c, "slow down");
  sandbox->add_faults(
      R"({"faults":[{"platform":"meta","endpoint":"me/messages","kind":"rate_limit","code":613,"times":1}]})");
  auto s = sender();
  auto pass = s->run_once();
  EXPECT_EQ(pass.retried, 1);
  auto r = row(id);
  EXPECT_EQ(r.status, "queued");
  EXPECT_EQ(r.error_category, "quota");
  auto next = store::parse_timestamp(r.next_attempt_at);
  ASSERT_TRUE(next);
  // The backoff alone is at most 1 s here; Graph's throttle sends no regain time, so the
  // plugin's default retry-after (minutes) is what the row waits for.
  EXPECT_GT(*next - now(), 30s) << r.next_attempt_at;
  advance(std::chrono::duration_cast<std::chrono::milliseconds>(*next - now()) + 1ms);
  s->run_once();
  EXPECT_EQ(row(id).status, "sent");
}

TEST_F(OUTBOX_FIXTURE, TransientErrorsGiveUpAfterMaxAttempts) {
  meta_user_writes();
  auto c = meta_conversation();
  int64_t id = text(c, "never");
  sandbox->add_faults(
      R"({"faults":[{"platform":"meta","endpoint":"me/messages","kind":"server_error","status":500,"times":-1}]})");
  auto o = options();
  o.max_attempts = 3;
  auto s = sender(o);
  for (int k = 0; k < 5; ++k) {
    s->run_once();
    advance(20s);
  }
  auto r = row(id);
  EXPECT_EQ(r.status, "dead");
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(r.error_category, "transient");
  EXPECT_THAT(r.error, HasSubstr("gave up after 3 attempts"));
  EXPECT_EQ(sends().size(), 3u);
}

TEST_F(OUTBOX_FIXTURE, APermanentErrorIsDeadWithThePlatformsMessage) {
  // A PSID that never wrote to the Page: Graph's 100/2018001.
  auto c = meta_conversation("meta_sb", "2490009999999999");
  int64_t id = text(c, "hello?");
  auto pass = sender()->run_once();
  EXPECT_EQ(pass.dead, 1);
  auto r = row(id);
  EXPECT_EQ(r.status, "dead");
  EXPECT_EQ(r.error_category, "data");
  EXPECT_THAT(r.error, HasSubstr("no matching user"));
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(sends().size(), 1u) << "a permanent error is not retried";
  EXPECT_EQ(sent_metric("meta_sb", "dead"), 1);
}

TEST_F(OUTBOX_FIXTURE, AClosedWindowIsRefusedAtOnceAndAtSendTime) {
  meta_user_writes();
  // Closed already: refused when queued, with the reason, and nothing is stored.
  auto closed = conversation("meta_sb", "meta", kPage, "t-closed", kPsid, now() - 1h);
  outbox::Reply r;
  r.text = "too late";
  try {
    outbox::enqueue(sql(), closed, r, now());
    ADD_FAILURE() << "a reply into a closed window was queued";
  } catch (const outbox::EnqueueError& e) {
    EXPECT_EQ(e.status(), 422);
    EXPECT_EQ(e.code(), "window_closed");
    EXPECT_THAT(e.what(), HasSubstr("24-hour reply window"));
  }
  EXPECT_EQ(count("conversation_id = " + std::to_string(closed)), 0);

  // Open when queued, closed by the time the sender gets to it: dead without a call.
  auto closing = conversation("meta_sb", "meta", kPage, "t-closing", kPsid, now() + 1min);
  int64_t late = text(closing, "queued in time");
  advance(2min);
  auto s = sender();
  s->run_once();
  auto row_late = row(late);
  EXPECT_EQ(row_late.status, "dead");
  EXPECT_EQ(row_late.error_category, "data");
  EXPECT_THAT(row_late.error, HasSubstr("reply window"));
  EXPECT_EQ(row_late.attempts, 0) << "the platform was not called";
  EXPECT_TRUE(sends().empty());

  // The store thinks the window open, the platform knows better (a day later by its clock).
  auto open = meta_conversation();
  int64_t stale = text(open, "hello after a day");
  sandbox_clock(25 * 3600);
  s->run_once();
  auto row_stale = row(stale);
  EXPECT_EQ(row_stale.status, "dead");
  EXPECT_EQ(row_stale.error_category, "data");
  EXPECT_THAT(row_stale.error, HasSubstr("24-hour messaging window is closed"));
  EXPECT_EQ(sends().size(), 1u);
}

TEST_F(OUTBOX_FIXTURE, TwoSendersOnOneDatabaseSendEachMessageOnce) {
  meta_user_writes();
  auto c = meta_conversation();
  std::vector<int64_t> ids;
  for (int k = 0; k < 20; ++k) ids.push_back(text(c, "once " + std::to_string(k)));
  auto a = sender();
  auto b = sender();
  outbox::Sender::PassResult ra, rb;
  std::thread ta([&] { ra = a->run_once(); });
  std::thread tb([&] { rb = b->run_once(); });
  ta.join();
  tb.join();
  EXPECT_EQ(ra.sent + rb.sent, 20);
  std::multiset<std::string> texts;
  for (auto& r : sends())
    texts.insert(std::string(json::parse(r.body).at("message").at("text").as_string()));
  EXPECT_EQ(texts.size(), 20u);
  for (int k = 0; k < 20; ++k) EXPECT_EQ(texts.count("once " + std::to_string(k)), 1u) << k;
  for (auto id : ids) EXPECT_EQ(row(id).status, "sent");
}

TEST_F(OUTBOX_FIXTURE, ARowLeftSendingByADeadHostIsSentAgainAfterTheTimeout) {
  meta_user_writes();
  auto c = meta_conversation();
  int64_t old_row = text(c, "interrupted");
  int64_t recent = text(c, "in flight elsewhere");
  auto set_sending = [&](int64_t id, outbox::TimePoint at) {
    std::string t = store::timestamp_at(at);
    long long i = id;
    sql() << "UPDATE messages SET status = 'sending', attempts = 1, updated_at = :u WHERE id = :i",
        soci::use(t), soci::use(i);
  };
  set_sending(old_row, now() - 10min);  // the default timeout is 5 minutes
  set_sending(recent, now() - 1min);
  auto s = sender();
  auto pass = s->run_once();
  EXPECT_EQ(pass.reclaimed, 1);
  EXPECT_EQ(pass.sent, 1);
  EXPECT_EQ(row(old_row).status, "sent");
  EXPECT_EQ(row(old_row).attempts, 2);
  EXPECT_EQ(row(recent).status, "sending") << "another host may still be sending it";
  ASSERT_TRUE(pass.next_due) << "the sender comes back when the recent one times out";
  EXPECT_LE(*pass.next_due, now() + 4min + 1s);
  advance(5min);
  EXPECT_EQ(s->run_once().sent, 1);
  EXPECT_EQ(row(recent).status, "sent");
}

TEST_F(OUTBOX_FIXTURE, AnEchoStoredBeforeTheAnswerIsMergedIntoTheSentRow) {
  meta_user_writes();
  auto c = meta_conversation();
  int64_t id = text(c, "echo first");
  // The platform's echo webhook overtakes the send's answer: the inbound processor stores it.
  auto o = options();
  o.on_accepted = [&](int64_t, const std::string& mid) {
    auto w = open_store();
    std::string now_s = store::timestamp_at(now()), page = kPage;
    long long cid = c;
    w.session() << "INSERT INTO messages (conversation_id, platform_message_id, direction, type, "
                   "text, sender_id, sent_at, status, created_at, updated_at) VALUES (:c, :p, "
                   "'out', 'text', 'echo first', :s, :t, 'received', :cr, :u) ON CONFLICT "
                   "(conversation_id, platform_message_id) DO NOTHING",
        soci::use(cid), soci::use(mid), soci::use(page), soci::use(now_s), soci::use(now_s),
        soci::use(now_s);
  };
  auto pass = sender(o)->run_once();
  EXPECT_EQ(pass.sent, 1);
  auto r = row(id);
  EXPECT_EQ(r.status, "sent");
  ASSERT_FALSE(r.platform_message_id.empty());
  EXPECT_EQ(count("conversation_id = " + std::to_string(c) + " AND platform_message_id = '" +
                  r.platform_message_id + "'"),
            1);
  EXPECT_EQ(count("conversation_id = " + std::to_string(c)), 1) << "one row for one message";
}

TEST_F(OUTBOX_FIXTURE, AnEchoAfterTheAnswerIsNotStoredAgain) {
  meta_user_writes();
  auto c = meta_conversation();
  int64_t id = text(c, "echo after");
  sender()->run_once();
  auto r = row(id);
  ASSERT_EQ(r.status, "sent");
  std::string now_s = store::timestamp_at(now()), page = kPage;
  long long cid = c;
  sql() << "INSERT INTO messages (conversation_id, platform_message_id, direction, type, text, "
           "sender_id, sent_at, status, created_at, updated_at) VALUES (:c, :p, 'out', 'text', "
           "'echo after', :s, :t, 'received', :cr, :u) ON CONFLICT (conversation_id, "
           "platform_message_id) DO NOTHING",
      soci::use(cid), soci::use(r.platform_message_id), soci::use(page), soci::use(now_s),
      soci::use(now_s), soci::use(now_s);
  EXPECT_EQ(count("conversation_id = " + std::to_string(c)), 1);
  EXPECT_EQ(row(id).status, "sent");
}

TEST_F(OUTBOX_FIXTURE, TheThreadSendsWhenWokenWithoutPolling) {
  meta_user_writes();
  auto c = meta_conversation();
  auto o = options();
  o.now = [] { return std::chrono::system_clock::now(); };
  o.idle_rescan = 1h;  // only wake() can start the pass in time
  auto s = sender(o);
  s->start();
  int64_t id = text(c, "wake up");
  s->wake();
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (row(id).status != "sent" && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  EXPECT_EQ(row(id).status, "sent");
  s->stop();
}

TEST_F(OUTBOX_FIXTURE, EnqueueValidatesTheReply) {
  auto c = meta_conversation();
  auto refused = [&](outbox::Reply r, const std::string& field) {
    try {
      outbox::enqueue(sql(), c, r, now());
      ADD_FAILURE() << "accepted; expected a refusal naming " << field;
    } catch (const outbox::EnqueueError& e) {
      EXPECT_EQ(e.status(), 400) << e.what();
      EXPECT_EQ(e.field(), field) << e.what();
    }
  };
  refused({}, "text");
  refused({.text = "  \n"}, "text");
  refused({.type = "video", .text = "x"}, "type");
  refused({.type = "image"}, "media_id");
  refused({.type = "image", .media_id = "1", .image_url = "https://x/y.png"}, "media_id");
  refused({.image_url = "ftp://x/y.png"}, "image_url");
  refused({.text = "caption", .image_url = "https://x/y.png"}, "text");
  try {
    outbox::enqueue(sql(), 999999, {.text = "hi"}, now());
    ADD_FAILURE();
  } catch (const outbox::EnqueueError& e) {
    EXPECT_EQ(e.status(), 404);
  }
  EXPECT_EQ(count("1 = 1"), 0);
}

}  // namespace
}  // namespace connhost::test
