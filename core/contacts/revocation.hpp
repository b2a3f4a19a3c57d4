#pragma once

// What revoked consent does to a profile (docs/contacts.md, "Consent"): the grant's profile sync
// stops, and its identity is frozen (kept, never updated again, shown as frozen) or erased (its
// attributes and versions deleted), as [contacts] on_revoke says. Runs in the caller's
// transaction, after the grant was revoked (vault::revoke_grant logs the consent event).

#include <cstdint>
#include <string_view>

#include "config/config.hpp"

namespace soci {
class session;
}

namespace connhost::contacts {

struct RevocationOutcome {
  bool identity_found = false;
  bool frozen = false;
  bool erased = false;
};

RevocationOutcome apply_revocation(soci::session& sql, const config::ContactsSettings& policy,
                                   int64_t grant_id, std::string_view reason);

}  // namespace connhost::contacts
