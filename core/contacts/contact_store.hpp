#pragma once

// The write side of the contact model (migration 10): a fetched profile becomes the identity's
// attributes, each with its source and fetch time, and a new version row only when a kept
// attribute changed. Runs in the caller's transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "contacts/attributes.hpp"

namespace soci {
class session;
}

namespace connhost::contacts {

struct ProfileWrite {
  std::string platform;  // the plugin's platform: "tiktok", "meta", "google", ...
  std::string connection;
  int64_t grant_id = 0;
  std::optional<int64_t> user_id;  // the grant's local user: their contact gathers identities
  std::string platform_user_id;
  Attributes attributes;   // after the field policy
  std::string fetched_at;  // store text
};

struct WriteOutcome {
  int64_t contact_id = 0;
  int64_t identity_id = 0;
  bool created = false;              // a new contact
  bool new_version = false;          // some kept attribute changed (or this is the first fetch)
  int64_t version = 0;               // the identity's newest version
  std::vector<std::string> changed;  // names of the attributes that changed, sorted
  bool frozen = false;               // the identity is frozen: nothing was written
};

// The identity is found by (platform, platform_user_id); else it joins the contact of the grant's
// local user; else a new contact is made. A frozen identity is left as it is.
WriteOutcome write_profile(soci::session& sql, const ProfileWrite& write);

}  // namespace connhost::contacts
