// Placeholder until the issue #8 work lands: every function throws.
#include "vault/consent_log.hpp"

#include <stdexcept>

namespace connhost::vault {

std::string_view to_string(ConsentEvent) {
  throw std::logic_error("not yet");
}
void record_consent(soci::session&, const ConsentRecord&) {
  throw std::logic_error("not yet");
}
std::vector<ConsentEntry> consent_log(soci::session&, int64_t) {
  throw std::logic_error("not yet");
}

}  // namespace connhost::vault
