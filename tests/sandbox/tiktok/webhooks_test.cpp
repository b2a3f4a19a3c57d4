// TikTok webhook deliveries (tiktok.md §2.5, §3.4), received by the sandbox's own port on a path
// no platform owns (the request log keeps the exact bytes), and verified here with OpenSSL.
#include <set>
#include <stdexcept>

#include "tiktok_test_util.hpp"

namespace connhost::sandbox::testing {
namespace {

struct Received {
  std::string body;
  std::string t, s;
};

class TikTokWebhooks : public TikTokTest {
 protected:
  WebhookResult deliver(const std::string& mode, const std::string& event = "", int count = 1) {
    sandbox->clear_requests();
    WebhookRequest w;
    w.platform = "tiktok";
    w.target_url = base + "/webhook-receiver/tiktok";
    w.mode = mode;
    w.event = event;
    w.count = count;
    w.text = "hi from a customer";
    return sandbox->send_webhooks(w);
  }
  std::vector<Received> received() {
    std::vector<Received> out;
    for (const auto& e : sandbox->requests()) {
      if (e.path != "/webhook-receiver/tiktok") continue;
      Received r;
      r.body = e.body;
      for (const auto& [k, v] : e.headers) {
        std::string lower = k;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower != "tiktok-signature") continue;
        // Split on ',', then on '=', matching parts by name (notes §3.4).
        size_t start = 0;
        while (start <= v.size()) {
          size_t end = v.find(',', start);
          if (end == std::string::npos) end = v.size();
          std::string part = v.substr(start, end - start);
          auto eq = part.find('=');
          if (eq != std::string::npos) {
            if (part.substr(0, eq) == "t") r.t = part.substr(eq + 1);
            if (part.substr(0, eq) == "s") r.s = part.substr(eq + 1);
          }
          start = end + 1;
        }
      }
      out.push_back(std::move(r));
    }
    return out;
  }
  static bool signed_with(const Received& r, const std::string& secret) {
    return !r.t.empty() && openssl_hmac_sha256(secret, r.t + "." + r.body) == r.s;
  }
  static json::object content(const Received& r) {
    auto env = json::parse(r.body).as_object();
    EXPECT_TRUE(env.at("content").is_string());  // JSON inside a string
    return json::parse(env.at("content").as_string()).as_object();
  }
};

TEST_F(TikTokWebhooks, InboundMessageIsSignedAndShaped) {
  auto login = business_login("message.list.read");
  auto result = deliver("single");
  ASSERT_EQ(result.sent, 1);
  auto got = received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(signed_with(got[0], kAppSecret));
  EXPECT_FALSE(signed_with(got[0], kClientSecret));

  auto env = json::parse(got[0].body).as_object();
  EXPECT_EQ(s_of(env, "client_key"), kAppId);
  EXPECT_EQ(s_of(env, "event"), "im_receive_msg");
  EXPECT_TRUE(env.at("create_time").is_int64());
  EXPECT_EQ(std::to_string(env.at("create_time").as_int64()), got[0].t);
  EXPECT_EQ(s_of(env, "user_openid"), s_of(login, "open_id"));

  auto c = content(got[0]);
  EXPECT_EQ(s_of(c, "message_id"), result.event_ids[0]);
  EXPECT_EQ(s_of(c, "type"), "text");  // lower case in webhooks
  EXPECT_EQ(s_of(c.at("text"), "body"), "hi from a customer");
  EXPECT_GT(c.at("timestamp").as_int64(), 1'000'000'000'000);  // milliseconds
  EXPECT_EQ(s_of(c.at("from_user"), "role"), "personal_account");
  EXPECT_EQ(s_of(c.at("to_user"), "id"), s_of(login, "open_id"));

  // The announced message is then in the conversation.
  auto list = data_of(v13_get(
      "business/message/content/list/",
      {{"business_id", s_of(login, "open_id")}, {"conversation_id", s_of(c, "conversation_id")}},
      s_of(login, "access_token")));
  EXPECT_EQ(s_of(list.at("messages").as_array()[0], "message_id"), result.event_ids[0]);
}

TEST_F(TikTokWebhooks, BadSignatureAndReplay) {
  deliver("bad_signature");
  auto bad = received();
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_FALSE(signed_with(bad[0], kAppSecret));

  int64_t now = std::time(nullptr);
  deliver("replayed");
  auto old = received();
  ASSERT_EQ(old.size(), 1u);
  EXPECT_TRUE(signed_with(old[0], kAppSecret));  // validly signed, but an hour old
  EXPECT_NEAR(std::stoll(old[0].t), now - 3600, 5);
}

TEST_F(TikTokWebhooks, BurstDuplicateOutOfOrder) {
  auto burst = deliver("burst", "", 4);
  EXPECT_EQ(burst.sent, 4);
  EXPECT_EQ(std::set<std::string>(burst.event_ids.begin(), burst.event_ids.end()).size(), 4u);
  for (const auto& r : received()) EXPECT_TRUE(signed_with(r, kAppSecret));

  auto dup = deliver("duplicate");
  ASSERT_EQ(dup.sent, 2);
  EXPECT_EQ(dup.event_ids[0], dup.event_ids[1]);
  auto got = received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].body, got[1].body);

  deliver("out_of_order", "", 3);
  auto ooo = received();
  ASSERT_EQ(ooo.size(), 3u);
  EXPECT_GT(content(ooo[0]).at("timestamp").as_int64(), content(ooo[2]).at("timestamp").as_int64());
  // Later calls never repeat an earlier message id.
  auto again = deliver("single");
  EXPECT_EQ(std::count(burst.event_ids.begin(), burst.event_ids.end(), again.event_ids[0]), 0);
}

TEST_F(TikTokWebhooks, OtherEvents) {
  deliver("single", "im_send_msg");
  auto send = content(received()[0]);
  EXPECT_EQ(s_of(send.at("from_user"), "role"), "business_account");
  EXPECT_TRUE(send.at("message_tag").as_object().contains("source"));

  deliver("single", "im_mark_read_msg");
  auto read = content(received()[0]);
  EXPECT_TRUE(read.at("read").at("last_read_timestamp").is_int64());

  deliver("single", "im_receive_msg_eu");
  auto eu = content(received()[0]);
  EXPECT_FALSE(eu.contains("text"));  // no message content for EEA/CH/UK senders
  EXPECT_TRUE(eu.contains("message_id"));

  deliver("single", "authorization.removed");
  auto removed = received();
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_TRUE(signed_with(removed[0], kClientSecret));  // the Login Kit app's secret
  auto env = json::parse(removed[0].body).as_object();
  EXPECT_EQ(s_of(env, "client_key"), kClientKey);
  EXPECT_EQ(content(removed[0]).at("reason").as_int64(), 1);

  EXPECT_THROW(deliver("single", "video.upload.failed"), std::invalid_argument);
}

}  // namespace
}  // namespace connhost::sandbox::testing
