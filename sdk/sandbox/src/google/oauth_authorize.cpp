// The consent page GET /o/oauth2/v2/auth (platform notes §4.1 "Authorize URL parameters").
// A browser sees an HTML page with Allow and Deny; tests and scripts add
// sandbox_decision=allow|deny to get the redirect at once.
#include <boost/url.hpp>

#include <cctype>
#include <sstream>

#include "google/oauth.hpp"

namespace connhost::sandbox::goog {
namespace {

const std::set<std::string> kKnownScopes = {"openid",
                                            "email",
                                            "profile",
                                            kAdwordsScope,
                                            "https://www.googleapis.com/auth/business.manage",
                                            "https://www.googleapis.com/auth/userinfo.email",
                                            "https://www.googleapis.com/auth/userinfo.profile"};

// Google answers a request it cannot trust (bad client or redirect) with its own error page,
// never with a redirect.
Response error_page(int status, const std::string& error, const std::string& detail) {
  std::string title = "Error " + std::to_string(status) + ": " + error;
  std::string body =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html_escape(title) +
      "</title></head><body>\n<h1>Access blocked: " + "authorization error</h1>\n<p>" +
      html_escape(detail) + "</p>\n<p><b>" + html_escape(title) + "</b></p>\n</body></html>\n";
  return Response::text(status, std::move(body), "text/html; charset=utf-8");
}

std::vector<std::string> split_spaces(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The sandbox client is a Desktop-type client: Google lets those redirect to any loopback
// address and port. Anything else is not registered.
bool redirect_allowed(const std::string& uri) {
  auto u = boost::urls::parse_absolute_uri(uri);
  if (!u) return false;
  if (u->scheme() != "http" && u->scheme() != "https") return false;
  if (u->has_fragment()) return false;
  std::string host(u->encoded_host());
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]";
}

bool pkce_challenge_ok(const std::string& c) {
  if (c.size() < 43 || c.size() > 128) return false;
  for (char ch : c)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.' && ch != '_' &&
        ch != '~')
      return false;
  return true;
}

Response redirect(const std::string& redirect_uri, const Fields& params) {
  boost::urls::url u(redirect_uri);
  for (const auto& [k, v] : params) u.params().append({k, v});
  Response r = Response::text(302, "", "text/html; charset=UTF-8");
  r.header("Location", std::string(u.buffer()));
  return r;
}

}  // namespace

Response OAuthServer::authorize(const Request& r) {
  if (r.method != "GET") return error_page(405, "invalid_request", "Use GET for this page.");
  auto p = [&](const char* name) { return r.param(name).value_or(""); };
  std::string client_id = p("client_id"), redirect_uri = p("redirect_uri");
  if (client_id.empty())
    return error_page(400, "invalid_request", "Missing required parameter: client_id");
  if (client_id != ctx_.credentials.google_client_id)
    return error_page(401, "invalid_client", "The OAuth client was not found.");
  if (redirect_uri.empty())
    return error_page(400, "invalid_request", "Missing required parameter: redirect_uri");
  if (!redirect_allowed(redirect_uri))
    return error_page(400, "redirect_uri_mismatch",
                      "You can't sign in to this app because it doesn't comply with Google's "
                      "OAuth 2.0 policy. If you're the app developer, register the redirect URI "
                      "in the Google Cloud Console. Request details: redirect_uri=" +
                          redirect_uri);
  std::string response_type = p("response_type");
  if (response_type.empty())
    return error_page(400, "invalid_request", "Required parameter is missing: response_type");
  if (response_type != "code")
    return error_page(400, "unsupported_response_type",
                      "Unsupported response_type for this client: " + response_type);
  auto scopes = split_spaces(p("scope"));
  if (scopes.empty())
    return error_page(400, "invalid_request", "Missing required parameter: scope");
  std::string invalid;
  for (const auto& s : scopes)
    if (!kKnownScopes.count(s)) invalid += (invalid.empty() ? "" : ", ") + s;
  if (!invalid.empty())
    return error_page(400, "invalid_scope",
                      "Some requested scopes were invalid. {invalid=[" + invalid + "]}");
  std::string access_type = r.param("access_type").value_or("online");
  if (access_type != "online" && access_type != "offline")
    return error_page(400, "invalid_request", "Invalid access_type: " + access_type);
  std::string challenge = p("code_challenge"), method = p("code_challenge_method");
  if (!method.empty() && challenge.empty())
    return error_page(400, "invalid_request", "Missing code_challenge.");
  if (!challenge.empty()) {
    if (method.empty()) method = "plain";  // §4.1: the default is plain when omitted
    if (method != "S256" && method != "plain")
      return error_page(400, "invalid_request", "Invalid code_challenge_method value: " + method);
    if (!pkce_challenge_ok(challenge))
      return error_page(400, "invalid_request", "Invalid code_challenge: " + challenge);
  }
  auto prompts = split_spaces(p("prompt"));
  bool prompt_none = false, prompt_consent = false;
  for (const auto& pr : prompts) {
    if (pr == "none")
      prompt_none = true;
    else if (pr == "consent")
      prompt_consent = true;
    else if (pr != "select_account")
      return error_page(400, "invalid_request", "Invalid prompt: " + pr);
  }
  if (prompt_none && prompts.size() > 1)
    return error_page(400, "invalid_request",
                      "prompt=none must not be combined with other values.");

  std::string state = p("state");
  auto with_state = [&](Fields f) {
    if (!state.empty()) f.insert(f.begin(), {"state", state});
    return f;
  };
  std::string decision = p("sandbox_decision");
  if (prompt_none) {
    std::lock_guard lock(mutex_);
    const auto& had = consented_[client_id];
    for (const auto& s : scopes)
      if (!had.count(s)) return redirect(redirect_uri, with_state({{"error", "consent_required"}}));
    decision = "allow";
  }
  if (decision.empty()) {
    // The consent page itself; its buttons come back here with the decision added.
    std::string base = "/o/oauth2/v2/auth?" + r.raw_query + "&sandbox_decision=";
    std::string list;
    for (const auto& s : scopes) list += "<li>" + html_escape(s) + "</li>\n";
    std::string body =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Sign in - Google "
        "Accounts</title></head><body>\n<h1>" +
        html_escape(client_id) + " wants access to your Google Account</h1>\n<p>" +
        html_escape(SandboxUser::email) + "</p>\n<p>This will allow the app to:</p>\n<ul>\n" +
        list + "</ul>\n<a id=\"deny\" href=\"" + html_escape(base + "deny") +
        "\">Cancel</a>\n<a id=\"allow\" href=\"" + html_escape(base + "allow") +
        "\">Allow</a>\n</body></html>\n";
    return Response::text(200, std::move(body), "text/html; charset=utf-8");
  }
  if (decision != "allow") return redirect(redirect_uri, with_state({{"error", "access_denied"}}));

  // §4.1 and §6: a refresh token comes with the first offline consent, or with prompt=consent.
  bool offline = access_type == "offline";
  CodeInfo info;
  {
    std::lock_guard lock(mutex_);
    info.refresh = offline && (prompt_consent || !offline_clients_.count(client_id));
    auto& had = consented_[client_id];
    had.insert(scopes.begin(), scopes.end());
  }
  info.nonce = p("nonce");
  Token code;
  code.platform = "google";
  code.kind = "auth_code";
  code.family = "oauth";
  code.subject = SandboxUser::sub;
  code.client_id = client_id;
  code.scopes = scopes;
  code.accounts = all_customers();
  code.redirect_uri = redirect_uri;
  code.code_challenge = challenge;
  code.code_challenge_method = challenge.empty() ? "" : method;
  code.expires_at = ctx_.tokens.now() + 600;  // Google's codes live about ten minutes
  Token issued = ctx_.tokens.issue(code, "4/0A");
  {
    std::lock_guard lock(mutex_);
    codes_[issued.value] = info;
  }
  std::string scope_text;
  for (const auto& s : scopes) scope_text += (scope_text.empty() ? "" : " ") + s;
  return redirect(redirect_uri, with_state({{"code", issued.value},
                                            {"scope", scope_text},
                                            {"authuser", "0"},
                                            {"prompt", prompt_none ? "none" : "consent"}}));
}

}  // namespace connhost::sandbox::goog
