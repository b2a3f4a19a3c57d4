// How TikTok's answers that are not data become connhost error categories. Pure: no Call, no I/O.
//
// Marketing API errors normally arrive as HTTP 200 with a non-zero `code` in the envelope; a
// 4xx/5xx status means the request never reached the API logic (tiktok.md §1.2).
#pragma once

#include <connhost/connector.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace connhost::tiktok {

// Waits for rate-limit codes. TikTok sends no Retry-After (tiktok.md §1.2, "Throttling is
// signalled only by body code"); the recovery advice of §1.3 is: QPS -> retry the next second,
// QPM -> pause about 5 minutes, QPD -> wait for 00:00 UTC.
inline constexpr std::chrono::milliseconds kQpsWait{1'000};
inline constexpr std::chrono::milliseconds kQpmWait{300'000};
// A 429 (not part of the documented model, so from a proxy in front of the API) without a
// Retry-After header.
inline constexpr std::chrono::milliseconds kHttp429Wait{60'000};

// The wait for a throttling code, or nothing when the code is not a throttling code.
//   40133 (advertiser QPS for the path): the next second.
//   40100 / 40016 (app-level "temporarily restricted"; the unit is not in the code): 5 minutes,
//     the QPM advice, since a per-second burst is what the host's own rate limit prevents.
//   40132 (too frequent for one field value): the next second.
// A message that names its unit overrides the code's default: "QPD" -> the next 00:00 UTC
// after now_ms, "QPM" -> 5 minutes, "QPS" -> the next second.
std::optional<std::chrono::milliseconds> throttle_wait(int64_t code, std::string_view message,
                                                       int64_t now_ms);

// The error for a non-zero envelope code. `endpoint` is the path below /open_api/<version>/,
// `message` the platform's text (the caller has removed any secret from it).
connhost::Error error_for_code(std::string_view endpoint, int64_t code, std::string_view message,
                               std::string_view request_id, int64_t now_ms);

// The error for an HTTP status other than 200. `retry_after` is a Retry-After header, if any.
connhost::Error error_for_status(std::string_view endpoint, int status,
                                 std::optional<std::string_view> retry_after);

// `text` with every occurrence of each non-empty secret replaced by "***", control characters
// replaced by spaces and the whole cut to a length fit for an error message.
std::string scrub(std::string_view text, std::initializer_list<std::string_view> secrets);

}  // namespace connhost::tiktok
