#pragma once

// PII masking for readers without the `pii` scope (docs/contacts.md, "Who sees what"): names and
// handles keep their first character, e-mail addresses their domain, URLs to pictures and shops
// become "[masked]"; counts, categories and regions are not personal and stay.
//
// What is personal is decided by a short list of what is NOT: an attribute a plugin adds later
// (an extra such as "phone" or "profile_deep_link") is masked until someone decides otherwise.
// Not personal: counts (every name ending in "_count"), "business_category", "region", and flags
// ("is_*", "*_verified"). Personal: everything else, notably display_name, username, email,
// avatar_url, shop_url, bio_description, profile_deep_link and platform_user_id. A hashed value
// ("sha256:<hex>", the field policy's "hash") is pseudonymous, not anonymous: masked as well.

#include <string>
#include <string_view>

namespace connhost::contacts {

// Whether the attribute can identify a person.
bool is_pii(std::string_view attribute);
// The value as a reader without the pii scope sees it (unchanged when not PII):
//   "sha256:..."                     -> "sha256:…"
//   a URL, or an attribute "*_url" / "*_link" -> "[masked]"
//   an e-mail address                -> "…@domain"
//   anything else                    -> its first character (code point) + "…"
// An empty value stays empty.
std::string mask(std::string_view attribute, std::string_view value);

inline constexpr std::string_view kMaskedUrl = "[masked]";

}  // namespace connhost::contacts
