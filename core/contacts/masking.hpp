#pragma once

// PII masking for readers without the `pii` scope (docs/contacts.md, "Who sees what"): names and
// handles keep their first character, e-mail addresses their domain, URLs to pictures and shops
// become "[masked]"; counts, categories and regions are not personal and stay.

#include <string>
#include <string_view>

namespace connhost::contacts {

// Whether the attribute can identify a person.
bool is_pii(std::string_view attribute);
// The value as a reader without the pii scope sees it (unchanged when not PII).
std::string mask(std::string_view attribute, std::string_view value);

}  // namespace connhost::contacts
