#pragma once

// HMAC-SHA256 of an HTTP body, as webhook senders sign them: the alerts the host POSTs
// (X-Connhost-Signature) and the deliveries the conformance kit makes for a plugin to verify.

#include <string>
#include <string_view>

namespace connhost::http {

// Lower-case hex of HMAC-SHA256(key, body).
std::string hmac_sha256_hex(std::string_view key, std::string_view body);

}  // namespace connhost::http
