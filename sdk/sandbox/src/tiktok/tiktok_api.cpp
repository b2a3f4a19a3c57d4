// The TikTok emulator: routes the Marketing API v1.3, the Business API (tt_user, business/*),
// Login Kit / API v2 and the authorize pages to their handlers, and answers every failure in the
// body style of the endpoint's family. See docs/sandbox/tiktok.md.
#include <vector>

#include "tiktok/handlers.hpp"

namespace connhost::sandbox {
namespace {

using tiktok::Style;
using Handler = Response (*)(tiktok::State&, const Request&);

struct Entry {
  const char* method;
  const char* path;      // v1.3 paths are relative to /open_api/v1.3/ and end in a slash
  const char* endpoint;  // the name faults and the request log use
  Handler handler;
  Style style;
};

constexpr const char* kV13 = "/open_api/v1.3/";

const std::vector<Entry>& v13_routes() {
  namespace t = tiktok;
  static const std::vector<Entry> routes = {
      {"POST", "oauth2/access_token/", "oauth2/access_token", t::oauth2_access_token,
       Style::envelope},
      {"GET", "oauth2/advertiser/get/", "oauth2/advertiser/get", t::oauth2_advertiser_get,
       Style::envelope},
      {"POST", "oauth2/revoke_token/", "oauth2/revoke_token", t::oauth2_revoke_token,
       Style::envelope},
      {"GET", "advertiser/info/", "advertiser/info", t::advertiser_info, Style::envelope},
      {"GET", "campaign/get/", "campaign/get", t::campaign_get, Style::envelope},
      {"GET", "report/integrated/get/", "report/integrated/get", t::report_integrated_get,
       Style::envelope},
      {"POST", "tt_user/oauth2/token/", "tt_user/oauth2/token", t::tt_user_token, Style::envelope},
      {"POST", "tt_user/oauth2/refresh_token/", "tt_user/oauth2/refresh_token",
       t::tt_user_refresh_token, Style::envelope},
      {"POST", "tt_user/oauth2/revoke/", "tt_user/oauth2/revoke", t::tt_user_revoke,
       Style::envelope},
      {"POST", "tt_user/token_info/get/", "tt_user/token_info/get", t::tt_user_token_info,
       Style::envelope},
      {"GET", "business/get/", "business/get", t::business_get, Style::envelope},
      {"GET", "business/message/conversation/list/", "business/message/conversation/list",
       t::conversation_list, Style::envelope},
      {"GET", "business/message/content/list/", "business/message/content/list", t::content_list,
       Style::envelope},
      {"POST", "business/message/send/", "business/message/send", t::message_send, Style::envelope},
      {"POST", "business/message/media/upload/", "business/message/media/upload", t::media_upload,
       Style::envelope},
      {"POST", "business/message/media/download/", "business/message/media/download",
       t::media_download, Style::envelope},
  };
  return routes;
}

// Hosts other than the Marketing API's, all served on the sandbox's one port.
const std::vector<Entry>& other_routes() {
  namespace t = tiktok;
  static const std::vector<Entry> routes = {
      {"GET", "/portal/auth", "portal/auth", t::portal_auth, Style::html},
      {"GET", "/v2/auth/authorize/", "v2/auth/authorize", t::v2_authorize, Style::html},
      {"POST", "/v2/oauth/token/", "v2/oauth/token", t::v2_oauth_token, Style::v2_oauth},
      {"POST", "/v2/oauth/revoke/", "v2/oauth/revoke", t::v2_oauth_revoke, Style::v2_oauth},
      {"GET", "/v2/user/info/", "v2/user/info", t::v2_user_info, Style::v2_api},
  };
  return routes;
}

std::string without_trailing_slash(std::string_view p) {
  if (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  return std::string(p);
}

// Handler failures become the family's own error; nothing escapes as a C++ exception.
Response run(Handler h, Style style, tiktok::State& s, const Request& r) {
  try {
    return h(s, r);
  } catch (const tiktok::ApiError& e) {
    if (style == Style::v2_api) return tiktok::v2_error(400, "invalid_params", e.message);
    if (style == Style::v2_oauth) return tiktok::oauth_error(400, "invalid_request", e.message);
    if (style == Style::html) return tiktok::html_page(400, "TikTok", html_escape(e.message));
    return tiktok::envelope_error(e.code, e.message);
  } catch (const tiktok::V2Error& e) {
    return tiktok::v2_error(e.status, e.code, e.message);
  } catch (const tiktok::OAuthError& e) {
    return tiktok::oauth_error(e.status, e.error, e.description);
  } catch (const std::exception& e) {
    switch (style) {
      case Style::v2_api:
        return tiktok::v2_error(400, "invalid_params", e.what());
      case Style::v2_oauth:
        return tiktok::oauth_error(400, "invalid_request", e.what());
      case Style::html:
      case Style::cdn:
        return Response::text(400, std::string(e.what()) + "\n");
      default:
        return tiktok::envelope_error(40002, std::string("Invalid parameters: ") + e.what());
    }
  }
}

Route make_route(const Entry& e, tiktok::State& s) {
  Handler h = e.handler;
  Style style = e.style;
  return Route{e.endpoint, [h, style, &s](Request& r) { return run(h, style, s, r); }};
}

Route fixed(std::string endpoint, Response resp) {
  return Route{std::move(endpoint), [resp](Request&) { return resp; }};
}

class TikTokApi : public PlatformApi {
 public:
  explicit TikTokApi(Context& context) : state_(context) {}

  Platform platform() const override { return Platform::tiktok; }

  std::optional<Route> route(const Request& r) override {
    const std::string& path = r.path;
    if (path.rfind(kV13, 0) == 0) return v13(r, path.substr(std::string_view(kV13).size()));
    if (path.rfind("/open_api/", 0) == 0) {
      // Another API version: v1.2 and older are gone (notes §1.2, 40051).
      return fixed("unknown", tiktok::envelope_error(40051, "Invalid API version. Use v1.3."));
    }
    if (path.rfind("/tiktokcdn/", 0) == 0 && r.method == "GET") {
      return Route{"cdn/media", [this](Request& req) {
                     return run(tiktok::cdn_media, Style::cdn, state_, req);
                   }};
    }
    // Authorize pages and v2 are found with or without the trailing slash (the notes quote
    // both spellings of /v2/auth/authorize, §2.1 and §3.1).
    std::string bare = without_trailing_slash(path);
    for (const auto& e : other_routes()) {
      if (without_trailing_slash(e.path) != bare) continue;
      if (r.method != e.method)
        return fixed("unknown", Response::text(405, "Method Not Allowed\n"));
      return make_route(e, state_);
    }
    return std::nullopt;
  }

  Response fault_response(const FaultRule& fault, const Route& route,
                          const Request& request) override {
    return tiktok::fault_answer(state_, style_of(route.endpoint), fault, route, request);
  }

  std::optional<WebhookDelivery> webhook(const WebhookSpec& spec) override {
    return tiktok::make_webhook(state_, spec);
  }

 private:
  std::optional<Route> v13(const Request& r, const std::string& rest) {
    for (const auto& e : v13_routes()) {
      if (rest == e.path) {
        // A wrong method never reaches API logic: a plain 4xx (notes §1.2).
        if (r.method != e.method)
          return fixed("unknown", Response::text(405, "Method Not Allowed\n"));
        return make_route(e, state_);
      }
      // Without the trailing slash the path does not exist (notes §1.1).
      if (rest + "/" == e.path)
        return fixed("unknown", Response::text(404, "404 page not found\n"));
    }
    if (!rest.empty() && rest.back() == '/')
      return fixed("unknown",
                   tiktok::envelope_error(40008, "The endpoint /open_api/v1.3/" + rest +
                                                     " is not supported in the sandbox."));
    return fixed("unknown", Response::text(404, "404 page not found\n"));
  }

  static Style style_of(const std::string& endpoint) {
    for (const auto& e : other_routes())
      if (endpoint == e.endpoint) return e.style;
    if (endpoint == "cdn/media") return Style::cdn;
    return Style::envelope;
  }

  tiktok::State state_;
};

}  // namespace

std::unique_ptr<PlatformApi> make_tiktok_api(Context& context) {
  return std::make_unique<TikTokApi>(context);
}

}  // namespace connhost::sandbox
