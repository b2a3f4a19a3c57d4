#include "config/listen_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace connhost::config {

bool ListenAddress::loopback() const {
  if (host == "localhost") return true;
  unsigned char v4[4], v6[16];
  if (inet_pton(AF_INET, host.c_str(), v4) == 1) return v4[0] == 127;
  if (inet_pton(AF_INET6, host.c_str(), v6) != 1) return false;
  static const unsigned char kLoop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(v6, kLoop, 16) == 0) return true;
  return std::memcmp(v6, kMapped, 12) == 0 && v6[12] == 127;
}

std::string ListenAddress::to_string() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<ListenAddress> parse_listen(std::string_view s) {
  ListenAddress a;
  size_t colon;
  if (s.starts_with('[')) {
    size_t close = s.find("]:");
    if (close == std::string_view::npos) return std::nullopt;
    a.host = std::string(s.substr(1, close - 1));
    colon = close + 1;
  } else {
    colon = s.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    a.host = std::string(s.substr(0, colon));
    if (a.host.find(':') != std::string::npos) return std::nullopt;  // IPv6 needs brackets
  }
  if (a.host.empty() || a.host.find_first_of(" \t/[]") != std::string::npos) return std::nullopt;
  std::string_view port = s.substr(colon + 1);
  unsigned p = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || p > 65535)
    return std::nullopt;
  a.port = static_cast<uint16_t>(p);
  return a;
}

}  // namespace connhost::config
