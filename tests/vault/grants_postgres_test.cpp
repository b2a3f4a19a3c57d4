// The grants store and its consent log on the PostgreSQL of the ctest fixture `postgres`, a fresh
// database per test.

#include "consent_log_cases.hpp"
#include "grants_cases.hpp"
#include "store/store.hpp"
#include "support/postgres.hpp"

namespace connhost::vault::testing {
namespace {

class VaultGrantsPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pg = std::make_unique<test::PgTestDatabase>();
    db.emplace(store::Store::open(
        {.backend = store::Backend::postgresql, .pg_connection = pg->conninfo()}));
    db->migrate();
  }
  void TearDown() override {
    db.reset();  // the connection closes before the database is dropped
    pg.reset();
  }
  soci::session& sql() { return db->session(); }

  std::unique_ptr<test::PgTestDatabase> pg;
  std::optional<store::Store> db;
};

TEST_F(VaultGrantsPostgresTest, UpsertLoadListStatusRevoke) {
  expect_upsert_load_list_status_revoke(sql());
}
TEST_F(VaultGrantsPostgresTest, MovedCiphertextFails) {
  expect_moved_ciphertext_fails(sql());
}
TEST_F(VaultGrantsPostgresTest, RotationMovesEverythingToTheActiveKey) {
  expect_rotation_moves_everything_to_the_active_key(sql());
}
TEST_F(VaultGrantsPostgresTest, UnavailableVaultStoresNothing) {
  expect_unavailable_vault_stores_nothing(sql());
}
TEST_F(VaultGrantsPostgresTest, ConsentLogFollowsTheGrant) {
  expect_consent_log_follows_the_grant(sql());
}
TEST_F(VaultGrantsPostgresTest, ConsentAfterReauthIsGranted) {
  expect_consent_after_reauth_is_granted(sql());
}

}  // namespace
}  // namespace connhost::vault::testing
