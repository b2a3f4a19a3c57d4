#pragma once

// The read side of the contact model, for the API, the CLI and the CSV export: lists with search,
// one contact with its identities and attributes, its version history and its consent record.
// Values are as stored; masking is the caller's (contacts/masking.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "contacts/attributes.hpp"

namespace soci {
class session;
}

namespace connhost::contacts {

struct IdentityView {
  int64_t id = 0;
  std::string platform;
  std::string platform_user_id;
  std::optional<std::string> connection;
  std::optional<int64_t> grant_id;
  std::string status;  // active | frozen
  std::optional<std::string> fetched_at;
  struct Attribute {
    std::string name, value, fetched_at;
  };
  std::vector<Attribute> attributes;  // by name
  // The profile sync state of the identity's grant (profile_syncs), when it has been synced.
  struct Sync {
    std::string status;  // ok | failed | needs_scope | unsupported | stopped
    std::optional<std::string> last_synced_at, next_due_at, error;
  };
  std::optional<Sync> sync;
};

struct ContactView {
  int64_t id = 0;
  std::optional<std::string> display_name;
  std::optional<int64_t> user_id;
  std::string status;  // active | frozen | erased
  std::string created_at, updated_at;
  std::optional<std::string> erased_at;
  std::vector<IdentityView> identities;  // filled by get_contact; list_contacts fills platforms
  std::vector<std::string> platforms;
};

struct ContactFilter {
  std::string search;  // case-insensitive substring of the display name or a platform user id
  std::optional<std::string> platform;
  bool include_erased = false;
  int64_t limit = 50;
  int64_t offset = 0;
};

struct ContactPage {
  std::vector<ContactView> contacts;  // by id
  int64_t total = 0;                  // matching the filter, before limit/offset
};

ContactPage list_contacts(soci::session& sql, const ContactFilter& filter);
std::optional<ContactView> get_contact(soci::session& sql, int64_t id);

struct VersionView {
  int64_t id = 0;
  int64_t identity_id = 0;
  std::string platform, connection;
  int64_t version = 0;
  Attributes attributes;
  std::vector<std::string> changed;
  std::string fetched_at;
};
// Newest first, across the contact's identities.
std::vector<VersionView> contact_history(soci::session& sql, int64_t contact_id);

struct ConsentView {
  int64_t id = 0;
  int64_t grant_id = 0;
  std::string connection;
  std::string event;  // granted | changed | revoked
  std::string scopes;
  std::optional<std::string> previous_scopes;
  std::string source;  // login | refresh | api | cli | webhook
  std::optional<std::string> detail;
  std::string at;
};
// The consent log of the grants behind the contact's identities and of its local user's grants,
// oldest first.
std::vector<ConsentView> contact_consent(soci::session& sql, int64_t contact_id);

}  // namespace connhost::contacts
