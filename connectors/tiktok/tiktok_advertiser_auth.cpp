#include "tiktok_advertiser_auth.hpp"

#include <boost/json/value.hpp>

#include <algorithm>

#include "tiktok_oauth_util.hpp"
#include "tiktok_parse.hpp"

namespace connhost::tiktok::advertiser {

namespace json = boost::json;
using connhost::Error;

std::string authorize_url(std::string_view auth_url, std::string_view app_id,
                          std::string_view redirect_uri, std::string_view state) {
  return oauth::with_query(auth_url, {{"app_id", std::string(app_id)},
                                      {"state", std::string(state)},
                                      {"redirect_uri", std::string(redirect_uri)}});
}

connhost::HttpRequest access_token_request(const Api& api, std::string_view app_id,
                                           std::string_view secret, std::string_view auth_code) {
  return oauth::post_json(api, kAccessToken,
                          {{"app_id", app_id}, {"secret", secret}, {"auth_code", auth_code}});
}

connhost::HttpRequest revoke_request(const Api& api, std::string_view app_id,
                                     std::string_view secret, std::string_view access_token) {
  return oauth::post_json(api, kRevokeToken,
                          {{"app_id", app_id}, {"secret", secret}, {"access_token", access_token}});
}

Grant parse_access_token(int status, std::string_view body,
                         std::optional<std::string_view> retry_after,
                         std::initializer_list<std::string_view> secrets, int64_t now_ms) {
  auto env = oauth::login_envelope(kAccessToken, status, body, retry_after, secrets, now_ms);
  Where at{kAccessToken, env.request_id};
  const auto& data = env.data.as_object();
  Grant g;
  g.access_token = oauth::str_field(data, "access_token");
  if (g.access_token.empty()) bad_field(at, "data.access_token", "missing or empty");
  // §1.4: the ids are strings (64-bit ids do not fit a JSON double); the list is left out only
  // when return_advertiser_ids=false, which this connector never sends.
  const auto* ids = data.if_contains("advertiser_ids");
  if (!ids || !ids->is_array()) bad_field(at, "data.advertiser_ids", "missing or not a list");
  for (const auto& v : ids->as_array()) {
    if (!v.is_string() || v.as_string().empty())
      bad_field(at, "data.advertiser_ids", "an item is not a non-empty string");
    g.advertiser_ids.emplace_back(v.as_string());
  }
  std::sort(g.advertiser_ids.begin(), g.advertiser_ids.end());
  g.advertiser_ids.erase(std::unique(g.advertiser_ids.begin(), g.advertiser_ids.end()),
                         g.advertiser_ids.end());
  // §1.4: scope is a list of integer permission ids, not names.
  if (const auto* scope = data.if_contains("scope"); scope && scope->is_array()) {
    std::vector<std::string> parts;
    for (const auto& v : scope->as_array()) {
      if (v.is_int64())
        parts.push_back(std::to_string(v.as_int64()));
      else if (v.is_uint64())
        parts.push_back(std::to_string(v.as_uint64()));
      else if (v.is_string())
        parts.emplace_back(v.as_string());
    }
    g.scope = oauth::join(parts, ",");
  }
  return g;
}

void check_revoke(int status, std::string_view body, std::optional<std::string_view> retry_after,
                  std::initializer_list<std::string_view> secrets, int64_t now_ms) {
  oauth::login_envelope(kRevokeToken, status, body, retry_after, secrets, now_ms);
}

Advertisers parse_advertisers(int status, std::string_view body,
                              std::optional<std::string_view> retry_after,
                              std::initializer_list<std::string_view> secrets, int64_t now_ms) {
  auto env = oauth::login_envelope(kAdvertiserGet, status, body, retry_after, secrets, now_ms);
  auto list = parse_authorized_advertisers(env);
  if (list.empty())
    throw Error::auth("TikTok " + std::string(kAdvertiserGet) +
                      ": the token authorizes no advertiser; re-authorize the connection");
  std::sort(
      list.begin(), list.end(),
      [](const AuthorizedAdvertiser& a, const AuthorizedAdvertiser& b) { return a.id < b.id; });
  std::vector<std::string> ids, names;
  for (const auto& a : list) {
    if (!ids.empty() && ids.back() == a.id) continue;
    ids.push_back(a.id);
    if (!a.name.empty()) names.push_back(a.name);
  }
  return {oauth::join(ids, ","), oauth::join(names, ", ")};
}

}  // namespace connhost::tiktok::advertiser
