#include "tiktok_oauth_util.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <charconv>

#include "tiktok_errors.hpp"

namespace connhost::tiktok::oauth {

namespace json = boost::json;
using connhost::Error;

std::string encode(std::string_view s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

std::string form_encode(const Form& form) {
  std::string out;
  for (const auto& [k, v] : form) {
    if (!out.empty()) out += '&';
    out += encode(k);
    out += '=';
    out += encode(v);
  }
  return out;
}

std::string with_query(std::string_view page, const Form& query) {
  std::string out(page);
  out += page.find('?') == std::string_view::npos ? '?' : '&';
  return out + form_encode(query);
}

std::string checked_url(std::string_view key, std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || (parsed->scheme() != "https" && parsed->scheme() != "http") ||
      parsed->encoded_host().empty() || parsed->has_fragment() || parsed->has_userinfo())
    throw Error::config(std::string(key) + " '" + std::string(url) +
                        "' is not an absolute http(s) URL");
  return std::string(url);
}

std::optional<json::value> parse_json(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec) return std::nullopt;
  return v;
}

const json::object* as_object(const json::value* v) {
  return v ? v->if_object() : nullptr;
}

std::string str_field(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v && v->is_string()) return std::string(v->as_string());
  return {};
}

std::optional<int64_t> int_field(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->as_double());
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> retry_ms(std::optional<std::string_view> retry_after) {
  if (!retry_after) return std::nullopt;
  int64_t s = 0;
  auto [p, ec] = std::from_chars(retry_after->data(), retry_after->data() + retry_after->size(), s);
  if (ec != std::errc{} || s < 0) return std::nullopt;
  return std::chrono::milliseconds(s * 1000);
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

connhost::HttpRequest post_json(const Api& api, std::string_view endpoint,
                                const json::object& body) {
  connhost::HttpRequest r;
  r.method = "POST";
  r.url = api.url(endpoint, {});
  r.headers = {{"Content-Type", "application/json"}};
  r.body = json::serialize(body);
  return r;
}

Envelope login_envelope(std::string_view endpoint, int status, std::string_view body,
                        std::optional<std::string_view> retry_after,
                        std::initializer_list<std::string_view> secrets, int64_t now_ms) {
  if (status != 200) throw error_for_status(endpoint, status, retry_after);
  Envelope env = parse_envelope(body, endpoint);
  if (env.code == 0) return env;
  std::string message = scrub(env.message, secrets);
  std::string what =
      "TikTok " + std::string(endpoint) + " answered code " + std::to_string(env.code) +
      (env.request_id.empty() ? "" : " (request_id " + env.request_id + ")") + ": " + message;
  switch (env.code) {
    // §1.2 return codes and §3.1: an expired (40102) or revoked/unknown (40105) access token, an
    // expired (40103) or invalid (40107) refresh token, a used, expired or unknown auth code
    // (40110). Only a new authorization helps.
    case 40102:
    case 40103:
    case 40105:
    case 40107:
    case 40110:
      throw Error::auth(what + ": the grant is no longer valid; re-authorize the connection");
    // The app's own credentials: a setting to fix, not a grant to renew.
    case 40101:
    case 40113:
      throw Error::config(what + ": check the app_id and app_secret settings");
    default:
      throw error_for_code(endpoint, env.code, message, env.request_id, now_ms);
  }
}

}  // namespace connhost::tiktok::oauth
