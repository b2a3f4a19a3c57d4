// The login feature's API (issue #6): which connections offer a browser sign-in
// (/api/login/providers), who the browser's session belongs to (/api/me), the vault's grants
// without their tokens (/api/grants) and their revocation (/api/grants/{id}/revoke: at the
// platform, then locally). Under the API's auth like every /api route. No token ever appears in
// an answer.

#include <boost/json.hpp>

#include "http/client.hpp"
#include "server/errors.hpp"
#include "server/grant_revoke.hpp"
#include "server/login_sessions.hpp"
#include "server/routes/routes.hpp"
#include "store/session.hpp"
#include "vault/grants.hpp"

namespace connhost::server {
namespace {

namespace json = boost::json;

json::value nullable(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

json::object grant_json(const vault::GrantInfo& g) {
  return {{"id", g.id},
          {"user_id", g.user_id},
          {"connection", g.connection},
          {"platform_user_id", g.platform_user_id},
          {"scopes", g.scopes},
          {"status", vault::to_string(g.status)},
          {"expires_at", nullable(g.expires_at)},
          {"refresh_expires_at", nullable(g.refresh_expires_at)},
          {"key_id", g.key_id},
          {"created_at", g.created_at},
          {"updated_at", g.updated_at}};
}

json::array grants_json(const std::vector<vault::GrantInfo>& grants) {
  json::array out;
  for (const auto& g : grants) out.push_back(grant_json(g));
  return out;
}

bool has_login(const plugin::LoadedPlugin& p) {
  return (p.capabilities & CH_CAP_LOGIN) != 0;
}

struct GrantsRoutes {
  ServerContext& ctx;
  std::shared_ptr<http::Client> own_http = std::make_shared<http::Client>();

  Response providers(const Request&) const {
    json::array out;
    for (const auto& c : ctx.config.connections) {
      if (!c.login_enabled) continue;
      const auto* p = ctx.plugins.find(c.plugin);
      if (!p || !has_login(*p)) continue;
      out.push_back({{"connection", c.name},
                     {"plugin", c.plugin},
                     {"platform", p->platform()},
                     {"login_url", "/auth/" + c.name}});
    }
    return json_response(200, json::object{{"providers", std::move(out)}});
  }

  Response me(const Request& req) const {
    auto lease = ctx.stores.acquire();
    auto& sql = lease->session();
    std::optional<int64_t> user;
    if (auto c = request_cookie(req, kSessionCookie)) user = find_session_user(sql, *c, ctx.now());
    json::array grants;
    if (user) grants = grants_json(vault::list_grants(sql, {*user, std::nullopt, std::nullopt}));
    return json_response(200, json::object{{"user_id", user ? json::value(*user) : nullptr},
                                           {"grants", std::move(grants)}});
  }

  Response list(const Request& req) const {
    vault::GrantFilter f;
    f.user_id = req.query_int("user_id");
    f.connection = req.query("connection");
    if (auto s = req.query("status")) {
      f.status = vault::parse_grant_status(*s);
      if (!f.status) throw BadParameter("status", "must be active, reauth_required or revoked");
    }
    auto lease = ctx.stores.acquire();
    return json_response(
        200, json::object{{"grants", grants_json(vault::list_grants(lease->session(), f))}});
  }

  Response revoke(const Request& req) const {
    const std::string& raw = req.param("id");
    int64_t id = 0;
    try {
      size_t used = 0;
      id = std::stoll(raw, &used);
      if (used != raw.size() || id <= 0) throw std::invalid_argument("id");
    } catch (const std::exception&) {
      throw BadParameter("id", "must be a grant id (a positive integer)");
    }
    bool local_only = req.query("local_only").value_or("false") == "true";
    if (!local_only && (!ctx.keyring || !ctx.keyring->available()))
      return error_response(503, "vault_unavailable",
                            "the token vault is not configured on this server ([vault]); "
                            "revoking at the platform needs it (local_only=true skips the "
                            "platform)");
    auto lease = ctx.stores.acquire();
    auto out = server::revoke_grant(lease->session(), ctx.keyring, ctx.config, ctx.plugins,
                                    ctx.http ? ctx.http : own_http, id, local_only);
    using R = RevokeOutcome::Result;
    switch (out.result) {
      case R::not_found:
        return error_response(404, "not_found", out.message);
      case R::already_revoked:
        return error_response(409, "already_revoked", out.message);
      case R::no_vault:
        return error_response(503, "vault_unavailable", out.message);
      case R::platform_failed:
        return error_response(502, "platform_" + out.category, out.message);
      case R::revoked:
        break;
    }
    return json_response(200, json::object{{"grant", grant_json(*out.grant)},
                                           {"platform", out.platform},
                                           {"message", out.message}});
  }
};

}  // namespace

void add_grants_routes(Router& router, ServerContext& ctx) {
  auto routes = std::make_shared<GrantsRoutes>(GrantsRoutes{ctx});
  router.add({.method = "GET",
              .pattern = "/api/login/providers",
              .summary = "The connections a browser can sign in with",
              .description = "Connections whose plugin has the login capability and whose "
                             "[connections.X.login] enabled is not false: {\"providers\": "
                             "[{connection, plugin, platform, login_url}]}. login_url is the "
                             "browser login (GET /auth/{connection}).",
              .tag = "login",
              .handler = [routes](const Request& r) { return routes->providers(r); }});
  router.add({.method = "GET",
              .pattern = "/api/me",
              .summary = "The local user of this browser's session, and their grants",
              .description = "{\"user_id\": N or null, \"grants\": [...]} for the connhost_session "
                             "cookie a browser login set; grants without tokens.",
              .tag = "login",
              .handler = [routes](const Request& r) { return routes->me(r); }});
  router.add({.method = "GET",
              .pattern = "/api/grants",
              .summary = "The token vault's grants, without their tokens",
              .description = "{\"grants\": [{id, user_id, connection, platform_user_id, scopes, "
                             "status, expires_at, refresh_expires_at, key_id, created_at, "
                             "updated_at}]} in id order. No token is read.",
              .query = {{.name = "user_id", .type = "integer", .description = "only this user's"},
                        {.name = "connection", .description = "only this connection's"},
                        {.name = "status",
                         .description = "only grants in this status",
                         .choices = {"active", "reauth_required", "revoked"}}},
              .tag = "login",
              .handler = [routes](const Request& r) { return routes->list(r); }});
  router.add({.method = "POST",
              .pattern = "/api/grants/{id}/revoke",
              .summary = "Revoke a grant at the platform, then delete its tokens",
              .description =
                  "Calls the connection's revoke at the platform, then deletes both tokens and "
                  "marks the grant revoked: {grant, platform: revoked|already_invalid|skipped, "
                  "message}. A platform auth error (the token is already dead) still revokes "
                  "locally. Any other platform failure is a 502 (code platform_<category>) and "
                  "keeps the tokens for a retry, unless local_only=true, which skips the "
                  "platform. 404 unknown grant, 409 already revoked, 503 without a vault.",
              .query = {{.name = "local_only",
                         .type = "boolean",
                         .description = "true: do not call the platform"}},
              .tag = "login",
              .handler = [routes](const Request& r) { return routes->revoke(r); }});
}

}  // namespace connhost::server
