#pragma once

// The rows the contacts API and query tests read, inserted as the contact store and the vault
// write them (migration 10), on either backend.
//
// Contact 1 (Ada, local user 1): a TikTok identity behind grant 1 and a Meta identity without a
// grant link (its consent comes through user 1's grant 2). Contact 2: one Google identity, with a
// name CSV must quote. Contact 3: erased. Grant 3 belongs to user 2 and must not show on
// contact 1; consent row 5 belongs to no grant of theirs.

#include <soci/soci.h>

#include <string>

namespace connhost::test {

// A name with every character CSV must quote.
inline constexpr const char* kAwkwardName = "Bob, \"the builder\"\nJr";

inline void seed_contacts(soci::session& sql) {
  sql << "INSERT INTO users (id, created_at) VALUES (1, '2026-11-01T09:00:00.000Z'), "
         "(2, '2026-11-01T09:00:00.000Z')";
  sql << "INSERT INTO grants (id, user_id, connection, platform_user_id, scopes, key_id, status, "
         "created_at, updated_at) VALUES "
         "(1, 1, 'tiktok_login', 'tt_123', 'user.info.basic,user.info.stats', 'k1', 'active', "
         "'2026-11-01T10:00:00.000Z', '2026-11-04T10:00:00.000Z'), "
         "(2, 1, 'meta_login', 'fb_456', 'public_profile,email', 'k1', 'active', "
         "'2026-11-02T10:00:00.000Z', '2026-11-02T10:00:00.000Z'), "
         "(3, 2, 'tiktok_login', 'tt_other', 'user.info.basic', 'k1', 'active', "
         "'2026-10-01T10:00:00.000Z', '2026-10-01T10:00:00.000Z')";
  std::string awkward = kAwkwardName;
  sql << "INSERT INTO contacts (id, display_name, user_id, status, created_at, updated_at) "
         "VALUES (1, 'Ada Lovelace', 1, 'active', '2026-11-01T10:00:00.000Z', "
         "'2026-11-04T10:00:00.000Z')";
  sql << "INSERT INTO contacts (id, display_name, status, created_at, updated_at) VALUES (2, "
         ":n, 'active', '2026-11-02T10:00:00.000Z', '2026-11-02T10:00:00.000Z')",
      soci::use(awkward);
  sql << "INSERT INTO contacts (id, display_name, status, erased_at, created_at, updated_at) "
         "VALUES (3, NULL, 'erased', '2026-11-05T10:00:00.000Z', '2026-10-01T10:00:00.000Z', "
         "'2026-11-05T10:00:00.000Z')";
  sql << "INSERT INTO contact_identities (id, contact_id, platform, platform_user_id, "
         "created_at, connection, grant_id, status, fetched_at) VALUES "
         "(1, 1, 'tiktok', 'tt_123', '2026-11-01T10:00:00.000Z', 'tiktok_login', 1, 'active', "
         "'2026-11-04T10:00:00.000Z'), "
         "(2, 1, 'meta', 'fb_456', '2026-11-02T10:00:00.000Z', 'meta_login', NULL, 'frozen', "
         "'2026-11-02T10:00:00.000Z'), "
         "(3, 2, 'google', 'G_789', '2026-11-02T10:00:00.000Z', 'google_login', NULL, "
         "'active', '2026-11-02T10:00:00.000Z'), "
         "(4, 3, 'tiktok', 'tt_erased', '2026-10-01T10:00:00.000Z', NULL, NULL, 'active', NULL)";
  sql << "INSERT INTO contact_attributes (identity_id, name, value, fetched_at) VALUES "
         "(1, 'display_name', 'Ada Lovelace', '2026-11-04T10:00:00.000Z'), "
         "(1, 'avatar_url', 'https://cdn.example/ada.jpg?sig=1', '2026-11-04T10:00:00.000Z'), "
         "(1, 'follower_count', '1200', '2026-11-04T10:00:00.000Z'), "
         "(1, 'region', 'GB', '2026-11-04T10:00:00.000Z'), "
         "(1, 'username', 'ada_l', '2026-11-04T10:00:00.000Z'), "
         "(2, 'email', 'ada@example.org', '2026-11-02T10:00:00.000Z'), "
         "(2, 'business_category', 'Science, Maths', '2026-11-02T10:00:00.000Z'), "
         "(2, 'bio_description', 'sha256:0123456789abcdef', '2026-11-02T10:00:00.000Z'), "
         "(3, 'shop_url', 'https://shop.example/bob', '2026-11-02T10:00:00.000Z')";
  // Ids out of time order: the history is ordered by fetch time.
  sql << "INSERT INTO contact_versions (id, contact_id, identity_id, version, attributes_json, "
         "changed_json, connection, fetched_at) VALUES "
         "(1, 1, 1, 2, '{\"display_name\":\"Ada Lovelace\",\"follower_count\":\"1200\"}', "
         "'[\"display_name\",\"follower_count\"]', 'tiktok_login', '2026-11-04T10:00:00.000Z'), "
         "(2, 1, 1, 1, '{\"display_name\":\"Ada L\",\"follower_count\":\"1000\"}', "
         "'[\"display_name\",\"follower_count\"]', 'tiktok_login', '2026-11-01T10:00:00.000Z'), "
         "(3, 1, 2, 1, '{\"email\":\"ada@example.org\"}', '[\"email\"]', 'meta_login', "
         "'2026-11-02T10:00:00.000Z')";
  sql << "INSERT INTO profile_syncs (grant_id, connection, identity_id, status, "
         "last_synced_at, next_due_at, failures) VALUES (1, 'tiktok_login', 1, 'ok', "
         "'2026-11-04T10:00:00.000Z', '2026-11-05T10:00:00.000Z', 0)";
  sql << "INSERT INTO consent_log (id, grant_id, connection, event, scopes, previous_scopes, "
         "source, detail, at) VALUES "
         "(1, 1, 'tiktok_login', 'changed', 'user.info.basic,user.info.stats', "
         "'user.info.basic', 'login', NULL, '2026-11-04T10:00:00.000Z'), "
         "(2, 2, 'meta_login', 'granted', 'public_profile,email', NULL, 'login', NULL, "
         "'2026-11-02T10:00:00.000Z'), "
         "(3, 1, 'tiktok_login', 'granted', 'user.info.basic', NULL, 'login', NULL, "
         "'2026-11-01T10:00:00.000Z'), "
         "(4, 3, 'tiktok_login', 'granted', 'user.info.basic', NULL, 'login', NULL, "
         "'2026-10-01T10:00:00.000Z'), "
         "(5, 99, 'tiktok_login', 'revoked', 'user.info.basic', NULL, 'api', NULL, "
         "'2026-11-03T10:00:00.000Z')";
}

}  // namespace connhost::test
