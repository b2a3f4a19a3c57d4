// `connhost auth url|exchange|test|grants|revoke`: the authorization-code flow for set-ups
// without a browser callback (issue #6, "For headless set-ups"), the vault's grants (never their
// tokens) and their revocation at the platform and locally (server/grant_revoke.hpp, shared with
// POST /api/grants/{id}/revoke). `url` prints the consent URL with a fresh state and
// PKCE verifier, `exchange` turns the code the redirect carried into a grant in the vault, `test`
// calls user_info with the stored grant. Tokens are never printed; the verifier is (it is only
// useful together with a code, and the code arrives by the person running the command).

#include <chrono>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/login_services.hpp"
#include "cli/store_open.hpp"
#include "cli/table.hpp"
#include "http/client.hpp"
#include "login/token_grant.hpp"
#include "pipeline/connection_setup.hpp"
#include "plugin/pkce.hpp"
#include "server/grant_revoke.hpp"
#include "store/session.hpp"
#include "store/timestamp.hpp"
#include "vault/grants.hpp"
#include "vault/keyring.hpp"

namespace connhost::cli {
namespace {

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = std::min(s.find(',', start), s.size());
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

struct Context {
  // The loaded plugins, kept for what comes after the operation (auth exchange's profile sync).
  std::optional<HostContext> host;
  std::optional<config::HostConfig> config;
  std::unique_ptr<plugin::Instance> instance;
  std::string platform;
  int rc = kExitOk;
};

// `login_only`: refuse a connection whose login is switched off (url, exchange).
Context connect(const GlobalOptions& options, const std::string& connection,
                bool login_only = false) {
  Context c;
  auto& ctx = c.host.emplace(HostContext::open(options));
  auto loaded = config::load_file(options.config_file, ctx.schema_lookup());
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::cerr << e.to_string() << '\n';
    c.rc = kExitConfigInvalid;
    return c;
  }
  c.config = std::move(loaded.config);
  if (login_only) {
    const auto* conn = c.config->connection(connection);
    if (conn && !conn->login_enabled) {
      std::cerr << "connhost: login is disabled for connection '" << connection
                << "' ([connections." << connection << ".login] enabled = false)\n";
      c.rc = kExitConfigInvalid;
      return c;
    }
  }
  try {
    auto setup = pipeline::setup_connection(*c.config, ctx.registry, connection,
                                            std::make_shared<http::Client>());
    c.platform = std::string(setup.plugin->platform());
    auto [inst, err] = plugin::Instance::create(setup.plugin, std::move(setup.settings));
    if (err) {
      std::cerr << "connhost: connection '" << connection << "': " << err->to_string() << '\n';
      c.rc = kExitConfigInvalid;
      return c;
    }
    c.instance = std::move(inst);
  } catch (const std::exception& e) {
    std::cerr << "connhost: " << e.what() << '\n';
    c.rc = kExitConfigInvalid;
  }
  return c;
}

int fail(const std::string& what, const plugin::PluginError& e) {
  std::cerr << "connhost: " << what << " failed: " << e.to_string() << '\n';
  return kExitFailure;
}

}  // namespace

int auth_url(const GlobalOptions& options, const AuthOptions& a) {
  auto c = connect(options, a.connection, true);
  if (c.rc != kExitOk) return c.rc;
  plugin::AuthorizeRequest r;
  r.redirect_uri = a.redirect_uri;
  r.state = plugin::random_base64url();
  std::string verifier = plugin::random_base64url();
  r.code_challenge = plugin::pkce_challenge(c.platform, verifier);
  r.code_challenge_method = "S256";
  r.scopes = split_commas(a.scopes);
  auto out = c.instance->authorize_url(r);
  if (out.error) return fail("auth url", *out.error);
  std::cout << out.url << "\n\nstate: " << r.state << "\nverifier: " << verifier
            << "\n\nOpen the URL, check that the redirect's state matches, then run\n"
            << "  connhost auth exchange " << a.connection << " CODE --verifier " << verifier
            << " --redirect-uri " << a.redirect_uri << '\n';
  return kExitOk;
}

int auth_exchange(const GlobalOptions& options, const AuthOptions& a) {
  auto c = connect(options, a.connection, true);
  if (c.rc != kExitOk) return c.rc;
  auto keys = vault::Keyring::from_config(c.config->vault);
  if (!keys.ok()) {
    for (const auto& e : keys.errors) std::cerr << e.to_string() << '\n';
    return kExitConfigInvalid;
  }
  if (!keys.keyring.available()) {
    std::cerr << "connhost: " << vault::kNoVaultMessage << '\n';
    return kExitConfigInvalid;
  }
  auto t = c.instance->exchange_code({a.code, a.redirect_uri, a.verifier, {}, {}});
  if (t.error) return fail("auth exchange", *t.error);
  int rc = kExitOk;
  auto store = open_migrated_store(*c.config, rc);
  if (!store) return rc;
  int64_t grant_id = 0;
  try {
    auto& sql = store->session();
    auto g = login::grant_input(t.token, a.connection, 0);
    if (a.user_id > 0) {
      if (!vault::find_user(sql, a.user_id)) {
        std::cerr << "connhost: no user " << a.user_id << '\n';
        return kExitUsage;
      }
      g.user_id = a.user_id;
    } else {
      g.user_id = vault::find_grant_user(sql, a.connection, g.platform_user_id).value_or(0);
      if (g.user_id <= 0) g.user_id = vault::create_user(sql).id;
    }
    auto id = vault::upsert_grant(sql, keys.keyring, g);
    std::cout << "grant " << id << " stored for user " << g.user_id << " (platform user "
              << g.platform_user_id << ", scopes " << (g.scopes.empty() ? "-" : g.scopes)
              << ", expires " << g.expires_at.value_or("never") << ")\n";
    grant_id = id;
  } catch (const std::exception& e) {
    std::cerr << "connhost: storing the grant failed: " << e.what() << '\n';
    return kExitFailure;
  }
  // The new grant's profile, right away where the connection's plugin has one (docs/contacts.md,
  // "Sync"). It never fails the sign-in: a failure is logged, and the profile pipeline retries.
  store.reset();
  auto http = std::make_shared<http::Client>();
  LoginServices login(*c.config, c.host->registry, http, nullptr, std::move(keys.keyring));
  login.sync_after_sign_in(grant_id);
  return kExitOk;
}

int auth_test(const GlobalOptions& options, const AuthOptions& a) {
  auto c = connect(options, a.connection);
  if (c.rc != kExitOk) return c.rc;
  auto keys = vault::Keyring::from_config(c.config->vault);
  if (!keys.ok()) {
    for (const auto& e : keys.errors) std::cerr << e.to_string() << '\n';
    return kExitConfigInvalid;
  }
  int rc = kExitOk;
  auto store = open_migrated_store(*c.config, rc);
  if (!store) return rc;
  try {
    auto& sql = store->session();
    auto grants = vault::list_grants(sql, {std::nullopt, a.connection, vault::GrantStatus::active});
    if (grants.empty()) {
      std::cerr << "connhost: no active grant for connection '" << a.connection
                << "': run `connhost auth url` and `connhost auth exchange` first\n";
      return kExitFailure;
    }
    auto grant = vault::load_grant(sql, keys.keyring, grants.back().id);
    if (!grant || !grant->access_token) {
      std::cerr << "connhost: grant " << grants.back().id << " has no access token\n";
      return kExitFailure;
    }
    auto u = c.instance->user_info({{}, {}, {}, {}, grant->access_token->reveal()});
    if (u.error) return fail("auth test (grant " + std::to_string(grant->info.id) + ")", *u.error);
    std::cout << "grant " << grant->info.id << " works: platform user " << u.user.platform_user_id
              << (u.user.display_name.empty() ? "" : " (" + u.user.display_name + ")") << '\n';
  } catch (const std::exception& e) {
    std::cerr << "connhost: auth test failed: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

namespace {

// The configuration with the plugins' schemas, the keyring and the migrated store.
struct VaultSetup {
  HostContext ctx;
  std::optional<config::HostConfig> config;
  vault::Keyring keyring;
  std::optional<store::Store> store;
  int rc = kExitOk;
};

std::unique_ptr<VaultSetup> open_vault(const GlobalOptions& options) {
  auto s = std::make_unique<VaultSetup>(VaultSetup{HostContext::open(options)});
  auto loaded = config::load_file(options.config_file, s->ctx.schema_lookup());
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::cerr << e.to_string() << '\n';
    s->rc = kExitConfigInvalid;
    return s;
  }
  s->config = std::move(loaded.config);
  auto keys = vault::Keyring::from_config(s->config->vault);
  if (!keys.ok()) {
    for (const auto& e : keys.errors) std::cerr << e.to_string() << '\n';
    s->rc = kExitConfigInvalid;
    return s;
  }
  s->keyring = std::move(keys.keyring);
  s->store = open_migrated_store(*s->config, s->rc);
  return s;
}

}  // namespace

int auth_grants(const GlobalOptions& options, const std::string& connection) {
  auto s = open_vault(options);
  if (s->rc != kExitOk || !s->store) return s->rc != kExitOk ? s->rc : kExitFailure;
  try {
    vault::GrantFilter f;
    if (!connection.empty()) f.connection = connection;
    Table t({"ID", "USER", "CONNECTION", "PLATFORM USER", "SCOPES", "STATUS", "EXPIRES",
             "REFRESH EXPIRES", "KEY", "UPDATED"});
    size_t n = 0;
    for (const auto& g : vault::list_grants(s->store->session(), f)) {
      t.add({std::to_string(g.id), std::to_string(g.user_id), g.connection, g.platform_user_id,
             g.scopes.empty() ? "-" : g.scopes, std::string(vault::to_string(g.status)),
             g.expires_at.value_or("-"), g.refresh_expires_at.value_or("-"), g.key_id,
             g.updated_at});
      ++n;
    }
    if (n == 0) {
      std::cout << "no grants" << (connection.empty() ? "" : " for connection '" + connection + "'")
                << '\n';
      return kExitOk;
    }
    t.print(std::cout);
  } catch (const std::exception& e) {
    std::cerr << "connhost: listing the grants failed: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

int auth_revoke(const GlobalOptions& options, int64_t grant_id, bool local_only) {
  auto s = open_vault(options);
  if (s->rc != kExitOk || !s->store) return s->rc != kExitOk ? s->rc : kExitFailure;
  try {
    auto out = server::revoke_grant(s->store->session(), &s->keyring, *s->config, s->ctx.registry,
                                    std::make_shared<http::Client>(), grant_id, local_only, "cli");
    using R = server::RevokeOutcome::Result;
    switch (out.result) {
      case R::revoked:
        std::cout << out.message << '\n';
        return kExitOk;
      case R::not_found:
        std::cerr << "connhost: " << out.message << '\n';
        return kExitUsage;
      case R::already_revoked:
        std::cerr << "connhost: " << out.message << '\n';
        return kExitFailure;
      case R::no_vault:
        std::cerr << "connhost: " << out.message << " (or revoke locally only: --local-only)\n";
        return kExitConfigInvalid;
      case R::platform_failed:
        std::cerr << "connhost: " << out.message << " (--local-only)\n";
        return kExitFailure;
    }
  } catch (const std::exception& e) {
    std::cerr << "connhost: revoking grant " << grant_id << " failed: " << e.what() << '\n';
  }
  return kExitFailure;
}

}  // namespace connhost::cli
