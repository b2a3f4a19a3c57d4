// The control API under /_sandbox/: ground truth, accounts, tokens, faults, the request log,
// restatement, the clock and the webhook driver, as JSON.
#include <boost/json.hpp>

#include <algorithm>

#include "sandbox_impl.hpp"

namespace connhost::sandbox {
namespace json = boost::json;
namespace {

Response ok(json::value v) {
  return Response::json(200, json::serialize(v));
}
Response error(int status, std::string message) {
  return Response::json(status, json::serialize(json::object{{"error", std::move(message)}}));
}

json::object totals_json(const Totals& t) {
  return {{"spend_micros", t.spend_micros},
          {"impressions", t.impressions},
          {"clicks", t.clicks},
          {"purchases", t.purchases},
          {"purchase_value_micros", t.purchase_value_micros}};
}

std::optional<Platform> platform_param(const Request& r) {
  auto p = r.param("platform");
  return p ? parse_platform(*p) : std::nullopt;
}

Response truth(Sandbox::Impl& s, const Request& r) {
  auto p = platform_param(r);
  auto account = r.param("account");
  if (!p) return error(400, "platform must be tiktok, meta, google or pinterest");
  if (!account) return error(400, "account is required");
  const Account* acc = s.world.account(*p, *account);
  if (!acc) return error(404, "no " + std::string(platform_name(*p)) + " account " + *account);
  int64_t from, to;
  try {
    from = parse_day(r.param("from").value_or(format_day(s.world.first_day())));
    to = parse_day(r.param("to").value_or(format_day(s.world.today())));
  } catch (const std::exception& e) {
    return error(400, e.what());
  }
  Truth t = compute_truth(s.world, *p, *account, from, to);
  json::object campaigns;
  for (const auto& [id, totals] : t.by_campaign) campaigns[id] = totals_json(totals);
  return ok(json::object{{"platform", platform_name(*p)},
                         {"account", *account},
                         {"currency", t.currency},
                         {"from", format_day(from)},
                         {"to", format_day(to)},
                         {"rows", t.rows},
                         {"restatement_epoch", s.world.restatement_epoch(*p, *account)},
                         {"total", totals_json(t.total)},
                         {"campaigns", std::move(campaigns)}});
}

Response accounts(Sandbox::Impl& s, const Request& r) {
  json::array out;
  for (Platform p : {Platform::tiktok, Platform::meta, Platform::google, Platform::pinterest}) {
    if (auto want = r.param("platform"); want && *want != platform_name(p)) continue;
    for (const auto& a : s.world.accounts(p)) {
      json::array campaigns;
      for (const auto* c : s.world.campaigns(p, a.id)) {
        static const char* states[] = {"active", "paused", "deleted"};
        campaigns.push_back(json::object{{"id", c->id},
                                         {"name", c->name},
                                         {"state", states[static_cast<int>(c->state)]},
                                         {"objective", c->objective}});
      }
      out.push_back(json::object{{"platform", platform_name(p)},
                                 {"id", a.id},
                                 {"name", a.name},
                                 {"currency", a.currency},
                                 {"time_zone", a.time_zone},
                                 {"campaigns", std::move(campaigns)}});
    }
  }
  return ok(json::object{{"today", format_day(s.world.today())},
                         {"first_day", format_day(s.world.first_day())},
                         {"accounts", std::move(out)}});
}

Response tokens(Sandbox::Impl& s) {
  json::array out;
  for (const auto& t : s.tokens.all()) {
    json::array scopes(t.scopes.begin(), t.scopes.end());
    json::array accounts(t.accounts.begin(), t.accounts.end());
    out.push_back(json::object{{"value", t.value},
                               {"platform", t.platform},
                               {"kind", t.kind},
                               {"family", t.family},
                               {"subject", t.subject},
                               {"client_id", t.client_id},
                               {"scopes", std::move(scopes)},
                               {"accounts", std::move(accounts)},
                               {"issued_at", t.issued_at},
                               {"expires_at", t.expires_at},
                               {"revoked", t.revoked},
                               {"used", t.used}});
  }
  return ok(json::object{{"tokens", std::move(out)}});
}

Response requests(Sandbox::Impl& s, const Request& r) {
  size_t limit = 100;
  if (auto l = r.param("limit")) limit = std::strtoul(l->c_str(), nullptr, 10);
  auto want = r.param("platform");
  json::array out;
  std::lock_guard lock(s.log_mutex);
  for (auto it = s.request_log.rbegin(); it != s.request_log.rend() && out.size() < limit; ++it) {
    if (want && it->platform != *want) continue;
    json::object headers;
    for (const auto& [k, v] : it->headers) headers[k] = v;
    out.push_back(json::object{{"at_ms", it->at_ms},
                               {"platform", it->platform},
                               {"endpoint", it->endpoint},
                               {"method", it->method},
                               {"path", it->path},
                               {"query", it->query},
                               {"headers", std::move(headers)},
                               {"body", it->body},
                               {"status", it->status},
                               {"fault", it->fault}});
  }
  std::reverse(out.begin(), out.end());
  return ok(json::object{{"requests", std::move(out)}});
}

Response webhooks(Sandbox::Impl& s, const Request& r) {
  WebhookRequest w;
  try {
    auto v = json::parse(r.body).as_object();
    if (auto* x = v.if_contains("platform")) w.platform = json::value_to<std::string>(*x);
    if (auto* x = v.if_contains("target_url")) w.target_url = json::value_to<std::string>(*x);
    if (auto* x = v.if_contains("mode")) w.mode = json::value_to<std::string>(*x);
    if (auto* x = v.if_contains("count")) w.count = json::value_to<int>(*x);
    if (auto* x = v.if_contains("event")) w.event = json::value_to<std::string>(*x);
    if (auto* x = v.if_contains("text")) w.text = json::value_to<std::string>(*x);
  } catch (const std::exception& e) {
    return error(400, std::string("webhook request: ") + e.what());
  }
  auto p = parse_platform(w.platform);
  if (!p) return error(400, "platform must be tiktok or meta");
  if (w.target_url.empty()) return error(400, "target_url is required");
  for (auto& api : s.platforms) {
    if (api->platform() != *p) continue;
    try {
      auto result = drive_webhooks(*api, s.tokens, w);
      return ok(json::object{
          {"sent", result.sent},
          {"statuses", json::array(result.statuses.begin(), result.statuses.end())},
          {"event_ids", json::array(result.event_ids.begin(), result.event_ids.end())}});
    } catch (const std::exception& e) {
      return error(400, e.what());
    }
  }
  return error(400, "no emulator for " + w.platform);
}

}  // namespace

Truth compute_truth(const World& world, Platform p, std::string_view account, int64_t from,
                    int64_t to) {
  auto t = world.truth(p, account, from, to);
  auto convert = [](const DayMetrics& m) {
    return Totals{m.spend_micros, m.impressions, m.clicks, m.purchases, m.purchase_value_micros};
  };
  Truth out;
  const Account* acc = world.account(p, account);
  if (acc) out.currency = acc->currency;
  out.total = convert(t.total);
  for (const auto& [id, m] : t.by_campaign) out.by_campaign[id] = convert(m);
  out.rows = t.rows;
  return out;
}

Response handle_control(Sandbox::Impl& s, Request& r) {
  const std::string& path = r.path;
  const std::string& m = r.method;
  if (path == "/_sandbox/health") {
    return ok(json::object{
        {"ok", true}, {"seed", s.options.seed}, {"today", format_day(s.world.today())}});
  }
  if (path == "/_sandbox/truth" && m == "GET") return truth(s, r);
  if (path == "/_sandbox/accounts" && m == "GET") return accounts(s, r);
  if (path == "/_sandbox/tokens" && m == "GET") return tokens(s);
  if (path == "/_sandbox/tokens/expire" && m == "POST") {
    int n = s.tokens.expire(r.param("platform").value_or(""), r.param("token").value_or(""));
    return ok(json::object{{"expired", n}});
  }
  if (path == "/_sandbox/tokens/revoke" && m == "POST") {
    auto t = r.param("token");
    if (!t) return error(400, "token is required");
    return ok(json::object{{"revoked", s.tokens.revoke(*t)}});
  }
  if (path == "/_sandbox/faults") {
    if (m == "GET") return Response::json(200, Faults::to_json(s.faults.rules()));
    if (m == "DELETE") {
      s.faults.clear();
      return ok(json::object{{"cleared", true}});
    }
    if (m == "POST") {
      try {
        auto rules = Faults::parse(r.body, s.replayed_platforms());
        size_t n = rules.size();
        s.faults.add(std::move(rules));
        return ok(json::object{{"added", n}});
      } catch (const std::exception& e) {
        return error(400, e.what());
      }
    }
  }
  if (path == "/_sandbox/requests") {
    if (m == "GET") return requests(s, r);
    if (m == "DELETE") {
      std::lock_guard lock(s.log_mutex);
      s.request_log.clear();
      return ok(json::object{{"cleared", true}});
    }
  }
  if (path == "/_sandbox/restate" && m == "POST") {
    auto p = platform_param(r);
    auto account = r.param("account");
    if (!p || !account) return error(400, "platform and account are required");
    s.world.restate(*p, *account);
    return ok(json::object{{"epoch", s.world.restatement_epoch(*p, *account)}});
  }
  if (path == "/_sandbox/clock" && m == "POST") {
    auto offset = r.param("offset_s");
    if (!offset) return error(400, "offset_s is required");
    s.tokens.set_clock_offset(std::strtoll(offset->c_str(), nullptr, 10));
    return ok(json::object{{"now", s.tokens.now()}});
  }
  if (path == "/_sandbox/webhooks" && m == "POST") return webhooks(s, r);
  return error(404, "no control endpoint " + m + " " + path);
}

}  // namespace connhost::sandbox
