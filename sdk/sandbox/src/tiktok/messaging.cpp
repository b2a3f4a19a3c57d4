// Business Messaging (notes §3.3): conversations, their messages, and sending.
#include <algorithm>

#include "tiktok/handlers.hpp"
#include "tiktok/messaging_access.hpp"

namespace connhost::sandbox::tiktok {
namespace {

constexpr int64_t kReplyWindowMs = 48 * 3600 * 1000LL;  // notes §3.3 (3rd-party policy)
constexpr int kMessagesPerUserTurn = 10;
constexpr int kMessagesAfterWindow = 3;
constexpr size_t kMaxText = 6000;

json::object conversation_json(const Conversation& c) {
  json::object referral;
  if (!c.ads.empty()) {
    json::array ads;
    for (const auto& a : c.ads)
      ads.push_back(json::object{{"advertiser_id", a.advertiser_id},
                                 {"ad_id", a.ad_id},
                                 {"timestamp", a.timestamp_s},  // seconds, unlike up_time
                                 {"ad_name", a.ad_name},
                                 {"embed_url", a.embed_url}});
    referral["ad"] = std::move(ads);
  }
  if (!c.short_links.empty()) {
    json::array links;
    for (const auto& l : c.short_links)
      links.push_back(json::object{{"ref", l.ref},
                                   {"prefilled_message", l.prefilled_message},
                                   {"prefilled_message_audit_status", l.audit_status}});
    referral["short_link"] = std::move(links);
  }
  return json::object{
      {"conversation_id", c.id}, {"up_time", c.up_time_ms()}, {"referral", std::move(referral)}};
}

json::object participant(const std::string& role, const std::string& id) {
  return json::object{{"id", id}, {"role", role}};
}

json::object message_json(const BusinessAccount& a, const Conversation& c, const Message& m) {
  json::object o;
  o["message_id"] = m.message_id;
  o["conversation_id"] = c.id;
  o["timestamp"] = m.timestamp_ms;
  o["message_type"] = m.type;  // upper case in REST, lower case in webhooks (notes §3.4)
  o["sender"] = m.from_business ? a.username : c.user.username;
  o["recipient"] = m.from_business ? c.user.username : a.username;
  json::object biz = participant("BUSINESS_ACCOUNT", a.business_id);
  json::object person = participant("PERSONAL_ACCOUNT", c.user.id);
  o["from_user"] = m.from_business ? biz : person;
  o["to_user"] = m.from_business ? person : biz;
  if (m.from_business) o["message_tag"] = json::object{{"source", m.source}};
  if (m.type == "TEXT") o["text"] = json::object{{"body", m.text}};
  if (m.type == "IMAGE") o["image"] = json::object{{"media_id", m.media_id}};
  if (m.type == "SHARE_POST")
    o["share_post"] = json::object{{"item_id", m.item_id},
                                   {"embed_url", "https://www.tiktok.com/embed/v2/" + m.item_id}};
  if (m.type == "TEMPLATE") o["template"] = json::object{{"title", m.text}};
  if (!m.referenced_message_id.empty())
    o["referenced_message_info"] = json::object{{"referenced_message_id", m.referenced_message_id}};
  return o;
}

size_t utf8_length(const std::string& s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

const json::object& sub_object(const json::object& body, const char* key) {
  const json::value* v = body.if_contains(key);
  if (!v) throw ApiError{40002, std::string(key) + ": Missing data for required field."};
  if (!v->is_object()) throw ApiError{40002, std::string(key) + ": Not a valid mapping type."};
  return v->as_object();
}

void check_template(const json::object& t) {
  std::string type = required_body_text(t, "type");
  if (type != "QA_BUTTON_CARD" && type != "QA_LINK_CARD")
    throw ApiError{40002, "template.type: Invalid enum value " + type + "."};
  if (utf8_length(required_body_text(t, "title")) > 40)
    throw ApiError{40002, "template.title: Length must be at most 40."};
  const json::value* b = t.if_contains("buttons");
  if (!b || !b->is_array() || b->as_array().empty() || b->as_array().size() > 3)
    throw ApiError{40002, "template.buttons: Length must be between 1 and 3."};
  size_t max_title = type == "QA_BUTTON_CARD" ? 20 : 40;
  for (const auto& button : b->as_array()) {
    if (!button.is_object()) throw ApiError{40002, "template.buttons: Not a valid mapping type."};
    const auto& o = button.as_object();
    if (required_body_text(o, "type") != "REPLY")
      throw ApiError{40002, "template.buttons.type: Invalid enum value."};
    if (utf8_length(required_body_text(o, "title")) > max_title)
      throw ApiError{40002, "template.buttons.title: Length must be at most " +
                                std::to_string(max_title) + "."};
    if (auto id = body_text(o, "id"); id && id->size() > 40)
      throw ApiError{40002, "template.buttons.id: Length must be at most 40."};
  }
}

// The messaging policy limits the notes record from third-party sources (§3.3): 10 business
// messages per user turn, a 48-hour reply window, then 3 more messages. 40064 is TikTok's
// "too fast" code; that it also covers the window is a guess the notes flag as unconfirmed.
void check_policy(const Conversation& c, int64_t now_ms) {
  int64_t last_user = 0;
  for (const auto& m : c.messages)
    if (!m.from_business) last_user = std::max(last_user, m.timestamp_ms);
  int since_user = 0, after_window = 0;
  for (const auto& m : c.messages) {
    if (!m.from_business || m.timestamp_ms < last_user) continue;
    ++since_user;
    if (m.timestamp_ms > last_user + kReplyWindowMs) ++after_window;
  }
  if (since_user >= kMessagesPerUserTurn)
    throw ApiError{40064, "You are sending messages too fast. Take a rest."};
  if (now_ms > last_user + kReplyWindowMs && after_window >= kMessagesAfterWindow)
    throw ApiError{40064, "The 48-hour reply window of this conversation has closed."};
}

}  // namespace

Response conversation_list(State& s, const Request& r) {
  Token t = require_access_token(s, r, kTtUser);
  std::string business_id = required_text(r, "business_id");
  std::string type = required_text(r, "conversation_type");
  if (type != "SINGLE" && type != "STRANGER")
    throw ApiError{40002, "conversation_type: Invalid enum value " + type + "."};
  int64_t limit = int_param(r, "limit", 100, 1, 100);
  int64_t cursor = int_param(r, "cursor", 0, 0, 999999999);
  std::lock_guard lock(s.business.mutex());
  BusinessAccount& a = owned_account(s, t, business_id, "message.list.read");
  std::vector<const Conversation*> convs;
  for (const auto& c : a.conversations)
    if (c.type == type) convs.push_back(&c);
  std::stable_sort(convs.begin(), convs.end(), [](const Conversation* x, const Conversation* y) {
    return x->up_time_ms() > y->up_time_ms();
  });
  int64_t n = static_cast<int64_t>(convs.size());
  if (cursor > n) throw ApiError{40002, "cursor: The cursor is invalid or has expired."};
  json::array list;
  int64_t end = std::min(n, cursor + limit);
  for (int64_t i = cursor; i < end; ++i) list.push_back(conversation_json(*convs[i]));
  return envelope_ok(
      json::object{{"conversations", std::move(list)}, {"has_more", end < n}, {"cursor", end}});
}

Response content_list(State& s, const Request& r) {
  Token t = require_access_token(s, r, kTtUser);
  std::string business_id = required_text(r, "business_id");
  std::string conversation_id = required_text(r, "conversation_id");
  std::lock_guard lock(s.business.mutex());
  BusinessAccount& a = owned_account(s, t, business_id, "message.list.read");
  Conversation* c = s.business.conversation(a, conversation_id);
  // A '+' sent unencoded arrives as a space; TikTok's answer names the parameter (notes §3.3).
  if (!c) throw ApiError{40002, "Param conversation_id is invalid."};
  // Only the 20 newest messages, newest first; there is no paging (notes §3.3).
  json::array messages;
  for (auto it = c->messages.rbegin(); it != c->messages.rend() && messages.size() < 20; ++it)
    messages.push_back(message_json(a, *c, *it));
  int64_t expires = s.now() + 2 * 86400;
  json::array participants{
      json::object{{"role", "BUSINESS_ACCOUNT"},
                   {"id", a.business_id},
                   {"display_name", a.display_name},
                   {"profile_image", cdn_url(s, "avatar", a.business_id, expires)}},
      json::object{{"role", "PERSONAL_ACCOUNT"},
                   {"id", c->user.id},
                   {"display_name", c->user.display_name},
                   {"profile_image", cdn_url(s, "avatar", c->user.id, expires)},
                   {"is_follower", c->user.is_follower}}};
  return envelope_ok(
      json::object{{"messages", std::move(messages)}, {"participants", std::move(participants)}});
}

Response message_send(State& s, const Request& r) {
  Token t = require_access_token(s, r, kTtUser);
  json::object body = body_object(r);
  std::string business_id = required_body_text(body, "business_id");
  if (body.contains("direct_reply"))
    throw ApiError{40009, "direct_reply (Comment-to-Message) is not supported in the sandbox."};
  std::string recipient_type = required_body_text(body, "recipient_type");
  if (recipient_type != "CONVERSATION")
    throw ApiError{40002, "recipient_type: Invalid enum value " + recipient_type + "."};
  std::string recipient = required_body_text(body, "recipient");
  std::string type = required_body_text(body, "message_type");
  static const char* types[] = {"TEXT", "IMAGE", "SHARE_POST", "TEMPLATE", "SENDER_ACTION"};
  if (std::find(std::begin(types), std::end(types), type) == std::end(types))
    throw ApiError{40002, "message_type: Invalid enum value " + type + "."};
  if (body.contains("text") && body.contains("image"))
    throw ApiError{40002, "A message cannot include both text and image."};

  std::lock_guard lock(s.business.mutex());
  BusinessAccount& a = owned_account(s, t, business_id, "message.list.send");
  Conversation* c = s.business.conversation(a, recipient);
  if (!c) throw ApiError{40002, "Param recipient is invalid."};

  Message m;
  m.from_business = true;
  m.source = "API";
  m.type = type;
  if (type == "SENDER_ACTION") {
    std::string action = required_body_text(body, "sender_action");
    if (action != "TYPING" && action != "MARK_READ")
      throw ApiError{40002, "sender_action: Invalid enum value " + action + "."};
    // Sender actions are not messages: no id (notes §3.3).
    return envelope_ok(json::object{{"message", json::object{{"message_id", ""}}}});
  }
  if (type == "TEXT") {
    m.text = required_body_text(sub_object(body, "text"), "body");
    if (utf8_length(m.text) > kMaxText)
      throw ApiError{40002, "text.body: Length must be at most 6000."};
  } else if (type == "IMAGE") {
    m.media_id = required_body_text(sub_object(body, "image"), "media_id");
    auto it = s.business.media().find(m.media_id);
    if (it == s.business.media().end() || it->second.business_id != a.business_id ||
        it->second.expires_at <= s.now())
      throw ApiError{40002,
                     "image.media_id: The media_id is invalid or has expired. Upload "
                     "the image with /business/message/media/upload/ first."};
  } else if (type == "SHARE_POST") {
    m.item_id = required_body_text(sub_object(body, "share_post"), "item_id");
    if (std::find(a.own_posts.begin(), a.own_posts.end(), m.item_id) == a.own_posts.end())
      throw ApiError{40002, "share_post.item_id: Only posts of this account can be shared."};
  } else if (type == "TEMPLATE") {
    const json::object& tpl = sub_object(body, "template");
    check_template(tpl);
    m.text = required_body_text(tpl, "title");
  }
  if (const json::value* ref = body.if_contains("referenced_message_info")) {
    if (type != "TEXT") throw ApiError{40002, "Only TEXT messages can reply to a message."};
    if (!ref->is_object())
      throw ApiError{40002, "referenced_message_info: Not a valid mapping type."};
    m.referenced_message_id = required_body_text(ref->as_object(), "referenced_message_id");
    bool found = std::any_of(c->messages.begin(), c->messages.end(), [&](const Message& x) {
      return x.message_id == m.referenced_message_id;
    });
    if (!found)
      throw ApiError{40002,
                     "referenced_message_info.referenced_message_id: not in this "
                     "conversation."};
  }
  int64_t now_ms = s.now() * 1000;
  check_policy(*c, now_ms);
  m.timestamp_ms = std::max(now_ms, c->up_time_ms() + 1);
  m.message_id = s.business.new_message_id();
  c->messages.push_back(m);
  return envelope_ok(json::object{{"message", json::object{{"message_id", m.message_id}}}});
}

}  // namespace connhost::sandbox::tiktok
