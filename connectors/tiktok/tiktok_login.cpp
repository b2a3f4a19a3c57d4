#include "tiktok_login.hpp"

#include <boost/json/value.hpp>

#include "tiktok_errors.hpp"
#include "tiktok_oauth_util.hpp"

namespace connhost::tiktok::login {
namespace {

namespace json = boost::json;
using connhost::Error;
using oauth::as_object;
using oauth::checked_url;
using oauth::encode;
using oauth::int_field;
using oauth::parse_json;
using oauth::retry_ms;
using oauth::str_field;

// v2 answers with real HTTP statuses (tiktok.md §2.4): 429 is the rate limit and 5xx a server
// failure whatever the body says.
std::optional<Error> status_error(std::string_view endpoint, int status,
                                  std::optional<std::string_view> retry_after) {
  if (status == 429)
    return Error::quota(std::string(endpoint) + ": rate limited (HTTP 429)",
                        retry_ms(retry_after).value_or(kHttp429Wait));
  if (status >= 500)
    return Error::transient(std::string(endpoint) + ": HTTP " + std::to_string(status));
  return std::nullopt;
}

}  // namespace

Endpoints Endpoints::make(std::string_view open_api_base_url, std::string_view auth_page_url) {
  Endpoints e;
  e.open_api = checked_url("open_api_base_url", open_api_base_url);
  while (!e.open_api.empty() && e.open_api.back() == '/') e.open_api.pop_back();
  e.auth_page = checked_url("auth_page_url", auth_page_url);
  return e;
}

std::string form_encode(const Form& form) {
  return oauth::form_encode(form);
}

std::string authorize_url(const Endpoints& e, std::string_view client_key,
                          const std::vector<std::string>& scopes, std::string_view redirect_uri,
                          std::string_view state, std::string_view code_challenge) {
  std::string scope;
  for (const auto& s : scopes)
    if (!s.empty()) scope += (scope.empty() ? "" : ",") + s;  // §2.1: comma-separated
  if (scope.empty()) scope = kDefaultScope;
  Form q{{"client_key", std::string(client_key)},
         {"scope", scope},
         {"response_type", "code"},
         {"redirect_uri", std::string(redirect_uri)},
         {"state", std::string(state)}};
  if (!code_challenge.empty()) {
    // §2.1: desktop apps must send a challenge, with method S256 but hex-encoded.
    q.emplace_back("code_challenge", std::string(code_challenge));
    q.emplace_back("code_challenge_method", "S256");
  }
  auto sep = e.auth_page.find('?') == std::string::npos ? "?" : "&";
  return e.auth_page + sep + form_encode(q);
}

connhost::HttpRequest form_post(const Endpoints& e, std::string_view path, const Form& form) {
  connhost::HttpRequest r;
  r.method = "POST";
  r.url = e.open_api + std::string(path);
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
               {"Cache-Control", "no-cache"}};
  r.body = form_encode(form);
  return r;
}

connhost::HttpRequest user_info_request(const Endpoints& e, std::string_view access_token) {
  connhost::HttpRequest r;
  r.url = e.open_api + "/v2/user/info/?fields=" + encode(kUserFields);
  r.headers = {{"Authorization", "Bearer " + std::string(access_token)}};
  return r;
}

connhost::Error oauth_error(std::string_view endpoint, int status, std::string_view body,
                            std::optional<std::string_view> retry_after,
                            std::initializer_list<std::string_view> secrets) {
  std::string code, description;
  if (auto v = parse_json(body))
    if (auto* o = v->if_object()) {
      code = str_field(*o, "error");
      description = scrub(str_field(*o, "error_description"), secrets);
    }
  std::string what = std::string(endpoint) + ": " +
                     (code.empty() ? "HTTP " + std::to_string(status) : code) +
                     (description.empty() ? "" : " (" + description + ")");
  if (code == "rate_limit_exceeded")
    return Error::quota(what, retry_ms(retry_after).value_or(kHttp429Wait));
  if (auto e = status_error(endpoint, status, retry_after)) return *e;
  if (code == "server_error" || code == "temporarily_unavailable") return Error::transient(what);
  // §2.2: invalid_grant covers a used or expired code and an expired, rotated or revoked refresh
  // token; in every case only a new authorization helps.
  if (code == "invalid_grant" || code == "access_denied")
    return Error::auth(what + ": the grant is no longer valid; re-authorize the connection");
  if (code == "invalid_client" || code == "unauthorized_client")
    return Error::config(what + ": check client_key and client_secret");
  return Error::config(what);
}

Token parse_token(int status, std::string_view body, std::optional<std::string_view> retry_after,
                  std::initializer_list<std::string_view> secrets) {
  constexpr std::string_view kEndpoint = "v2/oauth/token";
  auto v = parse_json(body);
  const auto* o = v ? v->if_object() : nullptr;
  if (status != 200 || !o || o->contains("error"))
    throw oauth_error(kEndpoint, status, body, retry_after, secrets);
  Token t;
  t.access_token = str_field(*o, "access_token");
  t.refresh_token = str_field(*o, "refresh_token");
  t.expires_in = int_field(*o, "expires_in");
  t.refresh_expires_in = int_field(*o, "refresh_expires_in");
  t.open_id = str_field(*o, "open_id");
  t.scope = str_field(*o, "scope");
  t.token_type = str_field(*o, "token_type");
  if (t.access_token.empty()) throw Error::data("v2/oauth/token: the answer has no access_token");
  return t;
}

void check_revoke(int status, std::string_view body, std::optional<std::string_view> retry_after,
                  std::initializer_list<std::string_view> secrets) {
  constexpr std::string_view kEndpoint = "v2/oauth/revoke";
  if (status == 200) {
    auto v = parse_json(body);
    const auto* o = v ? v->if_object() : nullptr;
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos || !o || !o->contains("error"))
      return;
  }
  auto e = oauth_error(kEndpoint, status, body, retry_after, secrets);
  // §2.3/sandbox: an unknown token is invalid_request; for the caller that is a dead grant.
  if (e.category() == connhost::ErrorCategory::config &&
      std::string_view(e.what()).find("invalid_request") != std::string_view::npos)
    throw Error::auth(std::string(e.what()) + ": the token is unknown or already revoked");
  throw e;
}

User parse_user(int status, std::string_view body, std::optional<std::string_view> retry_after) {
  constexpr std::string_view kEndpoint = "v2/user/info";
  auto v = parse_json(body);
  const auto* o = v ? v->if_object() : nullptr;
  const json::object* err = o ? as_object(o->if_contains("error")) : nullptr;
  std::string code = err ? str_field(*err, "code") : "";
  std::string message = err ? scrub(str_field(*err, "message"), {}) : "";
  std::string what = std::string(kEndpoint) + ": " +
                     (code.empty() ? "HTTP " + std::to_string(status) : code) +
                     (message.empty() ? "" : " (" + message + ")");
  if (code == "rate_limit_exceeded")
    throw Error::quota(what, retry_ms(retry_after).value_or(kHttp429Wait));
  if (auto e = status_error(kEndpoint, status, retry_after)) throw *e;
  // §2.4: access_token_invalid (401) is a missing, expired or revoked token.
  if (code == "access_token_invalid" || (status == 401 && code.empty()))
    throw Error::auth(what + ": the access token is invalid; refresh it or re-authorize");
  if (code == "scope_not_authorized" || code == "scope_permission_missed")
    throw Error::auth(what + ": the grant lacks user.info.basic; re-authorize with that scope");
  if (status != 200 || (!code.empty() && code != "ok")) throw Error::config(what);
  const json::object* data = o ? as_object(o->if_contains("data")) : nullptr;
  const json::object* user = data ? as_object(data->if_contains("user")) : nullptr;
  if (!user) throw Error::data(what + ": the answer has no data.user");
  User u;
  u.open_id = str_field(*user, "open_id");
  u.union_id = str_field(*user, "union_id");
  u.display_name = str_field(*user, "display_name");
  u.avatar_url = str_field(*user, "avatar_url");
  if (u.open_id.empty()) throw Error::data(std::string(kEndpoint) + ": data.user has no open_id");
  return u;
}

}  // namespace connhost::tiktok::login
