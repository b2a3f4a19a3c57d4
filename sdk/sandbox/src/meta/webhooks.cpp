// Messenger and Instagram webhook deliveries (§3.2-§3.4), as the platform posts them: one entry
// with one messaging event, bodies escaped the Graph way (non-ASCII as lowercase \uXXXX, '/' as
// \/), signed over the exact bytes with the app secret in X-Hub-Signature-256 (and the legacy
// SHA-1 X-Hub-Signature).
//
// Senders are deterministic: the i-th delivery of a batch comes from Messenger PSID
// 2490001000000001 + i (Instagram: IGSID 9130001000000001 + i). Every inbound message or
// attachment opens that user's 24-hour standard messaging window for the Send API.
#include <algorithm>
#include <cctype>

#include "meta/state.hpp"
#include "server/crypto.hpp"

namespace connhost::sandbox::meta {
namespace {

std::string numbered(std::string_view prefix, int index) {
  std::string n = std::to_string(index + 1);
  return std::string(prefix) + std::string(9 - std::min<size_t>(9, n.size()), '0') + n;
}

// Echoes carry the app id as a number; a non-numeric app id (custom credentials) stays a string.
json::value app_id_value(const std::string& id) {
  bool digits = !id.empty() && id.size() < 19 &&
                std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c); });
  return digits ? json::value(std::stoll(id)) : json::value(id);
}

}  // namespace

std::string psid_for(int index) {
  return numbered("2490001", index);
}
std::string igsid_for(int index) {
  return numbered("9130001", index);
}

std::optional<WebhookDelivery> make_webhook(MetaState& st, const WebhookSpec& spec) {
  const std::string& ev = spec.event.empty() ? std::string("message") : spec.event;
  if (ev != "message" && ev != "echo" && ev != "read" && ev != "attachment" && ev != "instagram")
    return std::nullopt;
  bool ig = ev == "instagram";
  std::string owner(ig ? kIgAccountId : kPageId);
  std::string user = ig ? igsid_for(spec.index) : psid_for(spec.index);
  // Millisecond timestamps (§3.3); the entry's time is a little after the event's.
  int64_t ts = spec.timestamp * 1000 + (spec.index * 37) % 1000;
  std::string serial = st.next_id("", 12);
  std::string digest = sha256_base64url(serial + "|" + user + "|" + std::to_string(ts));
  std::string mid = ig ? "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj" + digest.substr(0, 40)
                       : "m_" + digest + digest.substr(0, 20);

  json::object event;
  std::string event_id = mid;
  if (ev == "echo") {
    // Echoes of the Page's own messages: sender and recipient swapped (§3.3).
    event = {{"sender", json::object{{"id", owner}}},
             {"recipient", json::object{{"id", user}}},
             {"timestamp", ts},
             {"message", json::object{{"mid", mid},
                                      {"is_echo", true},
                                      {"app_id", app_id_value(st.ctx.credentials.meta_app_id)},
                                      {"text", spec.text}}}};
  } else if (ev == "read") {
    int64_t watermark = ts - 1500;
    event = {{"sender", json::object{{"id", user}}},
             {"recipient", json::object{{"id", owner}}},
             {"timestamp", ts},
             {"read", json::object{{"watermark", watermark}}}};
    // A read carries no mid; its identity is who read up to when.
    event_id = "read." + user + "." + std::to_string(watermark);
  } else if (ev == "attachment") {
    event = {{"sender", json::object{{"id", user}}},
             {"recipient", json::object{{"id", owner}}},
             {"timestamp", ts},
             {"message",
              json::object{
                  {"mid", mid},
                  {"attachments",
                   json::array{json::object{
                       {"type", "image"},
                       {"payload",
                        json::object{{"url", "https://scontent.xx.fbcdn.net/v/t1.15752-9/sandbox_" +
                                                 serial + ".jpg?_nc_cat=1&_nc_sid=sandbox"}}}}}}}}};
  } else {
    event = {{"sender", json::object{{"id", user}}},
             {"recipient", json::object{{"id", owner}}},
             {"timestamp", ts},
             {"message", json::object{{"mid", mid}, {"text", spec.text}}}};
  }
  json::object body{
      {"object", ig ? "instagram" : "page"},
      {"entry",
       json::array{json::object{
           {"id", owner}, {"time", ts + 286}, {"messaging", json::array{std::move(event)}}}}}};

  if (ev == "message" || ev == "attachment" || ev == "instagram") {
    std::lock_guard lock(st.mutex);
    auto& last = st.last_inbound[owner + ":" + user];
    last = std::max(last, spec.timestamp);
  }

  WebhookDelivery d;
  d.body = graph_serialize(body);
  std::string key = spec.bad_signature ? "not-the-" + st.ctx.credentials.meta_app_secret
                                       : st.ctx.credentials.meta_app_secret;
  d.headers.emplace_back("X-Hub-Signature-256", "sha256=" + hmac_sha256_hex(key, d.body));
  d.headers.emplace_back("X-Hub-Signature", "sha1=" + hmac_sha1_hex(key, d.body));
  d.headers.emplace_back("User-Agent", "facebookexternalua");
  d.event_id = event_id;
  return d;
}

}  // namespace connhost::sandbox::meta
