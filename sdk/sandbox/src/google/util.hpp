#pragma once

// Small helpers shared by the Google emulator: proto3-style JSON text, base64 flavours, request
// ids, HTML escaping. Nothing here knows a Google wire format.

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/html.hpp"
#include "server/http_types.hpp"

namespace connhost::sandbox::goog {

namespace json = boost::json;

// JSON text in which doubles use the shortest round-trip form (250.5, 3, 0.0123), as proto3 JSON
// printers do; Boost.JSON's own serializer would print 2.505E2 and 3E0.
std::string to_text(const json::value& v);

std::string base64url_encode(std::string_view data);                 // no padding
std::optional<std::string> base64url_decode(std::string_view text);  // padding tolerated
std::optional<std::string> base64_decode(std::string_view text);     // standard alphabet

// A 22-character id in the alphabet of Google's request ids (base64url).
std::string new_request_id();

// The token of "Authorization: Bearer <token>", scheme matched case-insensitively.
std::optional<std::string> bearer_token(const Request& r);

// Whether `scopes` holds `scope`.
bool has_scope(const std::vector<std::string>& scopes, std::string_view scope);

// Parses a positive decimal integer of at most `max_digits` digits.
std::optional<int64_t> parse_uint(std::string_view s, size_t max_digits = 18);

}  // namespace connhost::sandbox::goog
