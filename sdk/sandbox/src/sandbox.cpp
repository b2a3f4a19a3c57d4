#include <connhost/sandbox/sandbox.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "sandbox_impl.hpp"

namespace connhost::sandbox {
namespace {
namespace json = boost::json;

WorldOptions world_options(const Options& o) {
  WorldOptions w;
  w.seed = o.seed;
  // A replaying sandbox answers from its fixtures: no generated world, so nothing can be served
  // from it by mistake.
  w.accounts_per_platform =
      o.replay_dir.empty() ? o.accounts_per_platform * std::max(1, o.scale) : 0;
  w.campaigns_per_account = o.campaigns_per_account * std::max(1, o.scale);
  w.days = o.days;
  w.today = o.today;
  return w;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Transport faults change how a correct answer travels, whatever the platform.
void apply_transport_fault(const FaultRule& f, Response& r) {
  switch (f.kind) {
    case FaultKind::latency:
      r.delivery.delay = f.latency;
      break;
    case FaultKind::connection_reset:
      r.delivery.reset = true;
      break;
    case FaultKind::truncated_body:
      r.delivery.truncate_at = r.body.size() / 2;
      break;
    case FaultKind::slow_drip:
      r.delivery.drip_chunk = f.drip_chunk;
      r.delivery.drip_interval = f.drip_interval;
      break;
    case FaultKind::malformed_json:
      // Valid framing, broken JSON: a cut-off document followed by junk.
      r.body = r.body.substr(0, r.body.size() / 2) + "<!-- upstream error -->";
      break;
    default:
      break;
  }
}

bool is_answer_fault(FaultKind k) {
  return k == FaultKind::rate_limit || k == FaultKind::server_error ||
         k == FaultKind::expired_token || k == FaultKind::revoked_token ||
         k == FaultKind::expired_cursor;
}

// An answer fault for recorded exchanges of a platform the sandbox does not emulate: the shapes
// HTTP clients understand without knowing the platform.
Response generic_fault(const FaultRule& f) {
  auto error = [](int status, std::string kind, std::string message) {
    return Response::json(
        status,
        json::serialize(json::object{{"error", json::object{{"code", status},
                                                            {"kind", std::move(kind)},
                                                            {"message", std::move(message)}}}}));
  };
  switch (f.kind) {
    case FaultKind::rate_limit: {
      auto seconds = std::max<int64_t>(1, f.retry_after.count());
      return error(429, "rate_limit", "rate limit reached (connhost-sandbox fault)")
          .header("Retry-After", std::to_string(seconds));
    }
    case FaultKind::server_error: {
      int status = f.status >= 500 && f.status <= 599 ? f.status : 500;
      return error(status, "server_error", "internal error (connhost-sandbox fault)");
    }
    case FaultKind::expired_token:
      return error(401, "expired_token", "the access token has expired (connhost-sandbox fault)");
    case FaultKind::revoked_token:
      return error(401, "revoked_token", "the access token was revoked (connhost-sandbox fault)");
    case FaultKind::expired_cursor:
      return error(400, "expired_cursor", "the page cursor has expired (connhost-sandbox fault)");
    default:
      return error(500, "server_error", "internal error (connhost-sandbox fault)");
  }
}

// Whether a transport fault still delivers the whole answer. One that does not (a reset, a cut or
// broken body) leaves the recorded answer unserved, so the client's retry gets it.
bool delivers_intact(FaultKind k) {
  return k == FaultKind::latency || k == FaultKind::slow_drip;
}

}  // namespace

Sandbox::Impl::Impl(Options o)
    : options(std::move(o)),
      world(world_options(options)),
      context{world, tokens, options.credentials,
              [this] { return "http://" + options.host + ":" + std::to_string(port); }},
      server([this](Request& r) { return handle(r); }) {
  platforms.push_back(make_tiktok_api(context));
  platforms.push_back(make_meta_api(context));
  platforms.push_back(make_google_api(context));
  platforms.push_back(make_pinterest_api(context));
  if (!options.replay_dir.empty()) {
    replay = std::make_unique<replay::Replayer>(replay::load_folder(options.replay_dir));
  }
  if (!options.faults_json.empty())
    faults.add(Faults::parse(options.faults_json, replayed_platforms()));
}

void Sandbox::Impl::log(LoggedRequest entry) {
  std::lock_guard lock(log_mutex);
  request_log.push_back(std::move(entry));
  if (request_log.size() > kLogLimit) request_log.pop_front();
}

Response Sandbox::Impl::handle(Request& req) {
  LoggedRequest entry{now_ms(),      "",          "",       req.method, req.path,
                      req.raw_query, req.headers, req.body, 0,          ""};
  Response resp;
  if (req.path.rfind("/_sandbox/", 0) == 0 || req.path == "/_sandbox") {
    entry.endpoint = "control";
    resp = handle_control(*this, req);
    // The control API is not part of what a connector sent; keep the log about the platforms.
    return resp;
  }
  if (replay) {
    resp = handle_replay(req, entry);
    entry.status = resp.status;
    log(std::move(entry));
    return resp;
  }
  bool routed = false;
  for (auto& p : platforms) {
    auto route = p->route(req);
    if (!route) continue;
    routed = true;
    entry.platform = std::string(platform_name(p->platform()));
    entry.endpoint = route->endpoint;
    auto fault = faults.decide(entry.platform, route->endpoint);
    if (fault && is_answer_fault(fault->kind)) {
      resp = p->fault_response(*fault, *route, req);
    } else {
      resp = route->handle(req);
      if (fault) apply_transport_fault(*fault, resp);
    }
    if (fault) entry.fault = std::string(fault_kind_name(fault->kind));
    break;
  }
  if (!routed)
    resp = Response::text(404, "connhost-sandbox: no emulated endpoint at " + req.path + "\n");
  entry.status = resp.status;
  log(std::move(entry));
  return resp;
}

std::vector<std::string> Sandbox::Impl::replayed_platforms() const {
  return replay ? replay->platforms() : std::vector<std::string>{};
}

Response Sandbox::Impl::handle_replay(Request& req, LoggedRequest& entry) {
  const replay::Exchange* found = replay->peek(req);
  if (!found) {
    for (auto& p : platforms)
      if (auto route = p->route(req)) {
        entry.platform = std::string(platform_name(p->platform()));
        entry.endpoint = route->endpoint;
        break;
      }
    return replay->not_found(req);
  }
  // The platform's own emulator, when the sandbox has one, names the endpoint and renders answer
  // faults in its wire format; the recorded exchange still provides every normal answer.
  PlatformApi* api = nullptr;
  std::optional<Route> route;
  for (auto& p : platforms)
    if (platform_name(p->platform()) == found->platform) {
      api = p.get();
      route = p->route(req);
      break;
    }
  entry.platform = found->platform;
  entry.endpoint = !found->endpoint.empty() ? found->endpoint : route ? route->endpoint : req.path;
  std::string base = context.base_url();
  auto fault = faults.decide(entry.platform, entry.endpoint);
  Response resp;
  if (fault && is_answer_fault(fault->kind)) {
    if (api && route) {
      Route recorded{route->endpoint,
                     [this, base](Request& r) { return replay->serve(r, base, true); }};
      resp = api->fault_response(*fault, recorded, req);
    } else {
      resp = generic_fault(*fault);
    }
  } else {
    resp = replay->serve(req, base, !fault || delivers_intact(fault->kind));
    if (fault) apply_transport_fault(*fault, resp);
  }
  if (fault) entry.fault = std::string(fault_kind_name(fault->kind));
  return resp;
}

Sandbox::Sandbox(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Sandbox::~Sandbox() {
  stop();
}

uint16_t Sandbox::start() {
  ServerOptions so;
  so.host = impl_->options.host;
  so.port = impl_->options.port;
  so.threads = impl_->options.threads;
  try {
    impl_->port = impl_->server.start(so);
  } catch (const std::exception& e) {
    throw std::runtime_error("connhost-sandbox cannot listen on " + so.host + ":" +
                             std::to_string(so.port) + ": " + e.what());
  }
  return impl_->port;
}

void Sandbox::stop() {
  impl_->server.stop();
}
uint16_t Sandbox::port() const {
  return impl_->port;
}
std::string Sandbox::base_url() const {
  return impl_->context.base_url();
}
const Options& Sandbox::options() const {
  return impl_->options;
}

std::vector<AccountInfo> Sandbox::accounts(std::string_view platform) const {
  std::vector<AccountInfo> out;
  auto p = parse_platform(platform);
  if (!p) throw std::invalid_argument("unknown platform '" + std::string(platform) + "'");
  for (const auto& a : impl_->world.accounts(*p)) {
    AccountInfo info{std::string(platform), a.id, a.name, a.currency, a.time_zone, {}};
    for (const auto* c : impl_->world.campaigns(*p, a.id)) info.campaign_ids.push_back(c->id);
    out.push_back(std::move(info));
  }
  return out;
}

Truth Sandbox::truth(std::string_view platform, std::string_view account, std::string_view from,
                     std::string_view to) const {
  auto p = parse_platform(platform);
  if (!p) throw std::invalid_argument("unknown platform '" + std::string(platform) + "'");
  return compute_truth(impl_->world, *p, account, parse_day(from), parse_day(to));
}

void Sandbox::add_faults(std::string_view json) {
  impl_->faults.add(Faults::parse(json, impl_->replayed_platforms()));
}
void Sandbox::clear_faults() {
  impl_->faults.clear();
}

std::vector<LoggedRequest> Sandbox::requests() const {
  std::lock_guard lock(impl_->log_mutex);
  return {impl_->request_log.begin(), impl_->request_log.end()};
}

void Sandbox::clear_requests() {
  std::lock_guard lock(impl_->log_mutex);
  impl_->request_log.clear();
}

WebhookResult Sandbox::send_webhooks(const WebhookRequest& request) {
  auto p = parse_platform(request.platform);
  if (!p) throw std::invalid_argument("unknown platform '" + request.platform + "'");
  for (auto& api : impl_->platforms)
    if (api->platform() == *p) return drive_webhooks(*api, impl_->tokens, request);
  throw std::invalid_argument("no emulator for " + request.platform);
}

}  // namespace connhost::sandbox
