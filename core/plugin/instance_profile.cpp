// The profile operations of Instance (abi.h, "Capability: profile"): the request into the C struct,
// the plugin's "profile" and "business_profile" records out of the call's outputs, and the
// scopes a fetch needs (ABI 1.2). Modelled on instance_messaging.cpp: a
// plugin that throws is shielded, every failure keeps the plugin's category.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <variant>

#include "log/secret_mask.hpp"
#include "plugin/call_support.hpp"
#include "plugin/instance.hpp"

namespace connhost::plugin {
namespace {

using detail::blank_error;
using detail::find_record;
using detail::internal;
using detail::to_error;
using detail::to_int;
using detail::to_str;

// A "profile" or "business_profile" record (same keys, abi.h "Capability: profile"): the named
// fields, the counts as integers, everything else into extras.
std::variant<ProfileRecord, PluginError> to_profile(const OutputRecord& rec) {
  ProfileRecord p;
  auto f = rec.fields;
  auto take = [&](const char* key) { return detail::take_field(f, key); };
  p.platform_user_id = take("platform_user_id");
  p.display_name = take("display_name");
  p.avatar_url = take("avatar_url");
  for (auto [key, slot] : {std::pair{"follower_count", &p.follower_count},
                           std::pair{"following_count", &p.following_count}}) {
    std::string text = take(key);
    if (text.empty()) continue;
    auto v = to_int(text);
    if (!v)
      return internal("the plugin's " + rec.kind + " record has a non-integer " + std::string(key) +
                      ": '" + text + "'");
    *slot = *v;
  }
  p.business_category = take("business_category");
  p.shop_url = take("shop_url");
  p.region = take("region");
  p.extras = std::move(f);
  if (p.platform_user_id.empty())
    return internal("the plugin's " + rec.kind + " record has no platform_user_id");
  return p;
}

}  // namespace

Instance::ProfileResult Instance::fetch_profile(const ProfileRequest& request) {
  ProfileResult out;
  if (!request.access_token.empty()) log::register_secret(request.access_token);
  if (!(plugin_->capabilities & CH_CAP_PROFILE)) {
    out.error = PluginError{CH_ERROR_NOT_IMPLEMENTED, {}, plugin_->missing_reason(CH_CAP_PROFILE)};
    return out;
  }
  const auto fn = plugin_->profile.fetch;
  if (!fn) {
    out.error = PluginError{CH_ERROR_NOT_IMPLEMENTED, {}, "the plugin offers no profile fetch"};
    return out;
  }
  std::string scopes = fmt::format("{}", fmt::join(request.scopes, "\n"));
  ch_profile_request r{sizeof(ch_profile_request), to_str(request.access_token),
                       to_str(request.platform_user_id), to_str(scopes)};
  ch_call call = make_call();
  ch_error err = blank_error();
  ch_status s =
      invoke(Op::profile_fetch, &r, call, err, [&] { return fn(handle_, &call, &r, &err); });
  if (s != CH_OK) {
    out.error = to_error(err);
    return out;
  }
  const auto* rec = find_record(call, "profile");
  if (!rec) {
    out.error = internal("profile fetch output no profile record");
    return out;
  }
  auto person = to_profile(*rec);
  if (auto* e = std::get_if<PluginError>(&person)) {
    out.error = std::move(*e);
    return out;
  }
  out.profile = std::move(std::get<ProfileRecord>(person));
  // ABI 1.2: the businesses the grant manages. One bad record fails the fetch, as a bad profile
  // does: a partial list would read as businesses the person no longer manages.
  for (const auto& r2 : call.outputs) {
    if (r2.kind != "business_profile") continue;
    auto b = to_profile(r2);
    if (auto* e = std::get_if<PluginError>(&b)) {
      out.error = std::move(*e);
      out.businesses.clear();
      return out;
    }
    out.businesses.push_back(std::move(std::get<ProfileRecord>(b)));
  }
  return out;
}

Instance::ScopesResult Instance::profile_required_scopes() {
  ScopesResult out;
  if (!(plugin_->capabilities & CH_CAP_PROFILE)) {
    out.error = PluginError{CH_ERROR_NOT_IMPLEMENTED, {}, plugin_->missing_reason(CH_CAP_PROFILE)};
    return out;
  }
  // required_scopes was appended in ABI 1.2: an older plugin's table is shorter, and the loader's
  // copy left it zero past that plugin's struct_size. Either way the plugin states nothing.
  const auto& t = plugin_->profile;
  const auto fn = CH_HAS_FIELD(&t, ch_profile_v1, required_scopes) ? t.required_scopes : nullptr;
  if (!fn) return out;
  ch_call call = make_call();
  ch_error err = blank_error();
  ch_status s = invoke(Op::profile_required_scopes, nullptr, call, err,
                       [&] { return fn(handle_, &call, &err); });
  if (s != CH_OK) {
    out.error = to_error(err);
    return out;
  }
  const auto* rec = find_record(call, "scopes");
  if (!rec) {
    out.error = internal("profile required_scopes output no scopes record");
    return out;
  }
  auto it = rec->fields.find("scopes");
  if (it == rec->fields.end()) {
    out.error = internal("the plugin's scopes record has no \"scopes\" field");
    return out;
  }
  std::string_view all = it->second;
  for (size_t start = 0; start <= all.size();) {
    size_t nl = std::min(all.find('\n', start), all.size());
    std::string_view one = all.substr(start, nl - start);
    if (!one.empty() && one.back() == '\r') one.remove_suffix(1);
    if (!one.empty() && std::find(out.scopes.begin(), out.scopes.end(), one) == out.scopes.end())
      out.scopes.emplace_back(one);
    start = nl + 1;
  }
  return out;
}

}  // namespace connhost::plugin
