// Placeholder until the issue #8 work lands: every function throws.
#include "contacts/erasure.hpp"

#include <stdexcept>

namespace connhost::contacts {

std::optional<ErasureReport> erase_contact(store::Store&, const ErasureRequest&) {
  throw std::logic_error("erase_contact: not yet");
}

}  // namespace connhost::contacts
