// How Google's error answers map to the host's error categories (transient, quota, auth, config,
// data). Pure: the parsed error in, the connhost::Error to throw out.
//
// Google Ads: google.rpc.Status with a GoogleAdsFailure (notes 4.3); OAuth token endpoint:
// {"error":"invalid_grant",...} (notes 4.1).
#pragma once

#include "google_parse.hpp"

#include <connhost/connector.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace connhost::google {

// When a rate limit names no delay (neither quotaErrorDetails.retryDelay, RetryInfo nor a
// Retry-After header): Google's own quota errors carry "60s" in the captured bodies (notes 4.3),
// and its short-term limits are per minute, so a minute is the sensible wait.
inline constexpr std::chrono::milliseconds kDefaultQuotaRetry{60'000};

// Google Ads answer that is not a success. `what` names the request ("searchStream for customer
// 1234567890, 2026-09-01..2026-09-30"); `header_request_id` is the response's request-id header,
// used when the body has none; `retry_after` is a Retry-After header, if any.
Error ads_error(const ApiError& e, std::string_view what, std::string_view header_request_id,
                std::optional<std::chrono::milliseconds> retry_after);

// The OAuth token endpoint answered `status` with `body` (not a success).
Error oauth_error(int status, std::string_view body,
                  std::optional<std::chrono::milliseconds> retry_after);

// A Retry-After header in seconds ("120"); HTTP dates are not worth a clock dependency here.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view header);

}  // namespace connhost::google
