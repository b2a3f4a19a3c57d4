#include "tiktok_errors.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace connhost::tiktok {

namespace {

bool contains_word(std::string_view text, std::string_view word) {
  auto it = std::search(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
    return std::toupper(static_cast<unsigned char>(a)) ==
           std::toupper(static_cast<unsigned char>(b));
  });
  return it != text.end();
}

std::string where(std::string_view endpoint, int64_t code, std::string_view request_id) {
  std::string s = "TikTok " + std::string(endpoint) + " answered code " + std::to_string(code);
  s += request_id.empty() ? std::string(" (no request_id)")
                          : " (request_id " + std::string(request_id) + ")";
  return s;
}

}  // namespace

std::optional<std::chrono::milliseconds> throttle_wait(int64_t code, std::string_view message,
                                                       int64_t now_ms) {
  std::chrono::milliseconds wait;
  switch (code) {
    case 40133:
    case 40132:
      wait = kQpsWait;
      break;
    case 40100:
    case 40016:
      wait = kQpmWait;
      break;
    default:
      return std::nullopt;
  }
  if (contains_word(message, "QPD")) {
    constexpr int64_t kDay = 86'400'000;
    int64_t until = (now_ms / kDay + 1) * kDay - now_ms;
    return std::chrono::milliseconds(std::max<int64_t>(until, 1'000));
  }
  if (contains_word(message, "QPM")) return kQpmWait;
  if (contains_word(message, "QPS")) return kQpsWait;
  return wait;
}

connhost::Error error_for_code(std::string_view endpoint, int64_t code, std::string_view message,
                               std::string_view request_id, int64_t now_ms) {
  std::string text = where(endpoint, code, request_id) + ": " + std::string(message);
  if (auto wait = throttle_wait(code, message, now_ms))
    return connhost::Error::quota("rate limited: " + text, wait);
  switch (code) {
    // Token problems (tiktok.md §1.2 return codes): a human must re-authorize or fix the secret.
    case 40102:
      return connhost::Error::auth(
          "the access token has expired; re-authorize the advertiser and update the "
          "access_token secret. " +
          text);
    case 40104:
      return connhost::Error::auth("the access token is empty: set the access_token secret. " +
                                   text);
    case 40105:
      return connhost::Error::auth(
          "the access token is invalid or has been revoked; re-authorize the advertiser and "
          "update the access_token secret. " +
          text);
    case 40106:
      return connhost::Error::auth("the access token does not belong to this advertiser. " + text);
    case 40101:
    case 40113:
      return connhost::Error::auth("the app credentials (app_id, app_secret) were refused. " +
                                   text);
    case 40103:
    case 40107:
    case 40108:
    case 40110:
      return connhost::Error::auth(text);
    // Settings that ask for something the platform will not give: a human must change them.
    case 40001:
    case 40118:
    case 40119:
    case 40125:
      return connhost::Error::config("no permission (check the advertiser and the app's scopes): " +
                                     text);
    case 40006:
    case 40051:
      return connhost::Error::config("API version refused (check the api_version setting): " +
                                     text);
    case 40007:
    case 40300:
    case 40301:
      return connhost::Error::config("the advertiser or object does not exist: " + text);
    case 40000:
    case 40002:
    case 40008:
    case 40009:
    case 40011:
    case 40014:
      return connhost::Error::config("request refused: " + text);
    // The answer is incomplete (20001 partial success) or the platform is busy or down: the same
    // request may well succeed later, and no rows of this answer are emitted.
    case 20001:
    case 40200:
    case 40201:
    case 50000:
    case 50002:
    case 60001:
      return connhost::Error::transient(text);
    default:
      break;
  }
  if (code >= 50000) return connhost::Error::transient(text);
  if (code >= 40000 && code < 50000) return connhost::Error::config(text);
  return connhost::Error::data("unknown return code: " + text);
}

connhost::Error error_for_status(std::string_view endpoint, int status,
                                 std::optional<std::string_view> retry_after) {
  std::string text = "TikTok " + std::string(endpoint) + " answered HTTP " + std::to_string(status);
  if (status == 429) {
    std::chrono::milliseconds wait = kHttp429Wait;
    if (retry_after) {
      int64_t s = 0;
      auto [p, ec] =
          std::from_chars(retry_after->data(), retry_after->data() + retry_after->size(), s);
      if (ec == std::errc{} && p == retry_after->data() + retry_after->size() && s >= 0)
        wait = std::chrono::seconds(s);
    }
    return connhost::Error::quota("rate limited: " + text, wait);
  }
  if (status >= 500) return connhost::Error::transient(text);
  if (status == 401 || status == 403) return connhost::Error::auth(text + ": credentials refused");
  // 404 is what a path without its trailing slash or a wrong version/base_url gets (§1.1).
  if (status == 404)
    return connhost::Error::config(text + ": check the base_url and api_version settings");
  if (status >= 400) return connhost::Error::config(text);
  return connhost::Error::data(text + ": unexpected status");
}

std::string scrub(std::string_view text, std::initializer_list<std::string_view> secrets) {
  std::string s(text);
  for (auto secret : secrets) {
    if (secret.empty()) continue;
    for (size_t pos = s.find(secret); pos != std::string::npos; pos = s.find(secret, pos + 3))
      s.replace(pos, secret.size(), "***");
  }
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  constexpr size_t kMax = 300;
  if (s.size() > kMax) s = s.substr(0, kMax) + "...";
  return s;
}

}  // namespace connhost::tiktok
