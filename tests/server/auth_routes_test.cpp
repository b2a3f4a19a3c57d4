// The browser login of `connhost serve` (GET /auth/{connection} and its callback) against the
// in-process sandbox's Google OAuth server: a happy path that stores a grant, and every refusal
// (state missing, wrong, reused, expired, another browser's cookie, denied consent, no vault),
// none of which stores anything. No token in a page or a log line.

#include <gmock/gmock.h>

#include <connhost/sandbox/sandbox.hpp>

#include <fstream>

#include "../connectors/login_test_util.hpp"
#include "log/logger.hpp"
#include "pipeline/plugin_schemas.hpp"
#include "server/login_states.hpp"
#include "server_fixture.hpp"
#include "store/session.hpp"
#include "vault/grants.hpp"
#include "vault/keyring.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class AuthRoutesTest : public test::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    ::setenv("CONNHOST_AUTH_ROUTES_VAULT_KEY", kTestVaultKey, 1);
    sb.start();
    registry.load_directories({CONNHOST_BUILD_PLUGIN_DIR});
    ASSERT_TRUE(registry.find("google"));
    sandbox::Credentials creds;
    std::ofstream(dir.path() / "client_secret") << creds.google_client_secret;
    std::string toml =
        "[store]\npath = \"store.db\"\n"
        "[vault]\nactive_key = \"test\"\n[vault.keys]\n"
        "test = \"${env:CONNHOST_AUTH_ROUTES_VAULT_KEY}\"\n" +
        google_connection_toml("google_sb", sb.base_url(), creds.google_client_id,
                               "client_secret") +
        google_connection_toml("google_other", sb.base_url(), creds.google_client_id,
                               "client_secret");
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

  struct Begun {
    test::Reply reply;
    std::string consent;  // the Location
    std::string state;
    std::string cookie;  // "connhost_login=..."
  };
  Begun begin(const std::string& connection = "google_sb") {
    Begun b;
    b.reply = get("/auth/" + connection, {{"Host", "127.0.0.1:" + std::to_string(port)}});
    b.consent = b.reply.header("Location");
    b.state = query_of(b.consent)["state"];
    std::string set = b.reply.header("Set-Cookie");
    b.cookie = set.substr(0, set.find(';'));
    return b;
  }

  // Consents at the sandbox and returns the redirect's query (code and state).
  std::map<std::string, std::string> consent(const Begun& b,
                                             const char* marker = "<a id=\"allow\"") {
    return query_of(click_through(b.consent, marker));
  }

  test::Reply callback(const std::string& query, const std::string& cookie,
                       const std::string& connection = "google_sb") {
    std::vector<std::pair<std::string, std::string>> h;
    if (!cookie.empty()) h.emplace_back("Cookie", cookie);
    return get("/auth/" + connection + "/callback?" + query, h);
  }
  static std::string q(const std::map<std::string, std::string>& back) {
    std::string out;
    for (const auto& [k, v] : back) out += (out.empty() ? "" : "&") + k + "=" + pct(v);
    return out;
  }

  size_t grants() {
    auto s = open_store();
    return vault::list_grants(s.session()).size();
  }

  sandbox::Sandbox sb;
  vault::Keyring keyring;
  log::Capture logs = log::capture();
};

TEST_F(AuthRoutesTest, SignsInThroughTheSandboxAndStoresTheGrant) {
  auto b = begin();
  ASSERT_EQ(b.reply.status, 302) << b.reply.body;
  EXPECT_THAT(b.consent, HasSubstr(sb.base_url()));
  EXPECT_EQ(b.state.size(), 64u);
  EXPECT_THAT(b.consent, HasSubstr("code_challenge="));
  EXPECT_THAT(b.consent, Not(HasSubstr("code_verifier")));
  auto set = b.reply.header("Set-Cookie");
  EXPECT_THAT(set, HasSubstr("connhost_login="));
  EXPECT_THAT(set, HasSubstr("HttpOnly"));
  EXPECT_THAT(set, HasSubstr("SameSite=Lax"));
  EXPECT_THAT(set, HasSubstr("Path=/auth"));
  EXPECT_THAT(query_of(b.consent)["redirect_uri"],
              HasSubstr("127.0.0.1:" + std::to_string(port) + "/auth/google_sb/callback"));

  auto back = consent(b);
  ASSERT_FALSE(back["code"].empty());
  EXPECT_EQ(back["state"], b.state);
  auto r = callback(q(back), b.cookie);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("Signed in to google_sb as"));
  EXPECT_THAT(r.header("Content-Type"), HasSubstr("text/html"));
  EXPECT_EQ(grants(), 1u);

  // The same state again (a replay): refused, nothing new stored.
  auto again = callback(q(back), b.cookie);
  EXPECT_EQ(again.status, 400) << again.body;
  EXPECT_THAT(again.body, HasSubstr("already used"));
  EXPECT_EQ(grants(), 1u);

  // Signing in again with the same platform user keeps one grant (and its local user).
  auto b2 = begin();
  auto r2 = callback(q(consent(b2)), b2.cookie);
  EXPECT_EQ(r2.status, 200) << r2.body;
  EXPECT_EQ(grants(), 1u);

  for (const auto& body : {b.reply.body, r.body, again.body, r2.body})
    EXPECT_EQ(body.find("ya29."), std::string::npos) << body;
  EXPECT_THAT(logs.text(), HasSubstr("grant"));  // the capture sees the login lines
  EXPECT_EQ(logs.text().find("ya29."), std::string::npos) << logs.text();
}

TEST_F(AuthRoutesTest, MissingWrongOrForeignStatesAreRefused) {
  auto b = begin();
  auto back = consent(b);
  auto code = "code=" + pct(back["code"]);
  auto missing = callback(code, b.cookie);
  EXPECT_EQ(missing.status, 400);
  EXPECT_THAT(missing.body, HasSubstr("no state"));
  auto wrong = callback(code + "&state=" + std::string(64, 'a'), b.cookie);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_THAT(wrong.body, HasSubstr("unknown"));
  // A state of another connection.
  auto other = callback(q(back), b.cookie, "google_other");
  EXPECT_EQ(other.status, 400);
  EXPECT_THAT(other.body, HasSubstr("another connection"));
  EXPECT_EQ(grants(), 0u);
}

TEST_F(AuthRoutesTest, AnotherBrowsersCookieIsRefused) {
  auto b = begin();
  auto back = consent(b);
  auto none = callback(q(back), "");
  EXPECT_EQ(none.status, 400);
  EXPECT_THAT(none.body, HasSubstr("another browser"));

  auto b2 = begin();
  auto back2 = consent(b2);
  auto wrong = callback(q(back2), "connhost_login=" + std::string(64, 'b'));
  EXPECT_EQ(wrong.status, 400);
  EXPECT_THAT(wrong.body, HasSubstr("another browser"));
  EXPECT_EQ(grants(), 0u);
}

TEST_F(AuthRoutesTest, AnExpiredStateIsRefused) {
  auto b = begin();
  auto back = consent(b);
  now += std::chrono::minutes(11);
  auto r = callback(q(back), b.cookie);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(r.body, HasSubstr("expired"));
  EXPECT_EQ(grants(), 0u);
}

TEST_F(AuthRoutesTest, DeniedConsentShowsAClearPageAndStoresNothing) {
  auto b = begin();
  auto back = consent(b, "<a id=\"deny\"");
  EXPECT_EQ(back["error"], "access_denied");
  auto r = callback(q(back), b.cookie);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(r.body, HasSubstr("declined"));
  EXPECT_EQ(grants(), 0u);
}

TEST_F(AuthRoutesTest, WithoutAVaultTheCallbackAnswers503) {
  ctx->keyring = nullptr;
  auto b = begin();
  auto r = callback(q(consent(b)), b.cookie);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_THAT(r.body, HasSubstr("vault"));
  EXPECT_EQ(grants(), 0u);
}

TEST_F(AuthRoutesTest, UnknownConnectionIs404) {
  auto r = get("/auth/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(error_code(r), "not_found");
}

TEST(AuthLoginStates, SingleUseExpiringAndBounded) {
  auto t = std::chrono::system_clock::time_point{} + std::chrono::hours(1000);
  server::LoginStates s([&t] { return t; }, std::chrono::seconds(600), 2);
  s.put("a", {.connection = "c"});
  EXPECT_EQ(s.take("a").outcome, server::LoginStates::Outcome::ok);
  EXPECT_EQ(s.take("a").outcome, server::LoginStates::Outcome::unknown);
  s.put("b", {});
  t += std::chrono::seconds(601);
  EXPECT_EQ(s.take("b").outcome, server::LoginStates::Outcome::expired);
  s.put("c", {});
  t += std::chrono::seconds(1);
  s.put("d", {});
  s.put("e", {});
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.take("c").outcome, server::LoginStates::Outcome::unknown);
  EXPECT_EQ(s.take("e").outcome, server::LoginStates::Outcome::ok);
}

}  // namespace
}  // namespace connhost::testing
