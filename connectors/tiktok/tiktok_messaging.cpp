#include "tiktok_messaging.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "tiktok_errors.hpp"
#include "tiktok_oauth_util.hpp"
#include "tiktok_parse.hpp"

namespace connhost::tiktok::messaging {
namespace json = boost::json;
using connhost::Error;

namespace {

constexpr size_t kMaxText = 6000;  // §3.3: text.body ≤ 6000 characters

size_t utf8_length(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool contains_word(std::string_view text, std::string_view word) {
  auto it = std::search(text.begin(), text.end(), word.begin(), word.end(),
                        [](char a, char b) { return (a | 0x20) == (b | 0x20); });
  return it != text.end();
}

connhost::HttpRequest post(const Api& api, std::string_view endpoint, std::string_view token,
                           std::string body, std::string content_type) {
  connhost::HttpRequest r;
  r.method = "POST";
  r.url = api.url(endpoint, {});
  // §3.3: the tt_user token in the Access-Token header, as on every Marketing host call (§1.1).
  r.headers.emplace_back("Access-Token", std::string(token));
  r.headers.emplace_back("Content-Type", std::move(content_type));
  r.headers.emplace_back("Accept", "application/json");
  r.body = std::move(body);
  return r;
}

// The data object of a code-0 answer; TikTok's refusals as categories. 40064 is looked at first:
// the generic mapping would make it a config error, and it is neither a setting nor permanent.
Envelope answer(std::string_view endpoint, int status, std::string_view body,
                std::optional<std::string_view> retry_after,
                std::initializer_list<std::string_view> secrets, int64_t now_ms) {
  if (status == 200) {
    Envelope env = parse_envelope(body, endpoint);
    if (env.code == kTooFast) {
      std::string message = scrub(env.message, secrets);
      std::string what = "TikTok " + std::string(endpoint) + " answered code 40064" +
                         (env.request_id.empty() ? "" : " (request_id " + env.request_id + ")") +
                         ": " + message;
      // §3.3: after the 48-hour reply window only 3 more messages; then nothing until the user
      // writes again, so waiting does not help: a data error the sender does not retry.
      if (contains_word(message, "window"))
        throw Error::data(
            "the 48-hour reply window of this TikTok conversation is closed; only "
            "the user writing again reopens it. " +
            what);
      // "You are sending messages too fast. Take a rest." (§3.3): a pause helps.
      throw Error::quota(
          "TikTok refused the message as too fast (at most 10 business messages "
          "per user turn). " +
              what,
          kTooFastWait);
    }
  }
  return oauth::login_envelope(endpoint, status, body, retry_after, secrets, now_ms);
}

std::string data_text(const Envelope& env, std::string_view endpoint, std::string_view path,
                      std::initializer_list<std::string_view> keys) {
  const json::value* v = &env.data;
  for (auto key : keys) {
    const json::object* o = v->if_object();
    v = o ? o->if_contains(key) : nullptr;
    if (!v) break;
  }
  if (!v || !v->is_string() || v->get_string().empty())
    bad_field({endpoint, env.request_id}, path, "missing or empty");
  return std::string(v->get_string());
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

}  // namespace

connhost::HttpRequest send_request(const Api& api, std::string_view access_token,
                                   const Outgoing& m) {
  if (m.business_id.empty())
    throw Error::config(
        "no business_id: the send names no business account and the connection's "
        "business_id setting is empty");
  if (m.conversation_id.empty())
    throw Error::data("TikTok sends into a conversation: the request has no conversation_id");
  // §3.3 send body: recipient_type CONVERSATION, the conversation id as recipient.
  json::object body{{"business_id", m.business_id},
                    {"recipient_type", "CONVERSATION"},
                    {"recipient", m.conversation_id}};
  if (m.type == "text") {
    if (m.text.empty()) throw Error::data("a text message needs text");
    if (utf8_length(m.text) > kMaxText)
      throw Error::data("TikTok text messages are at most 6000 characters");
    body["message_type"] = "TEXT";
    body["text"] = json::object{{"body", m.text}};
  } else if (m.type == "image") {
    if (m.media_id.empty()) throw Error::data("an image message needs a media id");
    body["message_type"] = "IMAGE";
    body["image"] = json::object{{"media_id", m.media_id}};
  } else {
    throw Error::data("TikTok messages are sent as text or image, not '" + m.type + "'");
  }
  if (!m.reply_to.empty()) {
    // §3.3: replies through referenced_message_info must be TEXT.
    if (m.type != "text") throw Error::data("TikTok only lets a text message reply to a message");
    body["referenced_message_info"] = json::object{{"referenced_message_id", m.reply_to}};
  }
  return post(api, kSend, access_token, json::serialize(body), "application/json");
}

std::string parse_send(int status, std::string_view body,
                       std::optional<std::string_view> retry_after,
                       std::initializer_list<std::string_view> secrets, int64_t now_ms) {
  auto env = answer(kSend, status, body, retry_after, secrets, now_ms);
  // data {message:{message_id}} (§3.3).
  return data_text(env, kSend, "data.message.message_id", {"message", "message_id"});
}

std::string image_type(std::string_view bytes) {
  if (bytes.size() >= 8 && bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8))
    return "image/png";
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xff\xd8\xff") return "image/jpeg";
  return "";
}

connhost::HttpRequest upload_request(const Api& api, std::string_view access_token,
                                     std::string_view business_id, std::string_view bytes,
                                     std::string_view content_type, std::string_view boundary) {
  std::string b = "--" + std::string(boundary);
  auto field = [&](std::string_view name, std::string_view value) {
    return b + "\r\nContent-Disposition: form-data; name=\"" + std::string(name) + "\"\r\n\r\n" +
           std::string(value) + "\r\n";
  };
  std::string ext = content_type == "image/png" ? "png" : "jpg";
  // §3.3: multipart business_id, media_type=IMAGE, file.
  std::string body = field("business_id", business_id) + field("media_type", "IMAGE");
  body += b + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"image." + ext +
          "\"\r\nContent-Type: " + std::string(content_type) + "\r\n\r\n";
  body.append(bytes);
  body += "\r\n" + b + "--\r\n";
  return post(api, kMediaUpload, access_token, std::move(body),
              "multipart/form-data; boundary=" + std::string(boundary));
}

std::string parse_upload(int status, std::string_view body,
                         std::optional<std::string_view> retry_after,
                         std::initializer_list<std::string_view> secrets, int64_t now_ms) {
  auto env = answer(kMediaUpload, status, body, retry_after, secrets, now_ms);
  return data_text(env, kMediaUpload, "data.media_id", {"media_id"});
}

connhost::HttpRequest download_request(const Api& api, std::string_view access_token,
                                       std::string_view business_id,
                                       std::string_view conversation_id,
                                       std::string_view message_id, std::string_view media_id,
                                       std::string_view media_type) {
  std::string type = upper(media_type);
  if (type != "IMAGE" && type != "VIDEO")
    throw Error::data("TikTok media downloads are for images and videos, not '" +
                      std::string(media_type) + "'");
  for (auto [name, value] : {std::pair{"business_id", business_id},
                             {"conversation_id", conversation_id},
                             {"message_id", message_id},
                             {"media_id", media_id}})
    if (value.empty()) throw Error::data("a TikTok media download needs the " + std::string(name));
  // §3.3 (Chatwoot): POST JSON {business_id, conversation_id, message_id, media_id, media_type}.
  json::object body{{"business_id", business_id},
                    {"conversation_id", conversation_id},
                    {"message_id", message_id},
                    {"media_id", media_id},
                    {"media_type", type}};
  return post(api, kMediaDownload, access_token, json::serialize(body), "application/json");
}

std::string parse_download(int status, std::string_view body,
                           std::optional<std::string_view> retry_after,
                           std::initializer_list<std::string_view> secrets, int64_t now_ms) {
  auto env = answer(kMediaDownload, status, body, retry_after, secrets, now_ms);
  return data_text(env, kMediaDownload, "data.download_url", {"download_url"});
}

}  // namespace connhost::tiktok::messaging
