#include "vault/cipher.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <vector>

namespace connhost::vault {
namespace {

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

// A byte buffer that is wiped before its memory goes back to the allocator.
struct Wiped {
  std::vector<unsigned char> bytes;
  explicit Wiped(size_t n) : bytes(n) {}
  ~Wiped() {
    if (!bytes.empty()) OPENSSL_cleanse(bytes.data(), bytes.size());
  }
};

const unsigned char* u8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// The header (version, key id) is authenticated together with the caller's associated data, so
// neither can be swapped on its own.
std::string full_ad(std::string_view header, std::string_view associated_data) {
  std::string ad(header);
  ad += associated_data;
  return ad;
}

std::string header_for(std::string_view key_id) {
  if (key_id.empty() || key_id.size() > kMaxKeyIdBytes)
    throw VaultError("vault key id must have 1 to " + std::to_string(kMaxKeyIdBytes) + " bytes");
  std::string h;
  h += static_cast<char>(kSealVersion);
  h += static_cast<char>(key_id.size());
  h += key_id;
  return h;
}

struct Parsed {
  std::string raw;  // the decoded bytes; the views below point into it
  std::string_view header, key_id, nonce, ciphertext, tag;
};

Parsed parse(std::string_view sealed) {
  Parsed p;
  if (!base64_decode(sealed, p.raw)) throw VaultError("not a sealed vault value (not base64)");
  std::string_view r = p.raw;
  if (r.size() < 2) throw VaultError("not a sealed vault value (too short)");
  if (static_cast<uint8_t>(r[0]) != kSealVersion)
    throw VaultError("sealed vault value of unknown version " +
                     std::to_string(static_cast<uint8_t>(r[0])));
  size_t id_len = static_cast<uint8_t>(r[1]);
  if (id_len == 0 || r.size() < 2 + id_len + kNonceBytes + kTagBytes)
    throw VaultError("not a sealed vault value (truncated)");
  p.header = r.substr(0, 2 + id_len);
  p.key_id = r.substr(2, id_len);
  p.nonce = r.substr(2 + id_len, kNonceBytes);
  size_t ct_at = 2 + id_len + kNonceBytes;
  p.ciphertext = r.substr(ct_at, r.size() - ct_at - kTagBytes);
  p.tag = r.substr(r.size() - kTagBytes);
  return p;
}

bool b64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

}  // namespace

KeyBytes::~KeyBytes() {
  OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

KeyBytes KeyBytes::random() {
  KeyBytes k;
  if (RAND_bytes(k.bytes_.data(), static_cast<int>(k.bytes_.size())) != 1)
    throw VaultError("the system random generator failed");
  return k;
}

SecretText::~SecretText() {
  if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
}

std::string seal(std::string_view key_id, const KeyBytes& key, std::string_view plaintext,
                 std::string_view associated_data) {
  std::string header = header_for(key_id);
  std::string ad = full_ad(header, associated_data);
  unsigned char nonce[kNonceBytes];
  if (RAND_bytes(nonce, sizeof nonce) != 1) throw VaultError("the system random generator failed");

  Ctx ctx(EVP_CIPHER_CTX_new());
  std::string out = header;
  out.append(reinterpret_cast<const char*>(nonce), sizeof nonce);
  size_t ct_at = out.size();
  out.resize(ct_at + plaintext.size() + kTagBytes);
  auto* ct = reinterpret_cast<unsigned char*>(out.data()) + ct_at;
  int len = 0, fin = 0;
  bool ok =
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) &&
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce) &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, u8(ad), static_cast<int>(ad.size())) &&
      EVP_EncryptUpdate(ctx.get(), ct, &len, u8(plaintext), static_cast<int>(plaintext.size())) &&
      EVP_EncryptFinal_ex(ctx.get(), ct + len, &fin) &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, ct + plaintext.size());
  if (!ok) throw VaultError("encryption failed (OpenSSL)");
  return base64_encode(out);
}

std::string sealed_key_id(std::string_view sealed) {
  return std::string(parse(sealed).key_id);
}

SecretText unseal(std::string_view key_id, const KeyBytes& key, std::string_view sealed,
                  std::string_view associated_data) {
  Parsed p = parse(sealed);
  if (p.key_id != key_id)
    throw VaultError("sealed under key \"" + std::string(p.key_id) + "\", not \"" +
                     std::string(key_id) + "\"");
  std::string ad = full_ad(p.header, associated_data);
  Ctx ctx(EVP_CIPHER_CTX_new());
  Wiped plain(p.ciphertext.size() + 1);  // +1: EVP wants a valid pointer for empty input
  std::string tag(p.tag);
  int len = 0, fin = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), u8(p.nonce)) &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len, u8(ad), static_cast<int>(ad.size())) &&
            EVP_DecryptUpdate(ctx.get(), plain.bytes.data(), &len, u8(p.ciphertext),
                              static_cast<int>(p.ciphertext.size())) &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) &&
            EVP_DecryptFinal_ex(ctx.get(), plain.bytes.data() + len, &fin) > 0;
  // GCM releases plaintext before the tag is checked; on failure it is wiped with `plain` and
  // never returned.
  if (!ok)
    throw VaultError("decryption failed under key \"" + std::string(key_id) +
                     "\": wrong key, altered value, or a value that belongs elsewhere");
  return SecretText(
      std::string(reinterpret_cast<const char*>(plain.bytes.data()), p.ciphertext.size()));
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), u8(bytes),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  out.clear();
  if (text.size() % 4 != 0) return false;
  size_t pad = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '=') {
      if (i + 2 < text.size()) return false;  // padding only in the last two places
      ++pad;
    } else if (!b64_char(c) || pad > 0) {
      return false;
    }
  }
  if (text.empty()) return true;
  out.resize(text.size() / 4 * 3);
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), u8(text),
                          static_cast<int>(text.size()));
  if (n < 0) return false;
  out.resize(static_cast<size_t>(n) - pad);
  return true;
}

}  // namespace connhost::vault
