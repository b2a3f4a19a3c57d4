#pragma once

// API keys. A key is an id, its secret value and its scopes; today the configuration yields one
// key ("default", scope "*"), and the list leaves room for several keys with narrower scopes
// (issue #8 wants a "pii" scope) without changing how requests are checked.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

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
