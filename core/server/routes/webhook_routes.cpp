// The webhook intake of `connhost serve` (issue #7, "Inbound"): GET /webhooks/{connection} (the
// platform's subscription handshake) and POST /webhooks/{connection} (verify, persist, then
// acknowledge). Public routes: the platform signs its deliveries, it has no API key. Answers
// to a failed check carry no detail, and no log line carries a body.

#include <boost/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include "inbox/inbox_writer.hpp"
#include "log/logger.hpp"
#include "pipeline/connection_setup.hpp"
#include "server/errors.hpp"
#include "server/routes/routes.hpp"

namespace connhost::server {
namespace {

namespace json = boost::json;

Response text(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

// The headers a delivery is verified with (signatures, timestamps), kept with it so that it can
// be verified again from the store; the others (cookies, proxies' additions) are not kept.
std::string verification_headers(const Headers& headers) {
  json::object o;
  for (const auto& [name, value] : headers)
    if (name.find("signature") != std::string::npos || name.find("timestamp") != std::string::npos)
      o[name] = value;
  return json::serialize(o);
}

plugin::WebhookRequest webhook_request(const Request& req, int64_t now_ms, int64_t tolerance_ms) {
  plugin::WebhookRequest w;
  w.method = req.method;
  if (auto q = req.target.find('?'); q != std::string::npos) w.query = req.target.substr(q + 1);
  w.headers = req.headers;
  w.body = req.body;
  w.now_ms = now_ms;
  w.tolerance_ms = tolerance_ms;
  return w;
}

struct WebhookRoutes {
  ServerContext& ctx;
  metrics::Registry& m = ctx.metrics;

  struct Target {
    const config::Connection* connection = nullptr;
    std::string platform;
    // The ABI lets one instance take concurrent calls (abi.h, THREADING): shared, no lock.
    std::shared_ptr<plugin::Instance> instance;
  };
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<Target>, std::less<>> targets;

  // The connection's cached plugin instance; null when there is no such connection or its plugin
  // offers no messaging (both answer 404: a stranger learns nothing about the configuration).
  // Throws HttpError 503 when the instance cannot be made now.
  std::shared_ptr<Target> target(const std::string& name) {
    std::lock_guard lock(mutex);
    if (auto it = targets.find(name); it != targets.end()) {
      // Still the version the registry serves: a hot reload makes the next delivery build anew.
      const auto& served = it->second->instance->plugin();
      if (ctx.plugins.find(served.id) == &served) return it->second;
      targets.erase(it);
    }
    const auto* c = ctx.config.connection(name);
    if (!c) return nullptr;
    const auto* p = ctx.plugins.find(c->plugin);
    // Its file was removed while the host runs: 503, so the platform retries the delivery.
    if (!p && ctx.plugins.missing_reason(c->plugin))
      throw HttpError(503, "unavailable", "the connection cannot take deliveries now");
    if (!p || !(p->capabilities & CH_CAP_MESSAGING)) return nullptr;
    auto t = std::make_shared<Target>();
    t->connection = c;
    try {
      auto setup = pipeline::setup_connection(ctx.config, ctx.plugins, name, ctx.http, ctx.grants);
      t->platform = std::string(setup.plugin->platform());
      auto [inst, err] = plugin::Instance::create(setup.plugin, std::move(setup.settings));
      if (err || !inst) {
        log::error("webhooks: {}: the plugin instance could not be created: {}", name,
                   err ? err->to_string() : "no instance");
        throw HttpError(503, "unavailable", "the connection cannot take deliveries now");
      }
      t->instance = std::move(inst);
    } catch (const std::invalid_argument& e) {
      log::error("webhooks: {}: {}", name, e.what());
      throw HttpError(503, "unavailable", "the connection cannot take deliveries now");
    }
    targets.emplace(name, t);
    return t;
  }

  int64_t now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(ctx.now().time_since_epoch())
        .count();
  }

  Response rejected(const std::string& connection, int status, const char* reason) {
    m.counter("connhost_webhook_rejected_total",
              "Webhook deliveries refused before they were stored, by reason",
              {{"connection", connection}, {"reason", reason}})
        .inc();
    if (status == 401) return error_response(401, "unauthorized", "verification failed");
    if (status == 403) return error_response(403, "forbidden", "verification failed");
    return error_response(413, "payload_too_large",
                          "the delivery is larger than this endpoint takes");
  }

  Response handshake(const Request& req) {
    const std::string& name = req.param("connection");
    auto t = target(name);
    if (!t) throw NotFound("no webhook endpoint here");
    auto w = webhook_request(req, now_ms(), t->connection->webhook_tolerance_seconds * 1000);
    auto r = t->instance->handshake(w);
    if (r.error) {
      log::warn("webhooks: {}: handshake refused: {}", name, r.error->message);
      if (r.error->category == CH_ERROR_AUTH) return text(403, "forbidden\n");
      if (r.error->category == CH_ERROR_NOT_IMPLEMENTED) throw NotFound("no handshake here");
      return text(500, "handshake failed\n");
    }
    return text(r.status, r.body);
  }

  Response deliver(const Request& req) {
    auto t0 = std::chrono::steady_clock::now();
    const std::string& name = req.param("connection");
    auto t = target(name);
    if (!t) throw NotFound("no webhook endpoint here");
    // The server's own [server] max_body_bytes is checked first, by the transport (413 too).
    if (static_cast<int64_t>(req.body.size()) > t->connection->webhook_max_body_bytes) {
      log::warn("webhooks: {}: refused a delivery of {} bytes (max {})", name, req.body.size(),
                t->connection->webhook_max_body_bytes);
      return rejected(name, 413, "too_large");
    }
    auto w = webhook_request(req, now_ms(), t->connection->webhook_tolerance_seconds * 1000);
    if (auto err = t->instance->verify(w)) {
      if (err->category != CH_ERROR_AUTH) {
        log::error("webhooks: {}: cannot verify deliveries: {}", name, err->to_string());
        return error_response(503, "unavailable", "the connection cannot take deliveries now");
      }
      // The plugins say "timestamp outside the tolerance" for a stale (or replayed) delivery;
      // every other auth failure is a signature that does not match or is missing.
      bool stale = err->message.find("timestamp") != std::string::npos;
      log::warn("webhooks: {}: refused a delivery from {} ({} bytes): {}", name, req.remote,
                req.body.size(), err->message);
      return stale ? rejected(name, 403, "stale_timestamp") : rejected(name, 401, "bad_signature");
    }
    inbox::Delivery d;
    d.connection = name;
    d.platform = t->platform;
    d.headers_json = verification_headers(req.headers);
    auto parsed = t->instance->parse_events(w);
    if (parsed.error) {
      // Signed by the platform but not understood: kept for a fixed plugin and a replay, and
      // acknowledged, since sending it again cannot fix it.
      d.parse_error = parsed.error->to_string();
      log::warn("webhooks: {}: a verified delivery could not be parsed: {}", name,
                parsed.error->message);
      m.counter("connhost_webhook_unparsed_total",
                "Verified webhook deliveries the plugin could not parse (stored, acknowledged)",
                {{"connection", name}})
          .inc();
    } else {
      d.events = std::move(parsed.events);
    }
    d.body = std::move(w.body);
    if (!ctx.inbox) return error_response(503, "unavailable", "the inbox is not running");
    auto r = ctx.inbox->submit(std::move(d));
    if (!r.ok()) {
      const char* why =
          r.status == inbox::SubmitResult::Status::queue_full ? "queue_full" : "store_failed";
      m.counter("connhost_webhook_unavailable_total",
                "Verified webhook deliveries answered 503 (not stored; the platform retries)",
                {{"connection", name}, {"reason", why}})
          .inc();
      auto resp = error_response(503, "unavailable", "the delivery was not stored; retry later");
      resp.headers.emplace_back("Retry-After", "1");
      return resp;
    }
    m.counter("connhost_webhook_accepted_total",
              "Webhook deliveries stored and acknowledged with 200", {{"connection", name}})
        .inc();
    if (r.duplicates > 0 || r.duplicate_delivery)
      m.counter("connhost_webhook_duplicate_total",
                "Events of acknowledged deliveries that the inbox already held (redeliveries)",
                {{"connection", name}})
          .inc(r.duplicates > 0 ? r.duplicates : 1);
    m.histogram("connhost_webhook_ack_seconds",
                "From a delivery's arrival at the route to its acknowledgement (after the commit)",
                metrics::latency_buckets(), {{"connection", name}})
        .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return json_response(200, json::object{{"stored", r.stored}, {"duplicates", r.duplicates}});
  }
};

}  // namespace

void add_webhook_routes(Router& router, ServerContext& ctx) {
  auto routes = std::make_shared<WebhookRoutes>(ctx);
  router.add({.method = "GET",
              .pattern = "/webhooks/{connection}",
              .summary = "A platform's webhook subscription handshake",
              .description = "Meta's hub.challenge: the plugin checks hub.verify_token and the "
                             "answer is its status and body as text/plain (the challenge). 404 "
                             "for an unknown connection or a plugin without messaging or a "
                             "handshake; 403 for a wrong token.",
              .is_public = true,
              .tag = "webhooks",
              .handler = [routes](const Request& r) { return routes->handshake(r); }});
  router.add({.method = "POST",
              .pattern = "/webhooks/{connection}",
              .summary = "Receive a platform's signed webhook delivery",
              .description = "Verified over the exact bytes (401 bad signature, 403 stale "
                             "timestamp, 413 too large, no detail), stored in the inbox, then "
                             "acknowledged: 200 {stored, duplicates} only after the commit; 503 "
                             "with Retry-After when it could not be stored. A redelivery is "
                             "acknowledged and not stored twice.",
              .is_public = true,
              .tag = "webhooks",
              .handler = [routes](const Request& r) { return routes->deliver(r); }});
}

}  // namespace connhost::server
