// Placeholder until the issue #8 work lands: every function throws.
#include "contacts/revocation.hpp"

#include <stdexcept>

namespace connhost::contacts {

RevocationOutcome apply_revocation(soci::session&, const config::ContactsSettings&, int64_t,
                                   std::string_view) {
  throw std::logic_error("apply_revocation: not yet");
}

}  // namespace connhost::contacts
