#include "contacts/revocation.hpp"

#include <soci/soci.h>

#include "contacts/erasure.hpp"
#include "log/logger.hpp"
#include "store/timestamp.hpp"

namespace connhost::contacts {
namespace {

using soci::into;
using soci::use;

// The grant's profile sync stops: a row is made when the grant was never synced, so that a later
// sync run (which looks at profile_syncs) sees why and leaves the grant alone.
void stop_sync(soci::session& sql, long long grant, std::string_view reason,
               std::optional<long long> identity) {
  std::string connection;
  sql << "SELECT connection FROM grants WHERE id = :g", use(grant), into(connection);
  if (!sql.got_data()) return;
  std::string error(reason), now = store::now_timestamp();
  long long identity_id = identity.value_or(0);
  soci::indicator identity_ind = identity ? soci::i_ok : soci::i_null;
  sql << "INSERT INTO profile_syncs (grant_id, connection, identity_id, status, last_attempt_at, "
         "error) VALUES (:g, :c, :i, 'stopped', :t, :e) ON CONFLICT (grant_id) DO UPDATE SET "
         "status = 'stopped', error = excluded.error",
      use(grant), use(connection), use(identity_id, identity_ind), use(now), use(error);
}

// Whether the contact keeps some identity other than `except` that still holds profile data.
bool other_identity_with_data(soci::session& sql, long long contact, long long except) {
  long long n = 0;
  sql << "SELECT COUNT(*) FROM contact_identities i WHERE i.contact_id = :c AND i.id <> :e AND "
         "(i.display_name IS NOT NULL OR EXISTS (SELECT 1 FROM contact_attributes a WHERE "
         "a.identity_id = i.id) OR EXISTS (SELECT 1 FROM contact_versions v WHERE "
         "v.identity_id = i.id))",
      use(contact), use(except), into(n);
  return n > 0;
}

}  // namespace

RevocationOutcome apply_revocation(soci::session& sql, const config::ContactsSettings& policy,
                                   int64_t grant_id, std::string_view reason) {
  RevocationOutcome out;
  long long grant = grant_id, identity = 0, contact = 0;
  sql << "SELECT id, contact_id FROM contact_identities WHERE grant_id = :g ORDER BY id",
      use(grant), into(identity), into(contact);
  out.identity_found = sql.got_data();
  stop_sync(sql, grant, reason,
            out.identity_found ? std::optional<long long>(identity) : std::nullopt);
  if (!out.identity_found) return out;

  const std::string now = store::now_timestamp();
  if (policy.on_revoke == config::ContactsSettings::OnRevoke::freeze) {
    sql << "UPDATE contact_identities SET status = 'frozen' WHERE id = :i", use(identity);
    // The contact is frozen once none of its identities can change any more; an erased contact
    // stays erased.
    sql << "UPDATE contacts SET status = 'frozen', updated_at = :t WHERE id = :c AND status = "
           "'active' AND NOT EXISTS (SELECT 1 FROM contact_identities WHERE contact_id = :c2 AND "
           "status <> 'frozen')",
        use(now), use(contact), use(contact);
    out.frozen = true;
    log::info("contacts: grant {} revoked: identity {} of contact {} frozen", grant_id, identity,
              contact);
    return out;
  }

  out.erased = true;
  if (other_identity_with_data(sql, contact, identity)) {
    std::map<std::string, int64_t> counts;
    erase_identity_data(sql, identity, counts);
    // The contact's name may have come from this identity: it takes another identity's, or none.
    sql << "UPDATE contacts SET display_name = (SELECT display_name FROM contact_identities WHERE "
           "contact_id = :c AND display_name IS NOT NULL ORDER BY id LIMIT 1), updated_at = :t "
           "WHERE id = :c2",
        use(contact), use(now), use(contact);
    log::info("contacts: grant {} revoked: identity {} of contact {} erased", grant_id, identity,
              contact);
    return out;
  }
  // Nothing else is left of the person: the whole contact goes, with its audit record.
  ErasureRequest request{.contact_id = contact,
                         .actor = "consent:" + std::to_string(grant_id),
                         .reason = "consent revoked"};
  auto report = erase_contact_in(sql, request);
  log::info("contacts: grant {} revoked: contact {} erased (audit {})", grant_id, contact,
            report ? report->audit_id : 0);
  return out;
}

}  // namespace connhost::contacts
