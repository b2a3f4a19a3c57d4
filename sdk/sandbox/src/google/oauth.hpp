#pragma once

// Google's OAuth 2.0 / OpenID Connect endpoints as the sandbox plays them (platform notes §4.1):
// the consent page, the token endpoint (code and refresh grants, S256 PKCE), revocation, and
// the OIDC read side (userinfo, tokeninfo, discovery). Tokens live in the shared TokenStore;
// what Google remembers besides (which grant a token belongs to, who already consented) lives
// here.

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "google/util.hpp"
#include "platform_api.hpp"

namespace connhost::sandbox::goog {

inline constexpr const char* kAdwordsScope = "https://www.googleapis.com/auth/adwords";

// The one Google user behind every sandbox consent.
struct SandboxUser {
  static constexpr const char* sub = "108314775601275932261";
  static constexpr const char* email = "sandbox.user@example.com";
  static constexpr const char* name = "Sandbox User";
  static constexpr const char* given_name = "Sandbox";
  static constexpr const char* family_name = "User";
  static constexpr const char* picture = "https://lh3.googleusercontent.com/a/default-user=s96-c";
  static constexpr const char* locale = "en";
};

class OAuthServer {
 public:
  explicit OAuthServer(Context& context);

  Response authorize(const Request& r);  // GET /o/oauth2/v2/auth
  Response token(const Request& r);      // POST /token
  Response revoke(const Request& r);     // POST /revoke
  Response userinfo(const Request& r);   // GET /v1/userinfo, /oauth2/v3/userinfo
  Response tokeninfo(const Request& r);  // GET /tokeninfo
  Response discovery(const Request& r);  // GET /.well-known/openid-configuration
  Response certs(const Request& r);      // GET /oauth2/v3/certs

  // Answer faults of the OAuth endpoints, in the OAuth endpoints' own (flat) error format.
  Response fault(const FaultRule& f, const std::string& endpoint, const Request& r,
                 const std::function<Response()>& normal);

  // A valid Google access token's record, for the userinfo and tokeninfo checks.
  std::optional<Token> live_access_token(const std::string& value) const;

 private:
  struct Grant {
    bool offline = false;  // a refresh token belongs to it
    std::vector<std::string> tokens;
  };
  struct CodeInfo {
    bool refresh = false;  // exchanging it yields a refresh token
    std::string nonce;
  };

  Response authorization_code_grant(const Fields& form, const std::string& client_id);
  Response refresh_token_grant(const Fields& form, const std::string& client_id);
  Token issue_access(const Token& source, const std::string& grant_id);
  std::string new_grant(bool offline);
  void add_to_grant(const std::string& grant_id, const std::string& token);
  std::string id_token(const Token& access, const std::string& nonce) const;
  json::object user_claims(const std::vector<std::string>& scopes) const;
  std::vector<std::string> all_customers() const;

  Context& ctx_;
  mutable std::mutex mutex_;
  std::map<std::string, Grant> grants_;
  std::map<std::string, std::string> grant_of_;  // token value -> grant id
  std::map<std::string, CodeInfo> codes_;
  // Clients the user already gave an offline grant to, and the scopes consented per client.
  std::set<std::string> offline_clients_;
  std::map<std::string, std::set<std::string>> consented_;
  uint64_t next_grant_ = 0;
};

// A response with Google's OAuth error body {"error":..., "error_description":...}.
Response oauth_error(int status, const std::string& error, const std::string& description);

}  // namespace connhost::sandbox::goog
