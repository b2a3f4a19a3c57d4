#pragma once

// API keys. A key is an id, its secret value and its scopes: [server] api_key is the key
// "default" with every scope ("*"); each [server.api_keys.NAME] is the key NAME with the scopes it
// lists. The scopes are "pii" (unmasked personal data, erasure: docs/api.md, "Contacts") and "*".

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "server/message.hpp"

namespace connhost::server {

struct ApiKey {
  std::string id;      // names the key in logs and on the request, never its value
  std::string secret;  // the bearer token clients send
  std::vector<std::string> scopes = {"*"};

  bool has_scope(std::string_view scope) const;
};

// The keys [server] configures, or nullopt with `error` set. A key that cannot be read now is a
// configuration error: serving without it would silently drop the protection ops asked for.
std::optional<std::vector<ApiKey>> api_keys_from_config(const config::HostConfig& cfg,
                                                        std::string& error);

// Scope names, as configured and as put on a request.
inline constexpr std::string_view kScopeAll = "*";
inline constexpr std::string_view kScopePii = "pii";

// Whether the request may see personal data unmasked (and erase it): its key has the pii scope,
// or the server needs no key (loopback without api_key), where every scope is granted.
bool may_see_pii(const Request& request);

class Auth {
 public:
  Auth() = default;  // no keys: every request passes
  explicit Auth(std::vector<ApiKey> keys);

  // Whether requests to non-public routes must carry a key.
  bool required() const { return !keys_.empty(); }

  // The key an `Authorization: Bearer <key>` header value presents, or nullptr (missing header,
  // another scheme, or no such key). Compares digests in constant time, so neither the key's
  // content nor its length leaks through timing.
  const ApiKey* authenticate(std::string_view authorization) const;

 private:
  struct Entry {
    ApiKey key;
    std::array<unsigned char, 32> digest;
  };
  std::vector<Entry> keys_;
};

}  // namespace connhost::server
