#include "world/tokens.hpp"

#include <chrono>
#include <cstdio>

namespace connhost::sandbox {

int64_t TokenStore::now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count() +
         offset_;
}

void TokenStore::set_clock_offset(int64_t seconds) {
  offset_ = seconds;
}

Token TokenStore::issue(Token t, const std::string& prefix) {
  std::lock_guard lock(mutex_);
  // Unique and unguessable enough for a loopback emulator; deterministic would let tests
  // accidentally depend on values.
  uint64_t x = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
               (++counter_ * 0x9e3779b97f4a7c15ULL);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%04llx", static_cast<unsigned long long>(x),
                static_cast<unsigned long long>(counter_ & 0xffff));
  t.value = prefix + buf;
  if (t.issued_at == 0) t.issued_at = now();
  tokens_[t.value] = t;
  return t;
}

void TokenStore::put(Token t) {
  std::lock_guard lock(mutex_);
  tokens_[t.value] = std::move(t);
}

std::optional<Token> TokenStore::find(const std::string& value) const {
  std::lock_guard lock(mutex_);
  auto it = tokens_.find(value);
  if (it == tokens_.end()) return std::nullopt;
  return it->second;
}

bool TokenStore::revoke(const std::string& value) {
  std::lock_guard lock(mutex_);
  auto it = tokens_.find(value);
  if (it == tokens_.end()) return false;
  it->second.revoked = true;
  return true;
}

bool TokenStore::mark_used(const std::string& value) {
  std::lock_guard lock(mutex_);
  auto it = tokens_.find(value);
  if (it == tokens_.end() || it->second.used) return false;
  it->second.used = true;
  return true;
}

int TokenStore::expire(const std::string& platform, const std::string& value) {
  std::lock_guard lock(mutex_);
  int n = 0;
  int64_t t = now() - 1;
  for (auto& [v, tok] : tokens_) {
    if ((!platform.empty() && tok.platform != platform) || (!value.empty() && v != value)) continue;
    tok.expires_at = t;
    ++n;
  }
  return n;
}

std::vector<Token> TokenStore::all() const {
  std::lock_guard lock(mutex_);
  std::vector<Token> out;
  for (const auto& [v, t] : tokens_) out.push_back(t);
  return out;
}

}  // namespace connhost::sandbox
