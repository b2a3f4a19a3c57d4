#include "google_token.hpp"

#include "google_errors.hpp"
#include "google_parse.hpp"
#include "google_requests.hpp"

namespace connhost::google {
namespace {

std::string read_secret(Call& call, std::string_view key) {
  try {
    return call.secret(key);
  } catch (const Error& e) {
    if (e.category() != ErrorCategory::config) throw;
    throw Error::config("google: the secret '" + std::string(key) +
                        "' is not set for this connection");
  }
}

}  // namespace

std::string TokenCache::get(Call& call) {
  const std::string refresh_token = read_secret(call, "refresh_token");
  std::lock_guard lock(mutex_);
  const int64_t now = call.now_ms();
  if (!access_token_.empty() && refresh_token == refresh_token_ &&
      now + kRefreshMargin_ms < expires_at_ms_)
    return access_token_;

  access_token_.clear();
  const std::string client_secret = read_secret(call, "client_secret");
  HttpRequest req;
  req.method = "POST";
  req.url = token_url_;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"}};
  req.body = refresh_form(client_id_, client_secret, refresh_token);
  HttpResponse resp = call.http(req);
  if (resp.status != 200) {
    std::optional<std::chrono::milliseconds> retry;
    if (auto h = resp.header("Retry-After")) retry = parse_retry_after(*h);
    throw oauth_error(resp.status, resp.body, retry);
  }
  Token t = parse_token(resp.body);
  access_token_ = std::move(t.access_token);
  refresh_token_ = refresh_token;
  // From the time the request left: the token's life started after that.
  expires_at_ms_ = now + (t.expires_in_s > 0 ? t.expires_in_s : kDefaultLifetime_s) * 1000;
  return access_token_;
}

void TokenCache::invalidate(const std::string& token) {
  std::lock_guard lock(mutex_);
  if (access_token_ == token) {
    access_token_.clear();
    expires_at_ms_ = 0;
  }
}

}  // namespace connhost::google
