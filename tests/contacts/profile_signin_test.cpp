// Sync on sign-in (docs/contacts.md, "Sync"): the browser login's callback hands the stored grant
// to ServerContext::grant_stored, which `connhost serve` wires to the profile sync; here the test
// wires it the same way (contacts::sync_grant on a session of its own), signs in through the
// sandbox's Google OAuth server and finds the person's contact. A sync that fails, even one that
// throws, never fails the sign-in.

#include <gmock/gmock.h>

#include <connhost/sandbox/sandbox.hpp>

#include <fstream>

#include "../connectors/login_test_util.hpp"
#include "../server/server_fixture.hpp"
#include "contacts/profile_sync.hpp"
#include "http/client.hpp"
#include "log/logger.hpp"
#include "pipeline/plugin_schemas.hpp"
#include "store/session.hpp"
#include "vault/grants.hpp"
#include "vault/keyring.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;

class ProfileSignInTest : public test::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    ::setenv("CONNHOST_PROFILE_SIGNIN_VAULT_KEY", kTestVaultKey, 1);
    sb.start();
    registry.load_directories({CONNHOST_BUILD_PLUGIN_DIR});
    ASSERT_TRUE(registry.find("google"));
    sandbox::Credentials creds;
    std::ofstream(dir.path() / "client_secret") << creds.google_client_secret;
    std::string toml =
        "[store]\npath = \"store.db\"\n"
        "[vault]\nactive_key = \"test\"\n[vault.keys]\n"
        "test = \"${env:CONNHOST_PROFILE_SIGNIN_VAULT_KEY}\"\n" +
        google_connection_toml("google_sb", sb.base_url(), creds.google_client_id, "client_secret");
    auto loaded =
        config::load_string(toml, dir.path() / "connhost.toml", pipeline::plugin_schemas(registry));
    ASSERT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
    cfg = std::move(loaded.config);
    store_options.sqlite_path = cfg->store.sqlite_path;
    auto keys = vault::Keyring::from_config(cfg->vault);
    ASSERT_TRUE(keys.ok());
    keyring = std::move(keys.keyring);
    start();
    ctx->keyring = &keyring;
  }

  // The browser's round trip: /auth/google_sb, the sandbox's consent page, the callback.
  test::Reply sign_in() {
    auto begun = get("/auth/google_sb", {{"Host", "127.0.0.1:" + std::to_string(port)}});
    EXPECT_EQ(begun.status, 302) << begun.body;
    std::string set = begun.header("Set-Cookie");
    auto back = query_of(click_through(begun.header("Location"), "<a id=\"allow\""));
    std::string q;
    for (const auto& [k, v] : back) q += (q.empty() ? "" : "&") + k + "=" + pct(v);
    return get("/auth/google_sb/callback?" + q, {{"Cookie", set.substr(0, set.find(';'))}});
  }

  sandbox::Sandbox sb;
  vault::Keyring keyring;
  std::shared_ptr<http::Client> http = std::make_shared<http::Client>();
  log::Capture logs = log::capture();
};

TEST_F(ProfileSignInTest, ASignInSyncsTheProfile) {
  std::vector<int64_t> stored;
  ctx->grant_stored = [&](int64_t grant_id) {
    stored.push_back(grant_id);
    auto s = open_store();
    contacts::SyncServices services{*cfg, registry, http, keyring};
    contacts::sync_grant(s.session(), services, grant_id);
  };
  auto r = sign_in();
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(stored.size(), 1u);

  auto s = open_store();
  std::string name, status;
  long long g = stored[0];
  s.session() << "SELECT c.display_name FROM contacts c JOIN contact_identities i ON "
                 "i.contact_id = c.id WHERE i.grant_id = :g",
      soci::use(g), soci::into(name);
  EXPECT_EQ(name, "Sandbox User");  // the sandbox's Google user
  s.session() << "SELECT status FROM profile_syncs WHERE grant_id = :g", soci::use(g),
      soci::into(status);
  EXPECT_EQ(status, "ok");
  EXPECT_THAT(logs.text(), HasSubstr("profile sync: grant " + std::to_string(g)));
  EXPECT_EQ(logs.text().find("Sandbox User"), std::string::npos) << "a profile value in the log";
}

TEST_F(ProfileSignInTest, AFailingSyncNeverFailsTheSignIn) {
  ctx->grant_stored = [](int64_t) { throw std::runtime_error("profile sync exploded"); };
  auto r = sign_in();
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("Signed in to google_sb"));
  auto s = open_store();
  EXPECT_EQ(vault::list_grants(s.session()).size(), 1u);
  EXPECT_THAT(logs.text(), HasSubstr("profile sync exploded"));
}

}  // namespace
}  // namespace connhost::testing
