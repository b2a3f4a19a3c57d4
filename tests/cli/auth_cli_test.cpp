// `connhost auth url|exchange|test|grants|revoke` as ops run them against the in-process sandbox's
// Google OAuth server: the printed consent URL is followed as a browser would, the code is
// exchanged into a grant in the vault, the grant is used, and no token reaches the output or the
// store file in clear.

#include <gmock/gmock.h>

#include <connhost/sandbox/sandbox.hpp>

#include <fstream>
#include <iterator>
#include <regex>

#include "../connectors/login_test_util.hpp"
#include "run_connhost.hpp"
#include "support/temp_dir.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kRedirect = "http://127.0.0.1:8765/callback";
// A test-only vault key (32 bytes in hex); never a real one.
constexpr const char* kVaultKey =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(AuthCli, UrlExchangeAndTestStoreAWorkingGrantInTheVault) {
  sandbox::Sandbox sb;
  sb.start();
  test::TempDir dir{"connhost-auth-cli"};
  sandbox::Credentials creds;
  std::ofstream(dir.path() / "client_secret") << creds.google_client_secret;
  std::ofstream(dir.path() / "connhost.toml")
      << "[host]\nplugin_dirs = [\"" << CONNHOST_BUILD_PLUGIN_DIR << "\"]\nlog_level = \"warn\"\n"
      << "[store]\npath = \"store.db\"\n"
      << "[vault]\nactive_key = \"test\"\n[vault.keys]\ntest = \"${env:CONNHOST_TEST_VAULT_KEY}\"\n"
      << "[connections.google_sb]\nplugin = \"google\"\nbase_url = \"" << sb.base_url()
      << "\"\noauth_base_url = \"" << sb.base_url() << "\"\nauth_page_url = \"" << sb.base_url()
      << "/o/oauth2/v2/auth\"\nuserinfo_url = \"" << sb.base_url()
      << "/v1/userinfo\"\nclient_id = \"" << creds.google_client_id
      << "\"\nclient_secret = \"${file:client_secret}\"\n";
  const std::string config = "--config " + (dir.path() / "connhost.toml").string() + " ";
  const std::string env = std::string("CONNHOST_TEST_VAULT_KEY=") + kVaultKey;

  auto url = run_connhost(config + "auth url google_sb --redirect-uri " + kRedirect, env);
  ASSERT_EQ(url.code, 0) << url.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(url.out, m, std::regex(R"(^(http\S+))"))) << url.out;
  std::string consent = m[1];
  ASSERT_TRUE(std::regex_search(url.out, m, std::regex(R"(state: (\S+))"))) << url.out;
  std::string state = m[1];
  ASSERT_TRUE(std::regex_search(url.out, m, std::regex(R"(verifier: (\S+))"))) << url.out;
  std::string verifier = m[1];

  auto back = query_of(click_through(consent, R"(id="allow")"));
  EXPECT_EQ(back["state"], state);
  ASSERT_FALSE(back["code"].empty());

  // A wrong verifier is refused by the platform and stores nothing.
  auto wrong = run_connhost(config + "auth exchange google_sb " + back["code"] +
                                " --verifier not-the-verifier --redirect-uri " + kRedirect,
                            env);
  EXPECT_NE(wrong.code, 0) << wrong.out;

  // The sandbox's codes are single-use only once redeemed: ask for a fresh one.
  auto again = query_of(click_through(consent, R"(id="allow")"));
  auto ex = run_connhost(config + "auth exchange google_sb " + again["code"] + " --verifier " +
                             verifier + " --redirect-uri " + kRedirect,
                         env);
  ASSERT_EQ(ex.code, 0) << ex.out;
  EXPECT_THAT(ex.out, HasSubstr("grant"));

  auto test = run_connhost(config + "auth test google_sb", env);
  EXPECT_EQ(test.code, 0) << test.out;
  EXPECT_THAT(test.out, HasSubstr("works"));

  auto status = run_connhost(config + "vault status", env);
  EXPECT_EQ(status.code, 0) << status.out;
  EXPECT_THAT(status.out, HasSubstr("active"));

  // The sandbox issues Google access tokens as "ya29.<...>" (docs/sandbox/google.md): none is
  // in the output or in the store file in clear.
  for (const auto& out : {url.out, ex.out, test.out, status.out})
    EXPECT_EQ(out.find("ya29."), std::string::npos) << out;
  EXPECT_EQ(file_bytes(dir.path() / "store.db").find("ya29."), std::string::npos);
  EXPECT_EQ(file_bytes(dir.path() / "store.db-wal").find("ya29."), std::string::npos);
}

// `auth grants` and `auth revoke`: the grant listed without tokens, a platform that is down
// keeps the tokens (exit 1), --local-only skips it, a second revoke and an unknown id fail, and a
// connection whose login is disabled refuses `auth url|exchange` with exit code 3.
TEST(AuthCli, GrantsListsAndRevokeRevokesAtThePlatform) {
  sandbox::Sandbox sb;
  sb.start();
  test::TempDir dir{"connhost-auth-cli"};
  sandbox::Credentials creds;
  std::ofstream(dir.path() / "client_secret") << creds.google_client_secret;
  auto google = [&](const std::string& name) {
    return "[connections." + name + "]\nplugin = \"google\"\nbase_url = \"" + sb.base_url() +
           "\"\noauth_base_url = \"" + sb.base_url() + "\"\nauth_page_url = \"" + sb.base_url() +
           "/o/oauth2/v2/auth\"\nuserinfo_url = \"" + sb.base_url() +
           "/v1/userinfo\"\nclient_id = \"" + creds.google_client_id +
           "\"\nclient_secret = \"${file:client_secret}\"\n";
  };
  std::ofstream(dir.path() / "connhost.toml")
      << "[host]\nplugin_dirs = [\"" << CONNHOST_BUILD_PLUGIN_DIR << "\"]\nlog_level = \"warn\"\n"
      << "[store]\npath = \"store.db\"\n"
      << "[vault]\nactive_key = \"test\"\n[vault.keys]\ntest = \"${env:CONNHOST_TEST_VAULT_KEY}\"\n"
      << google("google_sb") << google("google_off") << "[connections.google_off.login]\n"
      << "enabled = false\n";
  const std::string config = "--config " + (dir.path() / "connhost.toml").string() + " ";
  const std::string env = std::string("CONNHOST_TEST_VAULT_KEY=") + kVaultKey;

  // Login switched off: url and exchange refuse, with the configuration's exit code.
  auto off = run_connhost(config + "auth url google_off", env);
  EXPECT_EQ(off.code, 3) << off.out;
  EXPECT_THAT(off.out, HasSubstr("login is disabled"));
  auto off_ex = run_connhost(config + "auth exchange google_off CODE --verifier V", env);
  EXPECT_EQ(off_ex.code, 3) << off_ex.out;
  EXPECT_THAT(off_ex.out, HasSubstr("login is disabled"));

  auto empty = run_connhost(config + "auth grants", env);
  EXPECT_EQ(empty.code, 0) << empty.out;
  EXPECT_THAT(empty.out, HasSubstr("no grants"));

  auto sign_in = [&] {
    auto url = run_connhost(config + "auth url google_sb --redirect-uri " + kRedirect, env);
    std::smatch m;
    EXPECT_TRUE(std::regex_search(url.out, m, std::regex(R"(^(http\S+))"))) << url.out;
    std::string consent = m[1];
    EXPECT_TRUE(std::regex_search(url.out, m, std::regex(R"(verifier: (\S+))"))) << url.out;
    std::string verifier = m[1];
    auto back = query_of(click_through(consent, R"(id="allow")"));
    auto ex = run_connhost(config + "auth exchange google_sb " + back["code"] + " --verifier " +
                               verifier + " --redirect-uri " + kRedirect,
                           env);
    EXPECT_EQ(ex.code, 0) << ex.out;
    EXPECT_TRUE(std::regex_search(ex.out, m, std::regex(R"(grant (\d+) stored)"))) << ex.out;
    return std::string(m[1]);
  };
  std::string id = sign_in();
  auto list = run_connhost(config + "auth grants --connection google_sb", env);
  EXPECT_EQ(list.code, 0) << list.out;
  EXPECT_THAT(list.out, HasSubstr("PLATFORM USER"));
  EXPECT_THAT(list.out, HasSubstr("active"));
  EXPECT_THAT(list.out, HasSubstr("google_sb"));

  // The platform down: exit 1, the grant stays active (its tokens kept for a retry).
  sb.add_faults(
      R"({"faults":[{"platform":"google","kind":"server_error","status":503,"times":-1}]})");
  auto down = run_connhost(config + "auth revoke " + id, env);
  EXPECT_EQ(down.code, 1) << down.out;
  EXPECT_THAT(down.out, HasSubstr("transient"));
  EXPECT_THAT(run_connhost(config + "auth grants", env).out, HasSubstr("active"));
  sb.clear_faults();

  sb.clear_requests();
  auto revoked = run_connhost(config + "auth revoke " + id, env);
  EXPECT_EQ(revoked.code, 0) << revoked.out;
  EXPECT_THAT(revoked.out, HasSubstr("revoked at the platform"));
  size_t revokes = 0;
  for (const auto& r : sb.requests()) revokes += r.path.find("revoke") != std::string::npos;
  EXPECT_EQ(revokes, 1u);
  EXPECT_THAT(run_connhost(config + "auth grants", env).out, HasSubstr("revoked"));
  EXPECT_EQ(run_connhost(config + "auth revoke " + id, env).code, 1);
  EXPECT_EQ(run_connhost(config + "auth revoke 999999", env).code, 2);

  // --local-only: the platform is not asked.
  std::string id2 = sign_in();
  EXPECT_EQ(id2, id) << "the same platform user keeps its grant row";
  sb.clear_requests();
  auto local = run_connhost(config + "auth revoke " + id2 + " --local-only", env);
  EXPECT_EQ(local.code, 0) << local.out;
  EXPECT_THAT(local.out, HasSubstr("locally only"));
  for (const auto& r : sb.requests()) EXPECT_EQ(r.path.find("revoke"), std::string::npos);

  for (const auto& out : {list.out, down.out, revoked.out, local.out})
    EXPECT_EQ(out.find("ya29."), std::string::npos) << out;
}

}  // namespace
}  // namespace connhost::testing
