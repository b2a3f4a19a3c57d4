// The messaging operations of Instance (abi.h, "Capability: messaging"): requests into the C
// structs, the plugin's records out of the call's outputs. Modelled on the login operations in
// instance.cpp: a plugin that throws is shielded, every failure keeps the plugin's category.
#include <cstdio>
#include <cstring>
#include <exception>
#include <variant>

#include "log/secret_mask.hpp"
#include "plugin/call_support.hpp"
#include "plugin/instance.hpp"

namespace connhost::plugin {
namespace {

using detail::blank_error;
using detail::find_record;
using detail::internal;
using detail::to_error;
using detail::to_int;
using detail::to_str;

std::optional<PluginError> no_messaging(const LoadedPlugin& p, const void* fn,
                                        std::string_view op) {
  if (!(p.capabilities & CH_CAP_MESSAGING))
    return PluginError{CH_ERROR_NOT_IMPLEMENTED, {}, p.missing_reason(CH_CAP_MESSAGING)};
  if (!fn)
    return PluginError{
        CH_ERROR_NOT_IMPLEMENTED, {}, "the plugin offers no messaging " + std::string(op)};
  return std::nullopt;
}

// The webhook request with the header array it points into; not copyable, since `request`
// points into `headers`.
struct WebhookCall {
  explicit WebhookCall(const WebhookRequest& r) {
    headers.reserve(r.headers.size());
    for (const auto& [n, v] : r.headers) headers.push_back({to_str(n), to_str(v)});
    request = ch_webhook_request{sizeof(ch_webhook_request),
                                 to_str(r.method),
                                 to_str(r.query),
                                 headers.data(),
                                 headers.size(),
                                 to_str(r.body),
                                 r.now_ms,
                                 r.tolerance_ms};
  }
  WebhookCall(const WebhookCall&) = delete;
  WebhookCall& operator=(const WebhookCall&) = delete;

  std::vector<ch_header> headers;
  ch_webhook_request request{};
};

using WebhookFn = ch_status (*)(ch_instance*, ch_call*, const ch_webhook_request*, ch_error*);

// A "message" record as a MessageEvent: the named fields, everything else into extras.
std::variant<MessageEvent, PluginError> to_event(const OutputRecord& rec) {
  MessageEvent e;
  auto f = rec.fields;
  auto take = [&](const char* key) { return detail::take_field(f, key); };
  e.event_id = take("event_id");
  e.event_type = take("event_type");
  e.account_id = take("account_id");
  e.conversation_id = take("conversation_id");
  e.message_id = take("message_id");
  e.sender_id = take("sender_id");
  e.recipient_id = take("recipient_id");
  e.direction = take("direction");
  std::string ts = take("timestamp_ms");
  e.type = take("type");
  e.text = take("text");
  e.media_id = take("media_id");
  e.reply_to = take("reply_to");
  e.extras = std::move(f);
  if (!ts.empty()) {
    auto v = to_int(ts);
    if (!v)
      return internal("the plugin's message record has a non-integer timestamp_ms: '" + ts + "'");
    e.timestamp_ms = *v;
  }
  if (e.event_id.empty()) return internal("the plugin's message record has no event_id");
  if (e.direction != "in" && e.direction != "out")
    return internal("the plugin's message record has direction '" + e.direction +
                    "', not in or out");
  return e;
}

}  // namespace

Instance::HandshakeResult Instance::handshake(const WebhookRequest& request) {
  HandshakeResult out;
  const WebhookFn fn = plugin_->messaging.handshake;
  if ((out.error = no_messaging(*plugin_, reinterpret_cast<const void*>(fn), "handshake")))
    return out;
  WebhookCall w(request);
  ch_call call = make_call();
  ch_error err = blank_error();
  ch_status s = invoke(Op::handshake, &w.request, call, err,
                       [&] { return fn(handle_, &call, &w.request, &err); });
  if (s != CH_OK) {
    out.error = to_error(err);
    return out;
  }
  const auto* rec = find_record(call, "handshake");
  if (!rec) {
    out.error = internal("handshake output no handshake record");
    return out;
  }
  auto status = rec->fields.find("status");
  auto code = status == rec->fields.end() ? std::nullopt : to_int(status->second);
  if (!code || *code < 100 || *code > 599) {
    out.error = internal("handshake output no HTTP status");
    return out;
  }
  out.status = static_cast<int>(*code);
  if (auto body = rec->fields.find("body"); body != rec->fields.end()) out.body = body->second;
  return out;
}

std::optional<PluginError> Instance::verify(const WebhookRequest& request) {
  const WebhookFn fn = plugin_->messaging.verify;
  if (auto e = no_messaging(*plugin_, reinterpret_cast<const void*>(fn), "verify")) return e;
  WebhookCall w(request);
  ch_call call = make_call();
  ch_error err = blank_error();
  ch_status s = invoke(Op::verify, &w.request, call, err,
                       [&] { return fn(handle_, &call, &w.request, &err); });
  if (s != CH_OK) return to_error(err);
  return std::nullopt;
}

Instance::EventsResult Instance::parse_events(const WebhookRequest& request) {
  EventsResult out;
  const WebhookFn fn = plugin_->messaging.parse_events;
  if ((out.error = no_messaging(*plugin_, reinterpret_cast<const void*>(fn), "parse_events")))
    return out;
  WebhookCall w(request);
  ch_call call = make_call();
  ch_error err = blank_error();
  ch_status s = invoke(Op::parse_events, &w.request, call, err,
                       [&] { return fn(handle_, &call, &w.request, &err); });
  if (s != CH_OK) {
    out.error = to_error(err);
    return out;
  }
  for (const auto& rec : call.outputs) {
    if (rec.kind != "message") continue;
    auto e = to_event(rec);
    if (auto* bad = std::get_if<PluginError>(&e)) {
      out.events.clear();
      out.error = std::move(*bad);
      return out;
    }
    out.events.push_back(std::move(std::get<MessageEvent>(e)));
  }
  return out;
}

Instance::SendResult Instance::send(const SendRequest& request) {
  SendResult out;
  const auto fn = plugin_->messaging.send;
  if ((out.error = no_messaging(*plugin_, reinterpret_cast<const void*>(fn), "send"))) return out;
  // The token is masked before anything (the plugin, the HTTP layer) could print it.
  if (!request.access_token.empty()) log::register_secret(request.access_token);
  ch_send_request req{sizeof(ch_send_request),
                      to_str(request.access_token),
                      to_str(request.account_id),
                      to_str(request.conversation_id),
                      to_str(request.recipient_id),
                      to_str(request.type),
                      to_str(request.text),
                      to_str(request.media_id),
                      to_str(request.reply_to_message_id)};
  ch_call call = make_call();
  ch_error err = blank_error();
  ch_status s = invoke(Op::send, &req, call, err, [&] { return fn(handle_, &call, &req, &err); });
  if (s != CH_OK) {
    out.error = to_error(err);
    return out;
  }
  if (const auto* rec = find_record(call, "sent"))
    if (auto id = rec->fields.find("message_id"); id != rec->fields.end())
      out.message_id = id->second;
  if (out.message_id.empty()) out.error = internal("send output no \"sent\" message_id");
  return out;
}

Instance::MediaResult Instance::media_url(const MediaRequest& request) {
  MediaResult out;
  // media_url was appended in ABI 1.1: a plugin built against 1.0 has a shorter table, which the
  // loader's copy left zero past its struct_size.
  const auto& m = plugin_->messaging;
  const auto fn = CH_HAS_FIELD(&m, ch_messaging_v1, media_url) ? m.media_url : nullptr;
  if ((out.error = no_messaging(*plugin_, reinterpret_cast<const void*>(fn), "media_url")))
    return out;
  if (!request.access_token.empty()) log::register_secret(request.access_token);
  ch_media_request req{sizeof(ch_media_request),   to_str(request.access_token),
                       to_str(request.account_id), to_str(request.conversation_id),
                       to_str(request.message_id), to_str(request.media_id),
                       to_str(request.media_type)};
  ch_call call = make_call();
  ch_error err = blank_error();
  ch_status s =
      invoke(Op::media_url, &req, call, err, [&] { return fn(handle_, &call, &req, &err); });
  if (s != CH_OK) {
    out.error = to_error(err);
    return out;
  }
  if (const auto* rec = find_record(call, "media")) {
    if (auto url = rec->fields.find("url"); url != rec->fields.end()) out.url = url->second;
    if (auto ct = rec->fields.find("content_type"); ct != rec->fields.end())
      out.content_type = ct->second;
    for (const auto& [k, v] : rec->fields)
      if (k.rfind("header:", 0) == 0 && k.size() > 7) out.headers.emplace_back(k.substr(7), v);
  }
  if (out.url.empty()) out.error = internal("media_url output no \"media\" url");
  return out;
}

}  // namespace connhost::plugin
