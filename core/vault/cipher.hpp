#pragma once

// AES-256-GCM for secrets at rest (OpenSSL EVP). A sealed value is text, so that it fits a TEXT
// column on SQLite and PostgreSQL alike:
//
//   base64( version(1) | key id length(1) | key id | nonce(12) | ciphertext | tag(16) )
//
// The version, the key id and the caller's associated data are all authenticated: a sealed value
// decrypts only with the key it names and only for the place it was sealed for (e.g.
// "grant:42:access_token"), so a value copied to another row or field fails. Every failure is a
// VaultError that carries no plaintext, no key and no ciphertext.

#include <array>
#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace connhost::vault {

class VaultError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr size_t kKeyBytes = 32;
inline constexpr size_t kNonceBytes = 12;
inline constexpr size_t kTagBytes = 16;
inline constexpr uint8_t kSealVersion = 1;
inline constexpr size_t kMaxKeyIdBytes = 64;

// 32 bytes of key material, wiped when destroyed. Not printable.
class KeyBytes {
 public:
  KeyBytes() = default;
  explicit KeyBytes(const std::array<unsigned char, kKeyBytes>& bytes) : bytes_(bytes) {}
  KeyBytes(const KeyBytes&) = default;
  KeyBytes& operator=(const KeyBytes&) = default;
  ~KeyBytes();

  const unsigned char* data() const { return bytes_.data(); }
  unsigned char* data() { return bytes_.data(); }
  // A fresh random key (RAND_bytes); for tests and tools.
  static KeyBytes random();

 private:
  std::array<unsigned char, kKeyBytes> bytes_{};
};

// A decrypted secret. Wiped when destroyed, and deliberately without operator<<: reading it
// takes an explicit reveal(), which is easy to find in review.
class SecretText {
 public:
  SecretText() = default;
  explicit SecretText(std::string value) : value_(std::move(value)) {}
  SecretText(const SecretText&) = default;
  SecretText(SecretText&&) noexcept = default;
  SecretText& operator=(const SecretText&) = default;
  SecretText& operator=(SecretText&&) noexcept = default;
  ~SecretText();

  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  bool operator==(const SecretText&) const = default;

  // GoogleTest would otherwise dump the object's bytes (a short string's characters included)
  // when an assertion on a value holding one fails.
  friend void PrintTo(const SecretText&, std::ostream* os) { *os << "SecretText(****)"; }

 private:
  std::string value_;
};

// Encrypts `plaintext` under `key` with a fresh random nonce.
std::string seal(std::string_view key_id, const KeyBytes& key, std::string_view plaintext,
                 std::string_view associated_data);

// The key id a sealed value names. Throws VaultError when the value is not a sealed value.
std::string sealed_key_id(std::string_view sealed);

// Decrypts a value sealed under `key_id` / `key` for `associated_data`. Throws VaultError when
// anything differs or was altered.
SecretText unseal(std::string_view key_id, const KeyBytes& key, std::string_view sealed,
                  std::string_view associated_data);

// Base64 (RFC 4648, with padding) through OpenSSL; decode returns false on anything else.
std::string base64_encode(std::string_view bytes);
bool base64_decode(std::string_view text, std::string& out);

}  // namespace connhost::vault
