#include "meta_login.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>

#include "meta_parse.hpp"

namespace meta::login {
namespace {

namespace json = boost::json;
using connhost::Error;

std::string encode(std::string_view s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

std::optional<json::value> parse_json(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec) return std::nullopt;
  return v;
}

std::string str_field(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v && v->is_string()) return std::string(v->as_string());
  return {};
}

bool ok_status(int status) {
  return status >= 200 && status < 300;
}

}  // namespace

std::string form_encode(const Form& form) {
  std::string out;
  for (const auto& [k, v] : form) {
    if (!out.empty()) out += '&';
    out += encode(k) + "=" + encode(v);
  }
  return out;
}

std::string dialog_url(std::string_view dialog, std::string_view app_id,
                       const std::vector<std::string>& scopes, std::string_view redirect_uri,
                       std::string_view state, std::string_view code_challenge,
                       std::string_view code_challenge_method) {
  std::string scope;
  for (const auto& s : scopes)
    if (!s.empty()) scope += (scope.empty() ? "" : ",") + s;  // §2.1: comma-separated
  if (scope.empty()) scope = kDefaultScope;
  Form q{{"client_id", std::string(app_id)},
         {"redirect_uri", std::string(redirect_uri)},
         {"state", std::string(state)},
         {"response_type", "code"},
         {"scope", scope}};
  if (!code_challenge.empty()) {
    q.emplace_back("code_challenge", std::string(code_challenge));
    q.emplace_back("code_challenge_method",
                   code_challenge_method.empty() ? "S256" : std::string(code_challenge_method));
  }
  std::string url(dialog);
  return url + (url.find('?') == std::string::npos ? "?" : "&") + form_encode(q);
}

std::string graph_url(const Settings& s, std::string_view path) {
  return s.base_url + "/" + s.api_version + std::string(path);
}

connhost::HttpRequest token_request(const Settings& s, const Form& form) {
  connhost::HttpRequest r;
  r.method = "POST";
  r.url = graph_url(s, "/oauth/access_token");
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r.body = form_encode(form);
  return r;
}

connhost::HttpRequest bearer(std::string method, std::string url, std::string_view token) {
  connhost::HttpRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers = {{"Authorization", "Bearer " + std::string(token)}};
  return r;
}

Error login_error(int status, std::string_view body, const Settings& s, std::string_view what) {
  auto e = classify(status, body, Usage{}, s.usage_stop_pct, s.throttle_default_retry, {}, what);
  auto env = error_envelope(body);
  // docs/sandbox/meta.md and §2.2: a bad, used or expired code, a different redirect_uri and a
  // wrong PKCE verifier are all code 100 on oauth/access_token; only a new login helps.
  if (env && env->code == 100 && what == "oauth/access_token")
    return Error::auth(std::string(what) + ": the authorization code was refused (code 100: " +
                       env->message.substr(0, 200) + "); start the login again");
  if (e.category() == connhost::ErrorCategory::auth)
    return Error::auth(std::string(e.what()) + "; re-authorize the connection");
  return e;
}

Token parse_token(int status, std::string_view body, const Settings& s, std::string_view what) {
  auto v = parse_json(body);
  const auto* o = v ? v->if_object() : nullptr;
  if (!ok_status(status) || !o || o->contains("error")) throw login_error(status, body, s, what);
  Token t;
  t.access_token = str_field(*o, "access_token");
  t.token_type = str_field(*o, "token_type");
  if (auto* e = o->if_contains("expires_in")) {
    if (e->is_int64()) t.expires_in = e->as_int64();
    if (e->is_uint64()) t.expires_in = static_cast<int64_t>(e->as_uint64());
  }
  if (t.access_token.empty()) throw Error::data(std::string(what) + ": no access_token");
  return t;
}

User parse_me(int status, std::string_view body, const Settings& s) {
  auto v = parse_json(body);
  const auto* o = v ? v->if_object() : nullptr;
  if (!ok_status(status) || !o || o->contains("error")) throw login_error(status, body, s, "me");
  User u;
  u.id = str_field(*o, "id");
  u.name = str_field(*o, "name");
  u.email = str_field(*o, "email");
  if (auto* p = o->if_contains("picture"); p && p->is_object())
    if (auto* d = p->as_object().if_contains("data"); d && d->is_object())
      u.picture_url = str_field(d->as_object(), "url");
  if (u.id.empty()) throw Error::data("me: the answer has no id");
  return u;
}

connhost::HttpRequest debug_token_request(const Settings& s, std::string_view input_token,
                                          std::string_view app_token) {
  return bearer("GET", graph_url(s, "/debug_token?input_token=" + encode(input_token)), app_token);
}

TokenInfo parse_debug_token(int status, std::string_view body, const Settings& s) {
  constexpr std::string_view kWhat = "debug_token";
  auto v = parse_json(body);
  const auto* o = v ? v->if_object() : nullptr;
  if (!ok_status(status) || !o || o->contains("error")) {
    auto e = login_error(status, body, s, kWhat);
    // §2.4: a top-level error is about the calling token, here the app token.
    if (e.category() == connhost::ErrorCategory::auth)
      throw Error::config(std::string(kWhat) +
                          ": the app token was refused; check the app_id and app_secret settings");
    throw e;
  }
  const auto* d = o->if_contains("data");
  if (!d || !d->is_object()) throw Error::data("debug_token: the answer has no data object");
  const auto& data = d->as_object();
  auto* valid = data.if_contains("is_valid");
  if (!valid || !valid->is_bool()) throw Error::data("debug_token: data.is_valid is not a boolean");
  if (!valid->as_bool()) {
    std::string why;
    if (auto* err = data.if_contains("error"); err && err->is_object())
      why = str_field(err->as_object(), "message").substr(0, 200);
    throw Error::auth("debug_token: the token is not valid" +
                      (why.empty() ? "" : " (" + why + ")") + "; re-authorize the connection");
  }
  TokenInfo t;
  if (auto* e = data.if_contains("expires_at")) {
    if (e->is_int64()) t.expires_at = std::max<int64_t>(0, e->as_int64());
    if (e->is_uint64()) t.expires_at = static_cast<int64_t>(e->as_uint64());
  }
  if (auto* sc = data.if_contains("scopes"); sc && sc->is_array())
    for (const auto& x : sc->as_array())
      if (x.is_string()) t.scopes += (t.scopes.empty() ? "" : ",") + std::string(x.as_string());
  t.user_id = str_field(data, "user_id");
  return t;
}

void check_revoke(int status, std::string_view body, const Settings& s) {
  auto v = parse_json(body);
  if (ok_status(status) && v) {
    // §2.6: `true`, or {"success":true}; accept both.
    if (v->is_bool() && v->as_bool()) return;
    if (auto* o = v->if_object())
      if (auto* ok = o->if_contains("success"); ok && ok->is_bool() && ok->as_bool()) return;
  }
  throw login_error(status, body, s, "me/permissions");
}

}  // namespace meta::login
