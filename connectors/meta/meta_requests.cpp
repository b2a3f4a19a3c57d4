#include "meta_requests.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url.hpp>
#include <cctype>
#include <charconv>

namespace meta {
namespace urls = boost::urls;
using connhost::Error;

namespace {

int64_t bounded_int(const connhost::Config& c, std::string_view key, int64_t fallback, int64_t lo,
                    int64_t hi) {
  int64_t v = c.get_int(key, fallback);
  if (v < lo || v > hi)
    throw Error::config("setting '" + std::string(key) + "' must be between " + std::to_string(lo) +
                        " and " + std::to_string(hi) + ", got " + std::to_string(v));
  return v;
}

double bounded_double(const connhost::Config& c, std::string_view key, double fallback, double lo,
                      double hi) {
  auto text = c.get(key);
  double v = fallback;
  if (text) {
    auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc{} || p != text->data() + text->size())
      throw Error::config("setting '" + std::string(key) + "' is not a number");
  }
  if (!(v >= lo && v <= hi))
    throw Error::config("setting '" + std::string(key) + "' must be between " + std::to_string(lo) +
                        " and " + std::to_string(hi));
  return v;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

std::string effective_port(const urls::url_view& u) {
  if (u.has_port()) return std::string(u.port());
  if (u.scheme_id() == urls::scheme::https) return "443";
  if (u.scheme_id() == urls::scheme::http) return "80";
  return "";
}

std::string time_range(std::string_view since, std::string_view until) {
  // section 1.3: time_range is a JSON object sent as a JSON string in the query.
  boost::json::object o;
  o["since"] = since;
  o["until"] = until;
  return boost::json::serialize(o);
}

}  // namespace

Settings Settings::from(const connhost::Config& c) {
  Settings s;
  s.base_url = c.get_string("base_url", "https://graph.facebook.com");
  while (!s.base_url.empty() && s.base_url.back() == '/') s.base_url.pop_back();
  s.api_version = c.get_string("api_version", "v26.0");
  // Graph versions look like v26.0 (section 0); anything else would silently call another path.
  {
    const auto& v = s.api_version;
    size_t dot = v.find('.');
    auto digits = [](std::string_view d) {
      return !d.empty() &&
             std::all_of(d.begin(), d.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    };
    if (v.size() < 4 || v[0] != 'v' || dot == std::string::npos ||
        !digits(std::string_view(v).substr(1, dot - 1)) ||
        !digits(std::string_view(v).substr(dot + 1)))
      throw Error::config("setting 'api_version' must look like v26.0, got '" + v + "'");
  }
  for (auto id : c.get_list("ad_account_ids")) {
    // Accept the act_ form people copy from Ads Manager; the setting means the bare number.
    if (id.rfind("act_", 0) == 0) id = id.substr(4);
    if (id.empty() ||
        !std::all_of(id.begin(), id.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      throw Error::config("setting 'ad_account_ids' holds '" + id +
                          "', which is not an ad account number");
    if (std::find(s.account_ids.begin(), s.account_ids.end(), id) == s.account_ids.end())
      s.account_ids.push_back(id);
  }
  s.purchase_types = c.get_list("purchase_action_types");
  s.purchase_types.erase(std::remove(s.purchase_types.begin(), s.purchase_types.end(), ""),
                         s.purchase_types.end());
  if (s.purchase_types.empty())
    s.purchase_types = {"omni_purchase", "purchase", "offsite_conversion.fb_pixel_purchase"};
  s.page_size = bounded_int(c, "page_size", 500, 1, 5000);
  s.chunk_days = bounded_int(c, "chunk_days", 30, 1, 366);
  s.async_after_days = bounded_int(c, "async_after_days", 31, 0, 100000);
  s.async_poll_initial =
      std::chrono::milliseconds(bounded_int(c, "async_poll_initial_ms", 1000, 1, 600'000));
  s.async_poll_max =
      std::chrono::milliseconds(bounded_int(c, "async_poll_max_ms", 30'000, 1, 600'000));
  s.async_poll_max = std::max(s.async_poll_max, s.async_poll_initial);
  s.async_concurrent_runs = bounded_int(c, "async_concurrent_runs", 3, 1, 20);
  s.async_timeout = std::chrono::seconds(bounded_int(c, "async_timeout_s", 3600, 1, 24 * 3600));
  s.throttle_default_retry =
      std::chrono::seconds(bounded_int(c, "throttle_default_retry_s", 300, 1, 24 * 3600));
  s.usage_pace_pct = bounded_double(c, "usage_pace_pct", 75, 0, 100);
  s.usage_stop_pct = bounded_double(c, "usage_stop_pct", 95, 0, 1000);
  if (s.usage_stop_pct < s.usage_pace_pct)
    throw Error::config("setting 'usage_stop_pct' must not be below 'usage_pace_pct'");
  s.usage_pace_max =
      std::chrono::milliseconds(bounded_int(c, "usage_pace_max_ms", 5000, 0, 60'000));
  return s;
}

Urls::Urls(const Settings& s) : root_(s.base_url + "/" + s.api_version) {
  auto parsed = urls::parse_absolute_uri(s.base_url);
  if (!parsed ||
      (parsed->scheme_id() != urls::scheme::https && parsed->scheme_id() != urls::scheme::http) ||
      parsed->host().empty() || parsed->has_query() || parsed->has_fragment())
    throw Error::config("setting 'base_url' is not an http(s) URL without query: '" + s.base_url +
                        "'");
  scheme_ = lower(parsed->scheme());
  host_ = lower(parsed->host());
  port_ = effective_port(*parsed);
}

namespace {
// Values are percent-encoded down to the unreserved set: Boost.URL would leave '+' and '=' as
// they are, and a server that reads '+' as a space would then see another token or time range.
void append(urls::url& u, std::string_view key, std::string_view value) {
  u.encoded_params().append(
      {urls::encode(key, urls::unreserved_chars), urls::encode(value, urls::unreserved_chars)});
}

std::string with(std::string url,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> params) {
  urls::url u(url);
  for (const auto& [k, v] : params) append(u, k, v);
  return std::string(u.buffer());
}
}  // namespace

std::string Urls::ad_accounts(int64_t limit) const {
  return with(root_ + "/me/adaccounts",
              {{"fields", kAccountFields}, {"limit", std::to_string(limit)}});
}

std::string Urls::ad_account(std::string_view id) const {
  return with(root_ + "/act_" + std::string(id), {{"fields", kAccountFields}});
}

std::string Urls::campaigns(std::string_view id, int64_t limit) const {
  // section 1.2: the account in the path always carries act_.
  return with(root_ + "/act_" + std::string(id) + "/campaigns",
              {{"fields", kCampaignFields}, {"limit", std::to_string(limit)}});
}

std::string Urls::insights(std::string_view id, std::string_view since, std::string_view until,
                           int64_t limit) const {
  return with(root_ + "/act_" + std::string(id) + "/insights",
              {{"level", "campaign"},
               {"time_increment", "1"},
               {"time_range", time_range(since, until)},
               {"fields", kInsightsFields},
               {"limit", std::to_string(limit)}});
}

std::string Urls::insights_async(std::string_view id) const {
  return root_ + "/act_" + std::string(id) + "/insights";
}

std::string Urls::insights_async_body(std::string_view since, std::string_view until) {
  // section 1.1: the SDK posts parameters as a JSON body; object parameters stay objects there.
  boost::json::object o;
  o["level"] = "campaign";
  o["time_increment"] = 1;
  boost::json::object range;
  range["since"] = since;
  range["until"] = until;
  o["time_range"] = std::move(range);
  o["fields"] = kInsightsFields;
  return boost::json::serialize(o);
}

std::string Urls::report_run(std::string_view run_id) const {
  return with(root_ + "/" + std::string(run_id), {{"fields", kReportRunFields}});
}

std::string Urls::report_run_insights(std::string_view run_id, int64_t limit) const {
  return with(root_ + "/" + std::string(run_id) + "/insights", {{"limit", std::to_string(limit)}});
}

std::string Urls::next(std::string_view next_url, std::string_view request_id) const {
  auto parsed = urls::parse_absolute_uri(next_url);
  std::string where = " (fbtrace_id " + std::string(request_id) + ")";
  if (!parsed)
    throw Error::data("Meta response: field 'paging.next' is not an absolute URL" + where);
  if (lower(parsed->scheme()) != scheme_ || lower(parsed->host()) != host_ ||
      effective_port(*parsed) != port_)
    throw Error::data("Meta response: field 'paging.next' leaves the configured host " + host_ +
                      " (points at " + std::string(parsed->host()).substr(0, 100) + ")" + where);
  return std::string(next_url);
}

std::string Urls::authorize(std::string_view url, std::string_view token) {
  urls::url u(url);
  if (u.params().contains("access_token")) return std::string(url);
  append(u, "access_token", token);
  return std::string(u.buffer());
}

}  // namespace meta
