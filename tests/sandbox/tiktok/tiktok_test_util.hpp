#pragma once

// Helpers for the TikTok sandbox tests: a fixture with the preissued credentials, URL building
// for the JSON-in-the-query parameters, the three body styles, and digests computed here with
// OpenSSL (independently of the sandbox's own crypto).

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <boost/json.hpp>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sandbox_fixture.hpp"

namespace connhost::sandbox::testing {

namespace json = boost::json;

inline constexpr const char* kAdvToken = "sandbox-tiktok-advertiser-token";
inline constexpr const char* kAppId = "7000000000000000001";
inline constexpr const char* kAppSecret = "sandbox-tiktok-app-secret";
inline constexpr const char* kClientKey = "sbawsandboxclientkey";
inline constexpr const char* kClientSecret = "sandbox-tiktok-client-secret";
inline constexpr const char* kV13 = "/open_api/v1.3/";

inline std::string pct(const std::string& s) {
  std::string out;
  char b[4];
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      std::snprintf(b, sizeof b, "%%%02X", c);
      out += b;
    }
  }
  return out;
}

using Params = std::vector<std::pair<std::string, std::string>>;

inline std::string query(const Params& p) {
  std::string q;
  for (const auto& [k, v] : p) q += (q.empty() ? "?" : "&") + pct(k) + "=" + pct(v);
  return q;
}

inline json::object obj(const ClientResponse& r) {
  return json::parse(r.body).as_object();
}
inline std::string s_of(const json::value& v, std::string_view key) {
  return std::string(v.as_object().at(key).as_string());
}

// Parameters of a redirect Location header.
inline std::map<std::string, std::string> location_params(const ClientResponse& r) {
  std::map<std::string, std::string> out;
  auto loc = std::string(r.header("Location").value_or(""));
  auto q = loc.find('?');
  if (q == std::string::npos) return out;
  std::string rest = loc.substr(q + 1);
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find('&', start);
    if (end == std::string::npos) end = rest.size();
    std::string pair = rest.substr(start, end - start);
    auto eq = pair.find('=');
    std::string k = pair.substr(0, eq), v = eq == std::string::npos ? "" : pair.substr(eq + 1);
    std::string decoded;
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] == '%' && i + 2 < v.size()) {
        decoded += static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        decoded += v[i] == '+' ? ' ' : v[i];
      }
    }
    out[k] = decoded;
    start = end + 1;
  }
  return out;
}

inline std::string hex(const unsigned char* p, unsigned n) {
  std::string out;
  char b[3];
  for (unsigned i = 0; i < n; ++i) {
    std::snprintf(b, sizeof b, "%02x", p[i]);
    out += b;
  }
  return out;
}
inline std::string openssl_hmac_sha256(const std::string& key, const std::string& msg) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, &len);
  return hex(out, len);
}
inline std::string openssl_sha256_hex(const std::string& s) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
  return hex(d, SHA256_DIGEST_LENGTH);
}

class TikTokTest : public SandboxTest {
 protected:
  void SetUp() override {
    SandboxTest::SetUp();
    for (const auto& a : sandbox->accounts("tiktok")) advertisers.push_back(a.id);
  }

  ClientResponse v13_get(const std::string& path, const Params& p,
                         const std::string& token = kAdvToken) {
    HeaderList h;
    if (!token.empty()) h.emplace_back("Access-Token", token);
    return get(std::string(kV13) + path + query(p), h);
  }
  ClientResponse v13_post(const std::string& path, const json::object& body,
                          const std::string& token = "") {
    HeaderList h;
    if (!token.empty()) h.emplace_back("Access-Token", token);
    return post(std::string(kV13) + path, json::serialize(body), "application/json", h);
  }
  // The envelope's code, after checking the envelope's shape (notes §1.2).
  int64_t code_of(const ClientResponse& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    auto o = obj(r);
    EXPECT_TRUE(o.at("code").is_int64());
    EXPECT_TRUE(o.at("message").is_string());
    EXPECT_TRUE(o.at("request_id").is_string());
    EXPECT_TRUE(o.at("data").is_object());
    if (o.at("code").as_int64() != 0) {
      EXPECT_TRUE(o.at("data").as_object().empty());
    }
    return o.at("code").as_int64();
  }
  json::object data_of(const ClientResponse& r) {
    EXPECT_EQ(code_of(r), 0) << r.body;
    return obj(r).at("data").as_object();
  }

  // Authorizes the Business API app for a TikTok account on the authorize page and exchanges
  // the code on tt_user/oauth2/token/ (notes §3.1). Returns the token's data object.
  json::object business_login(const std::string& scopes, const std::string& account = "") {
    const std::string redirect = "http://127.0.0.1:8123/business/callback";
    Params p{{"client_key", kAppId},     {"scope", scopes}, {"response_type", "code"},
             {"redirect_uri", redirect}, {"state", "biz"},  {"sandbox_auto", "1"}};
    if (!account.empty()) p.emplace_back("sandbox_account", account);
    auto page = get("/v2/auth/authorize/" + query(p));
    EXPECT_EQ(page.status, 302) << page.body;
    auto code = location_params(page)["code"];
    auto r = v13_post("tt_user/oauth2/token/", {{"client_id", kAppId},
                                                {"client_secret", kAppSecret},
                                                {"grant_type", "authorization_code"},
                                                {"auth_code", code},
                                                {"redirect_uri", redirect}});
    return data_of(r);
  }

  std::vector<std::string> advertisers;
};

}  // namespace connhost::sandbox::testing
