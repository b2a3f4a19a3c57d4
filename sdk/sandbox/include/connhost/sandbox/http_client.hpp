// A small blocking HTTP/1.1 client on Beast: what the sandbox's webhook driver posts with, and
// what tests use to talk to the sandbox as a plain HTTP client would. Plain http only: the
// sandbox lives on loopback.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::sandbox {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct ClientResponse {
  int status = 0;
  HeaderList headers;
  std::string body;
  std::optional<std::string_view> header(std::string_view name) const;  // case-insensitive
};

// Sends one request to an absolute http:// URL and reads the whole answer. Throws
// std::runtime_error on transport errors (refused, reset, timeout, truncated or malformed answer).
ClientResponse http_request(std::string_view method, std::string_view url,
                            const HeaderList& headers = {}, std::string_view body = {},
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace connhost::sandbox
