// The grants store on SQLite, and the proof that no token byte reaches the database file, its
// write-ahead log, or the log output.

#include <fstream>
#include <iterator>

#include "grants_cases.hpp"
#include "log/logger.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

namespace connhost::vault::testing {
namespace {

class VaultGrantsSqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db.emplace(store::Store::open({.backend = store::Backend::sqlite, .sqlite_path = path()}));
    db->migrate();
  }
  std::filesystem::path path() const { return dir.path() / "vault.db"; }
  soci::session& sql() { return db->session(); }

  test::TempDir dir{"connhost-vault"};
  std::optional<store::Store> db;
};

TEST_F(VaultGrantsSqliteTest, UpsertLoadListStatusRevoke) {
  expect_upsert_load_list_status_revoke(sql());
}
TEST_F(VaultGrantsSqliteTest, MovedCiphertextFails) {
  expect_moved_ciphertext_fails(sql());
}
TEST_F(VaultGrantsSqliteTest, RotationMovesEverythingToTheActiveKey) {
  expect_rotation_moves_everything_to_the_active_key(sql());
}
TEST_F(VaultGrantsSqliteTest, UnavailableVaultStoresNothing) {
  expect_unavailable_vault_stores_nothing(sql());
}

std::string bytes_of(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(VaultGrantsSqliteTest, NoTokenBytesInTheDatabaseFilesOrTheLog) {
  const std::string access = "tok-VAULT-canary-123", refresh = "tok-VAULT-canary-refresh-456";
  log::init(log::Level::trace, log::Format::text);
  auto captured = log::capture();
  captured.clear();

  Keyring ring = keyring_of("k1", {{"k1", KeyBytes::random()}});
  User u = create_user(sql());
  int64_t id =
      upsert_grant(sql(), ring, grant_input(u.id, "tiktok_main", "tt-canary", access, refresh));
  auto loaded = load_grant(sql(), ring, id);
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->access_token->reveal(), access);
  // Whatever logs a loaded token by mistake writes the mask instead.
  log::info("loaded grant {} with token {}", id, loaded->access_token->reveal());
  // A second write replaces the tokens: the old ones must not linger either.
  upsert_grant(sql(), ring,
               grant_input(u.id, "tiktok_main", "tt-canary", access + "-b", refresh + "-b"));

  auto search = [&](const std::string& when) {
    std::string files = bytes_of(path()) + bytes_of(path().string() + "-wal");
    // The search looks where the grant went: its platform user id is there in plain text.
    ASSERT_NE(files.find("tt-canary"), std::string::npos) << when;
    EXPECT_EQ(files.find("tok-VAULT-canary"), std::string::npos) << when;
    EXPECT_EQ(files.find("VAULT-canary"), std::string::npos) << when;
  };
  search("open, with the write-ahead log");
  db.reset();  // closing checkpoints the log into the database file
  search("closed");

  std::string text = captured.text();
  EXPECT_THAT(text, ::testing::HasSubstr("loaded grant"));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("VAULT-canary")));
}

}  // namespace
}  // namespace connhost::vault::testing
