#include "plugin/instance.hpp"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <exception>

#include "log/secret_mask.hpp"
#include "plugin/call_support.hpp"

namespace connhost::plugin {
namespace {

using detail::blank_error;
using detail::find_record;
using detail::to_error;
using detail::to_str;

std::optional<PluginError> no_login(const LoadedPlugin& p) {
  if (p.capabilities & CH_CAP_LOGIN) return std::nullopt;
  return PluginError{
      CH_ERROR_CONFIG,
      {},
      "plugin '" + p.id + "' has no login capability: this connection cannot sign in"};
}

// A record's seconds field: absent when missing or empty; an error when it is not an integer.
std::optional<PluginError> seconds(const std::map<std::string, std::string>& fields,
                                   const std::string& key, std::optional<int64_t>& out) {
  auto it = fields.find(key);
  if (it == fields.end() || it->second.empty()) return std::nullopt;
  int64_t v = 0;
  const auto& t = it->second;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc{} || p != t.data() + t.size())
    return PluginError{CH_ERROR_INTERNAL,
                       {},
                       "the plugin's token record has a non-integer " + key + ": '" + t + "'"};
  out = v;
  return std::nullopt;
}

}  // namespace

std::string_view category_name(int32_t category) {
  switch (category) {
    case CH_ERROR_NONE:
      return "none";
    case CH_ERROR_TRANSIENT:
      return "transient";
    case CH_ERROR_QUOTA:
      return "quota";
    case CH_ERROR_AUTH:
      return "auth";
    case CH_ERROR_CONFIG:
      return "config";
    case CH_ERROR_DATA:
      return "data";
    case CH_ERROR_INTERNAL:
      return "internal";
    case CH_ERROR_NOT_IMPLEMENTED:
      return "not_implemented";
  }
  return "unknown";
}

std::string PluginError::to_string() const {
  std::string s = std::string(category_name(category)) + ": " + message;
  if (retry_after) s += " (retry after " + std::to_string(retry_after->count()) + " ms)";
  return s;
}

ch_call Instance::make_call() const {
  ch_call call;
  call.plugin = plugin_.get();
  call.connection = settings_.connection;
  call.secret = settings_.secret;
  call.http = settings_.http.get();
  call.limiter = settings_.limiter.get();
  call.request_counter = settings_.requests.get();
  return call;
}

std::pair<std::unique_ptr<Instance>, std::optional<PluginError>> Instance::create(
    std::shared_ptr<const LoadedPlugin> plugin, Settings settings) {
  std::unique_ptr<Instance> self(new Instance(std::move(plugin), std::move(settings)));
  std::vector<ch_config_entry> entries;
  for (const auto& [k, v] : self->settings_.values)
    entries.push_back({{k.data(), k.size()}, {v.data(), v.size()}});
  ch_config config{entries.data(), entries.size()};
  ch_call call = self->make_call();
  ch_error err = blank_error();
  const auto& d = self->plugin_->descriptor;
  if (self->settings_.isolate)
    self->isolated_ = self->settings_.isolate(self->plugin_, self->settings_.connection);
  ch_status s = self->invoke(Op::create, &config, call, err, [&] {
    return d.instance_create(&call, &config, &self->handle_, &err);
  });
  if (s != CH_OK || (!self->handle_ && !self->isolated_)) {
    if (s == CH_OK)
      snprintf(err.message, sizeof(err.message), "instance_create returned no instance");
    self->handle_ = nullptr;
    return {nullptr, to_error(err)};
  }
  return {std::move(self), std::nullopt};
}

Instance::~Instance() {
  // An isolated backend destroys the plugin's instance in its worker and ends the process.
  if (handle_) plugin_->descriptor.instance_destroy(handle_);
}

std::optional<PluginError> Instance::check() {
  if (!plugin_->descriptor.check)
    return PluginError{CH_ERROR_NOT_IMPLEMENTED, {}, "the plugin offers no check"};
  ch_call call = make_call();
  ch_error err = blank_error();
  ch_status s = invoke(Op::check, nullptr, call, err,
                       [&] { return plugin_->descriptor.check(handle_, &call, &err); });
  if (s != CH_OK) return to_error(err);
  return std::nullopt;
}

Instance::ReadResult Instance::read(std::string_view stream, std::string_view window_start,
                                    std::string_view window_end, std::string_view state,
                                    std::string_view account, RowBuffer::Sink sink) {
  ReadResult out;
  if (!(plugin_->capabilities & CH_CAP_REPORTING)) {
    out.error = PluginError{CH_ERROR_NOT_IMPLEMENTED, {}, "the plugin offers no reporting"};
    return out;
  }
  RowBuffer rows(plugin_->reporting, std::move(sink));
  ch_call call = make_call();
  call.rows = &rows;
  auto s_ = [](std::string_view v) { return ch_str{v.data(), v.size()}; };
  ch_read_request req{sizeof(ch_read_request), s_(stream), s_(window_start),
                      s_(window_end),          s_(state),  s_(account)};
  ch_error err = blank_error();
  ch_status s = invoke(Op::read, &req, call, err,
                       [&] { return plugin_->reporting.read(handle_, &call, &req, &err); });
  out.rows = rows.rows();
  out.checkpoints = rows.checkpoints();
  if (s != CH_OK) out.error = to_error(err);
  return out;
}

Instance::AuthorizeResult Instance::authorize_url(const AuthorizeRequest& request) {
  AuthorizeResult out;
  if ((out.error = no_login(*plugin_))) return out;
  std::string scopes;
  for (const auto& sc : request.scopes) scopes += (scopes.empty() ? "" : "\n") + sc;
  ch_authorize_request req{
      sizeof(ch_authorize_request),   to_str(request.redirect_uri),          to_str(request.state),
      to_str(request.code_challenge), to_str(request.code_challenge_method), to_str(scopes)};
  ch_call call = make_call();
  ch_error err = blank_error();
  ch_status s = invoke(Op::authorize_url, &req, call, err,
                       [&] { return plugin_->login.authorize_url(handle_, &call, &req, &err); });
  if (s != CH_OK) {
    out.error = to_error(err);
    return out;
  }
  if (const auto* rec = find_record(call, "authorize"))
    if (auto url = rec->fields.find("url"); url != rec->fields.end()) out.url = url->second;
  if (out.url.empty())
    out.error = PluginError{CH_ERROR_INTERNAL, {}, "authorize_url output no \"authorize\" url"};
  return out;
}

std::optional<PluginError> Instance::token_call(LoginFn fn, std::string_view name,
                                                const TokenRequest& request, ch_call& call) {
  if (auto e = no_login(*plugin_)) return e;
  // The inputs are secrets too: a plugin (or the HTTP layer) echoing one must not leak it.
  for (const auto* v :
       {&request.code, &request.code_verifier, &request.refresh_token, &request.access_token})
    if (!v->empty()) log::register_secret(*v);
  ch_token_request req{sizeof(ch_token_request),      to_str(request.code),
                       to_str(request.redirect_uri),  to_str(request.code_verifier),
                       to_str(request.refresh_token), to_str(request.access_token)};
  ch_error err = blank_error();
  if (!fn)
    return PluginError{
        CH_ERROR_NOT_IMPLEMENTED, {}, "the plugin offers no login " + std::string(name)};
  const Op op = name == "exchange_code" ? Op::exchange_code
                : name == "refresh"     ? Op::refresh
                : name == "revoke"      ? Op::revoke
                                        : Op::user_info;
  ch_status s = invoke(op, &req, call, err, [&] { return fn(handle_, &call, &req, &err); });
  // Tokens are masked the moment they exist, even when the call failed after receiving them.
  for (const auto& r : call.outputs)
    for (const char* key : {"access_token", "refresh_token", "id_token"})
      if (auto it = r.fields.find(key); it != r.fields.end()) log::register_secret(it->second);
  if (s != CH_OK) return to_error(err);
  return std::nullopt;
}

Instance::TokenResult Instance::token_result(LoginFn fn, std::string_view name,
                                             const TokenRequest& request) {
  TokenResult out;
  ch_call call = make_call();
  if ((out.error = token_call(fn, name, request, call))) return out;
  const auto* rec = find_record(call, "token");
  if (!rec) {
    out.error = PluginError{CH_ERROR_INTERNAL, {}, std::string(name) + " output no token record"};
    return out;
  }
  auto f = rec->fields;
  auto take = [&](const char* key) { return detail::take_field(f, key); };
  if ((out.error = seconds(f, "expires_in", out.token.expires_in)) ||
      (out.error = seconds(f, "refresh_expires_in", out.token.refresh_expires_in)))
    return out;
  f.erase("expires_in");
  f.erase("refresh_expires_in");
  out.token.access_token = take("access_token");
  out.token.refresh_token = take("refresh_token");
  out.token.scope = take("scope");
  out.token.token_type = take("token_type");
  out.token.platform_user_id = take("platform_user_id");
  out.token.extras = std::move(f);
  if (out.token.access_token.empty())
    out.error = PluginError{CH_ERROR_INTERNAL, {}, std::string(name) + " output no access_token"};
  return out;
}

Instance::TokenResult Instance::exchange_code(const TokenRequest& request) {
  return token_result(plugin_->login.exchange_code, "exchange_code", request);
}

Instance::TokenResult Instance::refresh(const TokenRequest& request) {
  return token_result(plugin_->login.refresh, "refresh", request);
}

std::optional<PluginError> Instance::revoke(const TokenRequest& request) {
  ch_call call = make_call();
  return token_call(plugin_->login.revoke, "revoke", request, call);
}

Instance::UserResult Instance::user_info(const TokenRequest& request) {
  UserResult out;
  ch_call call = make_call();
  if ((out.error = token_call(plugin_->login.user_info, "user_info", request, call))) return out;
  const auto* rec = find_record(call, "user");
  if (!rec) {
    out.error = PluginError{CH_ERROR_INTERNAL, {}, "user_info output no user record"};
    return out;
  }
  auto f = rec->fields;
  auto take = [&](const char* key) { return detail::take_field(f, key); };
  out.user.platform_user_id = take("platform_user_id");
  out.user.display_name = take("display_name");
  out.user.avatar_url = take("avatar_url");
  out.user.email = take("email");
  out.user.extras = std::move(f);
  if (out.user.platform_user_id.empty())
    out.error = PluginError{CH_ERROR_INTERNAL, {}, "user_info output no platform_user_id"};
  return out;
}

}  // namespace connhost::plugin
