#include "plugin/host_services.hpp"

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>

#include "log/logger.hpp"
#include "log/secret_mask.hpp"
#include "metrics/host_metrics.hpp"
#include "plugin/call.hpp"
#include "plugin/call_support.hpp"
#include "plugin/plugin.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace connhost::plugin {
namespace {

std::string_view view(ch_str s) {
  return s.data ? std::string_view(s.data, s.size) : "";
}

ch_status fail(ch_error* err, ch_error_category category, std::string_view message) {
  return detail::fill_error(err, category, message);
}

ch_status from(ch_error* err, const std::optional<std::string>& problem) {
  return problem ? fail(err, CH_ERROR_DATA, *problem) : CH_OK;
}

std::mutex& tap_mutex() {
  static std::mutex m;
  return m;
}
PluginLogTap& tap() {
  static PluginLogTap t;
  return t;
}
// Set only while a tap is installed (the conformance kit), so that a host without one does not
// take a process-wide lock for every plugin log line.
std::atomic<bool> tap_installed{false};

void svc_log(ch_call* call, int32_t level, ch_str message) {
  if (tap_installed.load(std::memory_order_acquire)) {
    std::lock_guard lock(tap_mutex());
    if (tap()) tap()(call, level, view(message));
  }
  if (call && call->forward) return call->forward->log(level, view(message));
  std::string prefix =
      call && call->plugin
          ? "[" + call->plugin->id + (call->connection.empty() ? "" : "/" + call->connection) + "] "
          : "[plugin] ";
  auto l = level <= CH_LOG_TRACE   ? log::Level::trace
           : level == CH_LOG_DEBUG ? log::Level::debug
           : level == CH_LOG_INFO  ? log::Level::info
           : level == CH_LOG_WARN  ? log::Level::warn
                                   : log::Level::error;
  if (log::enabled(l)) log::write(l, prefix + std::string(view(message)));
}

int64_t svc_now_ms(ch_call* call) {
  if (call && call->clock) return call->clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The URL as it may be logged: the values of query parameters that carry credentials are
// replaced. The mask only knows tokens the host has seen; a token a plugin got a moment ago in
// this very call (Meta's debug_token?input_token=<the new token>) is not yet among them.
std::string loggable_url(const std::string& url) {
  static constexpr std::string_view kSensitive[] = {
      "access_token", "input_token",   "fb_exchange_token", "client_secret", "secret",
      "code",         "refresh_token", "code_verifier",     "id_token"};
  auto parsed = boost::urls::parse_uri_reference(url);
  if (!parsed) return url;
  boost::urls::url u(*parsed);
  for (auto it = u.params().begin(); it != u.params().end(); ++it) {
    auto p = *it;
    for (auto k : kSensitive)
      if (p.key == k && p.has_value) {
        it = u.params().set(it, "***");
        break;
      }
  }
  return std::string(u.buffer());
}

ch_status svc_http(ch_call* call, const ch_http_request* req, ch_http_response* resp,
                   ch_error* err) {
  if (!call || !req || !resp) return fail(err, CH_ERROR_INTERNAL, "http_request: missing argument");
  if (call->forward) return call->forward->http(*call, *req, *resp, err);
  if (!call->http) return fail(err, CH_ERROR_INTERNAL, "HTTP is not available to this call");
  http::Request r;
  r.method = std::string(view(req->method));
  r.url = std::string(view(req->url));
  for (size_t i = 0; i < req->header_count; ++i)
    r.headers.emplace_back(std::string(view(req->headers[i].name)),
                           std::string(view(req->headers[i].value)));
  r.body = std::string(view(req->body));
  if (CH_HAS_FIELD(req, ch_http_request, timeout_ms) && req->timeout_ms > 0)
    r.timeout = std::chrono::milliseconds(req->timeout_ms);
  r.before_attempt = [call] {
    if (call->limiter) {
      auto waited = call->limiter->acquire();
      if (waited > std::chrono::milliseconds(0)) {
        metrics::rate_limit_waits(call->connection).inc();
        metrics::rate_limit_wait_seconds(call->connection)
            .inc(std::chrono::duration<double>(waited).count());
      }
      if (waited > std::chrono::milliseconds(100))
        log::debug("[{}] rate limit: waited {} ms", call->connection,
                   std::chrono::duration_cast<std::chrono::milliseconds>(waited).count());
    }
    if (call->request_counter) ++*call->request_counter;
  };
  auto start = std::chrono::steady_clock::now();
  try {
    call->last_response = call->http->send(r);
  } catch (const http::TransportError& e) {
    return fail(err, CH_ERROR_TRANSIENT, e.what());
  } catch (const std::invalid_argument& e) {
    return fail(err, CH_ERROR_CONFIG, e.what());
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start);
  // The URL may carry a token in its query (Graph does); the mask removes what it knows.
  log::debug("[{}] {} {} -> {} ({} ms, {} bytes)", call->connection, r.method, loggable_url(r.url),
             call->last_response.status, ms.count(), call->last_response.body.size());
  call->last_headers.clear();
  for (const auto& [k, v] : call->last_response.headers)
    call->last_headers.push_back({{k.data(), k.size()}, {v.data(), v.size()}});
  resp->status = call->last_response.status;
  resp->headers = call->last_headers.data();
  resp->header_count = call->last_headers.size();
  resp->body = {call->last_response.body.data(), call->last_response.body.size()};
  return CH_OK;
}

ch_status svc_secret(ch_call* call, ch_str key, ch_str* value, ch_error* err) {
  if (!call || !value) return fail(err, CH_ERROR_INTERNAL, "secret: no call or no output");
  auto k = view(key);
  if (call->plugin) {
    const auto* field = call->plugin->find_field(k);
    if (!field || !(field->flags & CH_CONFIG_SECRET))
      return fail(err, CH_ERROR_CONFIG, "'" + std::string(k) + "' is not a secret setting");
  }
  std::optional<std::string> v;
  try {
    if (call->secret) v = call->secret(k);
  } catch (const connhost::plugin::SecretError& e) {
    return fail(err, e.category(), "secret setting '" + std::string(k) + "': " + e.what());
  } catch (const std::exception& e) {
    return fail(err, CH_ERROR_INTERNAL, "secret setting '" + std::string(k) + "': " + e.what());
  }
  if (!v) return fail(err, CH_ERROR_CONFIG, "secret setting '" + std::string(k) + "' is not set");
  log::register_secret(*v);
  const auto& kept = call->kept.emplace_back(std::move(*v));
  *value = ch_str{kept.data(), kept.size()};
  return CH_OK;
}

ch_status no_rows(ch_error* err) {
  return fail(err, CH_ERROR_INTERNAL, "rows can only be appended during a reporting read");
}

ch_status svc_row_begin(ch_call* c, ch_str stream, ch_error* err) {
  return c && c->rows ? from(err, c->rows->begin(view(stream))) : no_rows(err);
}
ch_status svc_row_set_null(ch_call* c, uint32_t col, ch_error* err) {
  return c && c->rows ? from(err, c->rows->set(col, std::monostate{})) : no_rows(err);
}
ch_status svc_row_set_int64(ch_call* c, uint32_t col, int64_t v, ch_error* err) {
  return c && c->rows ? from(err, c->rows->set(col, v)) : no_rows(err);
}
ch_status svc_row_set_double(ch_call* c, uint32_t col, double v, ch_error* err) {
  return c && c->rows ? from(err, c->rows->set(col, v)) : no_rows(err);
}
ch_status svc_row_set_string(ch_call* c, uint32_t col, ch_str v, ch_error* err) {
  return c && c->rows ? from(err, c->rows->set(col, std::string(view(v)))) : no_rows(err);
}
ch_status svc_row_end(ch_call* c, ch_error* err) {
  return c && c->rows ? from(err, c->rows->end()) : no_rows(err);
}
ch_status svc_checkpoint(ch_call* c, ch_str state, ch_error* err) {
  if (!c || !c->rows) return no_rows(err);
  if (auto problem = c->rows->checkpoint(view(state)))
    return fail(err, CH_ERROR_INTERNAL, *problem);
  return CH_OK;
}

ch_status svc_output_begin(ch_call* c, ch_str kind, ch_error* err) {
  if (!c) return fail(err, CH_ERROR_INTERNAL, "output outside a call");
  if (c->open_output) return fail(err, CH_ERROR_INTERNAL, "output_begin while a record is open");
  c->open_output = OutputRecord{std::string(view(kind)), {}};
  return CH_OK;
}
ch_status svc_output_set(ch_call* c, ch_str key, ch_str value, ch_error* err) {
  if (!c || !c->open_output) return fail(err, CH_ERROR_INTERNAL, "output_set without output_begin");
  c->open_output->fields[std::string(view(key))] = std::string(view(value));
  return CH_OK;
}
ch_status svc_output_end(ch_call* c, ch_error* err) {
  if (!c || !c->open_output) return fail(err, CH_ERROR_INTERNAL, "output_end without output_begin");
  c->outputs.push_back(std::move(*c->open_output));
  c->open_output.reset();
  return CH_OK;
}

ch_host_services make_table(uint16_t major, uint16_t minor) {
  ch_host_services t{};
  t.struct_size = sizeof(t);
  t.abi_major = major;
  t.abi_minor = minor;
  t.log = svc_log;
  t.now_ms = svc_now_ms;
  t.http_request = svc_http;
  t.secret = svc_secret;
  t.row_begin = svc_row_begin;
  t.row_set_null = svc_row_set_null;
  t.row_set_int64 = svc_row_set_int64;
  t.row_set_double = svc_row_set_double;
  t.row_set_string = svc_row_set_string;
  t.row_end = svc_row_end;
  t.checkpoint = svc_checkpoint;
  t.output_begin = svc_output_begin;
  t.output_set = svc_output_set;
  t.output_end = svc_output_end;
  return t;
}

}  // namespace

void set_plugin_log_tap(PluginLogTap t) {
  std::lock_guard lock(tap_mutex());
  tap() = std::move(t);
  tap_installed.store(static_cast<bool>(tap()), std::memory_order_release);
}

const ch_host_services& host_services(uint16_t abi_major, uint16_t abi_minor) {
  // Plugins keep the pointer for the library's lifetime, so each table lives forever.
  static std::mutex m;
  static std::map<std::pair<uint16_t, uint16_t>, ch_host_services> tables;
  std::lock_guard lock(m);
  auto [it, inserted] = tables.try_emplace({abi_major, abi_minor});
  if (inserted) it->second = make_table(abi_major, abi_minor);
  return it->second;
}

}  // namespace connhost::plugin
