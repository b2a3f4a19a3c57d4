#pragma once

#include <string>
#include <string_view>

namespace connhost::log {

// Remembers every secret the host has seen (resolved config secrets, tokens) and replaces it in
// any text with a fixed mask. Thread-safe. Secrets shorter than 4 bytes are not registered: they
// would mask ordinary words and digits, and no real credential is that short.
void register_secret(std::string_view secret);
std::string mask_secrets(std::string_view text);
// The same with another replacement (recorded fixtures write "REDACTED", docs/replay.md).
std::string mask_secrets(std::string_view text, std::string_view replacement);
// For tests: forget every registered secret.
void clear_secrets();

inline constexpr std::string_view kMask = "****";

}  // namespace connhost::log
