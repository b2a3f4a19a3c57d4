#include "vault/keyring.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>

namespace connhost::vault {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<KeyBytes> decode_key(std::string_view text) {
  text = trim(text);
  std::array<unsigned char, kKeyBytes> bytes{};
  std::optional<KeyBytes> out;
  if (text.size() == 2 * kKeyBytes) {
    bool ok = true;
    for (size_t i = 0; i < kKeyBytes && ok; ++i) {
      int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
      ok = hi >= 0 && lo >= 0;
      bytes[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    if (ok) out.emplace(bytes);
  } else if (text.size() == 44) {
    std::string raw;
    if (base64_decode(text, raw) && raw.size() == kKeyBytes) {
      std::copy(raw.begin(), raw.end(), bytes.begin());
      out.emplace(bytes);
    }
    OPENSSL_cleanse(raw.data(), raw.size());
  }
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return out;
}

Keyring::Keyring(std::string active_id, std::map<std::string, KeyBytes, std::less<>> keys)
    : active_(std::move(active_id)), keys_(std::move(keys)) {
  if (active_.empty() || !has_key(active_))
    throw VaultError("the active vault key \"" + active_ + "\" is not in the keyring");
  for (const auto& [id, key] : keys_)
    if (id.empty() || id.size() > kMaxKeyIdBytes)
      throw VaultError("vault key id must have 1 to " + std::to_string(kMaxKeyIdBytes) + " bytes");
}

KeyringLoad Keyring::from_config(const config::VaultSettings& settings) {
  KeyringLoad out;
  if (!settings.configured()) return out;
  std::map<std::string, KeyBytes, std::less<>> keys;
  for (const auto& k : settings.keys) {
    std::string path = "vault.keys." + k.id;
    auto value = config::resolve_secret(k.ref);
    if (!value.ok()) {
      out.errors.push_back({k.pos, path, value.error});
      continue;
    }
    auto key = decode_key(*value.value);
    OPENSSL_cleanse(value.value->data(), value.value->size());
    if (!key) {
      out.errors.push_back(
          {k.pos, path,
           "the key " + k.ref.to_string() +
               " holds is not 32 bytes written as 64 hex characters or 44 base64 characters; "
               "generate one with `openssl rand -hex 32`"});
      continue;
    }
    keys.emplace(k.id, *key);
  }
  if (!keys.count(settings.active_key)) {
    if (out.errors.empty())
      out.errors.push_back(
          {settings.active_key_pos, "vault.active_key", "names no key of [vault.keys]"});
    return out;
  }
  if (out.errors.empty()) out.keyring = Keyring(settings.active_key, std::move(keys));
  return out;
}

std::vector<std::string> Keyring::key_ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, key] : keys_) ids.push_back(id);
  return ids;
}

void Keyring::require_available() const {
  if (!available()) throw VaultUnavailable(std::string(kNoVaultMessage));
}

std::string Keyring::encrypt(std::string_view plaintext, std::string_view associated_data) const {
  require_available();
  return seal(active_, keys_.find(active_)->second, plaintext, associated_data);
}

SecretText Keyring::decrypt(std::string_view sealed, std::string_view associated_data) const {
  require_available();
  std::string id = sealed_key_id(sealed);
  auto it = keys_.find(id);
  if (it == keys_.end())
    throw VaultError("sealed under vault key \"" + id +
                     "\", which is not configured in [vault.keys]");
  return unseal(id, it->second, sealed, associated_data);
}

}  // namespace connhost::vault
