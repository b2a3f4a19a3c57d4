#pragma once

// The grants store's behaviour, run against whichever migrated store the caller opened (SQLite in
// grants_sqlite_test.cpp, PostgreSQL in grants_postgres_test.cpp).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/session.hpp"
#include "vault/grants.hpp"

namespace connhost::vault::testing {

inline Keyring keyring_of(std::string active, std::map<std::string, KeyBytes, std::less<>> keys) {
  return Keyring(std::move(active), std::move(keys));
}

inline GrantInput grant_input(int64_t user, std::string connection, std::string platform_user,
                              std::string access, std::optional<std::string> refresh) {
  GrantInput in;
  in.user_id = user;
  in.connection = std::move(connection);
  in.platform_user_id = std::move(platform_user);
  in.scopes = "user.info.basic,video.list";
  in.access_token = SecretText(std::move(access));
  if (refresh) in.refresh_token = SecretText(std::move(*refresh));
  in.expires_at = "2026-11-22T18:53:13.123Z";
  return in;
}

inline void expect_upsert_load_list_status_revoke(soci::session& sql) {
  Keyring ring = keyring_of("k1", {{"k1", KeyBytes::random()}});
  User alice = create_user(sql), bob = create_user(sql);
  EXPECT_GT(bob.id, alice.id);
  ASSERT_TRUE(find_user(sql, alice.id));
  EXPECT_THAT(find_user(sql, alice.id)->created_at, ::testing::EndsWith("Z"));
  EXPECT_FALSE(find_user(sql, 999999));

  int64_t g1 = upsert_grant(
      sql, ring, grant_input(alice.id, "tiktok_main", "tt-1", "acc-1", std::string("ref-1")));
  int64_t g2 = upsert_grant(sql, ring, grant_input(bob.id, "meta_main", "fb-9", "acc-2", {}));
  EXPECT_NE(g1, g2);
  EXPECT_EQ(find_grant_id(sql, "tiktok_main", "tt-1"), g1);
  EXPECT_FALSE(find_grant_id(sql, "tiktok_main", "nobody"));

  auto loaded = load_grant(sql, ring, g1);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->access_token->reveal(), "acc-1");
  EXPECT_EQ(loaded->refresh_token->reveal(), "ref-1");
  EXPECT_EQ(loaded->info.user_id, alice.id);
  EXPECT_EQ(loaded->info.connection, "tiktok_main");
  EXPECT_EQ(loaded->info.platform_user_id, "tt-1");
  EXPECT_EQ(loaded->info.scopes, "user.info.basic,video.list");
  EXPECT_EQ(loaded->info.key_id, "k1");
  EXPECT_EQ(loaded->info.expires_at, "2026-11-22T18:53:13.123Z");
  EXPECT_FALSE(loaded->info.refresh_expires_at);
  EXPECT_EQ(loaded->info.status, GrantStatus::active);
  EXPECT_THAT(loaded->info.created_at, ::testing::EndsWith("Z"));
  auto no_refresh = load_grant(sql, ring, g2);
  ASSERT_TRUE(no_refresh);
  EXPECT_FALSE(no_refresh->refresh_token);
  EXPECT_FALSE(load_grant(sql, ring, 999999));

  // The same connection and platform user: the same row, new tokens, status back to active.
  ASSERT_TRUE(set_grant_status(sql, g1, GrantStatus::reauth_required));
  EXPECT_EQ(list_grants(sql, {.status = GrantStatus::reauth_required}).size(), 1u);
  auto again = grant_input(alice.id, "tiktok_main", "tt-1", "acc-1b", std::string("ref-1b"));
  again.refresh_expires_at = "2027-01-01T00:00:00.000Z";
  EXPECT_EQ(upsert_grant(sql, ring, again), g1);
  auto replaced = load_grant(sql, ring, g1);
  EXPECT_EQ(replaced->access_token->reveal(), "acc-1b");
  EXPECT_EQ(replaced->refresh_token->reveal(), "ref-1b");
  EXPECT_EQ(replaced->info.refresh_expires_at, "2027-01-01T00:00:00.000Z");
  EXPECT_EQ(replaced->info.status, GrantStatus::active);

  auto all = list_grants(sql);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, g1);
  EXPECT_TRUE(all[0].has_access_token && all[0].has_refresh_token);
  EXPECT_FALSE(all[1].has_refresh_token);
  EXPECT_EQ(list_grants(sql, {.user_id = bob.id}).size(), 1u);
  EXPECT_EQ(list_grants(sql, {.connection = std::string("tiktok_main")}).at(0).id, g1);

  EXPECT_TRUE(set_grant_status(sql, g2, GrantStatus::reauth_required));
  EXPECT_EQ(list_grants(sql, {.user_id = bob.id}).at(0).status, GrantStatus::reauth_required);
  EXPECT_FALSE(set_grant_status(sql, 999999, GrantStatus::active));

  ASSERT_TRUE(revoke_grant(sql, g1));
  auto revoked = load_grant(sql, ring, g1);
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->info.status, GrantStatus::revoked);
  EXPECT_FALSE(revoked->access_token);
  EXPECT_FALSE(revoked->refresh_token);
  std::string none = "x";
  soci::indicator ind = soci::i_ok;
  long long key = g1;
  sql << "SELECT access_token_enc FROM grants WHERE id = :id", soci::into(none, ind),
      soci::use(key);
  EXPECT_EQ(ind, soci::i_null);
  EXPECT_FALSE(revoke_grant(sql, 999999));

  auto counts = count_grants(sql);
  EXPECT_EQ(counts.by_status["revoked"], 1);
  EXPECT_EQ(counts.by_status["reauth_required"], 1);
  EXPECT_EQ(counts.by_key_id["k1"], 1);  // the revoked grant holds no token
}

// A sealed token copied to another row or into the other field does not decrypt.
inline void expect_moved_ciphertext_fails(soci::session& sql) {
  Keyring ring = keyring_of("k1", {{"k1", KeyBytes::random()}});
  User u = create_user(sql);
  int64_t a = upsert_grant(sql, ring, grant_input(u.id, "c", "p1", "acc-a", std::string("r-a")));
  int64_t b = upsert_grant(sql, ring, grant_input(u.id, "c", "p2", "acc-b", std::string("r-b")));
  long long ka = a, kb = b;
  sql << "UPDATE grants SET access_token_enc = (SELECT access_token_enc FROM grants WHERE id = "
         ":a) WHERE id = :b",
      soci::use(ka), soci::use(kb);
  EXPECT_THROW(load_grant(sql, ring, b), VaultError);
  sql << "UPDATE grants SET refresh_token_enc = access_token_enc WHERE id = :a", soci::use(ka);
  try {
    load_grant(sql, ring, a);
    FAIL() << "a token moved to the refresh field decrypted";
  } catch (const VaultError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("refresh_token"));
    EXPECT_THAT(e.what(), ::testing::Not(::testing::HasSubstr("acc-a")));
  }
}

inline void expect_rotation_moves_everything_to_the_active_key(soci::session& sql) {
  KeyBytes old_key = KeyBytes::random(), new_key = KeyBytes::random();
  Keyring before = keyring_of("old", {{"old", old_key}});
  User u = create_user(sql);
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(upsert_grant(
        sql, before,
        grant_input(
            u.id, "tiktok_main", "p" + std::to_string(i), "acc-" + std::to_string(i),
            i % 2 ? std::optional<std::string>("ref-" + std::to_string(i)) : std::nullopt)));
  ASSERT_TRUE(revoke_grant(sql, ids[4]));

  Keyring both = keyring_of("new", {{"old", old_key}, {"new", new_key}});
  // A grant written after the switch is already under the new key.
  ids.push_back(upsert_grant(sql, both, grant_input(u.id, "meta_main", "m", "acc-m", {})));
  auto report = rotate(sql, both, 2);
  EXPECT_EQ(report.rotated, 4);
  EXPECT_EQ(report.unchanged, 2);
  for (const auto& g : list_grants(sql))
    if (g.has_access_token) {
      EXPECT_EQ(g.key_id, "new") << g.id;
    }

  // The old key is gone from the configuration: everything still decrypts.
  Keyring after = keyring_of("new", {{"new", new_key}});
  for (int i = 0; i < 4; ++i) {
    auto g = load_grant(sql, after, ids[i]);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->access_token->reveal(), "acc-" + std::to_string(i));
    if (i % 2) {
      EXPECT_EQ(g->refresh_token->reveal(), "ref-" + std::to_string(i));
    }
  }
  EXPECT_EQ(load_grant(sql, after, ids[5])->access_token->reveal(), "acc-m");
  EXPECT_EQ(rotate(sql, after).rotated, 0);

  // A grant under a key the keyring lacks stops the rotation with a message naming the key.
  upsert_grant(sql, keyring_of("lost", {{"lost", KeyBytes::random()}}),
               grant_input(u.id, "c", "lost", "acc-lost", {}));
  try {
    rotate(sql, after);
    FAIL();
  } catch (const VaultError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("\"lost\""));
  }
}

inline void expect_unavailable_vault_stores_nothing(soci::session& sql) {
  User u = create_user(sql);
  EXPECT_THROW(upsert_grant(sql, Keyring{}, grant_input(u.id, "c", "p", "acc", {})),
               VaultUnavailable);
  EXPECT_TRUE(list_grants(sql).empty());
  EXPECT_THROW(rotate(sql, Keyring{}), VaultUnavailable);
}

}  // namespace connhost::vault::testing
