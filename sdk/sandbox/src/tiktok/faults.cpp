// Answer faults in TikTok's own formats. v1.3 puts throttling and token errors in the body
// `code` of an HTTP 200 and sends no rate-limit headers (notes §1.2, §4); HTTP 4xx/5xx there
// means the request never reached API logic. v2 uses real HTTP statuses (notes §2.4).
#include "tiktok/handlers.hpp"

namespace connhost::sandbox::tiktok {
namespace {

std::string reason(int status) {
  switch (status) {
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Temporarily Unavailable";
    case 504:
      return "Gateway Time-out";
    default:
      return "Error";
  }
}

// What a gateway in front of the API answers: not the envelope.
Response gateway_page(int status) {
  std::string title = std::to_string(status) + " " + reason(status);
  return Response::text(status,
                        "<html>\r\n<head><title>" + title +
                            "</title></head>\r\n<body>\r\n<center>"
                            "<h1>" +
                            title + "</h1></center>\r\n</body>\r\n</html>\r\n",
                        "text/html");
}

std::string advertiser_of(const Request& r) {
  if (auto a = r.param("advertiser_id")) return *a;
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  if (!ec && v.is_object())
    if (auto* a = v.as_object().if_contains("advertiser_id"); a && a->is_string())
      return std::string(a->as_string());
  return "0";
}

// The messages TikTok is quoted with (notes §1.2).
std::string rate_limit_message(State& s, int code, const FaultRule& f, const Request& r) {
  switch (code) {
    case 40100:
      return "Due to too many requests, requests from App " + s.creds().tiktok_app_id +
             " are temporarily restricted.";
    case 40133: {
      int limit = f.rate_per_second > 0 ? static_cast<int>(f.rate_per_second) : 10;
      return "Advertiser (" + advertiser_of(r) + ")'s QPS (" + std::to_string(limit + 1) +
             ") reaches QPS limit " + std::to_string(limit) + " for current path " + r.path +
             ", please retry later.";
    }
    case 40016:
      return "Requests are too frequent. Please try again later.";
    case 40132:
      return "Requests for the same field value are too frequent. Please try again later.";
    default:
      return "Too many requests. Please try again later.";
  }
}

bool is_code_exchange(const std::string& endpoint) {
  return endpoint == "oauth2/access_token" || endpoint == "tt_user/oauth2/token";
}

Response envelope_fault(State& s, const FaultRule& f, const Route& route, const Request& r) {
  const std::string& ep = route.endpoint;
  switch (f.kind) {
    case FaultKind::rate_limit: {
      int code = f.code ? f.code : 40100;
      return envelope_error(code, rate_limit_message(s, code, f, r));
    }
    case FaultKind::server_error:
      // With a code: a system error inside the envelope (50000, 50002, 60001...).
      if (f.code) {
        Response resp =
            envelope_error(f.code, f.code == 60001 ? "The system is under maintenance."
                                                   : "System error, please try again later.");
        resp.status = f.status ? f.status : 200;
        return resp;
      }
      return gateway_page(f.status ? f.status : 500);
    case FaultKind::expired_token:
      if (is_code_exchange(ep)) return envelope_error(40110, "Auth code has expired.");
      if (ep == "tt_user/oauth2/refresh_token")
        return envelope_error(40103, "Refresh token has expired.");
      return envelope_error(40102, "Access token has expired.");
    case FaultKind::revoked_token:
      if (is_code_exchange(ep)) return envelope_error(40110, "Auth code is invalid.");
      if (ep == "tt_user/oauth2/refresh_token")
        return envelope_error(40107, "Invalid refresh token.");
      return envelope_error(40105, "Access token is incorrect or has been revoked.");
    case FaultKind::expired_cursor:
      // No documented TikTok code for a stale cursor; a parameter error is the nearest.
      if (ep == "business/message/conversation/list")
        return envelope_error(40002, "cursor: The cursor is invalid or has expired.");
      return envelope_error(40002, "page: The page is invalid or has expired.");
    default:
      return envelope_error(50000, "System error, please try again later.");
  }
}

Response v2_api_fault(const FaultRule& f) {
  switch (f.kind) {
    case FaultKind::rate_limit:
      return v2_error(429, "rate_limit_exceeded",
                      "API rate limit exceeded, please retry after some time.");
    case FaultKind::server_error:
      return v2_error(f.status ? f.status : 500, "internal_error",
                      "Something went wrong. Please try again later.");
    case FaultKind::expired_token:
      return v2_error(401, "access_token_invalid", "The access token has expired.");
    case FaultKind::revoked_token:
      return v2_error(401, "access_token_invalid",
                      "The access token is invalid or not found in the request.");
    case FaultKind::expired_cursor:
      return v2_error(400, "invalid_params", "The cursor is invalid or has expired.");
    default:
      return v2_error(500, "internal_error", "Something went wrong.");
  }
}

Response v2_oauth_fault(const FaultRule& f, const Request& r) {
  bool refresh = r.body.find("grant_type=refresh_token") != std::string::npos;
  switch (f.kind) {
    case FaultKind::rate_limit:
      return oauth_error(429, "rate_limit_exceeded", "Too many requests, please retry later.");
    case FaultKind::server_error:
      return oauth_error(f.status ? f.status : 500, "server_error",
                         "Something went wrong. Please try again later.");
    case FaultKind::expired_token:
      return oauth_error(
          400, "invalid_grant",
          refresh ? "Refresh token is invalid or expired." : "Authorization code is expired.");
    case FaultKind::revoked_token:
      return oauth_error(
          400, "invalid_grant",
          refresh ? "Refresh token is invalid or expired." : "Authorization code is invalid.");
    default:
      return oauth_error(400, "invalid_request", "The request is invalid.");
  }
}

}  // namespace

Response fault_answer(State& s, Style style, const FaultRule& f, const Route& route,
                      const Request& r) {
  switch (style) {
    case Style::envelope:
      return envelope_fault(s, f, route, r);
    case Style::v2_api:
      return v2_api_fault(f);
    case Style::v2_oauth:
      return v2_oauth_fault(f, r);
    case Style::html:
    case Style::cdn: {
      int status = f.kind == FaultKind::rate_limit     ? 429
                   : f.kind == FaultKind::server_error ? (f.status ? f.status : 500)
                                                       : 400;
      if (style == Style::cdn) return Response::text(status, reason(status) + "\n");
      return html_page(
          status, "TikTok",
          "<h1>" + std::to_string(status) + " " + html_escape(reason(status)) + "</h1>");
    }
  }
  return gateway_page(500);
}

}  // namespace connhost::sandbox::tiktok
