#include "inbox/reply_window.hpp"

namespace connhost::inbox {

std::optional<std::chrono::hours> reply_window(std::string_view platform) {
  if (platform == "meta") return std::chrono::hours(24);
  if (platform == "tiktok") return std::chrono::hours(48);
  return std::nullopt;
}

}  // namespace connhost::inbox
