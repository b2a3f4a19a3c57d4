#pragma once

// A plugin's profile record in the contact model's terms (docs/contacts.md, "Normalization"):
// trimmed text, collapsed whitespace in names, counts as decimal integers, region as an upper-case
// ISO 3166-1 alpha-2 code, URLs as given; empty values are left out. Extras (email, username,
// bio_description, ...) keep their names, so that the field policy can keep, hash or drop them.

#include "contacts/attributes.hpp"
#include "plugin/instance.hpp"

namespace connhost::contacts {

Attributes normalize(const plugin::ProfileRecord& profile);

}  // namespace connhost::contacts
