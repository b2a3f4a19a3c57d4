#include "google/ads_errors.hpp"

namespace connhost::sandbox::goog {
namespace {

// The standard google.rpc messages for each canonical code (§4.3 "Canonical codes").
std::string usual_message(const std::string& status) {
  if (status == "INVALID_ARGUMENT") return "Request contains an invalid argument.";
  if (status == "UNAUTHENTICATED")
    return "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
           "cookie or other valid authentication credential. See "
           "https://developers.google.com/identity/sign-in/web/devconsole-project.";
  if (status == "PERMISSION_DENIED") return "The caller does not have permission";
  if (status == "NOT_FOUND") return "Requested entity was not found.";
  if (status == "RESOURCE_EXHAUSTED") return "Resource has been exhausted (e.g. check quota).";
  if (status == "UNAVAILABLE") return "The service is currently unavailable.";
  return "Internal error encountered.";
}

Response finish(json::object error, int http, bool stream) {
  json::value body = json::object{{"error", std::move(error)}};
  if (stream) body = json::array{std::move(body)};
  auto r = Response::json(http, to_text(body));
  if (http == 401)
    r.header("WWW-Authenticate",
             R"(Bearer realm="https://accounts.google.com/", error="invalid_token")");
  return r;
}

}  // namespace

AdsError query_error(std::string code, std::string message, std::optional<std::string> trigger) {
  AdsError e;
  e.kind = "queryError";
  e.code = std::move(code);
  e.message = std::move(message);
  e.location = "query";
  e.trigger = std::move(trigger);
  return e;
}

AdsError request_error(std::string code, std::string message) {
  AdsError e;
  e.kind = "requestError";
  e.code = std::move(code);
  e.message = std::move(message);
  return e;
}

AdsError authentication_error(std::string code, std::string message) {
  AdsError e;
  e.http = 401;
  e.status = "UNAUTHENTICATED";
  e.kind = "authenticationError";
  e.code = std::move(code);
  e.message = std::move(message);
  return e;
}

AdsError permission_denied(std::string message) {
  AdsError e;
  e.http = 403;
  e.status = "PERMISSION_DENIED";
  e.kind = "authorizationError";
  e.code = "USER_PERMISSION_DENIED";
  e.message = std::move(message);
  return e;
}

// §4.3 details.quotaErrorDetails and §4.4: short-term limits answer RESOURCE_EXHAUSTED or
// RESOURCE_TEMPORARILY_EXHAUSTED with a retryDelay to honour.
AdsError rate_limited(int retry_seconds, bool temporary) {
  AdsError e;
  e.http = 429;
  e.status = "RESOURCE_EXHAUSTED";
  e.kind = "quotaError";
  e.code = temporary ? "RESOURCE_TEMPORARILY_EXHAUSTED" : "RESOURCE_EXHAUSTED";
  e.message = "Too many requests. Retry in " + std::to_string(retry_seconds) + " seconds.";
  e.details = json::object{
      {"quotaErrorDetails", json::object{{"rateScope", "ACCOUNT"},
                                         {"rateName", "Requests per service per method"},
                                         {"retryDelay", std::to_string(retry_seconds) + "s"}}}};
  return e;
}

AdsError internal_error(int http) {
  AdsError e;
  e.http = http;
  e.status = http == 503 ? "UNAVAILABLE" : http == 504 ? "DEADLINE_EXCEEDED" : "INTERNAL";
  e.kind = "internalError";
  e.code = http == 503 ? "TRANSIENT_ERROR" : http == 504 ? "DEADLINE_EXCEEDED" : "INTERNAL_ERROR";
  e.message = http == 503 ? "The request failed due to a transient error. Please retry the request."
                          : "An internal error has occurred.";
  return e;
}

Response ads_error_response(const AdsError& e, int version, bool stream) {
  json::object one{{"errorCode", json::object{{e.kind, e.code}}}, {"message", e.message}};
  if (e.trigger) one["trigger"] = json::object{{"stringValue", *e.trigger}};
  if (e.location)
    one["location"] =
        json::object{{"fieldPathElements", json::array{json::object{{"fieldName", *e.location}}}}};
  if (!e.details.empty()) one["details"] = e.details;
  std::string request_id = new_request_id();
  json::object failure{{"@type", "type.googleapis.com/google.ads.googleads.v" +
                                     std::to_string(version) + ".errors.GoogleAdsFailure"},
                       {"errors", json::array{std::move(one)}},
                       {"requestId", request_id}};
  json::object error{{"code", e.http},
                     {"message", e.top_message.empty() ? usual_message(e.status) : e.top_message},
                     {"status", e.status},
                     {"details", json::array{std::move(failure)}}};
  Response r = finish(std::move(error), e.http, stream);
  r.header("request-id", request_id);
  return r;
}

// Not in the platform notes: the shape googleapis' JSON transcoding gives a body that does not
// parse into the request message (google.rpc.BadRequest with fieldViolations).
Response bad_payload_response(const std::string& message, const std::string& field, bool stream) {
  json::object violation;
  if (!field.empty()) violation["field"] = field;
  violation["description"] = message;
  json::object error{{"code", 400},
                     {"message", message},
                     {"status", "INVALID_ARGUMENT"},
                     {"details", json::array{json::object{
                                     {"@type", "type.googleapis.com/google.rpc.BadRequest"},
                                     {"fieldViolations", json::array{std::move(violation)}}}}}};
  return finish(std::move(error), 400, stream);
}

// Not in the platform notes: googleapis rejects a token lacking the service's scope before the
// Ads backend sees it, with a google.rpc.ErrorInfo rather than a GoogleAdsFailure.
Response insufficient_scope_response(int version, std::string_view method, bool stream) {
  json::object error{
      {"code", 403},
      {"message", "Request had insufficient authentication scopes."},
      {"status", "PERMISSION_DENIED"},
      {"details",
       json::array{json::object{
           {"@type", "type.googleapis.com/google.rpc.ErrorInfo"},
           {"reason", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"},
           {"domain", "googleapis.com"},
           {"metadata", json::object{{"service", "googleads.googleapis.com"},
                                     {"method", "google.ads.googleads.v" + std::to_string(version) +
                                                    ".services." + std::string(method)}}}}}}};
  return finish(std::move(error), 403, stream);
}

Response google_404(const std::string& path) {
  std::string body =
      "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error 404 (Not "
      "Found)!!1</title>\n  <p><b>404.</b> <ins>That’s an error.</ins>\n  <p>The requested URL "
      "<code>" +
      html_escape(path) + "</code> was not found on this server.  <ins>That’s all we know.</ins>\n";
  return Response::text(404, std::move(body), "text/html; charset=UTF-8");
}

}  // namespace connhost::sandbox::goog
