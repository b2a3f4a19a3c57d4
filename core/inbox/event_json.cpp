#include "inbox/event_json.hpp"

#include <boost/json.hpp>

#include <stdexcept>

namespace connhost::inbox {

namespace json = boost::json;

std::string event_to_json(const plugin::MessageEvent& e) {
  json::object extras;
  for (const auto& [k, v] : e.extras) extras[k] = v;
  json::object o{{"event_id", e.event_id},
                 {"event_type", e.event_type},
                 {"account_id", e.account_id},
                 {"conversation_id", e.conversation_id},
                 {"message_id", e.message_id},
                 {"sender_id", e.sender_id},
                 {"recipient_id", e.recipient_id},
                 {"direction", e.direction},
                 {"timestamp_ms", e.timestamp_ms},
                 {"type", e.type},
                 {"text", e.text},
                 {"media_id", e.media_id},
                 {"reply_to", e.reply_to},
                 {"extras", std::move(extras)}};
  return json::serialize(o);
}

plugin::MessageEvent event_from_json(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) throw std::invalid_argument("event_json is not a JSON object");
  const auto& o = v.as_object();
  auto str = [&](const char* key) -> std::string {
    const json::value* f = o.if_contains(key);
    if (!f || f->is_null()) return {};
    if (!f->is_string())
      throw std::invalid_argument(std::string("event_json.") + key + " is not a string");
    return std::string(f->as_string());
  };
  plugin::MessageEvent e;
  e.event_id = str("event_id");
  e.event_type = str("event_type");
  e.account_id = str("account_id");
  e.conversation_id = str("conversation_id");
  e.message_id = str("message_id");
  e.sender_id = str("sender_id");
  e.recipient_id = str("recipient_id");
  e.direction = str("direction");
  e.type = str("type");
  e.text = str("text");
  e.media_id = str("media_id");
  e.reply_to = str("reply_to");
  if (const json::value* t = o.if_contains("timestamp_ms")) {
    if (!t->is_int64()) throw std::invalid_argument("event_json.timestamp_ms is not an integer");
    e.timestamp_ms = t->as_int64();
  }
  if (const json::value* x = o.if_contains("extras"); x && x->is_object())
    for (const auto& [k, val] : x->as_object())
      if (val.is_string()) e.extras[std::string(k)] = std::string(val.as_string());
  if (e.event_id.empty()) throw std::invalid_argument("event_json has no event_id");
  return e;
}

}  // namespace connhost::inbox
