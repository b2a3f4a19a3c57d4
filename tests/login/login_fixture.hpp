#pragma once

// Grants from real sign-ins against the in-process sandbox, in a fresh store (SQLite here, or a
// PostgreSQL database), with the pieces of core/login around them: Refresher, GrantTokens, and a
// reporting connection that takes its token from the vault ("${grant:tt_adv}").

#include <gmock/gmock.h>

#include <connhost/sandbox/sandbox.hpp>

#include <fstream>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "../connectors/login_test_util.hpp"
#include "config/config.hpp"
#include "http/client.hpp"
#include "log/logger.hpp"
#include "login/grant_tokens.hpp"
#include "login/refresher.hpp"
#include "login/token_grant.hpp"
#include "metrics/metrics.hpp"
#include "pipeline/connection_setup.hpp"
#include "pipeline/plugin_schemas.hpp"
#include "plugin/pkce.hpp"
#include "plugin/registry.hpp"
#include "store/session.hpp"
#include "store/store.hpp"
#include "store/timestamp.hpp"
#include "support/temp_dir.hpp"
#include "vault/grants.hpp"
#include "vault/keyring.hpp"

namespace connhost::testing {

// A test-only vault key (32 bytes in hex); never a real one.
inline constexpr const char* kLoginTestVaultKey =
    "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
inline constexpr const char* kRedirect = "http://127.0.0.1:9000/cb";

class LoginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::init(log::Level::info, log::Format::text);
    logs = log::capture();
    ::setenv("CONNHOST_LOGIN_TEST_VAULT_KEY", kLoginTestVaultKey, 1);
    registry.load_directories({CONNHOST_BUILD_PLUGIN_DIR});
    ASSERT_TRUE(registry.find("tiktok") && registry.find("google"));
    sandbox::Options o;
    o.today = "2026-11-20";
    o.threads = 2;
    sb = std::make_unique<sandbox::Sandbox>(o);
    sb->start();
    write_config();
    if (HasFatalFailure()) return;
    open_store();
    keyring = std::move(vault::Keyring::from_config(cfg->vault).keyring);
    ASSERT_TRUE(keyring.available());
    refresher = make_refresher("main");
    tokens = std::make_unique<login::GrantTokens>(*refresher, keyring,
                                                  [this] { return store::Store::open(options); });
  }
  void TearDown() override {
    tokens.reset();
    db.reset();
    log::init(log::Level::off, log::Format::text);
  }

  // SQLite in the test's folder; the PostgreSQL tests replace it.
  virtual void open_store() {
    options.backend = store::Backend::sqlite;
    options.sqlite_path = dir.path() / "store.db";
    db.emplace(store::Store::open(options));
    db->migrate();
  }

  std::unique_ptr<login::Refresher> make_refresher(const std::string& name) {
    return std::make_unique<login::Refresher>(*cfg, registry, http, keyring, &metrics,
                                              "test:" + name);
  }

  void write_config() {
    sandbox::Credentials c;
    std::ofstream(dir.path() / "app_secret") << c.tiktok_app_secret;
    std::ofstream(dir.path() / "client_secret") << c.tiktok_client_secret;
    std::ofstream(dir.path() / "google_secret") << c.google_client_secret;
    std::string u = "\"" + sb->base_url() + "\"";
    std::string t =
        "[store]\npath = \"store.db\"\n"
        "[vault]\nactive_key = \"t\"\n[vault.keys]\nt = \"${env:CONNHOST_LOGIN_TEST_VAULT_KEY}\"\n"
        "[connections.tt_login]\nplugin = \"tiktok\"\nbase_url = " +
        u + "\nopen_api_base_url = " + u + "\nauth_page_url = \"" + sb->base_url() +
        "/v2/auth/authorize/\"\napp_id = \"" + c.tiktok_app_id +
        "\"\napp_secret = \"${file:app_secret}\"\nclient_key = \"" + c.tiktok_client_key +
        "\"\nclient_secret = \"${file:client_secret}\"\n"
        "[connections.tt_adv]\nplugin = \"tiktok\"\nlogin_flow = \"advertiser\"\n"
        "advertiser_auth_url = \"" +
        sb->base_url() + "/portal/auth\"\nbase_url = " + u + "\napp_id = \"" + c.tiktok_app_id +
        "\"\napp_secret = \"${file:app_secret}\"\n"
        "[connections.tt_ads]\nplugin = \"tiktok\"\nbase_url = " +
        u + "\napp_id = \"" + c.tiktok_app_id +
        "\"\napp_secret = \"${file:app_secret}\"\naccess_token = \"${grant:tt_adv}\"\n"
        "[connections.g_login]\nplugin = \"google\"\nbase_url = " +
        u + "\noauth_base_url = " + u + "\nauth_page_url = \"" + sb->base_url() +
        "/o/oauth2/v2/auth\"\nuserinfo_url = \"" + sb->base_url() +
        "/v1/userinfo\"\nclient_id = \"" + c.google_client_id +
        "\"\nclient_secret = \"${file:google_secret}\"\n"
        "[pipelines.tt_ads_sync]\nconnection = \"tt_ads\"\ncapability = \"reporting\"\n"
        "streams = [\"campaigns\", \"campaign_daily\"]\n";
    auto loaded =
        config::load_string(t, dir.path() / "connhost.toml", pipeline::plugin_schemas(registry));
    std::string errors;
    for (const auto& e : loaded.errors) errors += e.to_string() + "\n";
    ASSERT_TRUE(loaded.ok()) << errors;
    cfg = std::move(loaded.config);
  }

  std::unique_ptr<plugin::Instance> instance(const std::string& connection) {
    auto setup = pipeline::setup_connection(*cfg, registry, connection, http);
    auto [inst, error] = plugin::Instance::create(setup.plugin, std::move(setup.settings));
    EXPECT_FALSE(error) << error->to_string();
    return std::move(inst);
  }

  // Signs in through `connection` as a person clicking "allow" would, and stores the grant for
  // a new local user. Returns the grant's id.
  int64_t sign_in(const std::string& connection) {
    auto inst = instance(connection);
    const std::string platform(inst->plugin().platform());
    std::string verifier = plugin::random_base64url();
    auto a = inst->authorize_url(
        {kRedirect, "state-" + connection, plugin::pkce_challenge(platform, verifier), "S256", {}});
    EXPECT_FALSE(a.error) << a.error->to_string();
    // Google's consent page has an "allow" link; TikTok's pages redirect at once when asked to.
    std::string location;
    if (platform == "google") {
      location = click_through(a.url, "<a id=\"allow\"");
    } else {
      auto consent = http->send({"GET", a.url + "&sandbox_auto=1"});
      EXPECT_EQ(consent.status, 302) << consent.body;
      location = consent.header("Location").value_or("");
    }
    auto q = query_of(location);
    auto t = inst->exchange_code({q["code"], kRedirect, verifier, {}, {}});
    EXPECT_FALSE(t.error) << t.error->to_string();
    auto& sql = db->session();
    return vault::upsert_grant(sql, keyring,
                               login::grant_input(t.token, connection, vault::create_user(sql).id));
  }

  vault::Grant grant(int64_t id) {
    auto g = vault::load_grant(db->session(), keyring, id);
    EXPECT_TRUE(g);
    return g ? std::move(*g) : vault::Grant{};
  }

  // The access token as if it ran out: the vault's expiry in the past, and at the platform too
  // (the sandbox's control API), so only a refreshed token works.
  void expire(int64_t id) {
    auto g = grant(id);
    long long key = id;
    db->session() << "UPDATE grants SET expires_at = '2001-01-01T00:00:00.000Z' WHERE id = :id",
        soci::use(key);
    auto r = http->send({"POST", sb->base_url() + "/_sandbox/tokens/expire?platform=tiktok&token=" +
                                     g.access_token->reveal()});
    EXPECT_EQ(r.status, 200) << r.body;
  }

  void revoke_at_platform(const std::string& token) {
    auto r = http->send({"POST", sb->base_url() + "/_sandbox/tokens/revoke?token=" + token});
    EXPECT_EQ(r.status, 200) << r.body;
  }

  // The refresh-grant requests the sandbox received (Login Kit and Google token endpoints).
  int refresh_requests() const {
    int n = 0;
    for (const auto& r : sb->requests())
      if (r.method == "POST" && r.body.find("grant_type=refresh_token") != std::string::npos) ++n;
    return n;
  }

  // Two hosts (each its own database session, refresher and token service) asking for the
  // expired token of grant `id` at the same moment, `rounds` times; a slow token endpoint holds
  // the race open. Each round must cost exactly one refresh: a second one would present the
  // refresh token the first just rotated away, and the grant would turn reauth_required.
  void expect_one_refresh_per_race(int64_t id, int rounds) {
    auto a = make_refresher("host-a"), b = make_refresher("host-b");
    sb->add_faults(
        R"({"faults":[{"platform":"tiktok","endpoint":"v2/oauth/token","kind":"latency",)"
        R"("latency_ms":300,"times":-1}]})");
    for (int round = 1; round <= rounds; ++round) {
      expire(id);
      login::GrantTokens ta(*a, keyring, [this] { return store::Store::open(options); });
      login::GrantTokens tb(*b, keyring, [this] { return store::Store::open(options); });
      std::latch go(2);
      std::string got_a, got_b, error;
      std::mutex m;
      auto run = [&](login::GrantTokens& t, std::string& out) {
        go.arrive_and_wait();
        try {
          out = t.resolve(ref("tt_login"));
        } catch (const std::exception& e) {
          std::lock_guard lock(m);
          error += e.what();
        }
      };
      std::thread x(run, std::ref(ta), std::ref(got_a)), y(run, std::ref(tb), std::ref(got_b));
      x.join();
      y.join();
      ASSERT_EQ(error, "") << "round " << round;
      EXPECT_EQ(got_a, got_b) << "round " << round;
      EXPECT_EQ(refresh_requests(), round);
      EXPECT_EQ(status_of(id), "active");
    }
  }

  std::string status_of(int64_t id) { return std::string(vault::to_string(grant(id).info.status)); }

  config::SecretRef ref(const std::string& connection, const std::string& field = "access_token") {
    return {config::SecretRef::Kind::grant, connection, field};
  }

  test::TempDir dir;
  log::Capture logs;
  plugin::Registry registry;
  std::unique_ptr<sandbox::Sandbox> sb;
  std::optional<config::HostConfig> cfg;
  store::StoreOptions options;
  std::optional<store::Store> db;
  vault::Keyring keyring;
  std::shared_ptr<http::Client> http = std::make_shared<http::Client>();
  metrics::Registry metrics;
  std::unique_ptr<login::Refresher> refresher;
  std::unique_ptr<login::GrantTokens> tokens;
};

}  // namespace connhost::testing
