#pragma once

// What the host sends a plugin's authorize_url besides the redirect: random states and PKCE
// verifiers, and the challenge for a verifier. One place for the CLI's headless flow and the
// server's browser flow, so both follow the same per-platform rule.

#include <cstddef>
#include <string>
#include <string_view>

namespace connhost::plugin {

// `bytes` random bytes from OpenSSL; throws std::runtime_error when it has none.
std::string random_hex(size_t bytes = 32);
std::string random_base64url(size_t bytes = 32);  // RFC 7636 §4.1: 32 bytes, 43 characters

// RFC 7636 S256 (base64url of SHA-256), except TikTok, whose desktop flow takes the lower-case
// hex SHA-256 (shared/platforms/tiktok.md §2.1, "PKCE quirk").
std::string pkce_challenge(std::string_view platform, std::string_view verifier);

}  // namespace connhost::plugin
