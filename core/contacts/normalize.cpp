#include "contacts/normalize.hpp"

#include <algorithm>
#include <cctype>

namespace connhost::contacts {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// Names are shown in lists and matched on: "Jane \n  Doe" and "Jane Doe" are the same name.
std::string collapse(std::string_view s) {
  std::string out;
  bool gap = false;
  for (char c : trim(s)) {
    if (is_space(c)) {
      gap = true;
      continue;
    }
    if (gap) out += ' ';
    gap = false;
    out += c;
  }
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// ISO 3166-1 alpha-2: two letters, upper-case; anything else ("en", "USA", "") is no region.
std::string region_code(std::string_view s) {
  std::string r = trim(s);
  if (r.size() != 2) return {};
  for (auto& c : r) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return {};
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return r;
}

bool is_picture(std::string_view name) {
  return name.find("avatar") != std::string_view::npos ||
         name.find("picture") != std::string_view::npos ||
         name.find("profile_image") != std::string_view::npos ||
         name.find("profile_pic") != std::string_view::npos;
}

}  // namespace

// A count is a decimal integer: "1200", never "1.2K" or "1,200".
std::string count_text(std::string_view s) {
  std::string t = trim(s);
  size_t i = t.size() > 1 && t[0] == '-' ? 1 : 0;
  if (i == t.size()) return {};
  for (size_t k = i; k < t.size(); ++k)
    if (!std::isdigit(static_cast<unsigned char>(t[k]))) return {};
  return t;
}

Attributes normalize(const plugin::ProfileRecord& p) {
  Attributes out;
  auto put = [&](std::string_view name, std::string value) {
    if (!value.empty()) out.insert_or_assign(std::string(name), std::move(value));
  };
  // Extras first, so that a named field wins over an extra of the same name; an extra that
  // carries a standard name gets that attribute's form.
  for (const auto& [key, value] : p.extras) {
    std::string name = lower(trim(key));
    // The platform's id is the identity's key, not one of its attributes.
    if (name.empty() || name == "platform_user_id") continue;
    if (name == "display_name")
      put(name, collapse(value));
    else if (name == "region")
      put(name, region_code(value));
    else if (name == "follower_count" || name == "following_count")
      put(name, count_text(value));
    else
      put(name, trim(value));
  }
  put("display_name", collapse(p.display_name));
  put("avatar_url", trim(p.avatar_url));
  if (p.follower_count) put("follower_count", std::to_string(*p.follower_count));
  if (p.following_count) put("following_count", std::to_string(*p.following_count));
  put("business_category", trim(p.business_category));
  put("shop_url", trim(p.shop_url));
  put("region", region_code(p.region));
  return out;
}

namespace {

// Query parameters that only sign a picture URL or say when it expires: TikTok's x-expires and
// x-signature (tiktok.md §3.2), Meta's oh/oe and _nc_* on fbcdn.net and ext/hash on the
// platform-lookaside profile picture URL (meta-google.md §2.5). Other parameters name the
// picture (Meta's lookaside URL has no picture in its path: asid, height and width say whose
// picture at what size), so they stay.
bool volatile_param(std::string_view name) {
  return name == "x-expires" || name == "x-signature" || name == "oh" || name == "oe" ||
         name == "ext" || name == "hash" || name.starts_with("_nc_");
}

}  // namespace

std::string comparison_form(std::string_view attribute, std::string_view value) {
  if (!is_picture(attribute)) return std::string(value);
  size_t q = value.find('?');
  size_t hash = value.find('#');
  std::string out(value.substr(0, std::min(q, hash)));
  if (q == std::string_view::npos || (hash != std::string_view::npos && hash < q)) return out;
  std::string_view query =
      value.substr(q + 1, hash == std::string_view::npos ? hash : hash - q - 1);
  char sep = '?';
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (param.empty() || volatile_param(param.substr(0, param.find('=')))) continue;
    out += sep;
    out += param;
    sep = '&';
  }
  return out;
}

}  // namespace connhost::contacts
