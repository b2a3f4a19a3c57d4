#pragma once

// Every credential the sandbox issues or accepts: authorization codes, access and refresh
// tokens, with their subject, scopes, expiry and state. One store for all platforms; each
// platform decides what its tokens look like and how they behave.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace connhost::sandbox {

struct Token {
  std::string value;
  std::string platform;   // "tiktok", "meta", "google"
  std::string kind;       // "auth_code", "access", "refresh", ...: the platform's own words
  std::string family;     // e.g. "marketing", "login_kit", "tt_user", "graph", "oauth"
  std::string subject;    // user or app the token speaks for
  std::string client_id;  // the app it was issued to
  std::vector<std::string> scopes;
  std::vector<std::string> accounts;  // ad accounts it may read
  std::string redirect_uri;           // auth codes: the redirect they were issued for
  std::string code_challenge;         // auth codes with PKCE
  std::string code_challenge_method;
  int64_t issued_at = 0;   // unix seconds
  int64_t expires_at = 0;  // unix seconds; 0: never
  bool revoked = false;
  bool used = false;  // auth codes are single use
};

class TokenStore {
 public:
  // Issues a new token with a fresh value "<prefix><random>"; returns a copy of it.
  Token issue(Token t, const std::string& prefix);
  // Adds a token with a fixed value (the sandbox's preconfigured credentials).
  void put(Token t);
  std::optional<Token> find(const std::string& value) const;
  bool revoke(const std::string& value);
  bool mark_used(const std::string& value);
  // Makes every token of a platform (or one token) expire now: a control-API fault.
  int expire(const std::string& platform, const std::string& value = "");
  std::vector<Token> all() const;

  void set_clock_offset(int64_t seconds);
  int64_t now() const;  // unix seconds, with the control API's offset

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Token> tokens_;
  uint64_t counter_ = 0;
  std::atomic<int64_t> offset_{0};
};

}  // namespace connhost::sandbox
