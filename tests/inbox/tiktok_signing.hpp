#pragma once

// Signs a body as TikTok signs its Business webhooks (tiktok.md §3.4, and the sandbox's
// tiktok/webhooks.cpp): `TikTok-Signature: t=<unix s>,s=<hex HMAC-SHA256(secret, t + "." +
// body)>`. For the tests' own deliveries (bodies the sandbox does not make) and the benchmark.

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <string>

namespace connhost::test {

inline std::string hmac_sha256_hex(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  static const char* hex = "0123456789abcdef";
  std::string s(2 * len, '0');
  for (unsigned int i = 0; i < len; ++i) {
    s[2 * i] = hex[out[i] >> 4];
    s[2 * i + 1] = hex[out[i] & 0xf];
  }
  return s;
}

inline std::string tiktok_signature(const std::string& secret, const std::string& body,
                                    int64_t unix_seconds) {
  std::string t = std::to_string(unix_seconds);
  return "t=" + t + ",s=" + hmac_sha256_hex(secret, t + "." + body);
}

// An im_receive_msg delivery (the envelope with `content` a JSON string), text `text`, message id
// `message_id`, in conversation `conversation`.
inline std::string tiktok_message_body(const std::string& business_id,
                                       const std::string& conversation,
                                       const std::string& message_id, const std::string& text,
                                       int64_t unix_seconds, int64_t timestamp_ms) {
  std::string content = "{\"conversation_id\":\"" + conversation + "\",\"message_id\":\"" +
                        message_id + "\",\"timestamp\":" + std::to_string(timestamp_ms) +
                        ",\"type\":\"text\",\"text\":{\"body\":\"" + text +
                        "\"},\"from\":\"bench_user\",\"from_user\":{\"id\":\"u-" + conversation +
                        "\",\"role\":\"personal_account\"},\"to\":\"bench_business\",\"to_user\":"
                        "{\"id\":\"" +
                        business_id + "\",\"role\":\"business_account\"}}";
  std::string escaped;
  for (char c : content) {
    if (c == '"' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return "{\"client_key\":\"7000000000000000001\",\"event\":\"im_receive_msg\",\"create_time\":" +
         std::to_string(unix_seconds) + ",\"user_openid\":\"" + business_id + "\",\"content\":\"" +
         escaped + "\"}";
}

}  // namespace connhost::test
