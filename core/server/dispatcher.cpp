#include "server/dispatcher.hpp"

#include <chrono>
#include <set>

#include "log/logger.hpp"
#include "server/errors.hpp"
#include "server/param_check.hpp"

namespace connhost::server {
namespace {

constexpr std::string_view kDuration = "connhost_http_request_duration_seconds";
constexpr std::string_view kDurationHelp =
    "Time to answer HTTP requests, by route pattern, method and status class.";
constexpr std::string_view kRequests = "connhost_http_requests_total";
constexpr std::string_view kRequestsHelp = "HTTP requests answered, by route, method and status.";

bool under_api(std::string_view path) {
  return path == "/api" || path.starts_with("/api/");
}

// Labels stay bounded whatever clients send.
// A browser sends another site's form or fetch with Sec-Fetch-Site: cross-site (or at least an
// Origin that is not this server): without an API key (loopback), that is the only thing telling
// a click on a hostile page from one on the dashboard. Server-to-server callers (webhooks, curl)
// send neither header and are not affected.
bool cross_site_write(const Request& req) {
  if (req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS") return false;
  if (req.header("sec-fetch-site").value_or("") == "cross-site") return true;
  auto origin = req.header("origin");
  if (!origin) return false;
  auto host = req.header("host").value_or("");
  std::string_view o = *origin;
  for (std::string_view scheme : {"http://", "https://"})
    if (o.starts_with(scheme)) return o.substr(scheme.size()) != host;
  return true;  // "null" (a sandboxed frame, a file) or anything else unexpected
}

std::string method_label(std::string_view m) {
  static const std::set<std::string, std::less<>> known = {"GET",    "POST", "PUT",    "PATCH",
                                                           "DELETE", "HEAD", "OPTIONS"};
  return known.contains(m) ? std::string(m) : "other";
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

Dispatcher::Dispatcher(const Router& router, const Auth& auth, const Readiness& readiness,
                       metrics::Registry& metrics, Handler fallback)
    : router_(router),
      auth_(auth),
      readiness_(readiness),
      metrics_(metrics),
      fallback_(std::move(fallback)) {
  metrics_.declare(kDuration, kDurationHelp, metrics::Registry::Type::histogram);
  metrics_.declare(kRequests, kRequestsHelp, metrics::Registry::Type::counter);
}

Response Dispatcher::route(Request& req, std::string& label) const {
  auto m = router_.match(req.method, req.segments);
  if (!m.route) {
    if (!m.allowed.empty()) {
      label = "unmatched";
      auto r = error_response(
          405, "method_not_allowed",
          req.method + " is not allowed on " + req.path + " (allowed: " + joined(m.allowed) + ")");
      r.headers.emplace_back("Allow", joined(m.allowed));
      return r;
    }
    if (!under_api(req.path) && fallback_) {
      label = "static";
      if (req.method != "GET") {
        auto r = error_response(405, "method_not_allowed", "static files are read with GET");
        r.headers.emplace_back("Allow", "GET");
        return r;
      }
      return fallback_(req);
    }
    label = "unmatched";
    return error_response(404, "not_found", "no route for " + req.method + " " + req.path);
  }
  const Route& route = *m.route;
  label = route.pattern;
  req.route = route.pattern;
  req.path_params = std::move(m.params);
  if (cross_site_write(req))
    return error_response(403, "cross_site",
                          "a request from another site may not change anything here");
  if (!route.is_public && auth_.required()) {
    const ApiKey* key = auth_.authenticate(req.header("authorization").value_or(""));
    if (!key) {
      auto r = error_response(401, "unauthorized",
                              "this server requires an API key: send Authorization: Bearer <key>");
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return r;
    }
    req.api_key_id = key->id;
    req.scopes = key->scopes;
  } else if (!auth_.required()) {
    // No keys configured (a loopback server): whoever reaches it owns it.
    req.scopes = {std::string(kScopeAll)};
  }
  // Every /api route may need the store, and none may see it half migrated.
  if (under_api(req.path) && !readiness_.ready())
    return error_response(503, "not_ready", "the server is not ready: " + readiness_.message());
  check_query(route, req);
  return route.handler(req);
}

Response Dispatcher::operator()(Request& req) const {
  auto start = std::chrono::steady_clock::now();
  std::string label = "unmatched";
  Response resp;
  try {
    resp = route(req, label);
  } catch (const HttpError& e) {
    resp = error_response(e.status(), e.code(), e.what());
  } catch (const std::exception& e) {
    // The client gets nothing of the exception: its text may name a table, a file or a value.
    log::error("http: {} {} failed: {}", req.method, label, e.what());
    resp = error_response(500, "internal", "internal error; the server log has the details");
  } catch (...) {
    log::error("http: {} {} failed with a non-standard exception", req.method, label);
    resp = error_response(500, "internal", "internal error; the server log has the details");
  }
  if (under_api(req.path)) resp.headers.emplace_back("Cache-Control", "no-store");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string method = method_label(req.method);
  std::string status_class = std::to_string(resp.status / 100) + "xx";
  metrics_
      .histogram(kDuration, kDurationHelp, metrics::latency_buckets(),
                 {{"route", label}, {"method", method}, {"status_class", status_class}})
      .observe(seconds);
  metrics_
      .counter(kRequests, kRequestsHelp,
               {{"route", label}, {"method", method}, {"status", std::to_string(resp.status)}})
      .inc();
  log::debug("http: {} {} {} -> {} in {:.1f} ms", req.remote, req.method, req.path, resp.status,
             seconds * 1000);
  return resp;
}

}  // namespace connhost::server
