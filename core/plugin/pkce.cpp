#include "plugin/pkce.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>
#include <vector>

namespace connhost::plugin {
namespace {

std::string base64url(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::string hex(const unsigned char* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) out += {kHex[data[i] >> 4], kHex[data[i] & 15]};
  return out;
}

std::vector<unsigned char> random_bytes(size_t n) {
  std::vector<unsigned char> b(n);
  if (RAND_bytes(b.data(), static_cast<int>(n)) != 1)
    throw std::runtime_error("no random bytes from OpenSSL");
  return b;
}

}  // namespace

std::string random_hex(size_t bytes) {
  auto b = random_bytes(bytes);
  return hex(b.data(), b.size());
}

std::string random_base64url(size_t bytes) {
  auto b = random_bytes(bytes);
  return base64url(b.data(), b.size());
}

std::string pkce_challenge(std::string_view platform, std::string_view verifier) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), d);
  return platform == "tiktok" ? hex(d, sizeof d) : base64url(d, sizeof d);
}

}  // namespace connhost::plugin
