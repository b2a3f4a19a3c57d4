#pragma once

// Google Ads API errors: google.rpc.Status JSON with a GoogleAdsFailure in details[0]
// (platform notes §4.3), and the googleapis front-end errors that come before the Ads backend.

#include <optional>
#include <string>

#include "google/util.hpp"

namespace connhost::sandbox::goog {

struct AdsError {
  int http = 400;
  std::string status = "INVALID_ARGUMENT";  // google.rpc.Code name
  std::string kind;                         // errorCode one-of, e.g. "queryError"
  std::string code;                         // its enum value, e.g. "UNRECOGNIZED_FIELD"
  std::string message;                      // GoogleAdsError.message
  std::optional<std::string> location;      // fieldPathElements[0].fieldName, e.g. "query"
  std::optional<std::string> trigger;       // trigger.stringValue
  json::object details;                     // GoogleAdsError.details, e.g. quotaErrorDetails
  std::string top_message;                  // overrides the status's usual message
};

// Shorthands for the common families.
AdsError query_error(std::string code, std::string message,
                     std::optional<std::string> trigger = std::nullopt);
AdsError request_error(std::string code, std::string message);
AdsError authentication_error(std::string code, std::string message);
AdsError permission_denied(std::string message);
AdsError rate_limited(int retry_seconds, bool temporary);
AdsError internal_error(int http);

// The response for `version` (vNN in the @type). `stream`: searchStream wraps every error in a
// JSON array (§4.3).
Response ads_error_response(const AdsError& e, int version, bool stream);

// Errors of the googleapis front end, which carry no GoogleAdsFailure: a JSON body that does not
// map onto the request message, and a token without the adwords scope.
Response bad_payload_response(const std::string& message, const std::string& field, bool stream);
Response insufficient_scope_response(int version, std::string_view method, bool stream);

// The Google front end's HTML 404 for a URL no service answers.
Response google_404(const std::string& path);

}  // namespace connhost::sandbox::goog
