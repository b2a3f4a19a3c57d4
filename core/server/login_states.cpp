#include "server/login_states.hpp"

#include <algorithm>

namespace connhost::server {

LoginStates::LoginStates(Clock now, std::chrono::seconds ttl, size_t max_size)
    : now_(std::move(now)), ttl_(ttl), max_size_(std::max<size_t>(max_size, 1)) {}

void LoginStates::drop_expired(std::chrono::system_clock::time_point now) {
  std::erase_if(states_, [now](const auto& kv) { return kv.second.expires <= now; });
}

void LoginStates::put(const std::string& state, LoginState login) {
  auto now = now_();
  login.expires = now + ttl_;
  std::lock_guard lock(mu_);
  drop_expired(now);
  while (states_.size() >= max_size_) {
    auto oldest = std::min_element(
        states_.begin(), states_.end(),
        [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
    states_.erase(oldest);
  }
  states_.insert_or_assign(state, std::move(login));
}

LoginStates::Taken LoginStates::take(const std::string& state) {
  auto now = now_();
  std::lock_guard lock(mu_);
  auto it = states_.find(state);
  if (it == states_.end()) return {};
  LoginState login = std::move(it->second);
  states_.erase(it);
  if (login.expires <= now) return {Outcome::expired, std::nullopt};
  return {Outcome::ok, std::move(login)};
}

size_t LoginStates::size() const {
  std::lock_guard lock(mu_);
  return states_.size();
}

}  // namespace connhost::server
