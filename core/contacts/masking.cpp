// Placeholder until the issue #8 work lands: every function throws.
#include "contacts/masking.hpp"

#include <stdexcept>

namespace connhost::contacts {

bool is_pii(std::string_view) {
  throw std::logic_error("not yet");
}
std::string mask(std::string_view, std::string_view) {
  throw std::logic_error("not yet");
}

}  // namespace connhost::contacts
