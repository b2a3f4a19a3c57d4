// The webhook intake end to end: the sandbox's webhook driver posts signed TikTok and Meta
// deliveries to the in-process server; what is answered, stored and processed is checked in the
// store's rows.

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "inbox/event_json.hpp"
#include "inbox_fixture.hpp"
#include "tiktok_signing.hpp"

namespace connhost::test {
namespace {

std::vector<int> all_status(int status, size_t n) {
  return std::vector<int>(n, status);
}

TEST_F(InboxTest, MetaHandshakeEchoesTheChallengeOnlyForTheVerifyToken) {
  sandbox::Credentials c;
  auto ok =
      get(port, "/webhooks/meta_sb?hub.mode=subscribe&hub.verify_token=" + c.meta_verify_token +
                    "&hub.challenge=1158201444");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "1158201444");
  EXPECT_TRUE(ok.header("Content-Type").starts_with("text/plain")) << ok.header("Content-Type");

  auto bad =
      get(port, "/webhooks/meta_sb?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1");
  EXPECT_EQ(bad.status, 403);
  EXPECT_EQ(bad.body.find("1"), std::string::npos) << "a refused challenge is not echoed";
  EXPECT_EQ(get(port, "/webhooks/meta_sb?hub.challenge=1").status, 403);
  // TikTok documents no handshake; an unknown connection and a plugin without messaging look
  // the same from outside.
  EXPECT_EQ(get(port, "/webhooks/tiktok_sb?hub.challenge=1").status, 404);
  EXPECT_EQ(get(port, "/webhooks/nope?hub.challenge=1").status, 404);
  EXPECT_EQ(get(port, "/webhooks/google_sb?hub.challenge=1").status, 404);
}

TEST_F(InboxTest, GoodTikTokDeliveryIsStoredThenAcknowledgedAndProcessed) {
  auto r = drive("tiktok", "tiktok_sb", "single", 1, "", "where is my order?");
  ASSERT_EQ(r.statuses, all_status(200, 1));
  // Acknowledged means committed: the event is there the moment the 200 arrived.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM inbox_events WHERE event_id = '" + r.event_ids[0] + "'"),
            1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE parse_status = 'parsed'"), 1);
  // Only the signature header is kept with the delivery.
  std::string headers = text("SELECT headers_json FROM webhook_deliveries");
  EXPECT_NE(headers.find("tiktok-signature"), std::string::npos) << headers;
  EXPECT_EQ(headers.find("x-tt-logid"), std::string::npos) << headers;
  settle();
  EXPECT_EQ(text("SELECT status FROM inbox_events"), "processed");

  auto msg = table("messages", {"id", "created_at", "updated_at"});
  ASSERT_EQ(msg.size(), 1u);
  // conversation_id, platform_message_id, direction, type, text, sender_id, sender_name, ...
  EXPECT_EQ(msg[0][1], r.event_ids[0]);
  EXPECT_EQ(msg[0][2], "in");
  EXPECT_EQ(msg[0][3], "text");
  EXPECT_EQ(msg[0][4], "where is my order?");
  EXPECT_EQ(text("SELECT status FROM messages"), "received");
  EXPECT_NE(text("SELECT sender_name FROM messages"), "<null>");

  EXPECT_EQ(scalar("SELECT COUNT(*) FROM conversations"), 1);
  EXPECT_EQ(text("SELECT platform FROM conversations"), "tiktok");
  EXPECT_EQ(scalar("SELECT unread FROM conversations"), 1);
  EXPECT_EQ(text("SELECT last_activity_at FROM conversations"),
            text("SELECT sent_at FROM messages"));
  EXPECT_EQ(text("SELECT last_inbound_at FROM conversations"),
            text("SELECT sent_at FROM messages"));
  // TikTok's reply window: 48 hours after the user's last message.
  EXPECT_EQ(scalar("SELECT CAST(ROUND((julianday(window_closes_at) - julianday(last_inbound_at)) "
                   "* 24) AS INTEGER) FROM conversations"),
            48);
  // The participant is a contact, linked by the platform's user id, named as TikTok names them.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM contact_identities ci JOIN conversations c ON "
                   "c.contact_id = ci.contact_id AND ci.platform_user_id = c.participant_id "
                   "WHERE ci.platform = 'tiktok'"),
            1);
  EXPECT_EQ(text("SELECT display_name FROM contacts"), text("SELECT sender_name FROM messages"));
  EXPECT_EQ(counter("connhost_webhook_accepted_total{connection=\"tiktok_sb\"}"), 1);
}

TEST_F(InboxTest, BadSignatureIs401AndNothingIsStored) {
  auto r = drive("tiktok", "tiktok_sb", "bad_signature");
  EXPECT_EQ(r.statuses, all_status(401, 1));
  auto m = drive("meta", "meta_sb", "bad_signature");
  EXPECT_EQ(m.statuses, all_status(401, 1));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM webhook_deliveries"), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM inbox_events"), 0);
  EXPECT_EQ(counter("connhost_webhook_rejected_total{connection=\"tiktok_sb\",reason=\"bad_"
                    "signature\"}"),
            1);
  EXPECT_EQ(
      counter("connhost_webhook_rejected_total{connection=\"meta_sb\",reason=\"bad_signature\"}"),
      1);

  // No detail in the answer: the same body for every refusal.
  std::string body = "{\"event\":\"im_receive_msg\"}";
  auto unsigned_ = call(port, "POST", "/webhooks/tiktok_sb", {}, body);
  EXPECT_EQ(unsigned_.status, 401);
  EXPECT_EQ(unsigned_.body.find("TikTok-Signature"), std::string::npos) << unsigned_.body;
  EXPECT_EQ(unsigned_.body.find("mismatch"), std::string::npos) << unsigned_.body;
}

TEST_F(InboxTest, StaleOrReplayedTikTokDeliveryIs403) {
  auto r = drive("tiktok", "tiktok_sb", "replayed");
  EXPECT_EQ(r.statuses, all_status(403, 1));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM inbox_events"), 0);
  EXPECT_EQ(counter("connhost_webhook_rejected_total{connection=\"tiktok_sb\",reason=\"stale_"
                    "timestamp\"}"),
            1);
  // A timestamp from the future beyond the tolerance too.
  sandbox::Credentials c;
  int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  std::string body =
      tiktok_message_body("b1", "conv1", "m-future", "x", now_s + 600, (now_s + 600) * 1000);
  auto f =
      call(port, "POST", "/webhooks/tiktok_sb",
           {{"TikTok-Signature", tiktok_signature(c.tiktok_app_secret, body, now_s + 600)}}, body);
  EXPECT_EQ(f.status, 403);
  // Meta signs no timestamp: its redelivery is stopped by the dedupe, not by age.
  auto m = drive("meta", "meta_sb", "replayed");
  EXPECT_EQ(m.statuses, all_status(200, 1));
}

TEST_F(InboxTest, DuplicateDeliveryIsAcknowledgedTwiceAndStoredOnce) {
  for (const char* platform : {"tiktok", "meta"}) {
    std::string conn = std::string(platform) + "_sb";
    auto r = drive(platform, conn, "duplicate");
    ASSERT_EQ(r.statuses, all_status(200, 2)) << platform;
    ASSERT_EQ(r.event_ids[0], r.event_ids[1]);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM inbox_events WHERE event_id = '" + r.event_ids[0] + "'"),
              1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE connection = '" + conn + "'"),
              1);
    EXPECT_EQ(counter("connhost_webhook_duplicate_total{connection=\"" + conn + "\"}"), 1);
  }
  settle();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM messages"), 2);
  EXPECT_EQ(scalar("SELECT SUM(unread) FROM conversations"), 2);
}

TEST_F(InboxTest, OutOfOrderDeliveriesLeaveEachEventOnceAndActivityAtTheNewest) {
  auto r = drive("tiktok", "tiktok_sb", "out_of_order", 12);
  ASSERT_EQ(r.statuses, all_status(200, 12));
  std::set<std::string> ids(r.event_ids.begin(), r.event_ids.end());
  EXPECT_EQ(ids.size(), 12u);
  auto m = drive("meta", "meta_sb", "out_of_order", 6);
  ASSERT_EQ(m.statuses, all_status(200, 6));
  settle();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM inbox_events WHERE status = 'processed'"), 18);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM messages"), 18);
  for (const auto& id : r.event_ids)
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM messages WHERE platform_message_id = '" + id + "'"), 1);
  // Each conversation's last activity is its newest message even though it arrived first, and
  // the unread count is its number of messages.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM conversations c WHERE last_activity_at <> (SELECT "
                   "MAX(sent_at) FROM messages m WHERE m.conversation_id = c.id) OR "
                   "last_inbound_at <> last_activity_at OR unread <> (SELECT COUNT(*) FROM "
                   "messages m WHERE m.conversation_id = c.id)"),
            0);
  EXPECT_GT(scalar("SELECT COUNT(*) FROM conversations WHERE platform = 'tiktok'"), 1)
      << "the burst should spread over several conversations";
}

TEST_F(InboxTest, MetaMessageEchoAndReadBecomeOneConversation) {
  sandbox::Credentials c;
  auto in = drive("meta", "meta_sb", "single", 1, "message", "hello page");
  auto echo = drive("meta", "meta_sb", "single", 1, "echo", "hello customer");
  auto att = drive("meta", "meta_sb", "single", 1, "attachment");
  ASSERT_EQ(in.statuses, all_status(200, 1));
  ASSERT_EQ(echo.statuses, all_status(200, 1));
  ASSERT_EQ(att.statuses, all_status(200, 1));
  // The read's watermark is 1.5 s before its own time: move the sandbox's clock so that it
  // covers the echo.
  http::Client hc;
  ASSERT_EQ(hc.send({"POST", sb->base_url() + "/_sandbox/clock?offset_s=10"}).status, 200);
  auto read = drive("meta", "meta_sb", "single", 1, "read");
  ASSERT_EQ(read.statuses, all_status(200, 1));
  settle();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM inbox_events WHERE status = 'processed'"), 4);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM conversations"), 1);
  EXPECT_EQ(text("SELECT platform FROM conversations"), "meta");
  EXPECT_EQ(text("SELECT account_id FROM conversations"), "109876543210987");
  std::string psid = text("SELECT thread_id FROM conversations");
  EXPECT_EQ(text("SELECT participant_id FROM conversations"), psid);
  EXPECT_EQ(scalar("SELECT unread FROM conversations"), 2);
  // Meta's standard window: 24 hours after the user's last message.
  EXPECT_EQ(scalar("SELECT CAST(ROUND((julianday(window_closes_at) - julianday(last_inbound_at)) "
                   "* 24) AS INTEGER) FROM conversations"),
            24);

  EXPECT_EQ(text("SELECT text FROM messages WHERE platform_message_id = '" + in.event_ids[0] + "'"),
            "hello page");
  EXPECT_EQ(text("SELECT direction || ' ' || status || ' ' || sender_id FROM messages WHERE "
                 "platform_message_id = '" +
                 echo.event_ids[0] + "'"),
            "out sent 109876543210987");
  EXPECT_NE(
      text("SELECT read_at FROM messages WHERE platform_message_id = '" + echo.event_ids[0] + "'"),
      "<null>")
      << "the read receipt's watermark covers the echo";
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM messages WHERE direction = 'in' AND read_at IS NOT NULL"),
            0);
  EXPECT_EQ(
      text("SELECT type FROM messages WHERE platform_message_id = '" + att.event_ids[0] + "'"),
      "image");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM attachments a JOIN messages m ON m.id = a.message_id "
                   "WHERE a.kind = 'image' AND a.url LIKE 'https://scontent.xx.fbcdn.net/%' AND "
                   "a.media_id IS NULL"),
            1);
}

TEST_F(InboxTest, TikTokEchoAndReadReceipt) {
  auto in = drive("tiktok", "tiktok_sb", "single", 1, "im_receive_msg");
  auto out = drive("tiktok", "tiktok_sb", "single", 1, "im_send_msg", "we shipped it");
  auto read = drive("tiktok", "tiktok_sb", "single", 1, "im_mark_read_msg");
  auto eu = drive("tiktok", "tiktok_sb", "single", 1, "im_receive_msg_eu");
  for (auto* r : {&in, &out, &read, &eu}) ASSERT_EQ(r->statuses, all_status(200, 1));
  settle();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM inbox_events WHERE status = 'processed'"), 4);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM conversations"), 1);
  EXPECT_EQ(text("SELECT direction || ' ' || status || ' ' || text FROM messages WHERE "
                 "platform_message_id = '" +
                 out.event_ids[0] + "'"),
            "out sent we shipped it");
  EXPECT_NE(
      text("SELECT read_at FROM messages WHERE platform_message_id = '" + out.event_ids[0] + "'"),
      "<null>");
  EXPECT_EQ(text("SELECT type FROM messages WHERE platform_message_id = '" + eu.event_ids[0] + "'"),
            "unsupported");
  EXPECT_EQ(scalar("SELECT unread FROM conversations"), 2);
}

TEST_F(InboxTest, EchoOfAMessageTheOutboxStoredIsNotStoredAgain) {
  ASSERT_EQ(drive("meta", "meta_sb", "single", 1, "message").statuses, all_status(200, 1));
  auto echo = drive("meta", "meta_sb", "single", 1, "echo", "sent by connhost");
  ASSERT_EQ(echo.statuses, all_status(200, 1));
  settle();
  long long conv = scalar("SELECT id FROM conversations");
  const std::string mid = echo.event_ids.at(0);
  // As if the outbox's sender had stored its sent message (under the id the platform answered)
  // before the echo was processed: the echo's event, processed again, must be a no-op.
  sql() << "DELETE FROM messages WHERE platform_message_id = :m", soci::use(mid);
  std::string at = "2026-01-01T00:00:00.000Z";
  sql() << "INSERT INTO messages (conversation_id, platform_message_id, direction, type, text, "
           "sender_id, sent_at, status, created_at, updated_at) VALUES (:c, :m, 'out', 'text', "
           "'sent by connhost', 'outbox', :s, 'sent', :n, :n2)",
      soci::use(conv), soci::use(mid), soci::use(at), soci::use(at), soci::use(at);
  inbox::ReplayFilter f;
  f.event_id = mid;
  f.failed_only = false;
  ASSERT_EQ(inbox::reset_events(*db, f), 1);
  EXPECT_EQ(inbox::process_pending(*db).processed, 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM messages WHERE platform_message_id = '" + mid + "'"), 1);
  EXPECT_EQ(text("SELECT sender_id FROM messages WHERE platform_message_id = '" + mid + "'"),
            "outbox")
      << "the outbox's row stays as the sender wrote it";
}

TEST_F(InboxTest, ReplayLeavesIdenticalRows) {
  drive("tiktok", "tiktok_sb", "burst", 8);
  drive("tiktok", "tiktok_sb", "single", 1, "im_send_msg");
  drive("tiktok", "tiktok_sb", "single", 1, "im_mark_read_msg");
  drive("meta", "meta_sb", "burst", 4);
  drive("meta", "meta_sb", "single", 1, "attachment");
  drive("meta", "meta_sb", "single", 1, "echo");
  settle();
  const std::vector<std::string> model = {"contacts", "contact_identities", "conversations",
                                          "messages", "attachments"};
  std::map<std::string, std::vector<std::vector<std::string>>> before;
  for (const auto& t : model) before[t] = table(t);
  ASSERT_EQ(before["messages"].size(), 15u);

  // Replay in place: every event again, twice over.
  for (int round = 0; round < 2; ++round) {
    inbox::ReplayFilter all;
    all.failed_only = false;
    EXPECT_EQ(inbox::reset_events(*db, all), 16);
    auto c = inbox::process_pending(*db);
    EXPECT_EQ(c.processed, 16);
    EXPECT_EQ(c.failed, 0);
    for (const auto& t : model) EXPECT_EQ(table(t), before[t]) << t << " after replay " << round;
  }

  // Rebuilt from the inbox alone: the same rows (ids included), apart from when they were made.
  const std::vector<std::string> when = {"created_at", "updated_at"};
  std::map<std::string, std::vector<std::vector<std::string>>> timeless;
  for (const auto& t : model) timeless[t] = table(t, when);
  for (const auto& t :
       {"attachments", "messages", "conversations", "contact_identities", "contacts"})
    sql() << std::string("DELETE FROM ") + t;
  inbox::ReplayFilter all;
  all.failed_only = false;
  inbox::reset_events(*db, all);
  EXPECT_EQ(inbox::process_pending(*db).processed, 16);
  for (const auto& t : model) EXPECT_EQ(table(t, when), timeless[t]) << t << " rebuilt";
}

TEST_F(InboxTest, VerifiedButUnparseableDeliveryIsKeptAndAcknowledged) {
  sandbox::Credentials c;
  int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  std::string body =
      "{\"client_key\":\"7000000000000000001\",\"event\":\"im_receive_msg\","
      "\"create_time\":1,\"user_openid\":\"b\",\"content\":\"{not json\"}";
  auto r = call(port, "POST", "/webhooks/tiktok_sb",
                {{"TikTok-Signature", tiktok_signature(c.tiktok_app_secret, body, now_s)}}, body);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE parse_status = 'unparsed' AND "
                   "parse_error IS NOT NULL"),
            1);
  EXPECT_EQ(text("SELECT body FROM webhook_deliveries"), body) << "the exact bytes are kept";
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM inbox_events"), 0);
  EXPECT_EQ(counter("connhost_webhook_unparsed_total{connection=\"tiktok_sb\"}"), 1);
}

TEST_F(InboxTest, BodyOverTheConnectionsCapIs413BeforeVerification) {
  sandbox::Credentials c;
  int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  std::string big =
      tiktok_message_body("b", "conv", "m-big", std::string(1500, 'a'), now_s, now_s * 1000);
  auto r = call(port, "POST", "/webhooks/tiktok_small",
                {{"TikTok-Signature", tiktok_signature(c.tiktok_app_secret, big, now_s)}}, big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(counter("connhost_webhook_rejected_total{connection=\"tiktok_small\",reason=\"too_"
                    "large\"}"),
            1);
  // The same delivery fits the other connection's default cap.
  auto ok = call(port, "POST", "/webhooks/tiktok_sb",
                 {{"TikTok-Signature", tiktok_signature(c.tiktok_app_secret, big, now_s)}}, big);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM inbox_events"), 1);
}

TEST_F(InboxTest, UnknownConnectionOrPluginWithoutMessagingIs404) {
  EXPECT_EQ(call(port, "POST", "/webhooks/nope", {}, "{}").status, 404);
  EXPECT_EQ(call(port, "POST", "/webhooks/google_sb", {}, "{}").status, 404);
}

TEST_F(InboxTest, StoreIsSqliteWalWithFullSynchronous) {
  // What the durability statement of docs/messaging.md rests on: the WAL is fsynced at every
  // commit, so an acknowledged delivery survives a kill of the process and a power loss.
  auto s = open_store();
  std::string mode;
  int sync = -1;
  s.session() << "PRAGMA journal_mode", soci::into(mode);
  s.session() << "PRAGMA synchronous", soci::into(sync);
  EXPECT_EQ(mode, "wal");
  EXPECT_EQ(sync, 2) << "FULL";
}

TEST_F(InboxTest, FailedCommitOrFullQueueIs503AndNothingAcknowledged) {
  // A store that fails: the whole batch fails and the platform is told to retry.
  inbox::InboxWriter broken([]() -> store::Store { throw store::StoreError("database is gone"); },
                            {}, metrics);
  ctx->inbox = &broken;
  auto r = drive("tiktok", "tiktok_sb", "burst", 3);
  EXPECT_EQ(r.statuses, all_status(503, 3));
  // A full queue: refused at once (backpressure), not queued.
  inbox::InboxWriter full([this] { return open_store(); }, {.max_queue = 0}, metrics);
  ctx->inbox = &full;
  sandbox::Credentials c;
  int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  std::string body = tiktok_message_body("b1", "conv1", "m-full", "x", now_s, now_s * 1000);
  auto f = call(port, "POST", "/webhooks/tiktok_sb",
                {{"TikTok-Signature", tiktok_signature(c.tiktok_app_secret, body, now_s)}}, body);
  EXPECT_EQ(f.status, 503);
  EXPECT_EQ(f.header("Retry-After"), "1");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM inbox_events"), 0);
  EXPECT_EQ(
      counter("connhost_webhook_unavailable_total{connection=\"tiktok_sb\",reason=\"queue_full\"}"),
      1);
  EXPECT_EQ(counter("connhost_webhook_unavailable_total{connection=\"tiktok_sb\",reason=\"store_"
                    "failed\"}"),
            3);
  // The platform's retry of the same delivery, once the inbox works, is stored.
  ctx->inbox = writer.get();
  auto again =
      call(port, "POST", "/webhooks/tiktok_sb",
           {{"TikTok-Signature", tiktok_signature(c.tiktok_app_secret, body, now_s)}}, body);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM inbox_events"), 1);
}

TEST_F(InboxTest, ConcurrentDeliveriesShareCommits) {
  // 48 senders at once, each delivery its own event: all stored, in fewer commits than
  // deliveries (the group commit), each answered after its own commit.
  sandbox::Credentials c;
  int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  constexpr int kSenders = 48, kEach = 10;
  std::vector<std::thread> senders;
  std::atomic<int> ok{0};
  for (int t = 0; t < kSenders; ++t)
    senders.emplace_back([&, t] {
      Connection conn(port);  // keep-alive
      for (int i = 0; i < kEach; ++i) {
        std::string id = "m-" + std::to_string(t) + "-" + std::to_string(i);
        std::string body = tiktok_message_body("b1", "conv" + std::to_string(t % 5), id, "x", now_s,
                                               now_s * 1000 + i);
        auto r =
            conn.call("POST", "/webhooks/tiktok_sb",
                      {{"TikTok-Signature", tiktok_signature(c.tiktok_app_secret, body, now_s)},
                       {"Host", "127.0.0.1"}},
                      body);
        if (r.status == 200) ++ok;
      }
    });
  for (auto& s : senders) s.join();
  EXPECT_EQ(ok.load(), kSenders * kEach);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM inbox_events"), kSenders * kEach);
  double commits = counter("connhost_inbox_batch_deliveries_count");
  EXPECT_GT(commits, 0);
  EXPECT_LT(commits, kSenders * kEach) << "every delivery had a commit of its own";
}

TEST_F(InboxTest, EventJsonRoundTrips) {
  plugin::MessageEvent e;
  e.event_id = "m1";
  e.event_type = "message";
  e.account_id = "a";
  e.conversation_id = "c";
  e.direction = "in";
  e.timestamp_ms = 1763800000123;
  e.type = "image";
  e.text = "t \"q\"";
  e.media_id = "https://x/y";
  e.extras = {{"sender_name", "Maya"}, {"watermark_ms", "5"}};
  auto back = inbox::event_from_json(inbox::event_to_json(e));
  EXPECT_EQ(back.event_id, e.event_id);
  EXPECT_EQ(back.timestamp_ms, e.timestamp_ms);
  EXPECT_EQ(back.text, e.text);
  EXPECT_EQ(back.extras, e.extras);
  EXPECT_THROW(inbox::event_from_json("{}"), std::invalid_argument);
}

}  // namespace
}  // namespace connhost::test
