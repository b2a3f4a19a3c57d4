// The Google emulator: routes the OAuth / OIDC hosts and the Google Ads REST API (platform notes
// §4), which the sandbox serves on one port. Google Business Messages shut down on 31 Jul 2024
// (§5.1), so Google sends no webhooks here.
#include <charconv>

#include "google/ads_errors.hpp"
#include "google/ads_service.hpp"
#include "google/oauth.hpp"
#include "platform_api.hpp"

namespace connhost::sandbox {
namespace {

using goog::AdsService;
using goog::OAuthServer;

// "/v24/customers..." -> 24 and the rest from "/customers"; Meta's "/v24.0/..." does not match.
std::optional<std::pair<int, std::string_view>> ads_version(std::string_view path) {
  if (path.size() < 3 || path.substr(0, 2) != "/v") return std::nullopt;
  size_t i = 2;
  while (i < path.size() && i < 6 && path[i] >= '0' && path[i] <= '9') ++i;
  if (i == 2 || i >= path.size() || path[i] != '/') return std::nullopt;
  int v = 0;
  std::from_chars(path.data() + 2, path.data() + i, v);
  std::string_view rest = path.substr(i);
  if (rest.substr(0, 10) != "/customers") return std::nullopt;
  if (rest.size() > 10 && rest[10] != '/' && rest[10] != ':') return std::nullopt;
  return std::pair{v, rest};
}

class GoogleApi : public PlatformApi {
 public:
  explicit GoogleApi(Context& context) : oauth_(context), ads_(context) {}

  Platform platform() const override { return Platform::google; }

  std::optional<Route> route(const Request& r) override {
    const std::string& p = r.path;
    auto oauth = [&](std::string name, Response (OAuthServer::*fn)(const Request&)) {
      return Route{std::move(name), [this, fn](Request& req) { return (oauth_.*fn)(req); }};
    };
    if (p == "/o/oauth2/v2/auth") return oauth("oauth/auth", &OAuthServer::authorize);
    // §4.1: oauth2.googleapis.com/token; googleapis.com/oauth2/v4/token is the older alias.
    if (p == "/token" || p == "/oauth2/v4/token") return oauth("oauth/token", &OAuthServer::token);
    if (p == "/revoke" || p == "/o/oauth2/revoke")
      return oauth("oauth/revoke", &OAuthServer::revoke);
    if (p == "/v1/userinfo" || p == "/oauth2/v3/userinfo")
      return oauth("oauth/userinfo", &OAuthServer::userinfo);
    if (p == "/tokeninfo" || p == "/oauth2/v3/tokeninfo")
      return oauth("oauth/tokeninfo", &OAuthServer::tokeninfo);
    if (p == "/.well-known/openid-configuration")
      return oauth("oauth/discovery", &OAuthServer::discovery);
    if (p == "/oauth2/v3/certs") return oauth("oauth/certs", &OAuthServer::certs);

    auto v = ads_version(p);
    if (!v) return std::nullopt;
    int version = v->first;
    std::string_view rest = v->second;
    if (rest == "/customers:listAccessibleCustomers" && r.method == "GET")
      return Route{"ads/listAccessibleCustomers", [this, version](Request& req) {
                     return ads_.list_accessible_customers(req, version);
                   }};
    // /customers/{customer_id}/googleAds:search[Stream]
    constexpr std::string_view kSearch = "/googleAds:search", kStream = "/googleAds:searchStream";
    if (rest.substr(0, 11) == "/customers/" && r.method == "POST") {
      std::string_view tail = rest.substr(11);
      auto slash = tail.find('/');
      if (slash != std::string_view::npos) {
        std::string cid(tail.substr(0, slash));
        std::string_view method = tail.substr(slash);
        if (method == kSearch)
          return Route{"ads/search", [this, version, cid](Request& req) {
                         return ads_.search(req, version, cid, false);
                       }};
        if (method == kStream)
          return Route{"ads/searchStream", [this, version, cid](Request& req) {
                         return ads_.search(req, version, cid, true);
                       }};
      }
    }
    // Anything else under /vNN/customers: no such method, answered as Google's front end does.
    return Route{"ads/unknown", [](Request& req) { return goog::google_404(req.path); }};
  }

  Response fault_response(const FaultRule& f, const Route& route, const Request& r) override {
    auto normal = [&] {
      Request copy = r;
      return route.handle(copy);
    };
    if (route.endpoint.rfind("oauth/", 0) == 0) return oauth_.fault(f, route.endpoint, r, normal);
    if (route.endpoint == "ads/unknown") return normal();
    auto v = ads_version(r.path);
    int version = v ? v->first : goog::kNewestVersion;
    return ads_.fault(f, r, version, route.endpoint == "ads/searchStream", normal);
  }

 private:
  OAuthServer oauth_;
  AdsService ads_;
};

}  // namespace

std::unique_ptr<PlatformApi> make_google_api(Context& context) {
  return std::make_unique<GoogleApi>(context);
}

}  // namespace connhost::sandbox
