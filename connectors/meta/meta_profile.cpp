#include "meta_profile.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>

#include "meta_login.hpp"

namespace meta::profile {
namespace {

namespace json = boost::json;
using connhost::Error;

bool has(const std::vector<std::string>& scopes, std::string_view s) {
  return std::find(scopes.begin(), scopes.end(), s) != scopes.end();
}

std::string str_field(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v && v->is_string()) return std::string(v->as_string());
  return {};
}

// Counts come as JSON numbers; anything else gives no count rather than a wrong one.
std::string count_field(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v) return {};
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

// A Page's website may list several URLs separated by spaces; the first is its shop or site.
std::string first_url(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_first_of(" \t\r\n", b);
  return std::string(s.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b));
}

void add(Fields& f, std::string key, std::string value) {
  if (!value.empty()) f.emplace_back(std::move(key), std::move(value));
}

Fields page_fields(const json::object& p) {
  Fields f;
  f.emplace_back("platform_user_id", str_field(p, "id"));
  f.emplace_back("display_name", str_field(p, "name"));
  if (auto* pic = p.if_contains("picture"); pic && pic->is_object())
    if (auto* d = pic->as_object().if_contains("data"); d && d->is_object())
      add(f, "avatar_url", str_field(d->as_object(), "url"));
  // followers_count is who follows the Page now; fan_count, its likes, is the older measure and
  // stands in where the first is absent.
  std::string followers = count_field(p, "followers_count");
  std::string fans = count_field(p, "fan_count");
  add(f, "follower_count", followers.empty() ? fans : followers);
  add(f, "fan_count", fans);
  add(f, "business_category", str_field(p, "category"));
  add(f, "shop_url", first_url(str_field(p, "website")));
  f.emplace_back("kind", "facebook_page");
  return f;
}

Fields instagram_fields(const json::object& ig, const std::string& page_id) {
  Fields f;
  f.emplace_back("platform_user_id", str_field(ig, "id"));
  std::string username = str_field(ig, "username");
  std::string name = str_field(ig, "name");
  f.emplace_back("display_name", name.empty() ? username : name);
  add(f, "avatar_url", str_field(ig, "profile_picture_url"));
  add(f, "follower_count", count_field(ig, "followers_count"));
  add(f, "username", username);
  f.emplace_back("kind", "instagram_business_account");
  f.emplace_back("page_id", page_id);
  return f;
}

}  // namespace

Reach reach_of(const std::vector<std::string>& scopes) {
  Reach r;
  r.pages = has(scopes, "pages_show_list");
  r.instagram = r.pages && has(scopes, "instagram_basic");
  return r;
}

std::string pages_url(const Settings& s, bool instagram) {
  std::string fields = "id,name,category,fan_count,followers_count,website,picture";
  // Nested fields go in braces (§1.1); braces are not allowed bare in a URL (RFC 3986), commas
  // are, as /me?fields=id,name,picture shows.
  if (instagram)
    fields +=
        ",instagram_business_account%7Bid,username,name,followers_count,profile_picture_url%7D";
  return login::graph_url(s, "/me/accounts?fields=" + fields + "&limit=100");
}

PagesPage parse_pages(int status, std::string_view body, const Settings& s) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  const auto* o = ec ? nullptr : v.if_object();
  if (status < 200 || status >= 300 || !o || o->contains("error"))
    throw login::login_error(status, body, s, "me/accounts");
  const auto* data = o->if_contains("data");
  if (!data || !data->is_array()) throw Error::data("me/accounts: the answer has no data array");
  PagesPage out;
  for (const auto& item : data->as_array()) {
    if (!item.is_object()) throw Error::data("me/accounts: an entry of data is not an object");
    const auto& page = item.as_object();
    auto f = page_fields(page);
    if (f.front().second.empty()) throw Error::data("me/accounts: a Page without an id");
    std::string page_id = f.front().second;
    out.businesses.push_back(std::move(f));
    if (auto* ig = page.if_contains("instagram_business_account"); ig && ig->is_object()) {
      auto g = instagram_fields(ig->as_object(), page_id);
      if (g.front().second.empty())
        throw Error::data("me/accounts: Page " + page_id +
                          " links an Instagram account without id");
      out.businesses.push_back(std::move(g));
    }
  }
  if (auto* paging = o->if_contains("paging"); paging && paging->is_object()) {
    out.next = str_field(paging->as_object(), "next");
    if (!out.next.empty() && out.next.rfind(s.base_url + "/", 0) != 0)
      throw Error::data("me/accounts: paging.next leaves the Graph host; not followed");
  }
  return out;
}

}  // namespace meta::profile
