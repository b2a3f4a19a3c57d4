// Placeholder until the issue #8 work lands: every function throws.
#include "contacts/contact_query.hpp"

#include <stdexcept>

namespace connhost::contacts {

ContactPage list_contacts(soci::session&, const ContactFilter&) {
  throw std::logic_error("not yet");
}
std::optional<ContactView> get_contact(soci::session&, int64_t) {
  throw std::logic_error("not yet");
}
std::vector<VersionView> contact_history(soci::session&, int64_t) {
  throw std::logic_error("not yet");
}
std::vector<ConsentView> contact_consent(soci::session&, int64_t) {
  throw std::logic_error("not yet");
}

}  // namespace connhost::contacts
