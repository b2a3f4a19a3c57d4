// Placeholder until the issue #8 work lands: every function throws.
#include "contacts/contact_store.hpp"

#include <stdexcept>

namespace connhost::contacts {

WriteOutcome write_profile(soci::session&, const ProfileWrite&) {
  throw std::logic_error("write_profile: not yet");
}

}  // namespace connhost::contacts
