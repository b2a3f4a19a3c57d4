// Pure helpers of the declarative HTTP connector: dotted paths into JSON, the value transforms,
// URL templates and the mapping of HTTP answers to error categories. No Call, no I/O, so the
// unit tests exercise them directly.
#pragma once

#include <connhost/connector.hpp>

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace connhost::http_connector {

// The value at a dotted path ("a.b.0.c": object keys, and array indexes as digits); "" is the
// root. Nothing when a step is missing.
const boost::json::value* find_path(const boost::json::value& root, std::string_view path);

// Decimal text of currency units ("12.34", "-0.5", "7", "1.5e2") as integer micros, exactly: the
// digits are shifted, never multiplied as a double. Nothing for text that is not a decimal
// number, has more than six decimals after scaling, or overflows.
std::optional<int64_t> decimal_micros(std::string_view text);

// An integer from a JSON number or from decimal text ("42", "42.0"); nothing for fractions.
std::optional<int64_t> integer_of(const boost::json::value& v);
// A JSON scalar as text: strings as they are, numbers as the JSON would print them.
std::optional<std::string> text_of(const boost::json::value& v);

// Percent-encoding of a URL component (RFC 3986 unreserved characters stay).
std::string encode(std::string_view s);

// {name} placeholders replaced by vars[name], each encoded as a URL component when `encoded`.
std::string expand(std::string_view text, const std::map<std::string, std::string>& vars,
                   bool encoded);

// Retry-After: delta-seconds or an HTTP-date (RFC 9110 §10.2.3), relative to now_ms.
std::optional<std::chrono::milliseconds> retry_after(std::string_view header, int64_t now_ms);

// The error for a non-2xx answer: 429 quota (with Retry-After), 5xx transient, 401/403 auth,
// other 4xx config with the body's message at `message_path`, anything else data. `what` names
// the request; `secrets` are scrubbed from any text taken from the body.
connhost::Error error_for(int status, std::string_view body, std::optional<std::string_view> retry,
                          int64_t now_ms, std::string_view what, std::string_view message_path,
                          std::initializer_list<std::string_view> secrets);

// Text with each secret replaced by *** and control characters by spaces, at most 300 bytes.
std::string scrub(std::string_view text, std::initializer_list<std::string_view> secrets);

}  // namespace connhost::http_connector
