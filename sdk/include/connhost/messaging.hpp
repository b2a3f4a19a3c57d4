// The messaging capability's normalized event (abi.h, "Capability: messaging"): what a
// connector's parse_events emits, one "message" record per event, so that the host can keep one
// inbox for every platform. A connector fills a MessageEvent per platform event and hands it to
// output_event; keys the host does not know land in the event's extras on the host side.
#pragma once

#include <connhost/connector.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace connhost::messaging {

struct MessageEvent {
  std::string event_id;         // the platform's event or message id: the host dedupes on it
  std::string event_type;       // the platform's own name (im_receive_msg, message, read, ...)
  std::string account_id;       // the business account (TikTok business id, Meta Page/IG id)
  std::string conversation_id;  // the platform's thread id (Meta: the customer's PSID/IGSID)
  std::string message_id;
  std::string sender_id;
  std::string recipient_id;
  std::string direction;  // in | out
  int64_t timestamp_ms = 0;
  std::string type;  // text|image|video|audio|file|sticker|share|template|unsupported|read
  std::string text;
  std::string media_id;  // or the attachment's URL where the platform gives URLs
  std::string reply_to;
  std::map<std::string, std::string> extras;  // e.g. sender_name, watermark_ms, reason
};

// Emits `e` as the "message" record parse_events answers with.
inline void output_event(Call& call, const MessageEvent& e) {
  std::vector<std::pair<std::string, std::string>> f{
      {"event_id", e.event_id},
      {"event_type", e.event_type},
      {"account_id", e.account_id},
      {"conversation_id", e.conversation_id},
      {"message_id", e.message_id},
      {"sender_id", e.sender_id},
      {"recipient_id", e.recipient_id},
      {"direction", e.direction},
      {"timestamp_ms", std::to_string(e.timestamp_ms)},
      {"type", e.type},
      {"text", e.text},
      {"media_id", e.media_id},
      {"reply_to", e.reply_to}};
  for (const auto& [k, v] : e.extras) f.emplace_back(k, v);
  call.output_fields("message", f);
}

}  // namespace connhost::messaging
