#pragma once

// What the login tests of every platform share: reading a URL's query, and clicking a link of a
// sandbox consent page as a browser would (GET the page, GET the link's href, read the redirect).

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <boost/url/parse.hpp>

#include <cctype>
#include <map>
#include <string>
#include <string_view>

#include "http/client.hpp"

namespace connhost::testing {

inline std::map<std::string, std::string> query_of(std::string_view url) {
  std::map<std::string, std::string> out;
  auto u = boost::urls::parse_uri_reference(url);
  EXPECT_TRUE(u) << url;
  if (u)
    for (auto p : u->params()) out[p.key] = p.value;
  return out;
}

// RFC 7636 S256: base64url(SHA-256(verifier)) without padding.
inline std::string s256(std::string_view v) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(v.data()), v.size(), d);
  unsigned char b64[64];
  int n = EVP_EncodeBlock(b64, d, sizeof d);
  std::string out(reinterpret_cast<char*>(b64), n);
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

// Opens the consent page at `url`, follows the href of the element whose attributes start with
// `marker` (e.g. `id="allow"`) and returns the Location of the redirect it answers.
inline std::string click_through(const std::string& url, std::string_view marker) {
  http::Client c;
  auto page = c.send({"GET", url});
  EXPECT_EQ(page.status, 200) << page.body;
  std::string key = std::string(marker) + " href=\"";
  auto at = page.body.find(key);
  if (at == std::string::npos) {
    ADD_FAILURE() << "no " << marker << " link in " << page.body;
    return {};
  }
  at += key.size();
  std::string link = page.body.substr(at, page.body.find('"', at) - at);
  for (size_t p; (p = link.find("&amp;")) != std::string::npos;) link.replace(p, 5, "&");
  if (!link.empty() && link[0] == '/') {  // relative to the page's origin
    auto u = boost::urls::parse_uri(url);
    if (u) link = std::string(u->scheme()) + "://" + std::string(u->encoded_authority()) + link;
  }
  auto answer = c.send({"GET", link});
  EXPECT_EQ(answer.status, 302) << answer.body;
  return std::string(answer.header("Location").value_or(""));
}

// Percent-encoding of everything but RFC 3986's unreserved characters: a form value or a query
// parameter as a browser sends it.
inline std::string pct(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += {'%', kHex[c >> 4], kHex[c & 15]};
  }
  return out;
}

// A test-only vault key (32 bytes in hex); never a real one.
inline constexpr const char* kTestVaultKey =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

// [connections.NAME] of a Google connection against the sandbox at `base_url`, its client secret
// read from `secret_file` (beside the config file).
inline std::string google_connection_toml(const std::string& name, const std::string& base_url,
                                          const std::string& client_id,
                                          const std::string& secret_file) {
  return "[connections." + name + "]\nplugin = \"google\"\nbase_url = \"" + base_url +
         "\"\noauth_base_url = \"" + base_url + "\"\nauth_page_url = \"" + base_url +
         "/o/oauth2/v2/auth\"\nuserinfo_url = \"" + base_url + "/v1/userinfo\"\nclient_id = \"" +
         client_id + "\"\nclient_secret = \"${file:" + secret_file + "}\"\n";
}

}  // namespace connhost::testing
