#pragma once

// `[server] listen` / `--listen`: HOST:PORT or [IPV6]:PORT, and whether it is loopback, which
// decides whether the API needs a key.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace connhost::config {

struct ListenAddress {
  std::string host;   // without brackets: "127.0.0.1", "::1", "localhost", "0.0.0.0"
  uint16_t port = 0;  // 0: an ephemeral port (tests)

  // 127.0.0.0/8, ::1, ::ffff:127.0.0.0/104 and "localhost". Anything else, 0.0.0.0 and :: in
  // particular, is reachable from elsewhere.
  bool loopback() const;
  std::string to_string() const;  // "[::1]:8007"
};

// Nothing when the text is not HOST:PORT or [IPV6]:PORT with a port from 0 to 65535.
std::optional<ListenAddress> parse_listen(std::string_view text);

}  // namespace connhost::config
