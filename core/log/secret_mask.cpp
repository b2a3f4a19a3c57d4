#include "log/secret_mask.hpp"

#include <algorithm>
#include <mutex>
#include <set>

namespace connhost::log {
namespace {

std::mutex g_mutex;
// Longest first, so a secret that contains another is masked whole.
struct LongerFirst {
  bool operator()(const std::string& a, const std::string& b) const {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  }
};
std::set<std::string, LongerFirst> g_secrets;

}  // namespace

void register_secret(std::string_view secret) {
  if (secret.size() < 4) return;
  std::lock_guard lock(g_mutex);
  g_secrets.emplace(secret);
}

void clear_secrets() {
  std::lock_guard lock(g_mutex);
  g_secrets.clear();
}

std::string mask_secrets(std::string_view text) {
  return mask_secrets(text, kMask);
}

std::string mask_secrets(std::string_view text, std::string_view replacement) {
  std::string out(text);
  std::lock_guard lock(g_mutex);
  for (const auto& s : g_secrets) {
    for (size_t pos = out.find(s); pos != std::string::npos;
         pos = out.find(s, pos + replacement.size()))
      out.replace(pos, s.size(), replacement);
  }
  return out;
}

}  // namespace connhost::log
