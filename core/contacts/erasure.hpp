#pragma once

// Erasure of a person (docs/contacts.md, "Erasure"): `DELETE /api/contacts/{id}` and
// `connhost contacts erase`. Removes the contact's PII from contacts, identities, attributes,
// versions, message sender names and the raw webhook bodies of its conversations (redacted), stops
// the profile sync of its grants, and writes an audit record without PII (contact_erasures). On
// SQLite the deleted bytes are overwritten (secure_delete) and the WAL checkpointed, so that the
// database file holds none of them afterwards.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace connhost::store {
class Store;
}

namespace connhost::contacts {

struct ErasureRequest {
  int64_t contact_id = 0;
  std::string actor;   // "api:<key id>", "api", "cli", "consent:<grant id>"
  std::string reason;  // free text from the requester; must hold no PII
};

struct ErasureReport {
  int64_t contact_id = 0;
  int64_t audit_id = 0;
  bool already_erased = false;
  std::vector<std::string> platforms;     // of the identities erased
  std::map<std::string, int64_t> counts;  // rows changed per table
};

// nullopt: no such contact. Opens its own transaction: call outside one.
std::optional<ErasureReport> erase_contact(store::Store& store, const ErasureRequest& request);

}  // namespace connhost::contacts
