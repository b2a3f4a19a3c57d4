#include "contacts/field_policy.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <stdexcept>

namespace connhost::contacts {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

Attributes apply_policy(const config::ContactsSettings& policy, const Attributes& normalized) {
  Attributes out;
  for (const auto& [name, value] : normalized) {
    auto rule = policy.fields.find(name);
    if (rule == policy.fields.end()) continue;  // not listed: never stored
    switch (rule->second.action) {
      case config::FieldRule::Action::keep:
        out.emplace(name, value);
        break;
      case config::FieldRule::Action::hash:
        out.emplace(name, hash_value(value));
        break;
      case config::FieldRule::Action::truncate:
        out.emplace(name, truncate_value(value, rule->second.length));
        break;
    }
  }
  return out;
}

std::string hash_value(std::string_view value) {
  size_t b = 0, e = value.size();
  while (b < e && is_space(value[b])) ++b;
  while (e > b && is_space(value[e - 1])) --e;
  std::string text(value.substr(b, e - b));
  // ASCII lower-casing: Meta's and TikTok's customer-list matching normalizes e-mail addresses
  // this way before hashing with SHA-256.
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("hash_value: SHA-256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < size; ++i) out += {kHex[digest[i] >> 4], kHex[digest[i] & 15]};
  return out;
}

std::string truncate_value(std::string_view value, int64_t length) {
  if (length <= 0) return {};
  int64_t points = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    // A byte 10xxxxxx continues the current character; any other starts the next one.
    bool starts = (static_cast<unsigned char>(value[i]) & 0xC0) != 0x80;
    if (starts && points++ == length) return std::string(value.substr(0, i));
  }
  return std::string(value);
}

}  // namespace connhost::contacts
