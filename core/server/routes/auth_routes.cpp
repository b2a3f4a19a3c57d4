// The browser login of `connhost serve` (issue #6, "Host"): GET /auth/{connection} starts the
// authorization-code flow with a single-use, expiring state and a PKCE verifier kept server-side
// (server/login_states.hpp), bound to the browser by an HttpOnly cookie; GET
// /auth/{connection}/callback checks all of it, exchanges the code, fetches the user and stores
// the grant in the vault under the browser's signed-in local user (server/login_sessions.hpp),
// starting a session when there is none; POST /auth/logout ends it. Public routes (a browser has no
// API key) outside /api. No token ever appears in a page, a URL or a log line.

#include <boost/json.hpp>

#include <chrono>
#include <memory>

#include "http/client.hpp"
#include "log/logger.hpp"
#include "login/token_grant.hpp"
#include "pipeline/connection_setup.hpp"
#include "plugin/pkce.hpp"
#include "server/login_sessions.hpp"
#include "server/login_states.hpp"
#include "server/routes/routes.hpp"
#include "store/session.hpp"
#include "store/timestamp.hpp"
#include "vault/grants.hpp"
#include "vault/keyring.hpp"

namespace connhost::server {
namespace {

constexpr std::string_view kCookie = "connhost_login";

bool is_hex64(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Response page(int status, std::string_view title, std::string_view message_html) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + html_escape(title) +
           "</title></head>\n<body><h1>" + html_escape(title) + "</h1>\n<p>" +
           std::string(message_html) +
           "</p>\n<p><a href=\"/#accounts\">Back to connhost</a></p></body></html>\n";
  r.headers.emplace_back("Cache-Control", "no-store");
  // The callback URL carries a code: never pass it on as a referrer.
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  return r;
}

// The Host header when it is a plain host[:port] (no path, no user info, nothing to inject).
std::optional<std::string> host_of(const Request& req) {
  auto h = req.header("host");
  if (!h || h->empty() || h->size() > 255) return std::nullopt;
  if (h->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
      std::string_view::npos)
    return std::nullopt;
  return std::string(*h);
}

struct Connected {
  std::unique_ptr<plugin::Instance> instance;
  std::string platform;
};

// Throws std::invalid_argument (bad set-up) or returns the plugin's error.
Connected connect(const ServerContext& ctx, const std::string& connection,
                  const std::shared_ptr<http::Client>& http,
                  std::optional<plugin::PluginError>& error) {
  auto setup = pipeline::setup_connection(ctx.config, ctx.plugins, connection, http);
  Connected c;
  c.platform = std::string(setup.plugin->platform());
  auto [inst, err] = plugin::Instance::create(setup.plugin, std::move(setup.settings));
  error = std::move(err);
  c.instance = std::move(inst);
  return c;
}

struct AuthRoutes {
  ServerContext& ctx;
  std::shared_ptr<LoginStates> states;
  std::shared_ptr<http::Client> own_http = std::make_shared<http::Client>();

  std::shared_ptr<http::Client> http() const { return ctx.http ? ctx.http : own_http; }

  // A configured connection whose sign-in is not switched off ([connections.X.login] enabled =
  // false answers exactly as an unknown connection does).
  bool login_open(const std::string& name) const {
    const auto* c = ctx.config.connection(name);
    return c && c->login_enabled;
  }
  const std::string& public_url() const { return ctx.config.server.public_url; }
  bool secure() const { return public_url().starts_with("https://"); }

  // POST /auth/logout: deletes this browser's session and clears its cookie.
  Response logout(const Request& req) {
    bool ended = false;
    if (auto c = request_cookie(req, kSessionCookie)) {
      auto lease = ctx.stores.acquire();
      ended = delete_login_session(lease->session(), *c);
    }
    auto r = json_response(200, boost::json::object{{"signed_out", ended}});
    r.headers.emplace_back("Set-Cookie", cleared_session_cookie(secure()));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }

  Response start(const Request& req) {
    const std::string& name = req.param("connection");
    if (!login_open(name)) return error_response(404, "not_found", "no connection '" + name + "'");
    std::string redirect_uri;
    if (!public_url().empty()) {
      redirect_uri = public_url() + "/auth/" + name + "/callback";
    } else {
      auto host = host_of(req);
      if (!host) return error_response(400, "bad_request", "the request has no usable Host header");
      redirect_uri = "http://" + *host + "/auth/" + name + "/callback";
    }
    std::optional<plugin::PluginError> err;
    Connected c;
    try {
      c = connect(ctx, name, http(), err);
    } catch (const std::invalid_argument& e) {
      log::warn("login: connection '{}' cannot be set up: {}", name, e.what());
      return error_response(400, "bad_parameter",
                            "connection: '" + name + "' cannot be set up for login");
    }
    if (err) {
      log::warn("login: connection '{}': {}", name, err->to_string());
      return error_response(400, "bad_parameter",
                            "connection: '" + name + "' cannot be set up for login");
    }
    LoginState login;
    login.connection = name;
    login.verifier = plugin::random_base64url();
    login.redirect_uri = redirect_uri;
    auto existing = request_cookie(req, kCookie);
    login.browser = existing && is_hex64(*existing) ? *existing : plugin::random_hex();
    plugin::AuthorizeRequest a;
    a.redirect_uri = redirect_uri;
    a.state = plugin::random_hex();
    a.code_challenge = plugin::pkce_challenge(c.platform, login.verifier);
    a.code_challenge_method = "S256";
    auto out = c.instance->authorize_url(a);
    if (out.error) {
      log::warn("login: connection '{}' has no authorize URL: {}", name, out.error->to_string());
      return error_response(400, "bad_parameter",
                            "connection: '" + name + "' does not support login");
    }
    std::string browser = login.browser;
    states->put(a.state, std::move(login));
    Response r;
    r.status = 302;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "Redirecting to the sign-in page\n";
    r.headers.emplace_back("Location", out.url);
    r.headers.emplace_back("Set-Cookie", std::string(kCookie) + "=" + browser +
                                             "; HttpOnly; SameSite=Lax; Path=/auth; Max-Age=600");
    r.headers.emplace_back("Cache-Control", "no-store");
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
    return r;
  }

  Response callback(const Request& req) {
    const std::string& name = req.param("connection");
    const std::string title = "Sign-in to " + name;
    if (!login_open(name)) return page(404, title, "There is no connection of this name.");
    auto state = req.query("state");
    // Every state is single use, whatever happens next.
    LoginStates::Taken taken;
    if (state && !state->empty()) taken = states->take(*state);

    if (auto error = req.query("error")) {
      std::string why = *error == "access_denied"
                            ? "You declined to give connhost access. Nothing was stored."
                            : "The platform answered with an error (" + html_escape(*error) +
                                  "). Nothing was stored.";
      if (auto d = req.query("error_description"); d && !d->empty())
        why += "<br>" + html_escape(d->substr(0, 300));
      log::info("login: connection '{}': the platform answered {}", name, *error);
      return page(400, title + " cancelled", why + " You may start again from the dashboard.");
    }
    auto refuse = [&](std::string_view why) {
      log::warn("login: connection '{}': callback refused: {}", name, why);
      return page(400, title + " failed",
                  html_escape(why) + " Nothing was stored. Please start the sign-in again.");
    };
    if (!state || state->empty()) return refuse("The sign-in answer has no state.");
    if (taken.outcome == LoginStates::Outcome::expired)
      return refuse("This sign-in has expired (after 10 minutes).");
    if (taken.outcome != LoginStates::Outcome::ok)
      return refuse("This sign-in is unknown or was already used.");
    const LoginState& login = *taken.login;
    if (login.connection != name) return refuse("This sign-in was started for another connection.");
    auto browser = request_cookie(req, kCookie);
    if (!browser || *browser != login.browser)
      return refuse(
          "This sign-in was started in another browser (the login cookie does not match).");
    auto code = req.query("code");
    if (!code || code->empty()) return refuse("The sign-in answer has no code.");

    if (!ctx.keyring || !ctx.keyring->available())
      return page(
          503, title + " unavailable",
          "The token vault is not configured on this server ([vault] in the configuration); "
          "nothing was stored.");
    if (!ctx.readiness.ready())
      return page(503, title + " unavailable", "The server is not ready yet; try again shortly.");

    std::optional<plugin::PluginError> err;
    Connected c;
    try {
      c = connect(ctx, name, http(), err);
    } catch (const std::invalid_argument& e) {
      log::warn("login: connection '{}' cannot be set up: {}", name, e.what());
      return page(400, title + " failed", "This connection cannot be set up for login.");
    }
    if (err) {
      log::warn("login: connection '{}': {}", name, err->to_string());
      return page(400, title + " failed", "This connection cannot be set up for login.");
    }
    auto t = c.instance->exchange_code({*code, login.redirect_uri, login.verifier, {}, {}});
    if (t.error) {
      log::warn("login: connection '{}': code exchange failed: {}", name, t.error->to_string());
      return page(502, title + " failed",
                  "The platform refused the sign-in (" +
                      html_escape(plugin::category_name(t.error->category)) +
                      "). Nothing was stored. Please start the sign-in again.");
    }
    auto u = c.instance->user_info({{}, {}, {}, {}, t.token.access_token});
    if (u.error) {
      log::warn("login: connection '{}': user info failed: {}", name, u.error->to_string());
      return page(502, title + " failed",
                  "The platform did not say who signed in. Nothing was stored.");
    }
    auto g = login::grant_input(t.token, name, 0);
    if (g.platform_user_id.empty()) g.platform_user_id = u.user.platform_user_id;
    int64_t id = 0;
    std::string new_session;  // the cookie value of a session started here
    try {
      auto lease = ctx.stores.acquire();
      auto& sql = lease->session();
      // The signed-in user (a valid session cookie) gets the grant: signing in with a second
      // platform links it to the same local user.
      if (auto s = request_cookie(req, kSessionCookie))
        if (auto user = find_session_user(sql, *s, ctx.now())) g.user_id = *user;
      bool signed_in = g.user_id > 0;
      if (!signed_in) {
        g.user_id = vault::find_grant_user(sql, name, g.platform_user_id).value_or(0);
        if (g.user_id <= 0) g.user_id = vault::create_user(sql).id;
      }
      id = vault::upsert_grant(sql, *ctx.keyring, g);
      if (!signed_in) new_session = create_login_session(sql, g.user_id, ctx.now());
    } catch (const std::exception& e) {
      log::error("login: connection '{}': storing the grant failed: {}", name, e.what());
      return page(500, title + " failed",
                  "The sign-in worked but the grant could not be stored; the server log has the "
                  "details.");
    }
    std::string who = !u.user.display_name.empty() ? u.user.display_name : g.platform_user_id;
    log::info("login: connection '{}': grant {} stored for user {} (platform user {})", name, id,
              g.user_id, g.platform_user_id);
    // The profile sync of the new grant (docs/contacts.md, "Sync"); the sign-in stands whatever
    // it does, so a failure to even hand it over is only logged.
    if (ctx.grant_stored) {
      try {
        ctx.grant_stored(id);
      } catch (const std::exception& e) {
        log::warn("login: connection '{}': the profile sync of grant {} did not start: {}", name,
                  id, e.what());
      }
    }
    auto done = page(200, title,
                     "Signed in to " + html_escape(name) + " as " + html_escape(who) +
                         ". Local user " + std::to_string(g.user_id) + ".");
    if (!new_session.empty())
      done.headers.emplace_back("Set-Cookie", session_cookie(new_session, secure()));
    return done;
  }
};

}  // namespace

void add_auth_routes(Router& router, ServerContext& ctx, std::shared_ptr<LoginStates> states) {
  if (!states) states = std::make_shared<LoginStates>([&ctx] { return ctx.now(); });
  auto routes = std::make_shared<AuthRoutes>(AuthRoutes{ctx, std::move(states)});
  router.add({.method = "GET",
              .pattern = "/auth/{connection}",
              .summary = "Browser login: redirect to the platform's consent page",
              .description = "302 to the connection's authorize URL with a single-use state (10 "
                             "minutes) and a PKCE challenge; sets the HttpOnly connhost_login "
                             "cookie the callback checks. The redirect URI is "
                             "{[server] public_url}/auth/{connection}/callback, or http://<Host "
                             "header>/... without public_url. 404 for an unknown connection or "
                             "one whose login is disabled, 400 for one without login.",
              .is_public = true,
              .tag = "auth",
              .handler = [routes](const Request& r) { return routes->start(r); }});
  router.add({.method = "GET",
              .pattern = "/auth/{connection}/callback",
              .summary = "Browser login: the platform's redirect back",
              .description = "Checks the state and the cookie, exchanges the code, stores the "
                             "grant in the vault (under the signed-in user of the connhost_session "
                             "cookie, else the platform user's local user, else a new one; a new "
                             "session cookie then) and shows an HTML result page (400 for a "
                             "missing, "
                             "unknown, reused or expired state, a wrong cookie or a denial; 503 "
                             "without a vault).",
              .query = {{.name = "code"},
                        {.name = "state"},
                        {.name = "error"},
                        {.name = "error_description"}},
              .is_public = true,
              .tag = "auth",
              .handler = [routes](const Request& r) { return routes->callback(r); }});
  router.add({.method = "POST",
              .pattern = "/auth/logout",
              .summary = "Browser login: sign out",
              .description = "Deletes the session of the connhost_session cookie and clears the "
                             "cookie: {\"signed_out\": true|false (there was no session)}.",
              .is_public = true,
              .tag = "auth",
              .handler = [routes](const Request& r) { return routes->logout(r); }});
}

}  // namespace connhost::server
