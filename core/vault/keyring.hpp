#pragma once

// The vault's keys: key id -> 32-byte AES key, one of them active. New secrets are sealed with the
// active key; a sealed value names its key, so older keys stay readable until `rotate`
// (vault/grants.hpp) has re-sealed everything under the active one and they can be dropped from
// the configuration.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "vault/cipher.hpp"

namespace connhost::vault {

// Thrown when the vault is used but no key is configured.
class VaultUnavailable : public VaultError {
 public:
  using VaultError::VaultError;
};

// A key's text, 64 hex characters or base64 of 32 bytes (44 characters with padding; surrounding
// whitespace ignored), decoded; nullopt for anything else.
std::optional<KeyBytes> decode_key(std::string_view text);

struct KeyringLoad;

class Keyring {
 public:
  // Unavailable: every encrypt/decrypt throws VaultUnavailable.
  Keyring() = default;
  // `active_id` must be one of `keys`; throws VaultError otherwise.
  Keyring(std::string active_id, std::map<std::string, KeyBytes, std::less<>> keys);

  // Resolves and decodes the keys [vault] names. A key whose value is not 32 bytes in hex or
  // base64, or cannot be read, is an error naming the key id (never the value) at its position in
  // the file. Without [vault] the keyring is unavailable, which is not an error.
  static KeyringLoad from_config(const config::VaultSettings& settings);

  bool available() const { return !active_.empty(); }
  const std::string& active_id() const { return active_; }
  std::vector<std::string> key_ids() const;  // sorted
  bool has_key(std::string_view id) const { return keys_.find(id) != keys_.end(); }

  // Seals with the active key; `associated_data` names where the value will live.
  std::string encrypt(std::string_view plaintext, std::string_view associated_data) const;
  // Opens with the key the value names. Throws VaultError when that key is not configured or the
  // value does not decrypt for `associated_data`.
  SecretText decrypt(std::string_view sealed, std::string_view associated_data) const;

 private:
  void require_available() const;

  std::string active_;
  std::map<std::string, KeyBytes, std::less<>> keys_;
};

struct KeyringLoad {
  Keyring keyring;
  std::vector<config::Diagnostic> errors;
  bool ok() const { return errors.empty(); }
};

// What to tell someone who used an unconfigured vault.
inline constexpr std::string_view kNoVaultMessage =
    "the token vault has no key: configure [vault] active_key and [vault.keys] with a reference "
    "to 32 random bytes (`openssl rand -hex 32`), see docs/login.md";

}  // namespace connhost::vault
