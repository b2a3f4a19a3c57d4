#pragma once

// [contacts.fields] applied before anything is stored (docs/contacts.md, "Field policy"): an
// attribute the policy does not list is dropped; a listed one is kept, hashed or truncated.

#include <string>
#include <string_view>

#include "config/config.hpp"
#include "contacts/attributes.hpp"

namespace connhost::contacts {

Attributes apply_policy(const config::ContactsSettings& policy, const Attributes& normalized);

// "sha256:" + the lower-case hex SHA-256 of the trimmed, lower-cased value: the form ad platforms
// match customer lists on.
std::string hash_value(std::string_view value);
// The first `length` code points of a UTF-8 value (never splits a character).
std::string truncate_value(std::string_view value, int64_t length);

}  // namespace connhost::contacts
