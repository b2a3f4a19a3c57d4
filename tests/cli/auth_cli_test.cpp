// `connhost auth url|exchange|test` as ops run them against the in-process sandbox's Google
// OAuth server: the printed consent URL is followed as a browser would, the code is exchanged
// into a grant in the vault, the grant is used, and no token reaches the output or the store
// file in clear.

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

}  // namespace
}  // namespace connhost::testing
