#include "server/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>

#include "config/secret.hpp"

namespace connhost::server {
namespace {

std::array<unsigned char, 32> digest(std::string_view s) {
  std::array<unsigned char, 32> out{};
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), out.data());
  return out;
}

}  // namespace

std::optional<std::vector<ApiKey>> api_keys_from_config(const config::HostConfig& cfg,
                                                        std::string& error) {
  std::vector<ApiKey> keys;
  if (cfg.server.api_key) {
    auto v = config::resolve_secret(*cfg.server.api_key);
    if (!v.ok()) {
      error = "server.api_key: " + v.error;
      return std::nullopt;
    }
    keys.push_back({.id = "default", .secret = *v.value});
  }
  for (const auto& k : cfg.server.api_keys) {
    auto v = config::resolve_secret(k.key);
    if (!v.ok()) {
      error = "server.api_keys." + k.name + ".key: " + v.error;
      return std::nullopt;
    }
    for (const auto& other : keys)
      if (other.secret == *v.value) {
        // Two names for one secret: the request could not say which key (and scopes) it used.
        error = "server.api_keys." + k.name + ".key: the same value as key '" + other.id +
                "'; every key needs its own value";
        return std::nullopt;
      }
    keys.push_back({.id = k.name, .secret = *v.value, .scopes = k.scopes});
  }
  return keys;
}

bool may_see_pii(const Request& request) {
  return std::any_of(request.scopes.begin(), request.scopes.end(),
                     [](const std::string& s) { return s == kScopeAll || s == kScopePii; });
}

bool ApiKey::has_scope(std::string_view scope) const {
  return std::any_of(scopes.begin(), scopes.end(),
                     [&](const std::string& s) { return s == "*" || s == scope; });
}

Auth::Auth(std::vector<ApiKey> keys) {
  for (auto& k : keys) {
    auto d = digest(k.secret);
    keys_.push_back({std::move(k), d});
  }
}

const ApiKey* Auth::authenticate(std::string_view authorization) const {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size()) return nullptr;
  // The scheme name is case-insensitive (RFC 9110 11.1).
  for (size_t i = 0; i + 1 < kScheme.size(); ++i)
    if ((authorization[i] | 0x20) != (kScheme[i] | 0x20)) return nullptr;
  if (authorization[kScheme.size() - 1] != ' ') return nullptr;
  auto presented = digest(authorization.substr(kScheme.size()));
  const ApiKey* found = nullptr;
  // Every key is compared, so the time does not say which one matched.
  for (const auto& e : keys_)
    if (CRYPTO_memcmp(e.digest.data(), presented.data(), presented.size()) == 0) found = &e.key;
  return found;
}

}  // namespace connhost::server
