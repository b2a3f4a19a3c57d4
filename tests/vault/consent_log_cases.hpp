#pragma once

// The consent log written by the vault (vault/consent_log.hpp), run against whichever migrated
// store the caller opened (SQLite in tests/contacts/governance_test.cpp, PostgreSQL in
// grants_postgres_test.cpp).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/session.hpp"
#include "store/timestamp.hpp"
#include "vault/consent_log.hpp"
#include "vault/grants.hpp"

namespace connhost::vault::testing {

inline GrantInput consent_grant(int64_t user, std::string scopes) {
  GrantInput in;
  in.user_id = user;
  in.connection = "tiktok_main";
  in.platform_user_id = "open-id-consent";
  in.scopes = std::move(scopes);
  in.access_token = SecretText(std::string("acc-consent"));
  in.refresh_token = SecretText(std::string("ref-consent"));
  return in;
}

// A sign-in, the same sign-in again, one with more scopes, a refresh with the same scopes in
// another order, one with fewer, a revocation, a second revocation, and a sign-in after it.
inline void expect_consent_log_follows_the_grant(soci::session& sql) {
  Keyring ring("k1", {{"k1", KeyBytes::random()}});
  User u = create_user(sql);

  int64_t id = upsert_grant(sql, ring, consent_grant(u.id, "user.info.basic"));
  upsert_grant(sql, ring, consent_grant(u.id, "user.info.basic"));
  upsert_grant(sql, ring, consent_grant(u.id, "user.info.basic,user.info.profile"));

  ASSERT_TRUE(try_refresh_lease(sql, id, "refresher", std::chrono::seconds(60)));
  RefreshedTokens same{.access_token = SecretText(std::string("acc-2")),
                       .scopes = std::string("user.info.profile,user.info.basic")};
  ASSERT_TRUE(store_refreshed(sql, ring, id, "refresher", same));
  RefreshedTokens fewer{.access_token = SecretText(std::string("acc-3")),
                        .scopes = std::string("user.info.basic")};
  ASSERT_TRUE(store_refreshed(sql, ring, id, "refresher", fewer));
  RefreshedTokens unchanged{.access_token = SecretText(std::string("acc-4"))};  // no scopes
  ASSERT_TRUE(store_refreshed(sql, ring, id, "refresher", unchanged));
  release_refresh_lease(sql, id, "refresher");

  {
    soci::transaction tx(sql);
    ASSERT_TRUE(revoke_grant(sql, id, "cli", std::string("asked by the account owner")));
    tx.commit();
  }
  ASSERT_TRUE(revoke_grant(sql, id, "api"));  // already revoked: no second entry
  GrantInput again = consent_grant(u.id, "user.info.basic");
  again.consent_source = "cli";
  EXPECT_EQ(upsert_grant(sql, ring, again), id);

  auto log = consent_log(sql, id);
  ASSERT_EQ(log.size(), 5u);
  auto expect = [&](size_t i, ConsentEvent event, std::string_view scopes,
                    std::optional<std::string> previous, std::string_view source,
                    std::optional<std::string> detail) {
    SCOPED_TRACE("entry " + std::to_string(i));
    const auto& r = log[i].record;
    EXPECT_EQ(r.grant_id, id);
    EXPECT_EQ(r.connection, "tiktok_main");
    EXPECT_EQ(to_string(r.event), to_string(event));
    EXPECT_EQ(r.scopes, scopes);
    EXPECT_EQ(r.previous_scopes, previous);
    EXPECT_EQ(r.source, source);
    EXPECT_EQ(r.detail, detail);
    EXPECT_TRUE(store::parse_timestamp(log[i].at)) << log[i].at;
    if (i > 0) {
      EXPECT_GT(log[i].id, log[i - 1].id);
      EXPECT_GE(*store::parse_timestamp(log[i].at), *store::parse_timestamp(log[i - 1].at));
    }
  };
  expect(0, ConsentEvent::granted, "user.info.basic", std::nullopt, "login", std::nullopt);
  expect(1, ConsentEvent::changed, "user.info.basic,user.info.profile", "user.info.basic", "login",
         std::nullopt);
  // The refresh in another order changed no consent but stored the platform's new spelling: that
  // is what the next change was made from.
  expect(2, ConsentEvent::changed, "user.info.basic", "user.info.profile,user.info.basic",
         "refresh", std::nullopt);
  expect(3, ConsentEvent::revoked, "user.info.basic", std::nullopt, "cli",
         "asked by the account owner");
  expect(4, ConsentEvent::granted, "user.info.basic", std::nullopt, "cli", std::nullopt);

  // Another grant's entries are not this one's, and no entry holds a token.
  EXPECT_TRUE(consent_log(sql, id + 1000).empty());
  long long with_token = -1;
  sql << "SELECT COUNT(*) FROM consent_log WHERE scopes LIKE '%acc-%' OR detail LIKE '%acc-%'",
      soci::into(with_token);
  EXPECT_EQ(with_token, 0);
}

// A grant back from reauth_required is granted again, even with the same scopes: its tokens had
// died and the person had to consent again.
inline void expect_consent_after_reauth_is_granted(soci::session& sql) {
  Keyring ring("k1", {{"k1", KeyBytes::random()}});
  User u = create_user(sql);
  int64_t id = upsert_grant(sql, ring, consent_grant(u.id, "user.info.basic"));
  record_refresh_failure(sql, id, "invalid_grant", true);
  upsert_grant(sql, ring, consent_grant(u.id, "user.info.basic"));
  auto log = consent_log(sql, id);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].record.event, ConsentEvent::granted);
  EXPECT_EQ(log[1].record.event, ConsentEvent::granted);
  EXPECT_TRUE(same_scopes("a,b c", "c a,b,a"));
  EXPECT_FALSE(same_scopes("a,b", "a"));
}

}  // namespace connhost::vault::testing
