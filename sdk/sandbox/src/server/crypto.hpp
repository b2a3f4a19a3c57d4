#pragma once

// The digests platforms sign and hash with (OpenSSL underneath).

#include <string>
#include <string_view>

namespace connhost::sandbox {

std::string hmac_sha256_hex(std::string_view key, std::string_view message);  // lowercase hex
std::string hmac_sha1_hex(std::string_view key, std::string_view message);
std::string sha256_hex(std::string_view data);        // lowercase hex
std::string sha256_base64url(std::string_view data);  // RFC 7636 S256: base64url, no padding
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace connhost::sandbox
