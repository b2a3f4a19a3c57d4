#pragma once

// The pending browser logins of GET /auth/{connection}: state -> what the callback needs (the
// connection, the PKCE verifier, the redirect URI sent, the browser binding cookie). Kept in
// memory, server-side: the verifier never leaves the host. Each state is single use (taken,
// whatever the outcome), expires, and the map is bounded (the oldest pending logins go first).

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace connhost::server {

struct LoginState {
  std::string connection;
  std::string verifier;
  std::string redirect_uri;
  std::string browser;  // the connhost_login cookie value the state is bound to
  std::chrono::system_clock::time_point expires;
};

class LoginStates {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  explicit LoginStates(Clock now, std::chrono::seconds ttl = std::chrono::minutes(10),
                       size_t max_size = 10000);

  // Stores a pending login under `state`; sets its expiry. Drops expired entries and, at the
  // bound, the one that expires first.
  void put(const std::string& state, LoginState login);

  enum class Outcome { ok, unknown, expired };
  struct Taken {
    Outcome outcome = Outcome::unknown;
    std::optional<LoginState> login;  // set when ok
  };
  // Removes `state` (single use) and returns it unless unknown or expired.
  Taken take(const std::string& state);

  size_t size() const;

 private:
  void drop_expired(std::chrono::system_clock::time_point now);

  Clock now_;
  std::chrono::seconds ttl_;
  size_t max_size_;
  mutable std::mutex mu_;
  std::map<std::string, LoginState, std::less<>> states_;
};

}  // namespace connhost::server
