// Injected answer faults rendered as Graph renders them (§1.6 envelope, §1.7 throttle codes and
// usage headers).
#include <algorithm>

#include "meta/state.hpp"

namespace connhost::sandbox::meta {
namespace {

bool ads_endpoint(const std::string& endpoint) {
  return endpoint.rfind("act", 0) == 0 || endpoint.rfind("report_run", 0) == 0 ||
         endpoint == "me/adaccounts" || endpoint == "campaign";
}

bool insights_endpoint(const std::string& endpoint) {
  return endpoint.find("insights") != std::string::npos || endpoint.rfind("report_run", 0) == 0;
}

// §1.7: the throttle codes. The BUC messages name the use case of the §1.7 mapping.
GraphError throttle(int code, const std::string& endpoint) {
  GraphError e;
  e.code = code;
  e.type = "OAuthException";
  e.is_transient = true;
  static const char* buc_types[] = {"ads_insights",
                                    "pages",
                                    "instagram",
                                    "custom_audience",
                                    "ads_management",
                                    "LeadGen",
                                    "messenger",
                                    "unknown",
                                    "WhatsApp Business Management",
                                    "catalog management",
                                    "unknown",
                                    "unknown",
                                    "unknown",
                                    "unknown",
                                    "catalog batch"};
  if (code == 4) {
    e.message = "(#4) Application request limit reached";
    if (insights_endpoint(endpoint)) e.subcode = 1504022;
  } else if (code == 17) {
    e.message = "(#17) User request limit reached";
    if (ads_endpoint(endpoint)) e.subcode = 2446079;
  } else if (code == 32) {
    e.message = "(#32) Page request limit reached";
  } else if (code == 613) {
    e.message = "(#613) Calls to this api have exceeded the rate limit.";
    if (ads_endpoint(endpoint)) {
      e.subcode = 1487742;
      e.message =
          "(#613) There have been too many calls from this ad-account. Wait a bit and "
          "try again.";
    }
  } else if (code >= 80000 && code <= 80014) {
    e.message = "(#" + std::to_string(code) + ") There have been too many calls for the " +
                buc_types[code - 80000] +
                " business use case. Wait a bit and try again. For more info, please refer to "
                "https://developers.facebook.com/docs/graph-api/overview/rate-limiting.";
  } else {
    e.message = "(#" + std::to_string(code) + ") Calls to this api have exceeded the rate limit.";
  }
  return e;
}

}  // namespace

Response fault_answer(MetaState& st, const FaultRule& f, const std::string& endpoint,
                      const std::string& account) {
  int64_t now = st.ctx.tokens.now();
  bool known_account = !account.empty() && st.ctx.world.account(Platform::meta, account);
  std::string acct = known_account ? account : "";
  std::string use_case = insights_endpoint(endpoint) ? "ads_insights" : "ads_management";
  bool over = false;
  int64_t regain = f.retry_after.count() > 0 ? f.retry_after.count() : 300;
  GraphError e;
  switch (f.kind) {
    case FaultKind::rate_limit:
      e = throttle(f.code ? f.code : 17, endpoint);
      if (e.code >= 80000 && e.code <= 80014)
        use_case = e.code == 80000 ? "ads_insights" : e.code == 80004 ? "ads_management" : use_case;
      over = true;
      break;
    case FaultKind::server_error: {
      e.http_status = f.status ? f.status : 500;
      bool service = e.http_status == 503 || f.code == 2;
      e.code = service ? 2 : 1;
      if (!service) e.subcode = 99;
      e.message = service ? "(#2) Service temporarily unavailable" : "An unknown error occurred";
      e.is_transient = true;
      break;
    }
    case FaultKind::expired_token:
      e = expired_token_error(now - 3600, now);
      break;
    case FaultKind::revoked_token:
      e = revoked_token_error(f.code == 458 ? 458 : 460);
      break;
    case FaultKind::expired_cursor:
      // No dedicated cursor code is documented; Graph rejects a stale cursor as an invalid
      // parameter (code 100).
      e = invalid_param(
          "(#100) The after cursor is invalid or has expired. Cursors are not stable; restart "
          "the request without it.");
      break;
    default:
      e = invalid_param("(#100) Invalid parameter");
      break;
  }
  Response r = error_response(e);
  if (endpoint != "dialog/oauth") {
    st.usage.record(now, acct, use_case, 1);
    for (auto& h : st.usage.headers(now, acct, use_case,
                                    insights_endpoint(endpoint) && !acct.empty(), over, regain))
      r.headers.push_back(std::move(h));
    r.header("x-fb-trace-id", fbtrace_id());
  }
  return r;
}

}  // namespace connhost::sandbox::meta
