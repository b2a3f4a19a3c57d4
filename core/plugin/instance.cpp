#include "plugin/instance.hpp"

#include <cstdio>
#include <cstring>
#include <exception>

namespace connhost::plugin {
namespace {

ch_error blank_error() {
  ch_error e{};
  e.struct_size = sizeof(e);
  e.retry_after_ms = -1;
  return e;
}

PluginError to_error(const ch_error& e) {
  PluginError out;
  out.category = static_cast<ch_error_category>(e.category);
  if (category_name(e.category) == "unknown") out.category = CH_ERROR_INTERNAL;
  if (e.retry_after_ms >= 0) out.retry_after = std::chrono::milliseconds(e.retry_after_ms);
  out.message.assign(e.message, strnlen(e.message, sizeof(e.message)));
  if (out.message.empty()) out.message = "(the plugin gave no message)";
  return out;
}

// A plugin that lets an exception escape breaks the contract; the host still survives it.
template <class F>
ch_status shielded(ch_error& err, F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    err.category = CH_ERROR_INTERNAL;
    snprintf(err.message, sizeof(err.message), "plugin let an exception escape: %s", e.what());
  } catch (...) {
    err.category = CH_ERROR_INTERNAL;
    snprintf(err.message, sizeof(err.message), "plugin let an exception escape");
  }
  return CH_FAILED;
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
  ch_status s =
      shielded(err, [&] { return d.instance_create(&call, &config, &self->handle_, &err); });
  if (s != CH_OK || !self->handle_) {
    if (s == CH_OK)
      snprintf(err.message, sizeof(err.message), "instance_create returned no instance");
    self->handle_ = nullptr;
    return {nullptr, to_error(err)};
  }
  return {std::move(self), std::nullopt};
}

Instance::~Instance() {
  if (handle_) plugin_->descriptor.instance_destroy(handle_);
}

std::optional<PluginError> Instance::check() {
  if (!plugin_->descriptor.check)
    return PluginError{CH_ERROR_NOT_IMPLEMENTED, {}, "the plugin offers no check"};
  ch_call call = make_call();
  ch_error err = blank_error();
  ch_status s = shielded(err, [&] { return plugin_->descriptor.check(handle_, &call, &err); });
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
  ch_status s = shielded(err, [&] { return plugin_->reporting.read(handle_, &call, &req, &err); });
  out.rows = rows.rows();
  out.checkpoints = rows.checkpoints();
  if (s != CH_OK) out.error = to_error(err);
  return out;
}

}  // namespace connhost::plugin
