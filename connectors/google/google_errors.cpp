#include "google_errors.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace connhost::google {
namespace {

// Platform text goes into messages the host shows and logs: keep it short and on one line.
std::string clip(std::string_view s, size_t max = 300) {
  std::string out(s.substr(0, max));
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  if (s.size() > max) out += "...";
  return out;
}

bool one_of(std::string_view v, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

// "HTTP 403 PERMISSION_DENIED, authorizationError USER_PERMISSION_DENIED: <message> [request id X]"
std::string describe(const ApiError& e, std::string_view what, std::string_view request_id) {
  std::string m = "google " + std::string(what) + ": HTTP " + std::to_string(e.http_status);
  if (e.http_status == 200 && e.code) m += " (stream error " + std::to_string(e.code) + ")";
  if (!e.status.empty()) m += " " + e.status;
  if (!e.errors.empty() && !e.errors[0].kind.empty())
    m += ", " + e.errors[0].kind + " " + e.errors[0].code;
  std::string_view text =
      !e.errors.empty() && !e.errors[0].message.empty() ? e.errors[0].message : e.message;
  if (!text.empty()) m += ": " + clip(text);
  if (!e.parsed) m += " (the body is not a Google error object)";
  if (!request_id.empty()) m += " [request id " + std::string(request_id) + "]";
  return m;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view h) {
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  while (!h.empty() && h.back() == ' ') h.remove_suffix(1);
  auto secs = parse_int64_text(h);
  if (!secs || *secs < 0 || *secs > 86'400) return std::nullopt;
  return std::chrono::milliseconds(*secs * 1000);
}

Error ads_error(const ApiError& e, std::string_view what, std::string_view header_request_id,
                std::optional<std::chrono::milliseconds> retry_after) {
  const std::string_view rid =
      !e.request_id.empty() ? std::string_view(e.request_id) : header_request_id;
  const std::string msg = describe(e, what, rid);
  // A stream that failed after it began answers 200 with the error's own code inside.
  const int code = e.http_status == 200 && e.code ? e.code : e.http_status;
  const std::string_view st = e.status;

  // QuotaError.ACCESS_PROHIBITED is a ban of the project, not a rate: waiting will not help.
  if (e.has("quotaError", "ACCESS_PROHIBITED"))
    return Error::auth(msg + " (the Google Cloud project may not use the Google Ads API)");
  if (code == 429 || st == "RESOURCE_EXHAUSTED" || e.has("quotaError", "")) {
    auto wait = e.retry_delay ? e.retry_delay : retry_after;
    return Error::quota(msg, wait.value_or(kDefaultQuotaRetry));
  }
  if (code == 401 || st == "UNAUTHENTICATED" || e.has("authenticationError", ""))
    return Error::auth(msg + " (the access token was refused after a fresh refresh)");
  if (code == 403 || st == "PERMISSION_DENIED") {
    // The credentials are good but do not reach this customer as configured: a setting
    // (customer_ids, login_customer_id) or an access grant must change, not a login.
    if (e.has("authorizationError", "USER_PERMISSION_DENIED") ||
        e.has("authorizationError", "CUSTOMER_NOT_ENABLED") ||
        e.has("authorizationError", "INVALID_LOGIN_CUSTOMER_ID_SERVING_CUSTOMER_ID_COMBINATION") ||
        e.has("headerError", ""))
      return Error::config(msg +
                           " (check customer_ids and login_customer_id, or grant the signed-in "
                           "user access to the customer)");
    return Error::auth(msg);
  }
  if (code >= 500 || code == 499 || code == 408 || code == 409 ||
      one_of(st,
             {"UNAVAILABLE", "INTERNAL", "UNKNOWN", "DEADLINE_EXCEEDED", "ABORTED", "CANCELLED"}))
    return Error::transient(msg);
  if (code == 404 || st == "NOT_FOUND")
    return Error::config(msg + " (check base_url and api_version)");
  if (code >= 300 && code < 500) return Error::config(msg);
  return Error::transient(msg);
}

Error oauth_error(int status, std::string_view body,
                  std::optional<std::chrono::milliseconds> retry_after) {
  auto e = parse_oauth_error(body);
  std::string m = "google token refresh: HTTP " + std::to_string(status);
  if (e) {
    m += " " + clip(e->error, 60);
    if (!e->description.empty()) m += ": " + clip(e->description);
  }
  if (status == 429) return Error::quota(m, retry_after.value_or(kDefaultQuotaRetry));
  if (status >= 500) return Error::transient(m);
  if (e && e->error == "invalid_grant")
    return Error::auth(m + " (the refresh token is expired or revoked: sign in with Google again)");
  if (e && (e->error == "invalid_client" || e->error == "unauthorized_client"))
    return Error::auth(m + " (Google refused the OAuth client: check client_id and client_secret)");
  if (status == 401 || status == 403) return Error::auth(m);
  if (status == 408) return Error::transient(m);
  return Error::config(m + " (check oauth_base_url)");
}

}  // namespace connhost::google
