// The authorize page on www.tiktok.com/v2/auth/authorize/ (notes §2.1): Login Kit sign-in, and
// TikTok-account authorization for the Business API app (notes §3.1). Approves by link or, for
// tests, by sandbox_auto=1 (redirect at once) or sandbox_auto=deny.
#include <algorithm>

#include "tiktok/handlers.hpp"

namespace connhost::sandbox::tiktok {
namespace {

constexpr int64_t kCodeLifetime = 600;  // not documented; the sandbox's choice

constexpr const char* kKnownScopes[] = {
    "user.info.basic",   "user.info.profile",   "user.info.stats",     "user.info.username",
    "user.account.type", "user.insights",       "video.list",          "video.publish",
    "video.upload",      "message.list.read",   "message.list.send",   "message.list.manage",
    "comment.list",      "comment.list.manage", "research.data.basic", "biz.creator.info"};

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "127.0.0.1";
}

Response redirect_to(const std::string& url) {
  Response resp = Response::text(302, "", "text/html; charset=utf-8");
  resp.header("Location", url);
  return resp;
}

}  // namespace

Response v2_authorize(State& s, const Request& r) {
  const std::string client_key = text_param(r, "client_key").value_or("");
  bool login_kit = client_key == s.creds().tiktok_client_key;
  bool business_app = client_key == s.creds().tiktok_app_id;  // TikTok-account OAuth (§3.1)
  if (!login_kit && !business_app)
    return html_page(400, "TikTok", "<h1>Something went wrong</h1><p>client_key</p>");
  const std::string redirect = text_param(r, "redirect_uri").value_or("");
  auto target = parse_redirect(redirect);
  bool desktop = target && is_loopback(target->host);
  if (login_kit) {
    // Web: https, no query or fragment; desktop: localhost/127.0.0.1 with a port (notes §2.1).
    bool web_ok = target && target->scheme == "https" && !target->has_query &&
                  !target->has_fragment && !desktop;
    bool desktop_ok = desktop && target->has_port && !target->has_fragment;
    if (redirect.size() >= 512 || !(web_ok || desktop_ok))
      return html_page(400, "TikTok", "<h1>Something went wrong</h1><p>redirect_uri</p>");
  } else if (!target) {
    return html_page(400, "TikTok", "<h1>Something went wrong</h1><p>redirect_uri</p>");
  }
  const std::string state = text_param(r, "state").value_or("");
  auto fail = [&](const std::string& error, const std::string& description) {
    return redirect_to(append_query(
        redirect, {{"error", error}, {"error_description", description}, {"state", state}}));
  };
  if (text_param(r, "response_type").value_or("") != "code")
    return fail("unsupported_response_type", "response_type must be code.");
  auto scopes = split_commas(text_param(r, "scope").value_or(""));
  if (scopes.empty()) return fail("invalid_scope", "scope is required.");
  for (const auto& sc : scopes)
    if (std::find(std::begin(kKnownScopes), std::end(kKnownScopes), sc) == std::end(kKnownScopes))
      return fail("invalid_scope", "The scope " + sc + " is not valid.");
  std::string challenge = text_param(r, "code_challenge").value_or("");
  std::string method = text_param(r, "code_challenge_method").value_or("");
  if (login_kit && desktop && challenge.empty())
    return fail("invalid_request", "code_challenge is required for desktop apps.");
  if (!method.empty() && method != "S256")
    return fail("invalid_request", "code_challenge_method must be S256.");

  // Who signs in: the Login Kit user, or one of the Business Accounts (sandbox_account=).
  std::vector<std::pair<std::string, std::string>> who;  // subject, label
  if (login_kit) {
    who.emplace_back(s.user.open_id, "@" + s.user.username);
  } else {
    std::lock_guard lock(s.business.mutex());
    std::string wanted = text_param(r, "sandbox_account").value_or("");
    for (const auto& a : s.business.accounts())
      if (wanted.empty() || wanted == a.business_id || wanted == a.username)
        who.emplace_back(a.business_id, "@" + a.username);
    if (who.empty()) return fail("access_denied", "No such account.");
  }
  std::string links;
  std::string first_callback;
  for (const auto& [subject, label] : who) {
    Token code;
    code.platform = "tiktok";
    code.kind = "auth_code";
    code.family = login_kit ? kLoginKit : kTtUser;
    code.subject = subject;
    code.client_id = client_key;
    code.scopes = scopes;
    code.redirect_uri = redirect;
    code.code_challenge = challenge;
    code.code_challenge_method = challenge.empty() ? "" : "S256";
    code.expires_at = s.now() + kCodeLifetime;
    // Real codes carry characters such as '*' and '!' that clients must not mangle.
    code = s.tokens().issue(std::move(code), unique_hex(24) + "*0!");
    std::string callback = append_query(
        redirect, {{"code", code.value}, {"scopes", join_commas(scopes)}, {"state", state}});
    if (first_callback.empty()) first_callback = callback;
    links += "<li><a class=\"authorize\" href=\"" + html_escape(callback) + "\">Continue as " +
             html_escape(label) + "</a></li>";
  }
  std::string automatic = text_param(r, "sandbox_auto").value_or("");
  if (automatic == "1") return redirect_to(first_callback);
  if (automatic == "deny") return fail("access_denied", "The user denied the request.");
  std::string deny = append_query(redirect, {{"error", "access_denied"},
                                             {"error_description", "The user denied the request."},
                                             {"state", state}});
  return html_page(200, "TikTok - Authorize",
                   "<h1>Authorize " + html_escape(client_key) +
                       "</h1>\n<p>Requested scopes: " + html_escape(join_commas(scopes)) +
                       "</p>\n<ul>" + links + "</ul>\n<p><a id=\"deny\" href=\"" +
                       html_escape(deny) + "\">Cancel</a></p>");
}

}  // namespace connhost::sandbox::tiktok
