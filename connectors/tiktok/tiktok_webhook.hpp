// TikTok Business webhooks (tiktok.md §3.4): the TikTok-Signature check and the delivery's
// payload as normalized events. Pure: no Call, no I/O, no HTTP, so unit tests and the libFuzzer
// target (tests/connectors/tiktok/tiktok_parse_fuzz.cpp) feed them directly.
#pragma once

#include <connhost/connector.hpp>
#include <connhost/messaging.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::tiktok::webhook {

// Why an im_receive_msg_eu event carries nothing (§3.3, §3.4).
inline constexpr std::string_view kEuReason =
    "EEA/CH/UK user: TikTok does not offer business messaging with users there; the event "
    "carries no message content and the conversation cannot be answered through the API";

// --- Signature (§3.4) ---------------------------------------------------------------------------

// The lowercase hex HMAC-SHA256 of `message` under `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// `TikTok-Signature: t=<unix seconds>,s=<hex>`: the parts matched by name after splitting on ','
// and '=' (§3.4). Nothing when t or s is missing, t is not a number, or s is not hex.
struct Signature {
  int64_t t = 0;
  std::string s;
};
std::optional<Signature> parse_signature(std::string_view header);

// Verifies a delivery: s == hex(HMAC-SHA256(secret, t + "." + raw body)), compared in constant
// time, then |now - t| within the tolerance. Throws Error::auth with a short message that never
// quotes the body or the signature.
void verify(std::optional<std::string_view> header, std::string_view body, std::string_view secret,
            int64_t now_ms, int64_t tolerance_ms);

// --- Events (§3.4) ------------------------------------------------------------------------------

// One normalized event: the fields of a "message" record (abi.h, "Capability: messaging").
using Event = connhost::messaging::MessageEvent;

// The platform's inbound type (lower case in webhooks, upper case in REST, §3.4) as the
// normalized type: text, image, video, sticker, share (share_post), template; anything else
// "unsupported".
std::string normalized_type(std::string_view platform_type);

// The developer-portal event a Login Kit user's removal of the app sends (§2.5).
inline constexpr std::string_view kAuthorizationRemoved = "authorization.removed";

// §2.5's reason codes as words: 0 unknown, 1 user disconnected, 2 account deleted, 3 age
// changed, 4 banned, 5 developer revoked; any other code "unknown".
std::string reason_text(int64_t reason);

// The {client_key, event, create_time, user_openid, content} envelope, `content` a JSON string
// (§2.5, §3.4). im_receive_msg (in), im_send_msg (out), im_mark_read_msg (type "read"),
// im_receive_msg_eu (type "unsupported", extras.reason = kEuReason). authorization.removed
// (§2.5) is type "deauthorized": sender_id the user's open_id, no conversation, event_id
// "authorization.removed:<open_id>:<create_time>", extras reason (the number) and reason_text.
// Other developer-portal events give no event. Throws Error::data for a body that is not such an
// envelope, naming the field.
std::vector<Event> parse_webhook(std::string_view body);

}  // namespace connhost::tiktok::webhook
