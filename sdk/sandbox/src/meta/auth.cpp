// Access tokens on Graph calls: where they are read from, and the §1.6 errors (code 104 for a
// missing token, 190 with subcodes 458/460/463 for bad ones) with their WWW-Authenticate header.
#include <algorithm>
#include <cstdio>

#include "meta/state.hpp"

namespace connhost::sandbox::meta {
namespace {

// "Friday, 20-Nov-26 08:10:01 PST": how Graph's expiry messages print times (Pacific time).
std::string pacific(int64_t unix_seconds) {
  static const char* days[] = {"Thursday", "Friday",  "Saturday", "Sunday",
                               "Monday",   "Tuesday", "Wednesday"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t t = unix_seconds - 8 * 3600;
  int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t rem = t - day * 86400;
  std::string ymd = format_day(day);  // YYYY-MM-DD
  int month = std::stoi(ymd.substr(5, 2));
  char buf[80];
  std::snprintf(buf, sizeof buf, "%s, %s-%s-%s %02d:%02d:%02d PST", days[((day % 7) + 7) % 7],
                ymd.substr(8, 2).c_str(), months[month - 1], ymd.substr(2, 2).c_str(),
                static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                static_cast<int>(rem % 60));
  return buf;
}

GraphError token_190(std::string message, std::optional<int> subcode) {
  GraphError e;
  e.code = 190;
  e.subcode = subcode;
  e.message = std::move(message);
  e.www_authenticate = "invalid_token";
  return e;
}

}  // namespace

GraphError expired_token_error(int64_t expired_at, int64_t now) {
  return token_190("Error validating access token: Session has expired on " + pacific(expired_at) +
                       ". The current time is " + pacific(now) + ".",
                   463);
}

GraphError revoked_token_error(int subcode) {
  if (subcode == 458)
    return token_190("Error validating access token: The user has not authorized application.",
                     458);
  return token_190(
      "Error validating access token: The session has been invalidated because the user changed "
      "their password or Facebook has changed the session for security reasons.",
      460);
}

std::optional<std::string> raw_token(const Call& c) {
  if (auto t = c.params.get("access_token"); t && !t->empty()) return t;
  if (auto h = c.req.header("Authorization")) {
    std::string_view v = *h;
    for (std::string_view scheme : {"Bearer ", "OAuth ", "bearer ", "oauth "})
      if (v.substr(0, scheme.size()) == scheme) return std::string(v.substr(scheme.size()));
  }
  return std::nullopt;
}

std::optional<Token> authenticate(Call& c, GraphError& error) {
  auto raw = raw_token(c);
  if (!raw) {
    error.code = 104;
    error.message = "An access token is required to request this resource.";
    error.www_authenticate = "invalid_request";
    return std::nullopt;
  }
  const Credentials& cr = c.creds();
  // §2.3: "{app-id}|{app-secret}" is itself an app access token.
  if (auto bar = raw->find('|'); bar != std::string::npos &&
                                 raw->substr(0, bar) == cr.meta_app_id &&
                                 raw->substr(bar + 1) == cr.meta_app_secret) {
    Token t;
    t.value = *raw;
    t.platform = "meta";
    t.kind = std::string(kAppToken);
    t.family = "graph";
    t.subject = cr.meta_app_id;
    t.client_id = cr.meta_app_id;
    return t;
  }
  auto t = c.tokens().find(*raw);
  if (!t || t->platform != "meta" || t->kind == kAuthCode) {
    error = token_190("Invalid OAuth access token - Cannot parse access token", std::nullopt);
    return std::nullopt;
  }
  int64_t now = c.tokens().now();
  if (t->revoked) {
    int sub = 460;
    {
      std::lock_guard lock(c.st.mutex);
      if (auto it = c.st.revoke_subcode.find(t->value); it != c.st.revoke_subcode.end())
        sub = it->second;
    }
    error = revoked_token_error(sub);
    return std::nullopt;
  }
  if (t->expires_at != 0 && t->expires_at <= now) {
    error = expired_token_error(t->expires_at, now);
    return std::nullopt;
  }
  return t;
}

std::optional<GraphError> account_access(const Call& c, const Token& t,
                                         const std::string& account_id) {
  bool exists = c.world().account(Platform::meta, account_id) != nullptr;
  bool listed = std::find(t.accounts.begin(), t.accounts.end(), account_id) != t.accounts.end();
  if (!exists || (!listed && t.kind != kAppToken))
    return unsupported_request(c.req.method, "act_" + account_id);
  bool can_read = std::any_of(t.scopes.begin(), t.scopes.end(), [](const std::string& s) {
    return s == "ads_read" || s == "ads_management";
  });
  if (!can_read) {
    GraphError e;
    e.code = 200;
    e.type = "OAuthException";
    e.message = "(#200) Ad account owner has NOT grant ads_management or ads_read permission";
    return e;
  }
  return std::nullopt;
}

}  // namespace connhost::sandbox::meta
