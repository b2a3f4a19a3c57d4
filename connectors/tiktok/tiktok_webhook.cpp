#include "tiktok_webhook.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cstdlib>

namespace connhost::tiktok::webhook {
namespace json = boost::json;
using connhost::Error;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return !s.empty();
}

[[noreturn]] void bad(std::string_view field, std::string_view problem) {
  throw Error::data("TikTok webhook: " + std::string(field) + ": " + std::string(problem));
}

const json::object& object_at(const json::object& o, std::string_view key, std::string_view path) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_object()) bad(path, "missing or not an object");
  return v->as_object();
}

const json::object* optional_object(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

// A string member, or "". Ids that arrive as numbers are kept as their decimal text.
std::string text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return {};
}

std::string nested_text(const json::object& o, std::string_view key, std::string_view inner) {
  const json::object* sub = optional_object(o, key);
  return sub ? text(*sub, inner) : std::string();
}

// A millisecond (or second) timestamp: an integer, or its decimal text.
std::optional<int64_t> integer(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX))
    return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) {
    double d = v->get_double();
    if (d >= -9.2e18 && d <= 9.2e18) return static_cast<int64_t>(d);
    return std::nullopt;
  }
  if (v->is_string()) {
    std::string_view s = v->get_string();
    int64_t out = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc{} && p == s.data() + s.size()) return out;
  }
  return std::nullopt;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

std::string reason_text(int64_t reason) {
  // §2.5 (DEV webhooks-events): the documented codes; anything else is as good as unknown.
  switch (reason) {
    case 1:
      return "user disconnected";
    case 2:
      return "account deleted";
    case 3:
      return "age changed";
    case 4:
      return "banned";
    case 5:
      return "developer revoked";
    default:
      return "unknown";
  }
}

namespace {

Event deauthorization(const json::object& env) {
  Event e;
  e.event_type = std::string(kAuthorizationRemoved);
  e.type = "deauthorized";
  e.direction = "in";
  // §2.5: user_openid is the Login Kit user who removed the app; there is no conversation.
  e.sender_id = text(env, "user_openid");
  if (e.sender_id.empty()) bad("user_openid", "missing or empty");
  auto created = integer(env, "create_time");  // seconds (§2.5)
  if (!created) bad("create_time", "missing or not an integer");
  if (*created > INT64_MAX / 1000 || *created < 0) bad("create_time", "out of range");
  e.timestamp_ms = *created * 1000;
  // Deliveries are at least once (§2.5): the same removal always gets the same id.
  e.event_id = e.event_type + ":" + e.sender_id + ":" + std::to_string(*created);
  // The reason only explains; a removal whose content is missing or garbled still revokes, so it
  // reads as 0, TikTok's own "unknown".
  int64_t reason = 0;
  if (const json::value* c = env.if_contains("content")) {
    json::value parsed;
    boost::system::error_code ec;
    if (c->is_string())
      parsed = json::parse(c->get_string(), ec);
    else
      parsed = *c;
    if (!ec && parsed.is_object())
      if (auto r = integer(parsed.as_object(), "reason")) reason = *r;
  }
  e.extras["reason"] = std::to_string(reason);
  e.extras["reason_text"] = reason_text(reason);
  return e;
}

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &n))
    throw Error(ErrorCategory::internal, "HMAC-SHA256 failed");
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (unsigned int i = 0; i < n; ++i) {
    out += digits[mac[i] >> 4];
    out += digits[mac[i] & 0xf];
  }
  return out;
}

std::optional<Signature> parse_signature(std::string_view header) {
  std::optional<std::string_view> t, s;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = trim(part.substr(0, eq));
    std::string_view value = trim(part.substr(eq + 1));
    // §3.4: match the parts by name; the first of each counts.
    if (name == "t" && !t) t = value;
    if (name == "s" && !s) s = value;
  }
  if (!t || !s || !is_hex(*s)) return std::nullopt;
  Signature out;
  auto [p, ec] = std::from_chars(t->data(), t->data() + t->size(), out.t);
  if (ec != std::errc{} || p != t->data() + t->size() || t->empty()) return std::nullopt;
  out.s = lower(*s);
  return out;
}

void verify(std::optional<std::string_view> header, std::string_view body, std::string_view secret,
            int64_t now_ms, int64_t tolerance_ms) {
  if (!header) throw Error::auth("TikTok webhook: no TikTok-Signature header");
  auto sig = parse_signature(*header);
  if (!sig) throw Error::auth("TikTok webhook: malformed TikTok-Signature header");
  if (secret.empty()) throw Error::config("TikTok webhook: the signing secret is empty");
  // §3.4: HMAC-SHA256 with the app secret (Business) or the client secret (developer portal,
  // §2.5) over t + "." + the raw body, lowercase hex.
  std::string message = std::to_string(sig->t);
  message += '.';
  message.append(body);
  std::string expected = hmac_sha256_hex(secret, message);
  // Constant time over equal lengths; the length of a SHA-256 hex digest is no secret.
  if (sig->s.size() != expected.size() ||
      CRYPTO_memcmp(sig->s.data(), expected.data(), expected.size()) != 0)
    throw Error::auth("TikTok webhook: signature mismatch");
  // Checked after the signature, as §3.4 orders it, so a forged t learns nothing. Both ways: a
  // timestamp far in the future is as suspect as an old one.
  if (sig->t > INT64_MAX / 1000 || sig->t < INT64_MIN / 1000)
    throw Error::auth("TikTok webhook: timestamp outside the tolerance");
  int64_t age = now_ms - sig->t * 1000;
  if (tolerance_ms >= 0 && (age > tolerance_ms || age < -tolerance_ms))
    throw Error::auth("TikTok webhook: timestamp outside the tolerance");
}

std::string normalized_type(std::string_view platform_type) {
  std::string t = lower(platform_type);
  if (t == "text" || t == "image" || t == "video" || t == "sticker" || t == "template") return t;
  if (t == "share_post") return "share";
  return "unsupported";
}

std::vector<Event> parse_webhook(std::string_view body) {
  boost::system::error_code ec;
  json::value root = json::parse(body, ec);
  if (ec) bad("body", "not JSON");
  if (!root.is_object()) bad("body", "not an object");
  const auto& env = root.as_object();
  std::string event = text(env, "event");
  if (event.empty()) bad("event", "missing or empty");
  if (event == kAuthorizationRemoved) return {deauthorization(env)};
  const bool receive = event == "im_receive_msg", sent = event == "im_send_msg",
             read = event == "im_mark_read_msg", eu = event == "im_receive_msg_eu";
  // Other developer-portal events (video.*, portability.*) and anything newer carry no message.
  if (!receive && !sent && !read && !eu) return {};

  // §3.4: content is a JSON string inside the JSON; an object is taken as it is.
  json::value content_value;
  const json::value* c = env.if_contains("content");
  if (!c) bad("content", "missing");
  if (c->is_string()) {
    content_value = json::parse(c->get_string(), ec);
    if (ec) bad("content", "not JSON text");
  } else {
    content_value = *c;
  }
  if (!content_value.is_object()) bad("content", "not an object");
  const auto& content = content_value.as_object();

  Event e;
  e.event_type = event;
  e.account_id = text(env, "user_openid");  // the business_id (§3.4)
  e.conversation_id = text(content, "conversation_id");
  if (e.conversation_id.empty()) bad("content.conversation_id", "missing or empty");
  std::string from = nested_text(content, "from_user", "id");
  std::string to = nested_text(content, "to_user", "id");
  e.sender_id = from;
  e.recipient_id = to;
  if (auto name = text(content, "from"); !name.empty()) e.extras["sender_name"] = name;
  if (auto name = text(content, "to"); !name.empty()) e.extras["recipient_name"] = name;
  if (auto role = nested_text(content, "from_user", "role"); !role.empty())
    e.extras["sender_role"] = role;

  if (read) {
    // §3.4: {conversation_id, from_user, read.last_read_timestamp (ms)}. No id of its own: who
    // read which conversation up to when, as the sandbox's driver reports it.
    const auto& r = object_at(content, "read", "content.read");
    auto ts = integer(r, "last_read_timestamp");
    if (!ts) bad("content.read.last_read_timestamp", "missing or not an integer");
    e.direction = "in";
    e.type = "read";
    e.timestamp_ms = *ts;
    e.extras["watermark_ms"] = std::to_string(*ts);
    e.event_id = e.conversation_id + "#read@" + std::to_string(*ts);
    return {std::move(e)};
  }

  e.message_id = text(content, "message_id");
  if (e.message_id.empty()) bad("content.message_id", "missing or empty");
  e.event_id = e.message_id;  // the dedupe key (§2.5: deliveries are at least once)
  auto ts = integer(content, "timestamp");
  if (!ts) {
    // The envelope's create_time is in seconds (§2.5, §3.4).
    auto created = integer(env, "create_time");
    if (!created) bad("content.timestamp", "missing or not an integer");
    ts = *created * 1000;
  }
  e.timestamp_ms = *ts;
  e.direction = sent ? "out" : "in";
  if (auto source = nested_text(content, "message_tag", "source"); !source.empty())
    e.extras["source"] = source;  // API, APP, WEB, ... (§3.4): echoes of the API's own sends

  if (eu) {
    e.type = "unsupported";
    e.extras["reason"] = std::string(kEuReason);
    return {std::move(e)};
  }

  std::string platform_type = text(content, "type");
  e.type = normalized_type(platform_type);
  if (e.type == "unsupported") e.extras["platform_type"] = platform_type;
  // §3.4 payloads per type: text.body, image.media_id, video.media_id, share_post.embed_url
  // (+ video_id per third parties), template.elements[].
  e.text = nested_text(content, "text", "body");
  if (e.type == "image") e.media_id = nested_text(content, "image", "media_id");
  if (e.type == "video") e.media_id = nested_text(content, "video", "media_id");
  if (e.type == "sticker") e.media_id = nested_text(content, "sticker", "media_id");
  if (e.type == "share") {
    if (const auto* share = optional_object(content, "share_post")) {
      if (auto url = text(*share, "embed_url"); !url.empty()) e.extras["embed_url"] = url;
      if (auto id = text(*share, "video_id"); !id.empty()) e.extras["item_id"] = id;
      if (auto id = text(*share, "item_id"); !id.empty()) e.extras["item_id"] = id;
    }
  }
  if (e.type == "template") {
    if (const auto* tpl = optional_object(content, "template"))
      if (auto title = text(*tpl, "title"); !title.empty() && e.text.empty()) e.text = title;
  }
  e.reply_to = nested_text(content, "referenced_message_info", "referenced_message_id");
  return {std::move(e)};
}

}  // namespace connhost::tiktok::webhook
