#include "outbox/enqueue.hpp"

#include <soci/soci.h>

#include "store/dynamic_query.hpp"
#include "store/timestamp.hpp"

namespace connhost::outbox {
namespace {

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

bool http_url(const std::string& s) {
  return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
}

std::string window_hours(const std::string& platform) {
  if (platform == "meta") return "24-hour";
  if (platform == "tiktok") return "48-hour";
  return "reply";
}

std::string platform_name(const std::string& platform) {
  if (platform == "meta") return "Meta";
  if (platform == "tiktok") return "TikTok";
  return platform;
}

}  // namespace

std::optional<Conversation> find_conversation(soci::session& sql, int64_t id) {
  store::DynamicQuery q;
  q.sql("SELECT id, connection, platform, account_id, thread_id, participant_id, " +
        store::timestamp_column(sql, "window_closes_at") + " FROM conversations WHERE id = ")
      .bind(std::to_string(id));
  std::optional<Conversation> out;
  q.each(sql, [&](const soci::row& r) {
    Conversation c;
    c.id = store::int_at(r, 0);
    c.connection = store::text_at(r, 1);
    c.platform = store::text_at(r, 2);
    c.account_id = store::text_at(r, 3);
    c.thread_id = store::text_at(r, 4);
    c.participant_id = store::text_at(r, 5);
    if (auto w = store::nullable_text_at(r, 6)) c.window_closes_at = store::parse_timestamp(*w);
    out = std::move(c);
  });
  return out;
}

std::optional<std::string> window_closed_reason(const Conversation& c, TimePoint now) {
  if (!c.window_closes_at || now < *c.window_closes_at) return std::nullopt;
  return "the " + window_hours(c.platform) + " reply window of this " + platform_name(c.platform) +
         " conversation closed at " + store::timestamp_at(*c.window_closes_at) +
         ": the user last wrote too long ago, and only the user writing again reopens it";
}

int64_t enqueue(soci::session& sql, int64_t conversation_id, const Reply& reply, TimePoint now) {
  std::string type = reply.type;
  if (type.empty()) type = reply.media_id.empty() && reply.image_url.empty() ? "text" : "image";
  if (type != "text" && type != "image")
    throw EnqueueError(400, "bad_parameter", "type: must be text or image", "type");
  if (type == "text") {
    if (blank(reply.text))
      throw EnqueueError(400, "bad_parameter", "text: a text message needs non-empty text", "text");
    if (!reply.media_id.empty() || !reply.image_url.empty())
      throw EnqueueError(400, "bad_parameter",
                         "type: a text message carries no media_id or image_url (send the image "
                         "as its own message)",
                         "type");
  } else {
    if (reply.media_id.empty() == reply.image_url.empty())
      throw EnqueueError(400, "bad_parameter",
                         "media_id: an image message needs exactly one of media_id and image_url",
                         "media_id");
    if (!reply.image_url.empty() && !http_url(reply.image_url))
      throw EnqueueError(400, "bad_parameter", "image_url: must be an http:// or https:// URL",
                         "image_url");
    if (!blank(reply.text))
      throw EnqueueError(400, "bad_parameter",
                         "text: an image message carries no text (send the text as its own "
                         "message)",
                         "text");
  }

  auto conv = find_conversation(sql, conversation_id);
  if (!conv)
    throw EnqueueError(404, "not_found", "no conversation " + std::to_string(conversation_id));
  if (auto why = window_closed_reason(*conv, now)) throw EnqueueError(422, "window_closed", *why);

  std::string at = store::timestamp_at(now);
  auto opt = [](const std::string& s) { return s.empty() ? soci::i_null : soci::i_ok; };
  std::string text = type == "text" ? reply.text : std::string();
  soci::indicator text_i = opt(text), reply_i = opt(reply.reply_to), media_i = opt(reply.media_id),
                  url_i = opt(reply.image_url);
  long long id = 0;
  long long cid = conversation_id;
  soci::transaction tx(sql);
  sql << "INSERT INTO messages (conversation_id, direction, type, text, sender_id, sent_at, "
         "reply_to, status, attempts, next_attempt_at, media_id, image_url, created_at, "
         "updated_at) VALUES (:c, 'out', :type, :text, :sender, :sent, :reply, 'queued', 0, "
         ":next, :media, :url, :created, :updated) RETURNING id",
      soci::use(cid), soci::use(type), soci::use(text, text_i), soci::use(conv->account_id),
      soci::use(at), soci::use(reply.reply_to, reply_i), soci::use(at),
      soci::use(reply.media_id, media_i), soci::use(reply.image_url, url_i), soci::use(at),
      soci::use(at), soci::into(id);
  // The conversation moves to the top of the inbox when the business writes, not only the user.
  sql << "UPDATE conversations SET last_activity_at = :at WHERE id = :c AND last_activity_at < "
         ":at2",
      soci::use(at), soci::use(cid), soci::use(at);
  tx.commit();
  return id;
}

}  // namespace connhost::outbox
