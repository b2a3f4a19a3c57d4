#include "meta_webhook.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace meta::webhook {
namespace json = boost::json;
using connhost::Error;

namespace {

[[noreturn]] void bad(std::string_view field, std::string_view problem) {
  throw Error::data("Meta webhook: " + std::string(field) + ": " + std::string(problem));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte; a broken escape stays.
std::string decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    size_t eq = pair.find('=');
    if (decode(pair.substr(0, eq)) != name) continue;
    return eq == std::string_view::npos ? std::string() : decode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  // The lengths may differ; comparing a digest of each keeps the time independent of where the
  // first difference is and of the secret's length.
  unsigned char da[EVP_MAX_MD_SIZE], db[EVP_MAX_MD_SIZE];
  unsigned int na = 0, nb = 0;
  EVP_Digest(a.data(), a.size(), da, &na, EVP_sha256(), nullptr);
  EVP_Digest(b.data(), b.size(), db, &nb, EVP_sha256(), nullptr);
  return na == nb && CRYPTO_memcmp(da, db, na) == 0 && a.size() == b.size();
}

const json::object* object_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

// A string member, or ""; ids that arrive as numbers keep their decimal text.
std::string text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return {};
}

std::string id_of(const json::object& o, std::string_view key) {
  const json::object* sub = object_of(o, key);
  return sub ? text(*sub, "id") : std::string();
}

std::optional<int64_t> integer(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX))
    return static_cast<int64_t>(v->get_uint64());
  if (v->is_double() && v->get_double() >= -9.2e18 && v->get_double() <= 9.2e18)
    return static_cast<int64_t>(v->get_double());
  return std::nullopt;
}

bool flag(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

void add_message(Event& e, const json::object& m) {
  e.message_id = text(m, "mid");
  e.event_id = e.message_id;  // §3.3: deduplicate on mid
  e.text = text(m, "text");
  if (const auto* r = object_of(m, "reply_to")) e.reply_to = text(*r, "mid");
  if (const auto* q = object_of(m, "quick_reply")) {
    if (auto p = text(*q, "payload"); !p.empty()) e.extras["quick_reply_payload"] = p;
  }
  if (auto app = text(m, "app_id"); !app.empty()) e.extras["app_id"] = app;
  const json::value* a = m.if_contains("attachments");
  const json::array* list = a && a->is_array() ? &a->as_array() : nullptr;
  if (flag(m, "is_deleted")) {
    e.type = "unsupported";
    e.extras["deleted"] = "true";
  } else if (flag(m, "is_unsupported")) {
    e.type = "unsupported";
  } else if (list && !list->empty()) {
    std::string urls;
    for (size_t i = 0; i < list->size(); ++i) {
      const json::object* att = (*list)[i].if_object();
      if (!att) bad("attachments[" + std::to_string(i) + "]", "not an object");
      const json::object* payload = object_of(*att, "payload");
      std::string url = payload ? text(*payload, "url") : std::string();
      if (i == 0) {
        std::string sticker = payload ? text(*payload, "sticker_id") : std::string();
        std::string platform = text(*att, "type");
        e.type = attachment_type(platform, !sticker.empty());
        e.media_id = url;
        if (!sticker.empty()) e.extras["sticker_id"] = sticker;
        if (e.type == "unsupported") e.extras["platform_type"] = platform;
        if (auto title = text(*att, "title"); !title.empty()) e.extras["title"] = title;
        if (payload)
          if (auto title = text(*payload, "title"); !title.empty()) e.extras["title"] = title;
      }
      if (!url.empty()) urls += (urls.empty() ? "" : "\n") + url;
    }
    if (list->size() > 1) {
      e.extras["attachment_count"] = std::to_string(list->size());
      e.extras["attachment_urls"] = urls;
    }
  } else if (!e.text.empty()) {
    e.type = "text";
  } else {
    e.type = "unsupported";
  }
}

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &n))
    throw Error(connhost::ErrorCategory::internal, "HMAC-SHA256 failed");
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += digits[mac[i] >> 4];
    out += digits[mac[i] & 0xf];
  }
  return out;
}

std::string handshake(std::string_view raw_query, std::string_view verify_token) {
  if (verify_token.empty())
    throw Error::config("webhook_verify_token is not set: the hub.challenge handshake needs it");
  auto mode = query_param(raw_query, "hub.mode");
  auto token = query_param(raw_query, "hub.verify_token");
  auto challenge = query_param(raw_query, "hub.challenge");
  if (!mode || *mode != "subscribe") throw Error::auth("Meta handshake: hub.mode is not subscribe");
  if (!token || !equal_constant_time(*token, verify_token))
    throw Error::auth("Meta handshake: wrong hub.verify_token");
  // The challenge goes back as the body (§3.1): Meta sends digits; anything that could be markup
  // is not echoed.
  if (!challenge || challenge->empty() || challenge->size() > 256 ||
      challenge->find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "-_.") != std::string::npos)
    throw Error::auth("Meta handshake: missing or malformed hub.challenge");
  return *challenge;
}

void verify(std::optional<std::string_view> header, std::string_view body,
            std::string_view app_secret) {
  if (!header) throw Error::auth("Meta webhook: no X-Hub-Signature-256 header");
  std::string_view h = *header;
  if (h.substr(0, 7) != "sha256=") throw Error::auth("Meta webhook: malformed signature header");
  std::string given(h.substr(7));
  for (char& c : given)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  if (app_secret.empty()) throw Error::config("app_secret is not set: webhook signatures need it");
  std::string expected = hmac_sha256_hex(app_secret, body);
  // Constant time over equal lengths; the length of a SHA-256 hex digest is no secret.
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0)
    throw Error::auth("Meta webhook: signature mismatch");
}

std::string attachment_type(std::string_view type, bool has_sticker_id) {
  if (type == "image") return has_sticker_id ? "sticker" : "image";
  if (type == "video" || type == "audio" || type == "file" || type == "template")
    return std::string(type);
  if (type == "sticker") return "sticker";
  if (type == "fallback" || type == "share" || type == "reel" || type == "ig_reel" ||
      type == "post" || type == "ig_post")
    return "share";
  return "unsupported";
}

std::vector<Event> parse_webhook(std::string_view body) {
  boost::system::error_code ec;
  json::value root = json::parse(body, ec);
  if (ec) bad("body", "not JSON");
  if (!root.is_object()) bad("body", "not an object");
  const auto& o = root.as_object();
  std::string object = text(o, "object");
  if (object != "page" && object != "instagram")
    bad("object", "'" + object.substr(0, 40) + "' is not page or instagram");
  const json::value* entries = o.if_contains("entry");
  if (!entries || !entries->is_array()) bad("entry", "missing or not an array");
  std::vector<Event> out;
  size_t ei = 0;
  for (const auto& ev : entries->as_array()) {
    std::string at = "entry[" + std::to_string(ei++) + "]";
    if (!ev.is_object()) bad(at, "not an object");
    const auto& entry = ev.as_object();
    std::string account = text(entry, "id");
    if (account.empty()) bad(at + ".id", "missing or empty");
    const json::value* messaging = entry.if_contains("messaging");
    if (!messaging) continue;  // changes[] or standby[]: not messages of this business
    if (!messaging->is_array()) bad(at + ".messaging", "not an array");
    size_t mi = 0;
    for (const auto& mv : messaging->as_array()) {
      std::string mat = at + ".messaging[" + std::to_string(mi++) + "]";
      if (!mv.is_object()) bad(mat, "not an object");
      const auto& m = mv.as_object();
      Event e;
      e.account_id = account;
      e.sender_id = id_of(m, "sender");
      e.recipient_id = id_of(m, "recipient");
      if (e.sender_id.empty()) bad(mat + ".sender.id", "missing or empty");
      if (e.recipient_id.empty()) bad(mat + ".recipient.id", "missing or empty");
      auto ts = integer(m, "timestamp");
      if (!ts) bad(mat + ".timestamp", "missing or not an integer");
      e.timestamp_ms = *ts;  // §3.3: milliseconds
      if (object == "instagram") e.extras["channel"] = "instagram";
      if (const auto* msg = object_of(m, "message")) {
        bool echo = flag(*msg, "is_echo");
        e.event_type = echo ? "message_echo" : "message";
        e.direction = echo ? "out" : "in";
        // The conversation is the customer: the sender of what comes in, the recipient of echoes.
        e.conversation_id = echo ? e.recipient_id : e.sender_id;
        add_message(e, *msg);
        if (e.event_id.empty()) bad(mat + ".message.mid", "missing or empty");
        out.push_back(std::move(e));
      } else if (const auto* read = object_of(m, "read")) {
        e.event_type = "read";
        e.direction = "in";
        e.type = "read";
        e.conversation_id = e.sender_id;
        // Messenger: read.watermark (ms, everything before it is read); Instagram: read.mid.
        if (auto w = integer(*read, "watermark")) {
          e.extras["watermark_ms"] = std::to_string(*w);
          e.event_id = "read." + e.sender_id + "." + std::to_string(*w);
        } else if (auto mid = text(*read, "mid"); !mid.empty()) {
          e.extras["read_mid"] = mid;
          e.event_id = "read." + e.sender_id + "." + mid;
        } else {
          bad(mat + ".read", "neither watermark nor mid");
        }
        out.push_back(std::move(e));
      }
      // Deliveries, postbacks, reactions, referrals, optins: not messages; the raw delivery is
      // kept by the host anyway.
    }
  }
  return out;
}

}  // namespace meta::webhook
