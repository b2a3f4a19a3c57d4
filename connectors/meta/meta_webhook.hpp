// Meta webhooks for Messenger and Instagram (meta-google.md §3.1-§3.4): the hub.challenge
// handshake, the X-Hub-Signature-256 check and entry[].messaging[] as normalized events. Pure: no
// Call, no I/O, no HTTP, so unit tests and the libFuzzer target
// (tests/connectors/meta/meta_parse_fuzz.cpp) feed them directly.
#pragma once

#include <connhost/connector.hpp>
#include <connhost/messaging.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meta::webhook {

// The lowercase hex HMAC-SHA256 of `message` under `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// §3.1: GET ?hub.mode=subscribe&hub.challenge=<n>&hub.verify_token=<token>. The challenge to
// answer with 200 when the mode is subscribe and the token equals `verify_token` (compared in
// constant time); otherwise Error::auth. An empty configured token is Error::config.
std::string handshake(std::string_view raw_query, std::string_view verify_token);

// §3.2: X-Hub-Signature-256 = "sha256=" + lowercase hex HMAC-SHA256(app secret, raw body),
// compared in constant time. Throws Error::auth with a short message that never quotes the body.
// Meta signs no timestamp and retries for 36 hours (§3.2), so there is no age to check.
void verify(std::optional<std::string_view> header, std::string_view body,
            std::string_view app_secret);

// One normalized event: the fields of a "message" record (abi.h, "Capability: messaging").
using Event = connhost::messaging::MessageEvent;

// An attachment type (§3.3) as the normalized type: image, video, audio, file, template; a
// sticker (an image with payload.sticker_id) is "sticker"; fallback, share, reel, ig_reel,
// post and ig_post are "share"; anything else "unsupported".
std::string attachment_type(std::string_view type, bool has_sticker_id);

// {"object":"page"|"instagram","entry":[{"id","time","messaging":[...]}]} (§3.3, §3.4):
// messages (in), echoes (is_echo: out), reads (type "read", extras.watermark_ms, event id
// "read.<sender>.<watermark>"). Other events (deliveries, postbacks, reactions, standby) give no
// message event. Throws Error::data for a body that is not such a delivery, naming the field.
std::vector<Event> parse_webhook(std::string_view body);

}  // namespace meta::webhook
