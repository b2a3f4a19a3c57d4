// Placeholder until the issue #8 work lands: every function throws.
#include "contacts/csv_export.hpp"

#include <stdexcept>

namespace connhost::contacts {

void export_csv(soci::session&, bool, const std::function<void(std::string_view)>&) {
  throw std::logic_error("not yet");
}

}  // namespace connhost::contacts
