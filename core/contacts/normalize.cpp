// Placeholder until the issue #8 work lands: every function throws.
#include "contacts/normalize.hpp"

#include <stdexcept>

namespace connhost::contacts {

Attributes normalize(const plugin::ProfileRecord&) {
  throw std::logic_error("normalize: not yet");
}

}  // namespace connhost::contacts
