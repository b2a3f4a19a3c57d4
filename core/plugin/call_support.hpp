#pragma once

// Private to connhost_plugin: what every Instance operation does around a plugin call (a blank
// error, the error turned into a PluginError, a plugin's escaping exception caught, strings into
// ch_str, the record a call output), shared by instance.cpp, instance_messaging.cpp and
// instance_profile.cpp.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "plugin/instance.hpp"

namespace connhost::plugin::detail {

inline ch_error blank_error() {
  ch_error e{};
  e.struct_size = sizeof(e);
  e.retry_after_ms = -1;
  return e;
}

// Fills a plugin-facing error (a host service failing, or the worker answering for the plugin):
// the category, no retry-after, the message cut to the struct's buffer. Returns CH_FAILED.
inline ch_status fill_error(ch_error* err, int32_t category, std::string_view message) {
  if (err) {
    err->category = category;
    err->retry_after_ms = -1;
    size_t n = std::min(message.size(), sizeof(err->message) - 1);
    std::memcpy(err->message, message.data(), n);
    err->message[n] = '\0';
  }
  return CH_FAILED;
}

inline PluginError to_error(const ch_error& e) {
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

inline ch_str to_str(std::string_view v) {
  return ch_str{v.data(), v.size()};
}

// The first record of `kind`, or nothing.
inline const OutputRecord* find_record(const ch_call& call, std::string_view kind) {
  for (const auto& r : call.outputs)
    if (r.kind == kind) return &r;
  return nullptr;
}

// A plugin's output that breaks its contract: a bug in the plugin, whatever it said.
inline PluginError internal(std::string message) {
  return PluginError{CH_ERROR_INTERNAL, {}, std::move(message)};
}

// A record field as a whole decimal integer; nothing for anything else.
inline std::optional<int64_t> to_int(std::string_view t) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc{} || p != t.data() + t.size()) return std::nullopt;
  return v;
}

// Removes `key` from a record's fields and returns its value ("" when absent): what is left once
// the known keys are taken are the record's extras.
inline std::string take_field(std::map<std::string, std::string>& fields, const char* key) {
  auto it = fields.find(key);
  if (it == fields.end()) return {};
  std::string v = std::move(it->second);
  fields.erase(it);
  return v;
}

}  // namespace connhost::plugin::detail

namespace connhost::plugin {

template <class F>
ch_status Instance::invoke(Op op, const void* request, ch_call& call, ch_error& err,
                           F&& in_process) {
  if (isolated_)
    return detail::shielded(err, [&] { return isolated_->invoke(op, request, call, err); });
  return detail::shielded(err, std::forward<F>(in_process));
}

}  // namespace connhost::plugin
