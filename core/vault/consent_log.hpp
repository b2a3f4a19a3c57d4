#pragma once

// The consent log (migration 10, docs/contacts.md "Consent"): each grant's scopes with the times
// they were granted, changed and revoked. The vault writes it in the same transaction as the
// grant change itself (upsert_grant, store_refreshed, revoke_grant), so no change goes unlogged.
// Rows outlive their grant and hold no token and no profile value.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class session;
}

namespace connhost::vault {

enum class ConsentEvent { granted, changed, revoked };
std::string_view to_string(ConsentEvent event);

struct ConsentRecord {
  int64_t grant_id = 0;
  std::string connection;
  ConsentEvent event = ConsentEvent::granted;
  std::string scopes;                          // after the event, as the platform writes them
  std::optional<std::string> previous_scopes;  // changed: before it
  std::string source;                          // login | refresh | api | cli | webhook
  std::optional<std::string> detail;           // e.g. the platform's reason; no PII
};

// Appends one entry, timed now. In the caller's transaction.
void record_consent(soci::session& sql, const ConsentRecord& record);

struct ConsentEntry {
  int64_t id = 0;
  ConsentRecord record;
  std::string at;  // store text
};
// One grant's log, oldest first.
std::vector<ConsentEntry> consent_log(soci::session& sql, int64_t grant_id);

// Whether two scope strings grant the same scopes: compared as sets, split on commas and spaces
// (the platforms' notations), so another order is no change of consent.
bool same_scopes(std::string_view a, std::string_view b);

}  // namespace connhost::vault
