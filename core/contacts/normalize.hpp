#pragma once

// A plugin's profile record in the contact model's terms (docs/contacts.md, "Normalization"):
// trimmed text, collapsed whitespace in names, counts as decimal integers, region as an upper-case
// ISO 3166-1 alpha-2 code, URLs as given; empty values are left out. Extras (email, username,
// bio_description, ...) keep their names, so that the field policy can keep, hash or drop them.

#include <string>
#include <string_view>

#include "contacts/attributes.hpp"
#include "plugin/instance.hpp"

namespace connhost::contacts {

Attributes normalize(const plugin::ProfileRecord& profile);

// What two fetches of an attribute are compared on to decide whether it changed. The value
// itself, except for picture URLs: TikTok's CDN URLs are temporary, signed with x-expires and
// x-signature in the query (../shared/platforms/tiktok.md §3.2; the sandbox signs its Login Kit
// and business avatars the same way), and Meta's picture URLs expire too (meta-google.md §2.5
// and the Messenger profile_pic note), so every fetch gives a new query for the same picture.
// Those compare on the URL without the query parameters that sign or expire it (and without its
// fragment); parameters that name the picture stay. The store still keeps the newest full URL,
// the one that loads.
std::string comparison_form(std::string_view attribute, std::string_view value);

}  // namespace connhost::contacts
