#pragma once

// The browser sessions of signed-in local users (issue #6, "links the platform user id to a
// local user (new, or the signed-in one)"). A successful browser login starts one: 32 random
// bytes from OpenSSL as hex are the value of the `connhost_session` cookie, and the table
// `login_sessions` (migration 8) keeps only their SHA-256, so that the table alone signs nobody
// in. Sessions last 30 days; an expired one finds no user. Timestamps are the store's text
// (store/timestamp.hpp) on both backends.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/message.hpp"

namespace soci {
class session;
}

namespace connhost::server {

inline constexpr std::string_view kSessionCookie = "connhost_session";
inline constexpr std::chrono::seconds kSessionTtl{30 * 24 * 60 * 60};

// Lower-case hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);

// Starts a session for `user_id` and returns the cookie value (64 hex characters); stores only
// its SHA-256. Drops expired sessions on the way. Throws std::runtime_error when OpenSSL has no
// random bytes, soci::soci_error on a store failure.
std::string create_login_session(soci::session& sql, int64_t user_id,
                                 std::chrono::system_clock::time_point now);

// The user of a cookie value; nullopt for a value that is malformed, unknown or expired.
std::optional<int64_t> find_session_user(soci::session& sql, std::string_view cookie,
                                         std::chrono::system_clock::time_point now);

// Signs out: deletes the session of `cookie`. False when there was none.
bool delete_login_session(soci::session& sql, std::string_view cookie);

// The value of cookie `name` in the request's Cookie header.
std::optional<std::string> request_cookie(const Request& req, std::string_view name);

// Set-Cookie values that set and clear the session cookie (Secure when the server's public URL
// is https).
std::string session_cookie(std::string_view value, bool secure);
std::string cleared_session_cookie(bool secure);

}  // namespace connhost::server
