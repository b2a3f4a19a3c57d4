// `connhost vault status` and `connhost vault rotate` through the real binary: key ids shown, key
// bytes never; a rotation to a new key after which the old key can be dropped.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "cli/run_connhost.hpp"
#include "store/session.hpp"
#include "support/temp_dir.hpp"
#include "vault/grants.hpp"

namespace connhost::vault {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Obviously fake, test-only keys.
const std::string kKey1 = "1111111111111111111111111111111111111111111111111111111111111111";
const std::string kKey2 = "2222222222222222222222222222222222222222222222222222222222222222";
const std::string kEnv =
    "CONNHOST_TEST_VK1=" + kKey1 + " CONNHOST_TEST_VK2=" + kKey2 + " CONNHOST_TEST_VKBAD=short";

class VaultCliTest : public ::testing::Test {
 protected:
  void configure(const std::string& vault) {
    std::ofstream(dir.path() / "connhost.toml")
        << "[host]\nplugin_dirs = []\n[store]\npath = \"store.db\"\n"
        << vault;
  }
  testing::CliRun run(const std::string& args) {
    return testing::run_connhost("-c " + (dir.path() / "connhost.toml").string() + " " + args,
                                 kEnv);
  }
  store::Store open() {
    auto s = store::Store::open(
        {.backend = store::Backend::sqlite, .sqlite_path = dir.path() / "store.db"});
    s.migrate();
    return s;
  }

  test::TempDir dir{"connhost-vault-cli"};
};

const std::string kOnlyK1 =
    "[vault]\nactive_key = \"k1\"\n[vault.keys]\nk1 = \"${env:CONNHOST_TEST_VK1}\"\n";
const std::string kK2Active =
    "[vault]\nactive_key = \"k2\"\n[vault.keys]\nk1 = \"${env:CONNHOST_TEST_VK1}\"\n"
    "k2 = \"${env:CONNHOST_TEST_VK2}\"\n";
const std::string kOnlyK2 =
    "[vault]\nactive_key = \"k2\"\n[vault.keys]\nk2 = \"${env:CONNHOST_TEST_VK2}\"\n";

TEST_F(VaultCliTest, StatusAndRotateToANewKey) {
  configure(kOnlyK1);
  {
    auto s = open();
    Keyring k1("k1", {{"k1", *decode_key(kKey1)}});
    User u = create_user(s.session());
    GrantInput in;
    in.user_id = u.id;
    in.connection = "tiktok_main";
    in.platform_user_id = "tt-1";
    in.access_token = SecretText("tok-cli-access-1");
    in.refresh_token = SecretText("tok-cli-refresh-1");
    upsert_grant(s.session(), k1, in);
    in.platform_user_id = "tt-2";
    int64_t second = upsert_grant(s.session(), k1, in);
    set_grant_status(s.session(), second, GrantStatus::reauth_required);
  }
  auto status = run("vault status");
  ASSERT_EQ(status.code, 0) << status.out;
  EXPECT_THAT(status.out, HasSubstr("keys: k1\n"));
  EXPECT_THAT(status.out, HasSubstr("active key: k1\n"));
  EXPECT_THAT(status.out, HasSubstr("grants: 2\n"));
  EXPECT_THAT(status.out, HasSubstr("reauth_required"));

  configure(kK2Active);
  status = run("vault status");
  ASSERT_EQ(status.code, 0) << status.out;
  EXPECT_THAT(status.out, HasSubstr("keys: k1, k2\n"));
  EXPECT_THAT(status.out, HasSubstr("active key: k2\n"));
  EXPECT_THAT(status.out, HasSubstr("old key: run `connhost vault rotate`"));

  auto rotated = run("vault rotate");
  ASSERT_EQ(rotated.code, 0) << rotated.out;
  EXPECT_THAT(rotated.out, HasSubstr("re-encrypted 2 grants under key k2"));
  EXPECT_THAT(run("vault rotate").out, HasSubstr("re-encrypted 0 grants"));

  configure(kOnlyK2);
  status = run("vault status");
  ASSERT_EQ(status.code, 0) << status.out;
  EXPECT_THAT(status.out, Not(HasSubstr("not configured")));
  for (const auto& out : {status.out, rotated.out}) {
    EXPECT_THAT(out, Not(HasSubstr(kKey1.substr(0, 16))));
    EXPECT_THAT(out, Not(HasSubstr(kKey2.substr(0, 16))));
    EXPECT_THAT(out, Not(HasSubstr("tok-cli")));
  }
  auto s = open();
  Keyring k2("k2", {{"k2", *decode_key(kKey2)}});
  auto id = find_grant_id(s.session(), "tiktok_main", "tt-1");
  ASSERT_TRUE(id);
  EXPECT_EQ(load_grant(s.session(), k2, *id)->access_token->reveal(), "tok-cli-access-1");
}

TEST_F(VaultCliTest, StatusWarnsAboutGrantsUnderAKeyNoLongerConfigured) {
  configure(kOnlyK2);
  {
    auto s = open();
    Keyring k1("k1", {{"k1", *decode_key(kKey1)}});
    GrantInput in;
    in.user_id = create_user(s.session()).id;
    in.connection = "meta_main";
    in.platform_user_id = "fb-1";
    in.access_token = SecretText("tok-cli-access-2");
    upsert_grant(s.session(), k1, in);
  }
  auto status = run("vault status");
  ASSERT_EQ(status.code, 0) << status.out;
  EXPECT_THAT(status.out, HasSubstr("not configured: these tokens cannot be decrypted"));
  auto rotated = run("vault rotate");
  EXPECT_EQ(rotated.code, 1) << rotated.out;
  EXPECT_THAT(rotated.out, HasSubstr("\"k1\""));
}

TEST_F(VaultCliTest, WithoutAVaultStatusSaysSoAndRotateIsAConfigError) {
  configure("");
  auto status = run("vault status");
  ASSERT_EQ(status.code, 0) << status.out;
  EXPECT_THAT(status.out, HasSubstr("keys: none"));
  EXPECT_THAT(status.out, HasSubstr("the token vault has no key"));
  auto rotated = run("vault rotate");
  EXPECT_EQ(rotated.code, 3) << rotated.out;
  EXPECT_THAT(rotated.out, HasSubstr("the token vault has no key"));
}

TEST_F(VaultCliTest, BadKeyIsAConfigErrorNamingTheKey) {
  configure("[vault]\nactive_key = \"k1\"\n[vault.keys]\nk1 = \"${env:CONNHOST_TEST_VKBAD}\"\n");
  auto status = run("vault status");
  EXPECT_EQ(status.code, 3) << status.out;
  EXPECT_THAT(status.out, HasSubstr("connhost.toml:8:6: vault.keys.k1:"));
  EXPECT_THAT(status.out, Not(HasSubstr("short")));

  configure("[vault]\nactive_key = \"k1\"\n[vault.keys]\nk1 = \"" + kKey1 + "\"\n");
  auto literal = run("vault status");
  EXPECT_EQ(literal.code, 3) << literal.out;
  EXPECT_THAT(literal.out, HasSubstr("vault.keys.k1: a vault key is a secret"));
  EXPECT_THAT(literal.out, Not(HasSubstr(kKey1.substr(0, 16))));
}

}  // namespace
}  // namespace connhost::vault
