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
namespace soci {
class session;
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
//
// An already erased contact is scrubbed again (messages that arrived in its conversations since
// carry sender names again) and reported `already_erased`. A second audit row is written only
// when that found something to change: the audit trail records erasures that happened, not
// requests that changed nothing; with nothing changed, audit_id is the first erasure's.
//
// What stays: the contact row (status 'erased', erased_at) so that its id keeps answering, the
// conversations and messages (without sender names) with the platform's opaque ids that key them,
// and the dedup keys of the raw deliveries and events (body_sha256, event_id) so that a redelivery
// is still recognized and not processed again.
//
// On PostgreSQL the old row versions stay in the table files as dead tuples until VACUUM reclaims
// them (and in the WAL archive, if any): the operator runs VACUUM, as docs/contacts.md says.
std::optional<ErasureReport> erase_contact(store::Store& store, const ErasureRequest& request);

// The same erasure in the caller's transaction (revocation with on_revoke = erase runs it in the
// revoke's). On SQLite its statements run with secure_delete on, so that the cells and pages they
// free are overwritten with zeros (https://www.sqlite.org/pragma.html#pragma_secure_delete); the
// caller runs checkpoint_after_erasure after its commit so that the WAL holds no older page.
std::optional<ErasureReport> erase_contact_in(soci::session& sql, const ErasureRequest& request);
// SQLite: after the commit, copies the WAL into the database file and truncates the WAL to zero
// bytes, so that neither file holds the erased bytes (the pages written back were zeroed by
// secure_delete). https://www.sqlite.org/pragma.html#pragma_wal_checkpoint. No-op on PostgreSQL.
// Outside a transaction.
void checkpoint_after_erasure(soci::session& sql);

// Deletes one identity's attributes and versions and blanks its display name (revocation with
// on_revoke = erase, when the contact has other identities with data). Adds the rows changed per
// table to `counts`. In the caller's transaction, with secure_delete on SQLite.
void erase_identity_data(soci::session& sql, int64_t identity_id,
                         std::map<std::string, int64_t>& counts);

}  // namespace connhost::contacts
