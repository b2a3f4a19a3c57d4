// Facebook Login (§2): the OAuth dialog, /oauth/access_token (code, fb_exchange_token and
// client_credentials grants), /debug_token, and the permissions edge.
#include <algorithm>
#include <sstream>

#include "meta/state.hpp"
#include "server/crypto.hpp"
#include "server/html.hpp"

namespace connhost::sandbox::meta {
namespace {

// §2.3: a long-lived token lasts about 60 days and the exchange answers expires_in 5183944; a
// token from the client-side flow (response_type=token) is short-lived.
constexpr int64_t kLongLived = 5183944;
constexpr int64_t kShortLived = 7200;
constexpr int64_t kCodeLifetime = 600;
constexpr std::string_view kAppName = "Connhost Sandbox App";

std::vector<std::string> split_scopes(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',' || c == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool has_scope(const Token& t, std::string_view s) {
  return std::find(t.scopes.begin(), t.scopes.end(), s) != t.scopes.end();
}

std::vector<std::string> all_accounts(const Call& c) {
  std::vector<std::string> out;
  for (const auto& a : c.world().accounts(Platform::meta)) out.push_back(a.id);
  return out;
}

Response html_page(int status, const std::string& title, const std::string& body) {
  return Response::text(status,
                        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + title +
                            "</title></head><body>" + body + "</body></html>\n",
                        "text/html; charset=utf-8");
}

Response redirect(const std::string& location) {
  Response r = Response::text(302, "", "text/html; charset=utf-8");
  r.header("Location", location);
  return r;
}

GraphError oauth_error(int code, std::string message, std::string_view www = {}) {
  GraphError e;
  e.code = code;
  e.message = std::move(message);
  e.www_authenticate = std::string(www);
  return e;
}

Token user_token_from(const Call& c, const std::vector<std::string>& scopes, int64_t lifetime) {
  Token t;
  t.platform = "meta";
  t.kind = std::string(kUserToken);
  t.family = "graph";
  t.subject = std::string(kUserId);
  t.client_id = c.creds().meta_app_id;
  t.scopes = scopes;
  if (has_scope(t, "ads_read") || has_scope(t, "ads_management")) t.accounts = all_accounts(c);
  t.issued_at = c.tokens().now();
  t.expires_at = t.issued_at + lifetime;
  return t;
}

json::object token_answer(const Token& t) {
  json::object o{{"access_token", t.value}, {"token_type", "bearer"}};
  if (t.expires_at) o["expires_in"] = t.expires_at - t.issued_at;
  return o;
}

}  // namespace

Response dialog_oauth(Call& c) {
  const auto& p = c.params;
  std::string client_id = p.get("client_id").value_or("");
  std::string redirect_uri = p.get("redirect_uri").value_or("");
  if (client_id != c.creds().meta_app_id)
    return html_page(400, "Error",
                     "<h1>Invalid App ID</h1><p>The provided app ID does not look like a valid "
                     "app ID.</p>");
  if (redirect_uri.rfind("http://", 0) != 0 && redirect_uri.rfind("https://", 0) != 0)
    return html_page(400, "Error",
                     "<h1>URL Blocked</h1><p>This redirect failed because the redirect URI is not "
                     "whitelisted in the app's Client OAuth Settings.</p>");
  std::string state = p.get("state").value_or("");
  std::string response_type = p.get("response_type").value_or("code");
  std::vector<std::string> scopes = split_scopes(p.get("scope").value_or(""));
  if (std::find(scopes.begin(), scopes.end(), "public_profile") == scopes.end())
    scopes.push_back("public_profile");
  std::string decision = p.get("sandbox_decision").value_or("");
  std::string sep = redirect_uri.find('?') == std::string::npos ? "?" : "&";
  std::string state_part = state.empty() ? "" : "&state=" + url_encode(state);

  if (decision == "deny") {
    // §2.1 (UNVERIFIED in official text): the denial redirect's parameters.
    return redirect(redirect_uri + sep +
                    "error_reason=user_denied&error=access_denied&error_description=Permissions+"
                    "error" +
                    state_part + "#_=_");
  }
  if (decision == "allow") {
    if (response_type == "token") {
      Token t = c.tokens().issue(user_token_from(c, scopes, kShortLived), "EAAS");
      return redirect(redirect_uri + "#access_token=" + url_encode(t.value) +
                      "&data_access_expiration_time=" + std::to_string(t.issued_at + 90 * 86400) +
                      "&expires_in=" + std::to_string(kShortLived) + state_part);
    }
    Token code;
    code.platform = "meta";
    code.kind = std::string(kAuthCode);
    code.family = "graph";
    code.subject = std::string(kUserId);
    code.client_id = client_id;
    code.scopes = scopes;
    code.redirect_uri = redirect_uri;
    code.code_challenge = p.get("code_challenge").value_or("");
    code.code_challenge_method =
        p.get("code_challenge_method").value_or(code.code_challenge.empty() ? "" : "S256");
    code.issued_at = c.tokens().now();
    code.expires_at = code.issued_at + kCodeLifetime;
    code = c.tokens().issue(code, "AQ");
    // Facebook appends "#_=_" to the server-flow redirect; browsers keep it, servers never see it.
    return redirect(redirect_uri + sep + "code=" + url_encode(code.value) + state_part + "#_=_");
  }

  std::string self = c.base() + "/" + c.version + "/dialog/oauth?";
  for (const auto& [k, v] : p.values)
    if (k != "sandbox_decision") self += url_encode(k) + "=" + url_encode(v) + "&";
  std::string list;
  for (const auto& s : scopes) list += "<li>" + html_escape(s) + "</li>";
  return html_page(200, "Log in with Facebook",
                   "<h1>" + std::string(kAppName) + " is requesting access to:</h1><ul>" + list +
                       "</ul><p>Logged in as " + std::string(kUserName) +
                       " (sandbox).</p><p><a id=\"allow\" "
                       "href=\"" +
                       html_escape(self + "sandbox_decision=allow") + "\">Continue as " +
                       std::string(kUserName) + "</a> <a id=\"deny\" href=\"" +
                       html_escape(self + "sandbox_decision=deny") + "\">Cancel</a></p>");
}

Response oauth_access_token(Call& c) {
  const auto& p = c.params;
  const Credentials& cr = c.creds();
  std::string client_id = p.get("client_id").value_or("");
  std::string grant = p.get("grant_type").value_or("");
  if (client_id != cr.meta_app_id)
    return error_response(
        oauth_error(101, "Error validating application. Invalid application ID."));
  if (p.get("client_secret").value_or("") != cr.meta_app_secret)
    return error_response(oauth_error(1, "Error validating client secret."));

  if (grant == "client_credentials") {
    Token t;
    t.platform = "meta";
    t.kind = std::string(kAppToken);
    t.family = "graph";
    t.subject = cr.meta_app_id;
    t.client_id = cr.meta_app_id;
    t = c.tokens().issue(t, cr.meta_app_id + "|");
    return graph_json(json::object{{"access_token", t.value}, {"token_type", "bearer"}});
  }

  if (grant == "fb_exchange_token") {
    auto raw = p.get("fb_exchange_token");
    if (!raw || raw->empty())
      return error_response(invalid_param("(#100) The parameter fb_exchange_token is required"));
    auto old = c.tokens().find(*raw);
    if (!old || old->platform != "meta" || old->kind == kAuthCode || old->kind == kAppToken)
      return error_response(oauth_error(190, "Invalid OAuth access token.", "invalid_token"));
    int64_t now = c.tokens().now();
    if (old->revoked) return error_response(revoked_token_error(460));
    // §2.3: an expired short-lived token cannot be exchanged.
    if (old->expires_at != 0 && old->expires_at <= now)
      return error_response(expired_token_error(old->expires_at, now));
    Token t = *old;
    t.issued_at = now;
    t.expires_at = now + kLongLived;
    t.used = false;
    t = c.tokens().issue(t, "EAAL");
    return graph_json(token_answer(t));
  }

  if (!grant.empty() && grant != "authorization_code")
    return error_response(invalid_param("(#100) Unsupported grant_type: " + grant));
  auto code_value = p.get("code");
  if (!code_value || code_value->empty())
    return error_response(invalid_param("(#100) The parameter code is required"));
  auto code = c.tokens().find(*code_value);
  if (!code || code->platform != "meta" || code->kind != kAuthCode)
    return error_response(oauth_error(100, "Invalid verification code format.", "invalid_code"));
  if (code->used)
    return error_response(
        oauth_error(100, "This authorization code has been used.", "invalid_code"));
  if (code->expires_at <= c.tokens().now())
    return error_response(oauth_error(100, "This authorization code has expired.", "invalid_code"));
  if (p.get("redirect_uri").value_or("") != code->redirect_uri)
    return error_response(oauth_error(
        100,
        "Error validating verification code. Please make sure your redirect_uri is identical to "
        "the one you used in the OAuth dialog request",
        "invalid_code"));
  if (!code->code_challenge.empty()) {
    std::string verifier = p.get("code_verifier").value_or("");
    std::string derived =
        code->code_challenge_method == "plain" ? verifier : sha256_base64url(verifier);
    if (verifier.empty() || !constant_time_equal(derived, code->code_challenge))
      return error_response(oauth_error(100, "Invalid code verifier.", "invalid_code"));
  }
  if (!c.tokens().mark_used(code->value))
    return error_response(
        oauth_error(100, "This authorization code has been used.", "invalid_code"));
  Token t = c.tokens().issue(user_token_from(c, code->scopes, kLongLived), "EAAL");
  return graph_json(token_answer(t));
}

Response debug_token(Call& c) {
  GraphError err;
  auto caller = authenticate(c, err);
  if (!caller) return error_response(err);
  // §2.4: called with an app token or a token of the app's developer.
  if (caller->client_id != c.creds().meta_app_id)
    return error_response(oauth_error(190, "Invalid OAuth access token.", "invalid_token"));
  auto input = c.params.get("input_token");
  if (!input || input->empty())
    return error_response(invalid_param("(#100) The parameter input_token is required"));
  const Credentials& cr = c.creds();
  json::object data;
  if (auto bar = input->find('|'); bar != std::string::npos &&
                                   input->substr(0, bar) == cr.meta_app_id &&
                                   input->substr(bar + 1) == cr.meta_app_secret) {
    data = {
        {"app_id", cr.meta_app_id}, {"type", "APP"}, {"application", kAppName}, {"is_valid", true}};
    return graph_json(json::object{{"data", std::move(data)}});
  }
  auto t = c.tokens().find(*input);
  if (!t || t->platform != "meta" || t->kind == kAuthCode) {
    data = {{"error", json::object{{"code", 190}, {"message", "Invalid OAuth access token."}}},
            {"is_valid", false},
            {"scopes", json::array{}}};
    return graph_json(json::object{{"data", std::move(data)}});
  }
  int64_t now = c.tokens().now();
  std::string type = t->kind == kPageToken ? "PAGE" : t->kind == kAppToken ? "APP" : "USER";
  data["app_id"] = t->client_id;
  data["type"] = type;
  data["application"] = kAppName;
  if (type != "APP") data["data_access_expires_at"] = t->issued_at + 90 * 86400;
  data["expires_at"] = t->expires_at;
  bool expired = t->expires_at != 0 && t->expires_at <= now;
  data["is_valid"] = !t->revoked && !expired;
  data["issued_at"] = t->issued_at;
  if (type == "PAGE") data["profile_id"] = t->subject;
  json::array scopes, granular;
  for (const auto& s : t->scopes) {
    scopes.push_back(json::value(s));
    if (s == "ads_read" || s == "ads_management") {
      json::array ids;
      for (const auto& a : t->accounts) ids.push_back(json::value("act_" + a));
      granular.push_back(json::object{{"scope", s}, {"target_ids", std::move(ids)}});
    } else if (s == "pages_messaging" || s == "pages_show_list" || s == "pages_manage_metadata") {
      granular.push_back(json::object{{"scope", s}, {"target_ids", json::array{kPageId}}});
    } else if (s != "public_profile") {
      granular.push_back(json::object{{"scope", s}});
    }
  }
  data["scopes"] = std::move(scopes);
  data["granular_scopes"] = std::move(granular);
  if (type == "USER") data["user_id"] = t->subject;
  if (t->revoked || expired) {
    GraphError e = t->revoked ? revoked_token_error([&] {
      std::lock_guard lock(c.st.mutex);
      auto it = c.st.revoke_subcode.find(t->value);
      return it == c.st.revoke_subcode.end() ? 460 : it->second;
    }())
                              : expired_token_error(t->expires_at, now);
    data["error"] = json::object{{"code", e.code}, {"message", e.message}, {"subcode", *e.subcode}};
  }
  return graph_json(json::object{{"data", std::move(data)}});
}

Response permissions(Call& c) {
  GraphError err;
  auto t = authenticate(c, err);
  if (!t) return error_response(err);
  const std::string& who = c.segs[0];
  std::string user = who == "me" ? t->subject : who;
  if (who == "me" && (t->kind == kAppToken || t->kind == kPageToken)) {
    GraphError e;
    e.code = 2500;
    e.message = "An active access token must be used to query information about the current user.";
    return error_response(e);
  }
  if (user != kUserId && user != kSystemUserId)
    return error_response(unsupported_request(c.req.method, who));
  if (t->kind != kAppToken && user != t->subject)
    return error_response(unsupported_request(c.req.method, who));

  // The user's grants: every live token of this user for the app.
  std::vector<Token> owned;
  for (const auto& tok : c.tokens().all())
    if (tok.platform == "meta" && tok.subject == user && tok.kind != kAuthCode &&
        tok.client_id == c.creds().meta_app_id)
      owned.push_back(tok);

  if (c.req.method == "GET") {
    std::vector<std::string> granted =
        t->kind == kAppToken ? std::vector<std::string>{} : t->scopes;
    if (t->kind == kAppToken)
      for (const auto& tok : owned)
        if (!tok.revoked)
          for (const auto& s : tok.scopes)
            if (std::find(granted.begin(), granted.end(), s) == granted.end()) granted.push_back(s);
    json::array data;
    for (const auto& s : granted)
      data.push_back(json::object{{"permission", s}, {"status", "granted"}});
    std::lock_guard lock(c.st.mutex);
    for (const auto& s : c.st.declined[user])
      data.push_back(json::object{{"permission", s}, {"status", "declined"}});
    return graph_json(json::object{{"data", std::move(data)}});
  }
  if (c.req.method != "DELETE") return error_response(unsupported_request(c.req.method, who));

  if (c.segs.size() == 3) {
    // Revoke one permission (§2.6): the grant disappears from every token of the user.
    const std::string& perm = c.segs[2];
    for (auto tok : owned) {
      auto it = std::find(tok.scopes.begin(), tok.scopes.end(), perm);
      if (it == tok.scopes.end()) continue;
      tok.scopes.erase(it);
      if (perm == "ads_read" || perm == "ads_management")
        if (!has_scope(tok, "ads_read") && !has_scope(tok, "ads_management")) tok.accounts.clear();
      c.tokens().put(tok);
    }
    std::lock_guard lock(c.st.mutex);
    auto& d = c.st.declined[user];
    if (std::find(d.begin(), d.end(), perm) == d.end()) d.push_back(perm);
    return graph_json(json::object{{"success", true}});
  }
  // Revoke all: the app is de-authorized, and every token of the user answers 190/458.
  for (const auto& tok : owned) {
    c.tokens().revoke(tok.value);
    std::lock_guard lock(c.st.mutex);
    c.st.revoke_subcode[tok.value] = 458;
  }
  return graph_json(json::object{{"success", true}});
}

Response me_accounts(Call& c) {
  GraphError err;
  auto t = authenticate(c, err);
  if (!t) return error_response(err);
  if (t->kind == kAppToken || t->kind == kPageToken) {
    GraphError e;
    e.code = 2500;
    e.message = "An active access token must be used to query information about the current user.";
    return error_response(e);
  }
  json::array data;
  if (has_scope(*t, "pages_show_list") || has_scope(*t, "pages_messaging")) {
    // One page token per user token: the same answer on every call, never expiring (a page token
    // derived from a long-lived user token has no expiry).
    std::string page_value = "EAAP" + sha256_hex(t->value).substr(0, 32);
    if (!c.tokens().find(page_value)) {
      Token page;
      page.value = page_value;
      page.platform = "meta";
      page.kind = std::string(kPageToken);
      page.family = "graph";
      page.subject = std::string(kPageId);
      page.client_id = t->client_id;
      page.scopes = {"pages_messaging", "pages_show_list", "pages_manage_metadata",
                     "instagram_manage_messages"};
      page.issued_at = c.tokens().now();
      c.tokens().put(page);
    }
    // The edge's default fields (User Accounts reference, and the gist of its answer) unless
    // `fields` names others, as on every Graph node (§1.1).
    auto fields = c.params.get("fields").value_or(
        "access_token,category,category_list,name,id,tasks,instagram_business_account");
    GraphError ferr;
    auto entry = managed_page(*t, page_value, fields, ferr);
    if (!entry) return error_response(ferr);
    data.push_back(std::move(*entry));
  }
  PageRequest pr{c.base(), c.version, c.path(), &c.params, false, 25, 100};
  GraphError perr;
  auto w = page_window(pr, data.size(), perr);
  if (!w) return error_response(perr);
  json::array slice(data.begin() + static_cast<std::ptrdiff_t>(w->begin),
                    data.begin() + static_cast<std::ptrdiff_t>(w->end));
  return graph_json(page_envelope(pr, *w, data.size(), std::move(slice)));
}

}  // namespace connhost::sandbox::meta
