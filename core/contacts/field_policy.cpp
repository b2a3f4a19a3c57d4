// Placeholder until the issue #8 work lands: every function throws.
#include "contacts/field_policy.hpp"

#include <stdexcept>

namespace connhost::contacts {

Attributes apply_policy(const config::ContactsSettings&, const Attributes&) {
  throw std::logic_error("apply_policy: not yet");
}
std::string hash_value(std::string_view) {
  throw std::logic_error("hash_value: not yet");
}
std::string truncate_value(std::string_view, int64_t) {
  throw std::logic_error("truncate_value: not yet");
}

}  // namespace connhost::contacts
