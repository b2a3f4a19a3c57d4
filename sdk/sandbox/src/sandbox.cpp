#include <connhost/sandbox/sandbox.hpp>

#include <chrono>
#include <stdexcept>

#include "sandbox_impl.hpp"

namespace connhost::sandbox {
namespace {

WorldOptions world_options(const Options& o) {
  WorldOptions w;
  w.seed = o.seed;
  w.accounts_per_platform = o.accounts_per_platform * std::max(1, o.scale);
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
  if (!options.faults_json.empty()) faults.add(Faults::parse(options.faults_json));
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
  impl_->faults.add(Faults::parse(json));
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
