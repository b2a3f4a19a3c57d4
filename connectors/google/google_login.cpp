#include "google_login.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "google_errors.hpp"

namespace connhost::google::login {
namespace {

namespace json = boost::json;

std::string enc(std::string_view v) {
  return boost::urls::encode(v, boost::urls::unreserved_chars);
}

const json::object* object_of(const std::optional<json::value>& v) {
  return v ? v->if_object() : nullptr;
}

std::optional<json::value> parse_json(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec) return std::nullopt;
  return v;
}

std::string str_field(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// Google's description, or its error code, for a message: short and without control characters.
std::string describe(std::string_view body) {
  auto e = parse_oauth_error(body);
  if (!e) return {};
  std::string s = e->error + (e->description.empty() ? "" : ": " + e->description);
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return s.substr(0, 200);
}

}  // namespace

std::string authorize_url(std::string_view auth_page, std::string_view client_id,
                          const std::vector<std::string>& scopes, std::string_view redirect_uri,
                          std::string_view state, std::string_view code_challenge,
                          std::string_view code_challenge_method) {
  std::string scope;
  for (const auto& s : scopes)
    if (!s.empty()) scope += (scope.empty() ? "" : " ") + s;
  if (scope.empty()) scope = kDefaultScopes;
  std::string url(auth_page);
  url += url.find('?') == std::string::npos ? "?" : "&";
  url += "client_id=" + enc(client_id) + "&redirect_uri=" + enc(redirect_uri) +
         "&response_type=code&scope=" + enc(scope) + "&state=" + enc(state) +
         "&access_type=offline&prompt=consent";
  if (!code_challenge.empty())
    url += "&code_challenge=" + enc(code_challenge) + "&code_challenge_method=" +
           enc(code_challenge_method.empty() ? "S256" : code_challenge_method);
  return url;
}

std::string code_form(std::string_view client_id, std::string_view client_secret,
                      std::string_view code, std::string_view redirect_uri,
                      std::string_view code_verifier) {
  std::string f = "grant_type=authorization_code&client_id=" + enc(client_id) +
                  "&client_secret=" + enc(client_secret) + "&code=" + enc(code) +
                  "&redirect_uri=" + enc(redirect_uri);
  if (!code_verifier.empty()) f += "&code_verifier=" + enc(code_verifier);
  return f;
}

HttpRequest revoke_request(std::string_view oauth_base, std::string_view token) {
  HttpRequest r;
  r.method = "POST";
  r.url = std::string(oauth_base) + "/revoke";
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r.body = "token=" + enc(token);
  return r;
}

HttpRequest userinfo_request(std::string_view userinfo_url, std::string_view token) {
  HttpRequest r;
  r.url = std::string(userinfo_url);
  r.headers = {{"Authorization", "Bearer " + std::string(token)}};
  return r;
}

Grant parse_grant(std::string_view body) {
  auto v = parse_json(body);
  const auto* o = object_of(v);
  Grant g;
  if (o) {
    g.access_token = str_field(*o, "access_token");
    g.refresh_token = str_field(*o, "refresh_token");
    g.token_type = str_field(*o, "token_type");
    // Space-separated (§4.1), stored comma-joined. Google answers the OIDC scopes asked as
    // `profile` and `email` with their long names; these are one scope each (OpenID Connect
    // Core §5.4 names the short ones, Google's OAuth 2.0 scope list gives both), so the grant
    // records the names profile sync asks for (required_scopes).
    std::string all = str_field(*o, "scope");
    for (size_t start = 0; start <= all.size();) {
      size_t sp = std::min(all.find(' ', start), all.size());
      std::string one = all.substr(start, sp - start);
      start = sp + 1;
      if (one.empty()) continue;
      if (one == "https://www.googleapis.com/auth/userinfo.profile") one = "profile";
      if (one == "https://www.googleapis.com/auth/userinfo.email") one = "email";
      if (!g.scope.empty()) g.scope += ',';
      g.scope += one;
    }
    if (auto* e = o->if_contains("expires_in"); e && e->is_int64()) g.expires_in = e->as_int64();
  }
  if (g.access_token.empty()) throw Error::data("google token endpoint: no access_token");
  return g;
}

User parse_userinfo(int status, std::string_view body) {
  std::string m = "google userinfo: HTTP " + std::to_string(status);
  if (status == 401 || status == 403)
    throw Error::auth(m + " " + describe(body) +
                      " (the access token is invalid: refresh it or re-authorize)");
  if (status == 429) throw Error::quota(m, kDefaultQuotaRetry);
  if (status >= 500) throw Error::transient(m);
  if (status != 200) throw Error::config(m + " " + describe(body));
  auto v = parse_json(body);
  const auto* o = object_of(v);
  if (!o) throw Error::data(m + ": not a JSON object");
  User u{str_field(*o, "sub"), str_field(*o, "name"), str_field(*o, "picture"),
         str_field(*o, "email"), str_field(*o, "locale")};
  if (u.sub.empty()) throw Error::data(m + ": no sub");
  return u;
}

std::string region_of_locale(std::string_view locale) {
  std::string out;
  for (size_t start = 0; start <= locale.size();) {
    size_t end = std::min(locale.find_first_of("-_", start), locale.size());
    auto tag = locale.substr(start, end - start);
    bool alpha2 = tag.size() == 2 && std::all_of(tag.begin(), tag.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                  });
    bool digit3 = tag.size() == 3 &&
                  std::all_of(tag.begin(), tag.end(), [](char c) { return c >= '0' && c <= '9'; });
    // The first subtag is the language; the region is the first later one of its shape.
    if (start > 0 && (alpha2 || digit3)) {
      for (char c : tag) out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
      return out;
    }
    start = end + 1;
  }
  return out;
}

void check_revoke(int status, std::string_view body) {
  if (status == 200) return;
  std::string m = "google revoke: HTTP " + std::to_string(status) + " " + describe(body);
  if (status == 429) throw Error::quota(m, kDefaultQuotaRetry);
  if (status >= 500) throw Error::transient(m);
  auto e = parse_oauth_error(body);
  if (e && e->error == "invalid_token")
    throw Error::auth(m + " (the token is unknown, expired or already revoked)");
  throw Error::config(m);
}

}  // namespace connhost::google::login
