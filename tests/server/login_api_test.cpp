// The login feature's host side against the in-process sandbox (TikTok Login Kit, Facebook Login,
// Google OAuth): the providers list and the login.enabled flag, the browser session that links a
// second platform's grant to the signed-in local user, /api/me and /api/grants, sign-out, the
// public_url redirect URI, and revocation at the platform and locally (happy path, a platform
// that is down, a token already dead, local_only, 404, 409). No token in any answer.

#include <gmock/gmock.h>

#include <soci/soci.h>
#include <connhost/sandbox/sandbox.hpp>

#include <fstream>
#include <set>

#include "../connectors/login_test_util.hpp"
#include "log/logger.hpp"
#include "pipeline/plugin_schemas.hpp"
#include "server/grant_revoke.hpp"
#include "server/login_sessions.hpp"
#include "server_fixture.hpp"
#include "store/session.hpp"
#include "vault/grants.hpp"
#include "vault/keyring.hpp"

namespace connhost::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The consent page's link to click, per connection.
const char* allow_marker(const std::string& connection) {
  return connection.starts_with("tiktok") ? "<a class=\"authorize\"" : "<a id=\"allow\"";
}

// A browser's cookie jar over the test client.
struct Browser {
  std::map<std::string, std::string> jar;
  std::string header() const {
    std::string out;
    for (const auto& [k, v] : jar) out += (out.empty() ? "" : "; ") + k + "=" + v;
    return out;
  }
  void keep(const test::Reply& r) {
    for (const auto& [k, v] : r.headers) {
      if (!boost::beast::iequals(k, "Set-Cookie")) continue;
      auto pair = v.substr(0, v.find(';'));
      auto eq = pair.find('=');
      std::string name = pair.substr(0, eq), value = pair.substr(eq + 1);
      if (value.empty() || v.find("Max-Age=0") != std::string::npos)
        jar.erase(name);
      else
        jar[name] = value;
    }
  }
};

class LoginApiTest : public test::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    ::setenv("CONNHOST_LOGIN_API_VAULT_KEY", kTestVaultKey, 1);
    sb.start();
    registry.load_directories({CONNHOST_BUILD_PLUGIN_DIR});
    ASSERT_TRUE(registry.find("google") && registry.find("tiktok") && registry.find("meta"));
    sandbox::Credentials c;
    std::ofstream(dir.path() / "google_secret") << c.google_client_secret;
    std::ofstream(dir.path() / "tiktok_client_secret") << c.tiktok_client_secret;
    std::ofstream(dir.path() / "tiktok_app_secret") << c.tiktok_app_secret;
    std::ofstream(dir.path() / "meta_app_secret") << c.meta_app_secret;
    const std::string u = sb.base_url();
    auto google = [&](const std::string& name) {
      return google_connection_toml(name, u, c.google_client_id, "google_secret");
    };
    std::string toml =
        "[store]\npath = \"store.db\"\n"
        "[vault]\nactive_key = \"test\"\n[vault.keys]\n"
        "test = \"${env:CONNHOST_LOGIN_API_VAULT_KEY}\"\n"
        "[connections.tiktok_sb]\nplugin = \"tiktok\"\nbase_url = \"" +
        u + "\"\nopen_api_base_url = \"" + u + "\"\nauth_page_url = \"" + u +
        "/v2/auth/authorize/\"\napp_id = \"" + c.tiktok_app_id +
        "\"\napp_secret = \"${file:tiktok_app_secret}\"\nclient_key = \"" + c.tiktok_client_key +
        "\"\nclient_secret = \"${file:tiktok_client_secret}\"\n"
        "[connections.meta_sb]\nplugin = \"meta\"\nbase_url = \"" +
        u + "\"\ndialog_url = \"" + u + "/v26.0/dialog/oauth\"\napp_id = \"" + c.meta_app_id +
        "\"\napp_secret = \"${file:meta_app_secret}\"\n" + google("google_sb") +
        google("google_off") + "[connections.google_off.login]\nenabled = false\n";
    auto loaded =
        config::load_string(toml, dir.path() / "connhost.toml", pipeline::plugin_schemas(registry));
    ASSERT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
    cfg = std::move(loaded.config);
    ASSERT_FALSE(cfg->connection("google_off")->login_enabled);
    store_options.sqlite_path = cfg->store.sqlite_path;
    auto keys = vault::Keyring::from_config(cfg->vault);
    ASSERT_TRUE(keys.ok());
    keyring = std::move(keys.keyring);
    start();
    ctx->keyring = &keyring;
  }

  test::Reply call(Browser& b, const std::string& method, const std::string& target) {
    std::vector<std::pair<std::string, std::string>> h{
        {"Host", "127.0.0.1:" + std::to_string(port)}};
    if (!b.jar.empty()) h.emplace_back("Cookie", b.header());
    auto r = test::call(port, method, target, h);
    b.keep(r);
    bodies.push_back(r.body);
    return r;
  }

  // Opens the consent page and follows the link that starts with `marker`: TikTok's links are
  // the redirect itself, Meta's and Google's answer it with a 302. The redirect's URL.
  static std::string click(const std::string& url, std::string_view marker,
                           const std::string& redirect_uri) {
    http::Client c;
    auto page = c.send({"GET", url});
    EXPECT_EQ(page.status, 200) << page.body;
    std::string key = std::string(marker) + " href=\"";
    auto at = page.body.find(key);
    if (at == std::string::npos) {
      ADD_FAILURE() << "no " << marker << " link in " << page.body;
      return {};
    }
    at += key.size();
    std::string link = page.body.substr(at, page.body.find('"', at) - at);
    for (size_t p; (p = link.find("&amp;")) != std::string::npos;) link.replace(p, 5, "&");
    if (link.starts_with(redirect_uri)) return link;
    if (!link.empty() && link[0] == '/') link = sandbox_origin(url) + link;
    auto answer = c.send({"GET", link});
    EXPECT_EQ(answer.status, 302) << answer.body;
    return std::string(answer.header("Location").value_or(""));
  }
  static std::string sandbox_origin(const std::string& url) {
    auto slash = url.find('/', url.find("://") + 3);
    return url.substr(0, slash);
  }

  struct SignIn {
    test::Reply start, back;
    std::string redirect_uri;
  };
  // The whole browser login: /auth/{c}, the sandbox's consent page (allow or deny), the callback.
  SignIn sign_in(Browser& b, const std::string& connection, bool allow = true) {
    SignIn s;
    s.start = call(b, "GET", "/auth/" + connection);
    EXPECT_EQ(s.start.status, 302) << s.start.body;
    auto consent = s.start.header("Location");
    s.redirect_uri = query_of(consent)["redirect_uri"];
    auto location =
        click(consent, allow ? allow_marker(connection) : "<a id=\"deny\"", s.redirect_uri);
    location = location.substr(0, location.find('#'));  // Facebook appends #_=_
    EXPECT_THAT(location, StartsWith(s.redirect_uri));
    std::string q;
    for (const auto& [k, v] : query_of(location)) q += (q.empty() ? "" : "&") + k + "=" + pct(v);
    s.back = call(b, "GET", "/auth/" + connection + "/callback?" + q);
    return s;
  }

  std::vector<vault::GrantInfo> grants() {
    auto s = open_store();
    return vault::list_grants(s.session());
  }
  vault::Grant load(int64_t id) {
    auto s = open_store();
    auto g = vault::load_grant(s.session(), keyring, id);
    EXPECT_TRUE(g);
    return g ? *g : vault::Grant{};
  }
  int64_t grant_id(const std::string& connection) {
    for (const auto& g : grants())
      if (g.connection == connection) return g.id;
    ADD_FAILURE() << "no grant of " << connection;
    return 0;
  }
  size_t platform_calls(std::string_view endpoint) {
    size_t n = 0;
    for (const auto& r : sb.requests()) n += r.endpoint == endpoint;
    return n;
  }

  // Every token the vault holds or held must not appear in any answer the host gave.
  void expect_no_token_in_answers(const std::vector<std::string>& tokens) {
    for (const auto& t : tokens) {
      ASSERT_GE(t.size(), 8u);
      for (const auto& body : bodies) EXPECT_EQ(body.find(t), std::string::npos) << body;
    }
  }

  sandbox::Sandbox sb;
  vault::Keyring keyring;
  Browser browser;
  std::vector<std::string> bodies;
  log::Capture logs = log::capture();
};

TEST_F(LoginApiTest, ProvidersListHonoursLoginEnabled) {
  auto r = call(browser, "GET", "/api/login/providers");
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<std::string> names;
  auto body = json(r);
  for (const auto& p : body.at("providers").as_array()) {
    std::string c(p.at("connection").as_string());
    names.push_back(c);
    EXPECT_EQ(p.at("login_url").as_string(), "/auth/" + c);
    EXPECT_FALSE(p.at("platform").as_string().empty());
    EXPECT_FALSE(p.at("plugin").as_string().empty());
  }
  EXPECT_THAT(names, ElementsAre("tiktok_sb", "meta_sb", "google_sb"));

  // A disabled login answers exactly as an unknown connection.
  auto off = call(browser, "GET", "/auth/google_off");
  auto nope = call(browser, "GET", "/auth/nope");
  EXPECT_EQ(off.status, 404);
  EXPECT_EQ(error_code(off), "not_found");
  EXPECT_EQ(nope.status, 404);
  EXPECT_EQ(off.body.find("disabled"), std::string::npos) << off.body;
  auto cb = call(browser, "GET", "/auth/google_off/callback?state=abc&code=def");
  EXPECT_EQ(cb.status, 404);
  auto unknown = call(browser, "GET", "/auth/nope/callback?state=abc&code=def").body;
  for (size_t p; (p = unknown.find("nope")) != std::string::npos;)
    unknown.replace(p, 4, "google_off");
  EXPECT_EQ(cb.body, unknown);

  // Switching it on (the flag is read per request) lists it and opens the route.
  for (auto& c : cfg->connections)
    if (c.name == "google_off") c.login_enabled = true;
  auto on = call(browser, "GET", "/api/login/providers");
  EXPECT_EQ(json(on).at("providers").as_array().size(), 4u);
  EXPECT_EQ(call(browser, "GET", "/auth/google_off").status, 302);
}

TEST_F(LoginApiTest, TwoPlatformsInOneBrowserMakeOneUserWithTwoGrants) {
  auto me0 = call(browser, "GET", "/api/me");
  ASSERT_EQ(me0.status, 200);
  EXPECT_TRUE(json(me0).at("user_id").is_null());
  EXPECT_TRUE(json(me0).at("grants").as_array().empty());

  auto tiktok = sign_in(browser, "tiktok_sb");
  // Without public_url: the Host header's origin.
  EXPECT_EQ(tiktok.redirect_uri,
            "http://127.0.0.1:" + std::to_string(port) + "/auth/tiktok_sb/callback");
  ASSERT_EQ(tiktok.back.status, 200) << tiktok.back.body;
  EXPECT_THAT(tiktok.back.body, HasSubstr("Signed in to tiktok_sb"));
  std::string set;
  for (const auto& [k, v] : tiktok.back.headers)
    if (boost::beast::iequals(k, "Set-Cookie") && v.starts_with("connhost_session=")) set = v;
  EXPECT_THAT(set, HasSubstr("HttpOnly"));
  EXPECT_THAT(set, HasSubstr("SameSite=Lax"));
  EXPECT_THAT(set, HasSubstr("Path=/;"));
  EXPECT_THAT(set, HasSubstr("Max-Age=2592000"));
  EXPECT_THAT(set, Not(HasSubstr("Secure")));
  ASSERT_TRUE(browser.jar.count("connhost_session"));
  const std::string session = browser.jar["connhost_session"];
  EXPECT_EQ(session.size(), 64u);

  auto me1 = json(call(browser, "GET", "/api/me"));
  ASSERT_TRUE(me1.at("user_id").is_int64());
  int64_t user = me1.at("user_id").as_int64();
  ASSERT_EQ(me1.at("grants").as_array().size(), 1u);
  EXPECT_EQ(me1.at("grants").as_array()[0].at("connection").as_string(), "tiktok_sb");

  auto meta = sign_in(browser, "meta_sb");
  ASSERT_EQ(meta.back.status, 200) << meta.back.body;
  EXPECT_EQ(meta.back.header("Set-Cookie").find("connhost_session"), std::string::npos)
      << "a signed-in browser keeps its session";
  auto me2 = json(call(browser, "GET", "/api/me"));
  EXPECT_EQ(me2.at("user_id").as_int64(), user);
  std::set<std::string> connections;
  for (const auto& g : me2.at("grants").as_array()) {
    connections.emplace(g.at("connection").as_string());
    EXPECT_EQ(g.at("user_id").as_int64(), user);
    EXPECT_EQ(g.at("status").as_string(), "active");
    for (const char* f : {"id", "platform_user_id", "scopes", "expires_at", "refresh_expires_at",
                          "key_id", "created_at", "updated_at"})
      EXPECT_TRUE(g.as_object().contains(f)) << f;
  }
  EXPECT_EQ(connections, (std::set<std::string>{"tiktok_sb", "meta_sb"}));
  auto all = grants();
  ASSERT_EQ(all.size(), 2u);
  for (const auto& g : all) EXPECT_EQ(g.user_id, user);

  // Another browser is another person: a new user.
  Browser other;
  auto google = sign_in(other, "google_sb");
  ASSERT_EQ(google.back.status, 200) << google.back.body;
  int64_t other_user = json(call(other, "GET", "/api/me")).at("user_id").as_int64();
  EXPECT_NE(other_user, user);

  // /api/grants and its filters.
  EXPECT_EQ(json(call(browser, "GET", "/api/grants")).at("grants").as_array().size(), 3u);
  EXPECT_EQ(json(call(browser, "GET", "/api/grants?user_id=" + std::to_string(user)))
                .at("grants")
                .as_array()
                .size(),
            2u);
  auto by_conn = json(call(browser, "GET", "/api/grants?connection=meta_sb")).at("grants");
  ASSERT_EQ(by_conn.as_array().size(), 1u);
  EXPECT_EQ(by_conn.as_array()[0].at("connection").as_string(), "meta_sb");
  EXPECT_TRUE(
      json(call(browser, "GET", "/api/grants?status=revoked")).at("grants").as_array().empty());
  auto bad = call(browser, "GET", "/api/grants?status=bogus");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(error_code(bad), "bad_parameter");

  // The table keeps the cookie's SHA-256, never the cookie.
  {
    auto s = open_store();
    std::vector<std::string> ids;
    soci::rowset<std::string> rows = s.session().prepare << "SELECT id_sha256 FROM login_sessions";
    for (const auto& id : rows) ids.push_back(id);
    EXPECT_THAT(ids, ::testing::Contains(server::sha256_hex(session)));
    EXPECT_THAT(ids, Not(::testing::Contains(session)));
  }

  std::vector<std::string> tokens;
  for (const auto& g : grants()) {
    auto full = load(g.id);
    if (full.access_token) tokens.push_back(full.access_token->reveal());
    if (full.refresh_token) tokens.push_back(full.refresh_token->reveal());
  }
  EXPECT_GE(tokens.size(), 4u);
  expect_no_token_in_answers(tokens);
  for (const auto& t : tokens) EXPECT_EQ(logs.text().find(t), std::string::npos);
}

TEST_F(LoginApiTest, SignOutEndsTheSessionAndAnExpiredSessionIsNobody) {
  ASSERT_EQ(sign_in(browser, "google_sb").back.status, 200);
  std::string session = browser.jar["connhost_session"];
  ASSERT_FALSE(session.empty());
  EXPECT_FALSE(json(call(browser, "GET", "/api/me")).at("user_id").is_null());

  auto out = call(browser, "POST", "/auth/logout");
  EXPECT_EQ(out.status, 200) << out.body;
  EXPECT_TRUE(json(out).at("signed_out").as_bool());
  EXPECT_THAT(out.header("Set-Cookie"), HasSubstr("connhost_session=;"));
  EXPECT_THAT(out.header("Set-Cookie"), HasSubstr("Max-Age=0"));
  EXPECT_FALSE(browser.jar.count("connhost_session"));
  // The old cookie, sent again, signs nobody in; a second sign-out finds nothing.
  Browser replay;
  replay.jar["connhost_session"] = session;
  EXPECT_TRUE(json(call(replay, "GET", "/api/me")).at("user_id").is_null());
  EXPECT_FALSE(json(call(replay, "POST", "/auth/logout")).at("signed_out").as_bool());

  // After sign-out the next login starts a new session (the same platform user: the same user).
  ASSERT_EQ(sign_in(browser, "google_sb").back.status, 200);
  auto me = json(call(browser, "GET", "/api/me"));
  ASSERT_FALSE(me.at("user_id").is_null());
  now += std::chrono::hours(24 * 30) + std::chrono::seconds(1);
  EXPECT_TRUE(json(call(browser, "GET", "/api/me")).at("user_id").is_null());
}

TEST_F(LoginApiTest, PublicUrlIsTheRedirectBaseAndMakesTheCookieSecure) {
  cfg->server.public_url = "https://connhost.example.com";
  auto s = sign_in(browser, "meta_sb");  // the sandbox's Facebook Login takes any https URI
  EXPECT_EQ(s.redirect_uri, "https://connhost.example.com/auth/meta_sb/callback");
  ASSERT_EQ(s.back.status, 200) << s.back.body;
  std::string set;
  for (const auto& [k, v] : s.back.headers)
    if (boost::beast::iequals(k, "Set-Cookie") && v.starts_with("connhost_session=")) set = v;
  EXPECT_THAT(set, HasSubstr("; Secure"));
  EXPECT_THAT(call(browser, "POST", "/auth/logout").header("Set-Cookie"), HasSubstr("; Secure"));
}

TEST_F(LoginApiTest, RevokeRevokesAtThePlatformAndDeletesTheTokens) {
  ASSERT_EQ(sign_in(browser, "tiktok_sb").back.status, 200);
  int64_t id = grant_id("tiktok_sb");
  auto before = load(id);
  ASSERT_TRUE(before.access_token);
  std::string old_access = before.access_token->reveal();
  sb.clear_requests();

  auto r = call(browser, "POST", "/api/grants/" + std::to_string(id) + "/revoke");
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = json(r);
  EXPECT_EQ(body.at("platform").as_string(), "revoked");
  EXPECT_EQ(body.at("grant").at("status").as_string(), "revoked");
  EXPECT_EQ(platform_calls("v2/oauth/revoke"), 1u);

  // Both token columns are NULL; the row stays.
  {
    auto s = open_store();
    soci::indicator a = soci::i_ok, rf = soci::i_ok;
    std::string av, rv;
    s.session() << "SELECT access_token_enc, refresh_token_enc FROM grants WHERE id = :id",
        soci::use(id), soci::into(av, a), soci::into(rv, rf);
    EXPECT_EQ(a, soci::i_null);
    EXPECT_EQ(rf, soci::i_null);
  }
  // The old token no longer works at the platform.
  auto li = server::login_instance(*cfg, registry, "tiktok_sb", std::make_shared<http::Client>());
  ASSERT_FALSE(li.error);
  auto u = li.instance->user_info({{}, {}, {}, {}, old_access});
  ASSERT_TRUE(u.error);
  EXPECT_EQ(u.error->category, CH_ERROR_AUTH);

  auto again = call(browser, "POST", "/api/grants/" + std::to_string(id) + "/revoke");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(error_code(again), "already_revoked");
  auto missing = call(browser, "POST", "/api/grants/999999/revoke");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_code(missing), "not_found");
  EXPECT_EQ(call(browser, "POST", "/api/grants/abc/revoke").status, 400);
  // /api/me shows it revoked.
  auto me = json(call(browser, "GET", "/api/me"));
  EXPECT_EQ(me.at("grants").as_array()[0].at("status").as_string(), "revoked");
  expect_no_token_in_answers({old_access});
}

TEST_F(LoginApiTest, MetaRevokeDeletesThePermissions) {
  ASSERT_EQ(sign_in(browser, "meta_sb").back.status, 200);
  int64_t id = grant_id("meta_sb");
  std::string token = load(id).access_token->reveal();
  sb.clear_requests();
  auto r = call(browser, "POST", "/api/grants/" + std::to_string(id) + "/revoke");
  ASSERT_EQ(r.status, 200) << r.body;
  bool deleted = false;
  for (const auto& q : sb.requests())
    deleted |= q.method == "DELETE" && q.path.find("/me/permissions") != std::string::npos;
  EXPECT_TRUE(deleted);
  expect_no_token_in_answers({token});
}

TEST_F(LoginApiTest, APlatformFailureKeepsTheTokensUnlessLocalOnly) {
  ASSERT_EQ(sign_in(browser, "tiktok_sb").back.status, 200);
  int64_t id = grant_id("tiktok_sb");
  std::string access = load(id).access_token->reveal();
  sb.add_faults(
      R"({"faults":[{"platform":"tiktok","endpoint":"v2/oauth/revoke","kind":"server_error","status":503,"times":-1}]})");
  auto r = call(browser, "POST", "/api/grants/" + std::to_string(id) + "/revoke");
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(error_code(r), "platform_transient");
  EXPECT_THAT(json(r).at("error").at("message").as_string().c_str(), HasSubstr("transient"));
  auto kept = load(id);
  EXPECT_EQ(kept.info.status, vault::GrantStatus::active);
  ASSERT_TRUE(kept.access_token);
  EXPECT_EQ(kept.access_token->reveal(), access);

  // Without a vault the platform cannot be asked: 503; local_only needs no token.
  ctx->keyring = nullptr;
  auto no_vault = call(browser, "POST", "/api/grants/" + std::to_string(id) + "/revoke");
  EXPECT_EQ(no_vault.status, 503);
  EXPECT_EQ(error_code(no_vault), "vault_unavailable");

  sb.clear_requests();
  auto local =
      call(browser, "POST", "/api/grants/" + std::to_string(id) + "/revoke?local_only=true");
  ASSERT_EQ(local.status, 200) << local.body;
  EXPECT_EQ(json(local).at("platform").as_string(), "skipped");
  EXPECT_EQ(platform_calls("v2/oauth/revoke"), 0u);
  ctx->keyring = &keyring;
  auto after = load(id);
  EXPECT_EQ(after.info.status, vault::GrantStatus::revoked);
  EXPECT_FALSE(after.access_token);
  EXPECT_FALSE(after.refresh_token);
  expect_no_token_in_answers({access});
}

TEST_F(LoginApiTest, ATokenAlreadyDeadAtThePlatformIsStillRevokedLocally) {
  ASSERT_EQ(sign_in(browser, "meta_sb").back.status, 200);
  int64_t id = grant_id("meta_sb");
  sb.add_faults(
      R"({"faults":[{"platform":"meta","endpoint":"me/permissions","kind":"revoked_token","times":-1}]})");
  auto r = call(browser, "POST", "/api/grants/" + std::to_string(id) + "/revoke");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r).at("platform").as_string(), "already_invalid");
  EXPECT_FALSE(load(id).access_token);
}

TEST_F(LoginApiTest, DeniedConsentStoresNothingAndStartsNoSession) {
  auto s = sign_in(browser, "tiktok_sb", false);
  EXPECT_EQ(s.back.status, 400) << s.back.body;
  EXPECT_THAT(s.back.body, HasSubstr("declined"));
  EXPECT_TRUE(grants().empty());
  EXPECT_FALSE(browser.jar.count("connhost_session"));
}

TEST_F(LoginApiTest, OpenApiListsTheLoginRoutes) {
  auto doc = json(call(browser, "GET", "/api/openapi.json"));
  const auto& paths = doc.at("paths").as_object();
  for (const char* p : {"/api/login/providers", "/api/me", "/api/grants", "/api/grants/{id}/revoke",
                        "/auth/logout"})
    EXPECT_TRUE(paths.contains(p)) << p;
  const auto& revoke = paths.at("/api/grants/{id}/revoke").at("post").at("responses").as_object();
  for (const char* s : {"200", "404", "409", "502", "503"}) EXPECT_TRUE(revoke.contains(s)) << s;
}

}  // namespace
}  // namespace connhost::testing
