// The access token of one connection: exchanged from the refresh_token secret at the OAuth token
// endpoint (notes 4.1) and cached in the instance until shortly before it expires.
//
// One instance may serve several threads at once (abi.h, THREADING), so the cache is guarded and
// a refresh happens under the lock: threads that need a token while one is being fetched wait for
// it instead of each spending a refresh.
#pragma once

#include <connhost/connector.hpp>

#include <cstdint>
#include <mutex>
#include <string>

namespace connhost::google {

class TokenCache {
 public:
  TokenCache(std::string token_url, std::string client_id)
      : token_url_(std::move(token_url)), client_id_(std::move(client_id)) {}

  // A usable access token: the cached one, or a new one when there is none, it expires within
  // kRefreshMargin, or the refresh_token secret changed since it was fetched.
  std::string get(Call& call);

  // Forget `token` after the API refused it (a 401), unless another thread already replaced it.
  void invalidate(const std::string& token);

  // Refresh this long before the stated expiry, so a request never leaves with a token that dies
  // on the way.
  static constexpr int64_t kRefreshMargin_ms = 60'000;
  // expires_in when the reply has none: Google's tokens live 3599 s (notes 4.1); a 401 refreshes
  // anyway if it was wrong.
  static constexpr int64_t kDefaultLifetime_s = 3599;

 private:
  const std::string token_url_;
  const std::string client_id_;

  std::mutex mutex_;
  std::string access_token_;
  int64_t expires_at_ms_ = 0;
  std::string refresh_token_;  // the secret the cached token came from
};

}  // namespace connhost::google
