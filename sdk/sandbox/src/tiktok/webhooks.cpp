// Webhook deliveries (notes §2.5, §3.4): the {client_key, event, create_time, user_openid,
// content} envelope with `content` a JSON string, signed
// `TikTok-Signature: t=<unix seconds>,s=<hex HMAC-SHA256(secret, t + "." + body)>`.
#include <algorithm>
#include <stdexcept>

#include "server/crypto.hpp"
#include "tiktok/handlers.hpp"

namespace connhost::sandbox::tiktok {
namespace {

json::object user_ref(const std::string& id, const char* role) {
  // Roles are lower case in webhooks, upper case in REST (notes §3.4).
  return json::object{{"id", id}, {"role", role}};
}

}  // namespace

std::optional<WebhookDelivery> make_webhook(State& s, const WebhookSpec& spec) {
  const std::string event = spec.event.empty() ? "im_receive_msg" : spec.event;
  const int64_t t = spec.timestamp;
  const int64_t ts_ms = t * 1000 + spec.index;
  json::object content;
  std::string client_key = s.creds().tiktok_app_id;  // Business API app (notes §3.4)
  std::string secret = s.creds().tiktok_app_secret;  // Chatwoot verifies with it (notes §3.4)
  std::string user_openid;
  std::string event_id;

  if (event == "authorization.removed") {
    // A developer-portal (Login Kit) event: that app's key and secret (notes §2.5).
    client_key = s.creds().tiktok_client_key;
    secret = s.creds().tiktok_client_secret;
    user_openid = s.user.open_id;
    content["reason"] = 1;  // 1: the user disconnected the app
    event_id = "authorization.removed:" + s.user.open_id + ":" + std::to_string(t) + ":" +
               std::to_string(++s.webhook_counter);
  } else if (event == "im_receive_msg" || event == "im_send_msg" || event == "im_mark_read_msg" ||
             event == "im_receive_msg_eu") {
    std::lock_guard lock(s.business.mutex());
    BusinessAccount& a = s.business.accounts().front();
    std::vector<Conversation*> singles;
    for (auto& c : a.conversations)
      if (c.type == "SINGLE") singles.push_back(&c);
    Conversation& c = *singles[static_cast<size_t>(spec.index) % singles.size()];
    user_openid = a.business_id;
    json::object person = user_ref(c.user.id, "personal_account");
    json::object business = user_ref(a.business_id, "business_account");
    content["conversation_id"] = c.id;
    if (event == "im_mark_read_msg") {
      content["from_user"] = person;
      content["to_user"] = business;
      content["read"] = json::object{{"last_read_timestamp", ts_ms}};
      event_id = c.id + "#read@" + std::to_string(ts_ms);
    } else {
      Message m;
      m.message_id = s.business.new_message_id();
      m.timestamp_ms = ts_ms;
      m.from_business = event == "im_send_msg";
      m.type = "TEXT";
      m.text = spec.text;
      m.source = "APP";
      content["message_id"] = m.message_id;
      content["timestamp"] = ts_ms;
      if (event != "im_receive_msg_eu") {  // the EU variant carries no message content
        content["type"] = "text";
        content["text"] = json::object{{"body", spec.text}};
      }
      content["from"] = m.from_business ? a.username : c.user.username;
      content["from_user"] = m.from_business ? business : person;
      content["to"] = m.from_business ? c.user.username : a.username;
      content["to_user"] = m.from_business ? person : business;
      if (m.from_business) content["message_tag"] = json::object{{"source", m.source}};
      event_id = m.message_id;
      // What the webhook announces is then in the conversation, as on TikTok.
      if (event != "im_receive_msg_eu") {
        auto at =
            std::upper_bound(c.messages.begin(), c.messages.end(), m.timestamp_ms,
                             [](int64_t ts, const Message& x) { return ts < x.timestamp_ms; });
        c.messages.insert(at, std::move(m));
      }
    }
  } else {
    throw std::invalid_argument(
        "tiktok webhook event must be im_receive_msg, im_send_msg, im_mark_read_msg, "
        "im_receive_msg_eu or authorization.removed");
  }

  json::object envelope;
  envelope["client_key"] = client_key;
  envelope["event"] = event;
  envelope["create_time"] = t;
  envelope["user_openid"] = user_openid;
  envelope["content"] = json::serialize(content);  // a JSON string inside JSON (notes §3.4)
  WebhookDelivery d;
  d.body = json::serialize(envelope);
  std::string key = spec.bad_signature ? secret + "-not-the-secret" : secret;
  std::string stamp = std::to_string(t);
  d.headers.emplace_back("TikTok-Signature",
                         "t=" + stamp + ",s=" + hmac_sha256_hex(key, stamp + "." + d.body));
  d.headers.emplace_back("x-tt-logid", make_request_id());  // seen in third-party adapters
  d.event_id = event_id;
  return d;
}

}  // namespace connhost::sandbox::tiktok
