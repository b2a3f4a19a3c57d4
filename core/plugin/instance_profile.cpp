// The profile operation of Instance (abi.h, "Capability: profile"): the request into the C struct,
// the plugin's "profile" record out of the call's outputs. Modelled on instance_messaging.cpp: a
// plugin that throws is shielded, every failure keeps the plugin's category.
#include <charconv>
#include <string>

#include "log/secret_mask.hpp"
#include "plugin/call_support.hpp"
#include "plugin/instance.hpp"

namespace connhost::plugin {
namespace {

using detail::blank_error;
using detail::find_record;
using detail::shielded;
using detail::to_error;
using detail::to_str;

PluginError internal(std::string message) {
  return PluginError{CH_ERROR_INTERNAL, {}, std::move(message)};
}

std::optional<int64_t> to_int(std::string_view t) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc{} || p != t.data() + t.size()) return std::nullopt;
  return v;
}

std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += '\n';
    out += s;
  }
  return out;
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
  std::string scopes = join_lines(request.scopes);
  ch_profile_request r{sizeof(ch_profile_request), to_str(request.access_token),
                       to_str(request.platform_user_id), to_str(scopes)};
  ch_call call = make_call();
  ch_error err = blank_error();
  ch_status s = shielded(err, [&] { return fn(handle_, &call, &r, &err); });
  if (s != CH_OK) {
    out.error = to_error(err);
    return out;
  }
  const auto* rec = find_record(call, "profile");
  if (!rec) {
    out.error = internal("profile fetch output no profile record");
    return out;
  }
  auto f = rec->fields;
  auto take = [&](const char* key) {
    auto it = f.find(key);
    if (it == f.end()) return std::string();
    std::string v = std::move(it->second);
    f.erase(it);
    return v;
  };
  auto& p = out.profile;
  p.platform_user_id = take("platform_user_id");
  p.display_name = take("display_name");
  p.avatar_url = take("avatar_url");
  for (auto [key, slot] : {std::pair{"follower_count", &p.follower_count},
                           std::pair{"following_count", &p.following_count}}) {
    std::string text = take(key);
    if (text.empty()) continue;
    auto v = to_int(text);
    if (!v) {
      out.error = internal("the plugin's profile record has a non-integer " + std::string(key) +
                           ": '" + text + "'");
      return out;
    }
    *slot = *v;
  }
  p.business_category = take("business_category");
  p.shop_url = take("shop_url");
  p.region = take("region");
  p.extras = std::move(f);
  if (p.platform_user_id.empty()) out.error = internal("profile fetch output no platform_user_id");
  return out;
}

Instance::ScopesResult Instance::profile_required_scopes() {
  return {};
}

}  // namespace connhost::plugin
