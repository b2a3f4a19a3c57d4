// TikTok Business Messaging out (tiktok.md §3.3): the send, media upload and media download
// requests and their answers. Pure: no Call, no I/O. Webhooks in: tiktok_webhook.hpp.
#pragma once

#include <connhost/connector.hpp>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tiktok_requests.hpp"

namespace connhost::tiktok::messaging {

inline constexpr std::string_view kSend = "business/message/send/";
inline constexpr std::string_view kMediaUpload = "business/message/media/upload/";
inline constexpr std::string_view kMediaDownload = "business/message/media/download/";

// §3.3 policy limits (third-party sources): 10 business messages per user turn, a 48-hour reply
// window. 40064 is TikTok's "too fast" code; the notes flag its use for the window as unconfirmed.
inline constexpr int64_t kTooFast = 40064;
// How long a 40064 "too fast" asks to wait: TikTok gives no figure ("Take a rest.").
inline constexpr std::chrono::milliseconds kTooFastWait{60'000};
// §3.3: uploads are at most 3 MB, JPG or PNG (the stricter of the two sources).
inline constexpr size_t kMaxUpload = 3 * 1024 * 1024;

// --- Send and media (§3.3) ----------------------------------------------------------------------

struct Outgoing {
  std::string business_id;
  std::string conversation_id;
  std::string type;  // "text" | "image"
  std::string text;
  std::string media_id;  // an uploaded media id (image)
  std::string reply_to;  // referenced_message_id (TEXT only)
};
// POST business/message/send/ with the Access-Token header. Error::data for what TikTok would
// refuse anyway: an unknown type, an empty text, a text over 6000 characters, an image without a
// media id, a reply that is not text, no conversation.
connhost::HttpRequest send_request(const Api& api, std::string_view access_token,
                                   const Outgoing& message);

// data {message:{message_id}}. Errors: 40064 "too fast" is quota (kTooFastWait); 40064 naming
// the window is data ("the 48-hour reply window ... is closed"); the rest as error_for_code /
// error_for_status. `secrets` are scrubbed from the platform's message.
std::string parse_send(int status, std::string_view body,
                       std::optional<std::string_view> retry_after,
                       std::initializer_list<std::string_view> secrets, int64_t now_ms);

// POST business/message/media/upload/: multipart business_id, media_type=IMAGE, file. `boundary`
// must not occur in the bytes; `content_type` is the image's (image/png or image/jpeg).
connhost::HttpRequest upload_request(const Api& api, std::string_view access_token,
                                     std::string_view business_id, std::string_view bytes,
                                     std::string_view content_type, std::string_view boundary);
// data {media_id}.
std::string parse_upload(int status, std::string_view body,
                         std::optional<std::string_view> retry_after,
                         std::initializer_list<std::string_view> secrets, int64_t now_ms);
// image/png or image/jpeg by magic bytes; "" for anything else.
std::string image_type(std::string_view bytes);

// POST business/message/media/download/ {business_id, conversation_id, message_id, media_id,
// media_type: IMAGE|VIDEO}. `media_type` is the normalized type (image, video).
connhost::HttpRequest download_request(const Api& api, std::string_view access_token,
                                       std::string_view business_id,
                                       std::string_view conversation_id,
                                       std::string_view message_id, std::string_view media_id,
                                       std::string_view media_type);
// data {download_url}.
std::string parse_download(int status, std::string_view body,
                           std::optional<std::string_view> retry_after,
                           std::initializer_list<std::string_view> secrets, int64_t now_ms);

}  // namespace connhost::tiktok::messaging
