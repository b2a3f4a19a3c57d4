// A messaging plugin for the host's messaging operations (core/plugin/instance_messaging.cpp):
// deterministic answers that show how requests reach the plugin and records come back.
#include <connhost/connector.hpp>

#include <stdexcept>
#include <string>

namespace {

std::string header(const ch_webhook_request& r, std::string_view name) {
  for (size_t i = 0; i < r.header_count; ++i)
    if (connhost::to_sv(r.headers[i].name) == name)
      return std::string(connhost::to_sv(r.headers[i].value));
  return {};
}

class FakeMessaging {
 public:
  static constexpr connhost::PluginInfo info{"fake_messaging", "Fake messaging", "0.0.1", "test"};
  static constexpr unsigned capabilities = connhost::kMessaging;
  static constexpr ch_config_field config[] = {
      connhost::setting("mode", CH_CONFIG_STRING, "what the fake does", "normal")};

  FakeMessaging(connhost::Call&, const connhost::Config& c) : mode_(c.get_string("mode")) {}

  void handshake(connhost::Call& call, const ch_webhook_request& r) {
    if (connhost::to_sv(r.query) != "token=ok") throw connhost::Error::auth("wrong verify token");
    if (mode_ == "no_status") return call.output("handshake", {{"body", "x"}});
    call.output("handshake", {{"status", "200"}, {"body", "challenge-123"}});
  }

  void verify(connhost::Call&, const ch_webhook_request& r) {
    if (header(r, "X-Sig") != "good") throw connhost::Error::auth("bad signature");
    auto ts = std::stoll(header(r, "X-Ts"));
    if (r.now_ms - ts > r.tolerance_ms) throw connhost::Error::auth("stale timestamp");
  }

  void parse_events(connhost::Call& call, const ch_webhook_request& r) {
    auto body = connhost::to_sv(r.body);
    if (body == "throw") throw std::runtime_error("boom");
    call.output("message", {{"event_id", "e1"},
                            {"event_type", "message"},
                            {"account_id", "page"},
                            {"conversation_id", "c1"},
                            {"message_id", "m1"},
                            {"sender_id", "u1"},
                            {"recipient_id", "page"},
                            {"direction", "in"},
                            {"timestamp_ms", body == "bad_ts" ? "soon" : "1763830000123"},
                            {"type", "text"},
                            {"text", body},
                            {"media_id", ""},
                            {"reply_to", "m0"},
                            {"mime_type", "text/plain"},
                            {"sender_name", "Alice"}});
    call.output("note", {{"ignored", "yes"}});
    call.output("message", {{"event_id", "read:u1:5"},
                            {"direction", "in"},
                            {"type", "read"},
                            {"timestamp_ms", "5"},
                            {"watermark_ms", "5"}});
  }

  void send(connhost::Call& call, const ch_send_request& r) {
    // Logs the token on purpose: the host must have masked it before the plugin ran.
    call.info("sending with token " + std::string(connhost::to_sv(r.access_token)));
    if (connhost::to_sv(r.text) == "window")
      throw connhost::Error::data("the 24-hour window is closed");
    if (connhost::to_sv(r.text) == "no_id") return call.output("sent", {{"message_id", ""}});
    call.output("sent", {{"message_id", "m-" + std::string(connhost::to_sv(r.recipient_id)) + "-" +
                                            std::string(connhost::to_sv(r.type))}});
  }

  void media_url(connhost::Call& call, const ch_media_request& r) {
    call.output("media", {{"url", "https://cdn.test/" + std::string(connhost::to_sv(r.media_id)) +
                                      "?c=" + std::string(connhost::to_sv(r.conversation_id)) +
                                      "&m=" + std::string(connhost::to_sv(r.message_id)) +
                                      "&t=" + std::string(connhost::to_sv(r.media_type))},
                          {"content_type", "image/png"},
                          {"header:x-user", std::string(connhost::to_sv(r.access_token))},
                          {"header:", "a header without a name is dropped"}});
  }

 private:
  std::string mode_;
};

}  // namespace

CONNHOST_CONNECTOR(FakeMessaging)
