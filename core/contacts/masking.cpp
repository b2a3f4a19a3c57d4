#include "contacts/masking.hpp"

#include <algorithm>
#include <array>

namespace connhost::contacts {
namespace {

constexpr std::string_view kEllipsis = "…";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if ((s[i] | 0x20) != prefix[i]) return false;
  return true;
}

// The bytes of the first UTF-8 character (a lone continuation byte counts as one).
size_t first_char_length(std::string_view v) {
  auto c = static_cast<unsigned char>(v[0]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  return std::min(n, v.size());
}

}  // namespace

bool is_pii(std::string_view attribute) {
  static constexpr std::array<std::string_view, 2> kNotPersonal = {"business_category", "region"};
  for (auto n : kNotPersonal)
    if (attribute == n) return false;
  if (ends_with(attribute, "_count")) return false;
  if (attribute.starts_with("is_") || ends_with(attribute, "_verified")) return false;
  return true;
}

std::string mask(std::string_view attribute, std::string_view value) {
  if (!is_pii(attribute) || value.empty()) return std::string(value);
  // A hash is checked first: its hex would otherwise keep a first character.
  if (value.starts_with("sha256:")) return "sha256:" + std::string(kEllipsis);
  if (ends_with(attribute, "_url") || ends_with(attribute, "_link") ||
      starts_with_nocase(value, "http://") || starts_with_nocase(value, "https://"))
    return std::string(kMaskedUrl);
  if (auto at = value.rfind('@'); at != std::string_view::npos && at > 0 && at + 1 < value.size())
    return std::string(kEllipsis) + std::string(value.substr(at));
  if (attribute == "email") return std::string(kEllipsis);
  return std::string(value.substr(0, first_char_length(value))) + std::string(kEllipsis);
}

}  // namespace connhost::contacts
