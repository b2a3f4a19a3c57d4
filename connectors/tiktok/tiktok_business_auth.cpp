#include "tiktok_business_auth.hpp"

#include <boost/json/value.hpp>

#include "tiktok_oauth_util.hpp"
#include "tiktok_parse.hpp"

namespace connhost::tiktok::business {

using connhost::Error;

std::string authorize_url(std::string_view auth_page, std::string_view app_id,
                          const std::vector<std::string>& scopes, std::string_view redirect_uri,
                          std::string_view state) {
  std::vector<std::string> named;
  for (const auto& s : scopes)
    if (!s.empty()) named.push_back(s);
  std::string scope = named.empty() ? std::string(kDefaultScope) : oauth::join(named, ",");
  // §3.1 (GO TTUserOAuthURL, Chatwoot auth_client.rb): the Login Kit page, but client_key is
  // the Business API app id; no PKCE is documented for this flow.
  return oauth::with_query(auth_page, {{"client_key", std::string(app_id)},
                                       {"scope", scope},
                                       {"response_type", "code"},
                                       {"redirect_uri", std::string(redirect_uri)},
                                       {"state", std::string(state)}});
}

connhost::HttpRequest token_request(const Api& api, std::string_view app_id,
                                    std::string_view secret, std::string_view auth_code,
                                    std::string_view redirect_uri) {
  return oauth::post_json(api, kToken,
                          {{"client_id", app_id},
                           {"client_secret", secret},
                           {"grant_type", "authorization_code"},
                           {"auth_code", auth_code},
                           {"redirect_uri", redirect_uri}});
}

connhost::HttpRequest refresh_request(const Api& api, std::string_view app_id,
                                      std::string_view secret, std::string_view refresh_token) {
  return oauth::post_json(api, kRefreshToken,
                          {{"client_id", app_id},
                           {"client_secret", secret},
                           {"grant_type", "refresh_token"},
                           {"refresh_token", refresh_token}});
}

connhost::HttpRequest revoke_request(const Api& api, std::string_view app_id,
                                     std::string_view secret, std::string_view access_token) {
  return oauth::post_json(
      api, kRevoke,
      {{"client_id", app_id}, {"client_secret", secret}, {"access_token", access_token}});
}

connhost::HttpRequest token_info_request(const Api& api, std::string_view app_id,
                                         std::string_view access_token) {
  return oauth::post_json(api, kTokenInfo, {{"app_id", app_id}, {"access_token", access_token}});
}

connhost::HttpRequest business_get_request(const Api& api, std::string_view business_id,
                                           std::string_view access_token) {
  return get(api, kBusinessGet,
             {{"business_id", std::string(business_id)},
              {"fields", json_strings({"display_name", "profile_image", "username"})}},
             access_token);
}

Token parse_token(std::string_view endpoint, int status, std::string_view body,
                  std::optional<std::string_view> retry_after,
                  std::initializer_list<std::string_view> secrets, int64_t now_ms) {
  auto env = oauth::login_envelope(endpoint, status, body, retry_after, secrets, now_ms);
  Where at{endpoint, env.request_id};
  const auto& d = env.data.as_object();
  Token t;
  t.access_token = oauth::str_field(d, "access_token");
  t.refresh_token = oauth::str_field(d, "refresh_token");
  t.expires_in = oauth::int_field(d, "expires_in");
  // §3.1: the name here is refresh_token_expires_in, not v2's refresh_expires_in.
  t.refresh_expires_in = oauth::int_field(d, "refresh_token_expires_in");
  t.open_id = oauth::str_field(d, "open_id");
  t.scope = oauth::str_field(d, "scope");
  t.token_type = oauth::str_field(d, "token_type");
  if (t.access_token.empty()) bad_field(at, "data.access_token", "missing or empty");
  if (t.open_id.empty()) bad_field(at, "data.open_id", "missing or empty");
  return t;
}

void check_revoke(int status, std::string_view body, std::optional<std::string_view> retry_after,
                  std::initializer_list<std::string_view> secrets, int64_t now_ms) {
  oauth::login_envelope(kRevoke, status, body, retry_after, secrets, now_ms);
}

std::string parse_token_info(int status, std::string_view body,
                             std::optional<std::string_view> retry_after,
                             std::initializer_list<std::string_view> secrets, int64_t now_ms) {
  auto env = oauth::login_envelope(kTokenInfo, status, body, retry_after, secrets, now_ms);
  auto id = oauth::str_field(env.data.as_object(), "creator_id");
  if (id.empty()) bad_field({kTokenInfo, env.request_id}, "data.creator_id", "missing or empty");
  return id;
}

Profile parse_business(int status, std::string_view body,
                       std::optional<std::string_view> retry_after,
                       std::initializer_list<std::string_view> secrets, int64_t now_ms) {
  auto env = oauth::login_envelope(kBusinessGet, status, body, retry_after, secrets, now_ms);
  const auto& d = env.data.as_object();
  return {oauth::str_field(d, "display_name"), oauth::str_field(d, "username"),
          oauth::str_field(d, "profile_image")};
}

}  // namespace connhost::tiktok::business
