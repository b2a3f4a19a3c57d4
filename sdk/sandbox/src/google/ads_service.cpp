// Authentication of Google Ads calls, customers:listAccessibleCustomers, and the answer faults
// of the Ads endpoints (platform notes §4.2 headers, §4.3 errors, §4.4 quotas).
#include "google/ads_service.hpp"

#include "google/oauth.hpp"

namespace connhost::sandbox::goog {
namespace {

bool unsupported(int version) {
  return version < kOldestVersion || version > kNewestVersion;
}

AdsError unsupported_version(int version) {
  return request_error("UNSUPPORTED_VERSION",
                       "Version v" + std::to_string(version) + " is not supported. Supported " +
                           "versions are v" + std::to_string(kOldestVersion) + " to v" +
                           std::to_string(kNewestVersion) + ".");
}

}  // namespace

AdsService::Caller AdsService::authenticate(const Request& r, int version, bool stream,
                                            std::string_view method) {
  Caller c;
  auto fail = [&](const AdsError& e) {
    c.error = ads_error_response(e, version, stream);
    return c;
  };
  auto value = bearer_token(r);
  if (!value) {
    AdsError e = authentication_error("OAUTH_TOKEN_INVALID",
                                      "Authorization header is missing or is not a Bearer token.");
    e.top_message =
        "Request is missing required authentication credential. Expected OAuth 2 access token, "
        "login cookie or other valid authentication credential. See "
        "https://developers.google.com/identity/sign-in/web/devconsole-project.";
    return fail(e);
  }
  auto t = ctx_.tokens.find(*value);
  if (!t || t->platform != "google" || t->kind != "access")
    return fail(authentication_error("OAUTH_TOKEN_INVALID", "Oauth token is invalid."));
  if (t->revoked)
    return fail(authentication_error("OAUTH_TOKEN_REVOKED", "Oauth token has been revoked."));
  if (t->expires_at != 0 && t->expires_at <= ctx_.tokens.now())
    return fail(authentication_error("OAUTH_TOKEN_EXPIRED", "Oauth token has expired."));
  if (!has_scope(t->scopes, kAdwordsScope)) {
    c.error = insufficient_scope_response(version, method, stream);
    return c;
  }
  c.token = std::move(t);
  return c;
}

Response AdsService::list_accessible_customers(const Request& r, int version) {
  if (unsupported(version)) return ads_error_response(unsupported_version(version), version, false);
  auto caller = authenticate(r, version, false, "CustomerService.ListAccessibleCustomers");
  if (caller.error) return *caller.error;
  // The login-customer-id header plays no part here: the answer is whatever the user can reach.
  json::array names;
  for (const auto& id : caller.token->accounts)
    if (ctx_.world.account(Platform::google, id)) names.push_back(json::string("customers/" + id));
  json::object body;
  if (!names.empty()) body["resourceNames"] = std::move(names);
  Response resp = Response::json(200, to_text(body));
  resp.header("request-id", new_request_id());
  return resp;
}

Response AdsService::fault(const FaultRule& f, const Request& r, int version, bool stream,
                           const std::function<Response()>& normal) {
  switch (f.kind) {
    case FaultKind::rate_limit: {
      int seconds = f.retry_after.count() > 0 ? static_cast<int>(f.retry_after.count()) : 30;
      // `code` picks the QuotaError value by its proto number: 4 is RESOURCE_TEMPORARILY_EXHAUSTED.
      return ads_error_response(rate_limited(seconds, f.code == 4), version, stream);
    }
    case FaultKind::server_error:
      return ads_error_response(internal_error(f.status > 0 ? f.status : 500), version, stream);
    case FaultKind::expired_token:
      return ads_error_response(
          authentication_error("OAUTH_TOKEN_EXPIRED", "Oauth token has expired."), version, stream);
    case FaultKind::revoked_token:
      return ads_error_response(
          authentication_error("OAUTH_TOKEN_REVOKED", "Oauth token has been revoked."), version,
          stream);
    case FaultKind::expired_cursor: {
      // Only a request that carries a page token can hold an expired one.
      bool paged = false;
      try {
        auto v = json::parse(r.body);
        if (v.is_object())
          for (const char* k : {"pageToken", "page_token"})
            if (auto* x = v.as_object().if_contains(k);
                x && x->is_string() && !x->as_string().empty())
              paged = true;
      } catch (const std::exception&) {
      }
      if (!paged) return normal();
      return ads_error_response(request_error("EXPIRED_PAGE_TOKEN", "Page token has expired."),
                                version, stream);
    }
    default:
      return normal();
  }
}

}  // namespace connhost::sandbox::goog
