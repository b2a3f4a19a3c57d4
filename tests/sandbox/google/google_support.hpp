#pragma once

// Helpers for the Google tests, written from the platform notes alone: form encoding, PKCE
// (computed here with OpenSSL, not with the sandbox's crypto), the consent redirect, and calls
// to the Ads endpoints.

#include <openssl/sha.h>
#include <boost/json.hpp>

#include <cctype>
#include <map>
#include <string>

#include "sandbox_fixture.hpp"

namespace connhost::sandbox::testing {

namespace json = boost::json;

inline constexpr const char* kClientId = "sandbox-client.apps.googleusercontent.com";
inline constexpr const char* kClientSecret = "sandbox-google-client-secret";
inline constexpr const char* kPreissuedRefresh = "sandbox-google-refresh-token";
inline constexpr const char* kRedirect = "http://127.0.0.1:53682/oauth/callback";
inline constexpr const char* kAdwords = "https://www.googleapis.com/auth/adwords";

inline std::string pct(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

inline std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + pct(k) + "=" + pct(v);
  return out;
}

inline std::string unpct(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

// The query parameters of a redirect Location.
inline std::map<std::string, std::string> query_of(const std::string& url) {
  std::map<std::string, std::string> out;
  auto q = url.find('?');
  if (q == std::string::npos) return out;
  std::string rest = url.substr(q + 1);
  size_t i = 0;
  while (i <= rest.size()) {
    size_t amp = rest.find('&', i);
    if (amp == std::string::npos) amp = rest.size();
    std::string pair = rest.substr(i, amp - i);
    auto eq = pair.find('=');
    if (!pair.empty())
      out[unpct(pair.substr(0, eq))] = eq == std::string::npos ? "" : unpct(pair.substr(eq + 1));
    i = amp + 1;
  }
  return out;
}

inline std::string b64url(const unsigned char* data, size_t n) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | data[i];
    bits += 8;
    while (bits >= 6) out.push_back(a[(acc >> (bits -= 6)) & 63]);
  }
  if (bits > 0) out.push_back(a[(acc << (6 - bits)) & 63]);
  return out;
}

inline std::string b64url_decode(const std::string& s) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '-'             ? 62
            : c == '_'             ? 63
                                   : -1;
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) out.push_back(static_cast<char>((acc >> (bits -= 8)) & 0xff));
  }
  return out;
}

// RFC 7636 S256: BASE64URL(SHA256(verifier)), no padding.
inline std::string s256(const std::string& verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return b64url(digest, sizeof digest);
}

inline json::value parse(const std::string& body) {
  return json::parse(body);
}

class GoogleTest : public SandboxTest {
 protected:
  std::string token_post(const std::vector<std::pair<std::string, std::string>>& fields,
                         int* status = nullptr, HeaderList headers = {}) {
    auto r = post("/token", form(fields), "application/x-www-form-urlencoded", headers);
    if (status) *status = r.status;
    return r.body;
  }

  // An access token from the preissued refresh token, as config/demo.toml's connection gets one.
  std::string access_token() {
    int status = 0;
    auto body = token_post({{"grant_type", "refresh_token"},
                            {"client_id", kClientId},
                            {"client_secret", kClientSecret},
                            {"refresh_token", kPreissuedRefresh}},
                           &status);
    EXPECT_EQ(status, 200) << body;
    return std::string(parse(body).at("access_token").as_string());
  }

  // Runs the consent page with the automatic decision; returns the redirect's Location.
  std::string consent(std::vector<std::pair<std::string, std::string>> params,
                      const std::string& decision = "allow", int* status = nullptr) {
    params.emplace_back("sandbox_decision", decision);
    auto r = get("/o/oauth2/v2/auth?" + form(params));
    if (status) *status = r.status;
    return std::string(r.header("Location").value_or(""));
  }

  static std::vector<std::pair<std::string, std::string>> auth_params(
      const std::string& scope, const std::string& access_type, const std::string& challenge,
      const std::string& prompt = "") {
    std::vector<std::pair<std::string, std::string>> p{
        {"client_id", kClientId}, {"redirect_uri", kRedirect}, {"response_type", "code"},
        {"scope", scope},         {"state", "st-123"},         {"access_type", access_type}};
    if (!challenge.empty()) {
      p.emplace_back("code_challenge", challenge);
      p.emplace_back("code_challenge_method", "S256");
    }
    if (!prompt.empty()) p.emplace_back("prompt", prompt);
    return p;
  }

  std::string customer(size_t i = 0) { return sandbox->accounts("google").at(i).id; }

  ClientResponse ads(const std::string& method, const std::string& customer_id,
                     const std::string& body, const std::string& token, HeaderList headers = {},
                     int version = 24) {
    headers.emplace_back("Authorization", "Bearer " + token);
    return post(
        "/v" + std::to_string(version) + "/customers/" + customer_id + "/googleAds:" + method, body,
        "application/json", headers);
  }

  ClientResponse search(const std::string& query, const std::string& token,
                        const std::string& customer_id = "", json::object extra = {}) {
    extra["query"] = query;
    return ads("search", customer_id.empty() ? customer() : customer_id, json::serialize(extra),
               token);
  }
  ClientResponse stream(const std::string& query, const std::string& token,
                        const std::string& customer_id = "", json::object extra = {}) {
    extra["query"] = query;
    return ads("searchStream", customer_id.empty() ? customer() : customer_id,
               json::serialize(extra), token);
  }

  // The GoogleAdsError of a google.rpc.Status body (§4.3).
  static const json::object& ads_error(const json::value& body) {
    const json::value& status = body.is_array() ? body.as_array().at(0) : body;
    return status.at("error").at("details").at(0).at("errors").at(0).as_object();
  }
};

}  // namespace connhost::sandbox::testing
