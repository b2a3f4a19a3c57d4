#pragma once

// From a parsed request to a response: the route, the API key, the readiness gate for /api/*,
// the declared query parameters, the handler, and every failure turned into the JSON error shape.
// Each request is timed into connhost_http_request_duration_seconds.

#include "metrics/metrics.hpp"
#include "server/auth.hpp"
#include "server/readiness.hpp"
#include "server/router.hpp"

namespace connhost::server {

class Dispatcher {
 public:
  // `fallback` answers GET requests outside /api that no route takes (the static files); none:
  // they get a 404.
  Dispatcher(const Router& router, const Auth& auth, const Readiness& readiness,
             metrics::Registry& metrics, Handler fallback = {});

  // Never throws: a handler's exception becomes a 500 and is logged here.
  Response operator()(Request& request) const;

 private:
  Response route(Request& request, std::string& label) const;

  const Router& router_;
  const Auth& auth_;
  const Readiness& readiness_;
  metrics::Registry& metrics_;
  Handler fallback_;
};

}  // namespace connhost::server
