// GET /open_api/v1.3/business/get/ (notes §3.2): a Business Account's profile and daily insights,
// as a flat data object.
#include <algorithm>

#include "tiktok/handlers.hpp"

namespace connhost::sandbox::tiktok {
namespace {

struct FieldScope {
  const char* field;
  const char* scope;
};
// Scopes per field: the Chatwoot scope list of notes §3.1 matched to the fields of §3.2.
constexpr FieldScope kFields[] = {
    {"display_name", "user.info.basic"},          {"profile_image", "user.info.basic"},
    {"username", "user.info.username"},           {"profile_deep_link", "user.info.profile"},
    {"bio_description", "user.info.profile"},     {"is_verified", "user.info.profile"},
    {"following_count", "user.info.stats"},       {"followers_count", "user.info.stats"},
    {"total_likes", "user.info.stats"},           {"videos_count", "user.info.stats"},
    {"is_business_account", "user.account.type"}, {"metrics", "user.insights"},
    {"audience_ages", "user.insights"},           {"audience_genders", "user.insights"},
    {"audience_countries", "user.insights"},      {"audience_cities", "user.insights"}};

json::array shares(uint64_t h, std::initializer_list<const char*> names, const char* key) {
  std::vector<int64_t> weights;
  int64_t sum = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    weights.push_back(1 + static_cast<int64_t>(mix(h, i) % 100));
    sum += weights.back();
  }
  json::array a;
  size_t i = 0;
  for (const char* n : names) {
    a.push_back(
        json::object{{key, n}, {"percentage", number_text(ratio_text(weights[i++], sum, 4))}});
  }
  return a;
}

json::object day_metrics(const BusinessAccount& acc, int64_t day) {
  uint64_t h = mix(hash_text(acc.business_id), static_cast<uint64_t>(day));
  auto n = [&](int salt, int64_t max) { return static_cast<int64_t>(mix(h, salt) % max); };
  int64_t views = 500 + n(1, 20000);
  int64_t gained = n(9, 120), lost = n(10, 30);
  return json::object{
      {"date", format_day(day)},
      {"video_views", views},
      {"unique_video_views", views * 7 / 10},
      {"profile_views", n(2, 900)},
      {"likes", n(3, 3000)},
      {"comments", n(4, 200)},
      {"shares", n(5, 150)},
      {"phone_number_clicks", n(6, 5)},
      {"lead_submissions", n(7, 5)},
      {"app_download_clicks", n(8, 10)},
      {"bio_link_clicks", n(11, 60)},
      {"email_clicks", n(12, 5)},
      {"address_clicks", n(13, 5)},
      {"daily_total_followers", acc.followers},
      {"daily_new_followers", gained},
      {"daily_lost_followers", lost},
      {"followers_count", acc.followers},
      {"audience_activity", json::array{json::object{{"hour", "20"}, {"count", n(14, 800)}}}},
      {"engaged_audience", n(15, 1500)}};
}

}  // namespace

Response business_get(State& s, const Request& r) {
  Token t = require_access_token(s, r, kTtUser);
  std::string business_id = required_text(r, "business_id");
  if (business_id != t.subject)
    throw ApiError{40001, "No permission to operate business account " + business_id + "."};
  std::vector<std::string> fields = {"display_name", "profile_image"};  // default (notes §3.2)
  if (auto f = json_param(r, "fields")) fields = string_array(*f, "fields");
  for (const auto& name : fields) {
    const FieldScope* fs = nullptr;
    for (const auto& e : kFields)
      if (name == e.field) fs = &e;
    if (!fs) throw ApiError{40002, "fields: " + name + " is not a valid field."};
    if (std::find(t.scopes.begin(), t.scopes.end(), fs->scope) == t.scopes.end())
      throw ApiError{40001, "The field " + name + " needs the scope " + fs->scope +
                                ", which the user did not authorize."};
  }
  // Dates in UTC, defaults today-7 .. today-1, at most 60 days back (notes §3.2).
  int64_t today = s.world().today();
  int64_t from = today - 7, to = today - 1;
  try {
    if (auto v = text_param(r, "start_date")) from = parse_day(*v);
    if (auto v = text_param(r, "end_date")) to = parse_day(*v);
  } catch (const std::exception&) {
    throw ApiError{40002, "start_date/end_date: Not a valid date (YYYY-MM-DD)."};
  }
  if (to < from) throw ApiError{40002, "end_date must not be earlier than start_date."};
  if (from < today - 60) throw ApiError{40002, "start_date: at most 60 days back are available."};
  if (to > today) throw ApiError{40002, "end_date: must not be later than today."};

  std::lock_guard lock(s.business.mutex());
  BusinessAccount* acc = s.business.account(business_id);
  if (!acc) throw ApiError{40001, "No permission to operate business account " + business_id + "."};
  uint64_t h = hash_text(acc->business_id);
  json::object d;
  for (const auto& name : fields) {
    if (name == "display_name")
      d[name] = acc->display_name;
    else if (name == "profile_image")
      d[name] = cdn_url(s, "avatar", acc->business_id, s.now() + 2 * 86400);
    else if (name == "username")
      d[name] = acc->username;
    else if (name == "profile_deep_link")
      d[name] = "https://www.tiktok.com/@" + acc->username + "?_t=sandbox";
    else if (name == "bio_description")
      d[name] = acc->bio;
    else if (name == "is_verified")
      d[name] = acc->verified;
    else if (name == "following_count")
      d[name] = acc->following;
    else if (name == "followers_count")
      d[name] = acc->followers;
    else if (name == "total_likes")
      d[name] = acc->likes;
    else if (name == "videos_count")
      d[name] = acc->videos;
    else if (name == "is_business_account")
      d[name] = true;
    else if (name == "metrics") {
      json::array series;
      for (int64_t day = from; day <= to; ++day) series.push_back(day_metrics(*acc, day));
      d[name] = std::move(series);
    } else if (name == "audience_ages") {
      d[name] = shares(mix(h, 1), {"18-24", "25-34", "35-44", "45-54", "55+"}, "age");
    } else if (name == "audience_genders") {
      d[name] = shares(mix(h, 2), {"Female", "Male", "Other"}, "gender");
    } else if (name == "audience_countries") {
      d[name] = shares(mix(h, 3), {"US", "GB", "DE", "BR"}, "country");
    } else if (name == "audience_cities") {
      d[name] = shares(mix(h, 4), {"New York", "London", "Berlin"}, "city_name");
    }
  }
  return envelope_ok(std::move(d));
}

}  // namespace connhost::sandbox::tiktok
