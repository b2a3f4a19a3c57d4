#include "tiktok_profile.hpp"

#include <boost/json/value.hpp>

#include <algorithm>

#include "tiktok_business_auth.hpp"
#include "tiktok_oauth_util.hpp"

namespace connhost::tiktok::profile {
namespace {

namespace json = boost::json;

bool has(const std::vector<std::string>& scopes, std::string_view s) {
  return std::find(scopes.begin(), scopes.end(), s) != scopes.end();
}

// A scalar as the record's text; objects, arrays and null give nothing.
std::optional<std::string> text_of(const json::value& v) {
  if (auto* s = v.if_string()) return std::string(*s);
  if (auto* i = v.if_int64()) return std::to_string(*i);
  if (auto* u = v.if_uint64()) return std::to_string(*u);
  if (auto* d = v.if_double()) return std::to_string(static_cast<int64_t>(*d));
  if (auto* b = v.if_bool()) return std::string(*b ? "true" : "false");
  return std::nullopt;
}

Fields flatten(const json::object& o,
               std::initializer_list<std::pair<std::string_view, std::string_view>> renames) {
  Fields out;
  for (const auto& [k, v] : o) {
    auto t = text_of(v);
    if (!t) continue;
    std::string key(k);
    for (const auto& [from, to] : renames)
      if (key == from) key = to;
    out[key] = std::move(*t);
  }
  return out;
}

}  // namespace

std::vector<std::string> user_fields(const std::vector<std::string>& scopes) {
  std::vector<std::string> out{"open_id"};
  if (has(scopes, "user.info.basic")) out.insert(out.end(), {"avatar_url", "display_name"});
  if (has(scopes, "user.info.profile"))
    out.insert(out.end(), {"bio_description", "profile_deep_link", "is_verified", "username"});
  if (has(scopes, "user.info.stats"))
    out.insert(out.end(), {"follower_count", "following_count", "likes_count", "video_count"});
  return out;
}

connhost::HttpRequest user_info_request(const login::Endpoints& e, std::string_view access_token,
                                        const std::vector<std::string>& fields) {
  connhost::HttpRequest r;
  r.url = e.open_api + "/v2/user/info/?fields=" + oauth::encode(oauth::join(fields, ","));
  r.headers = {{"Authorization", "Bearer " + std::string(access_token)}};
  return r;
}

Fields parse_user(int status, std::string_view body, std::optional<std::string_view> retry_after) {
  // The errors, the wrapper and the open_id check are Login Kit's (§2.4).
  auto u = login::parse_user(status, body, retry_after);
  auto v = oauth::parse_json(body);
  const auto* user = oauth::as_object(v->as_object().at("data").as_object().if_contains("user"));
  Fields out = flatten(*user, {{"open_id", "platform_user_id"}});
  out["platform_user_id"] = u.open_id;
  return out;
}

std::vector<std::string> business_fields(const std::vector<std::string>& scopes) {
  static constexpr std::pair<std::string_view, std::string_view> kScopeOf[] = {
      {"display_name", "user.info.basic"},       {"profile_image", "user.info.basic"},
      {"username", "user.info.username"},        {"followers_count", "user.info.stats"},
      {"following_count", "user.info.stats"},    {"is_business_account", "user.account.type"},
      {"profile_deep_link", "user.info.profile"}};
  std::vector<std::string> out;
  for (auto field : kBusinessFields) {
    std::string_view scope;
    for (const auto& [f, s] : kScopeOf)
      if (f == field) scope = s;
    if (scopes.empty() || has(scopes, scope)) out.emplace_back(field);
  }
  return out;
}

connhost::HttpRequest business_get_request(const Api& api, std::string_view business_id,
                                           std::string_view access_token,
                                           const std::vector<std::string>& fields) {
  return get(api, business::kBusinessGet,
             {{"business_id", std::string(business_id)}, {"fields", json_strings(fields)}},
             access_token);
}

Fields parse_business(std::string_view business_id, int status, std::string_view body,
                      std::optional<std::string_view> retry_after,
                      std::initializer_list<std::string_view> secrets, int64_t now_ms) {
  auto env =
      oauth::login_envelope(business::kBusinessGet, status, body, retry_after, secrets, now_ms);
  const auto& d = env.data.as_object();
  Fields out;
  for (auto k : kBusinessFields)
    if (const auto* v = d.if_contains(k))
      if (auto t = text_of(*v)) out[std::string(k)] = std::move(*t);
  auto rename = [&](const char* from, const char* to) {
    if (auto it = out.find(from); it != out.end()) {
      out[to] = std::move(it->second);
      out.erase(it);
    }
  };
  rename("profile_image", "avatar_url");
  rename("followers_count", "follower_count");
  out["platform_user_id"] = std::string(business_id);
  if (out["display_name"].empty() && out.count("username")) out["display_name"] = out["username"];
  return out;
}

}  // namespace connhost::tiktok::profile
