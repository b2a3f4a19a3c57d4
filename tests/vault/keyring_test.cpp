// The keyring: keys decoded from hex and base64 through [vault] references, bad keys refused by
// id without their value, several keys readable, an unconfigured vault that says so.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "config/config.hpp"
#include "config/secret.hpp"
#include "support/temp_dir.hpp"
#include "vault/keyring.hpp"

namespace connhost::vault {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Obviously fake, test-only keys.
const std::string kHexKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const std::string kBase64Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";  // bytes 0..31

class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::string& value) : name_(std::move(name)) {
    ::setenv(name_.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() { ::unsetenv(name_.c_str()); }

 private:
  std::string name_;
};

config::LoadResult load(const std::string& toml, const test::TempDir& dir) {
  return config::load_string(toml, dir.path() / "connhost.toml", {});
}

std::string errors_of(const config::LoadResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.to_string() + "\n";
  return out;
}

TEST(VaultKeyringTest, DecodesHexAndBase64) {
  auto hex = decode_key(kHexKey);
  ASSERT_TRUE(hex);
  EXPECT_EQ(hex->data()[1], 0x11);
  auto b64 = decode_key(kBase64Key + "\n");
  ASSERT_TRUE(b64);
  EXPECT_EQ(b64->data()[31], 31);
  EXPECT_FALSE(decode_key(kHexKey.substr(2)));
  EXPECT_FALSE(decode_key(kHexKey.substr(2) + "zz"));
  EXPECT_FALSE(decode_key("too-short"));
  EXPECT_FALSE(decode_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg=="));  // 31 bytes
  EXPECT_FALSE(decode_key(""));
}

TEST(VaultKeyringTest, FromConfigReadsEnvAndFileKeysAndDecryptsOldOnes) {
  test::TempDir dir;
  std::ofstream(dir.path() / "old.key") << kBase64Key << "\n";
  ScopedEnv env("CONNHOST_TEST_VAULT_KEY_NEW", kHexKey);
  auto cfg = load(R"(
[vault]
active_key = "k2026"
[vault.keys]
k2026 = "${env:CONNHOST_TEST_VAULT_KEY_NEW}"
k2025 = "${file:old.key}"
)",
                  dir);
  ASSERT_TRUE(cfg.ok()) << errors_of(cfg);
  ASSERT_EQ(cfg.config->vault.keys.size(), 2u);
  auto loaded = Keyring::from_config(cfg.config->vault);
  ASSERT_TRUE(loaded.ok());
  const Keyring& ring = loaded.keyring;
  EXPECT_TRUE(ring.available());
  EXPECT_EQ(ring.active_id(), "k2026");
  EXPECT_EQ(ring.key_ids(), (std::vector<std::string>{"k2025", "k2026"}));

  std::string sealed = ring.encrypt("tok-keyring-1", "ad");
  EXPECT_EQ(sealed_key_id(sealed), "k2026");
  EXPECT_EQ(ring.decrypt(sealed, "ad").reveal(), "tok-keyring-1");
  std::string old = seal("k2025", *decode_key(kBase64Key), "tok-keyring-old", "ad");
  EXPECT_EQ(ring.decrypt(old, "ad").reveal(), "tok-keyring-old");
  std::string unknown = seal("k2024", KeyBytes::random(), "tok", "ad");
  try {
    ring.decrypt(unknown, "ad");
    FAIL();
  } catch (const VaultError& e) {
    EXPECT_THAT(e.what(), HasSubstr("k2024"));
  }
}

TEST(VaultKeyringTest, BadKeyValueIsAnErrorNamingTheKeyIdNotTheValue) {
  test::TempDir dir;
  const std::string bad = "this-is-not-a-key-but-is-secret-4711";
  ScopedEnv env("CONNHOST_TEST_VAULT_KEY_BAD", bad);
  ScopedEnv good("CONNHOST_TEST_VAULT_KEY_GOOD", kHexKey);
  auto cfg = load(R"(
[vault]
active_key = "good"
[vault.keys]
good = "${env:CONNHOST_TEST_VAULT_KEY_GOOD}"
broken = "${env:CONNHOST_TEST_VAULT_KEY_BAD}"
)",
                  dir);
  ASSERT_TRUE(cfg.ok()) << errors_of(cfg);
  auto loaded = Keyring::from_config(cfg.config->vault);
  ASSERT_EQ(loaded.errors.size(), 1u);
  std::string msg = loaded.errors[0].to_string();
  EXPECT_THAT(msg, HasSubstr("connhost.toml:6:10: vault.keys.broken:"));
  EXPECT_THAT(msg, HasSubstr("64 hex characters"));
  EXPECT_THAT(msg, Not(HasSubstr(bad)));
  EXPECT_FALSE(loaded.keyring.available());
}

TEST(VaultConfigTest, LiteralKeyIsRefusedWithoutEchoingIt) {
  test::TempDir dir;
  auto cfg = load("[vault]\nactive_key = \"k1\"\n[vault.keys]\nk1 = \"" + kHexKey + "\"\n", dir);
  ASSERT_FALSE(cfg.ok());
  std::string msg = errors_of(cfg);
  EXPECT_THAT(msg, HasSubstr("connhost.toml:4:6: vault.keys.k1: a vault key is a secret"));
  EXPECT_THAT(msg, Not(HasSubstr(kHexKey)));
  EXPECT_THAT(msg, Not(HasSubstr(kHexKey.substr(0, 16))));
}

TEST(VaultConfigTest, ActiveKeyMustNameAConfiguredKey) {
  test::TempDir dir;
  ScopedEnv env("CONNHOST_TEST_VAULT_KEY_A", kHexKey);
  auto cfg = load(
      "[vault]\nactive_key = \"nope\"\n[vault.keys]\nk1 = \"${env:CONNHOST_TEST_VAULT_KEY_A}\"\n",
      dir);
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(errors_of(cfg), HasSubstr("connhost.toml:2:14: vault.active_key: names no key"));

  auto missing = load("[vault.keys]\nk1 = \"${env:CONNHOST_TEST_VAULT_KEY_A}\"\n", dir);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(errors_of(missing), HasSubstr("vault.active_key: required with [vault.keys]"));

  auto typo = load("[vault]\nactiv_key = \"k1\"\n", dir);
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(errors_of(typo), HasSubstr("active_key"));

  auto bad_id = load("[vault]\nactive_key = \"k1\"\n[vault.keys]\n\"k 1\" = \"${env:X}\"\n", dir);
  ASSERT_FALSE(bad_id.ok());
  EXPECT_THAT(errors_of(bad_id), HasSubstr("a key id has 1 to 64 characters"));
}

TEST(VaultConfigTest, UnsetVariableIsReportedAtLoad) {
  test::TempDir dir;
  ::unsetenv("CONNHOST_TEST_VAULT_KEY_UNSET");
  auto cfg = load(
      "[vault]\nactive_key = \"k1\"\n[vault.keys]\nk1 = \"${env:CONNHOST_TEST_VAULT_KEY_UNSET}\"\n",
      dir);
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(errors_of(cfg), HasSubstr("vault.keys.k1"));
}

TEST(VaultKeyringTest, UnconfiguredVaultSaysSoWhenUsed) {
  test::TempDir dir;
  auto cfg = load("", dir);
  ASSERT_TRUE(cfg.ok());
  EXPECT_FALSE(cfg.config->vault.configured());
  auto loaded = Keyring::from_config(cfg.config->vault);
  EXPECT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded.keyring.available());
  try {
    loaded.keyring.encrypt("x", "ad");
    FAIL();
  } catch (const VaultUnavailable& e) {
    EXPECT_THAT(e.what(), HasSubstr("the token vault has no key"));
  }
  EXPECT_THROW(loaded.keyring.decrypt("x", "ad"), VaultUnavailable);
}

}  // namespace
}  // namespace connhost::vault
