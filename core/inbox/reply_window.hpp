#pragma once

// How long after a user's last message a business may still reply without a tag, per platform:
// the one place the inbox (window_closes_at) and anyone checking a send read it from.

#include <chrono>
#include <optional>
#include <string_view>

namespace connhost::inbox {

// Meta (Messenger, Instagram): 24 hours after the user's last message, unless tagged
// (shared/platforms/meta-google.md, "Messaging window", from the Send API page).
// TikTok Business Messaging: 48 hours after the user's last message (tiktok.md §3.3, "Messaging
// policy limits"; third-party sources only, as the notes say).
// Other platforms: none known, so no window is recorded.
std::optional<std::chrono::hours> reply_window(std::string_view platform);

}  // namespace connhost::inbox
