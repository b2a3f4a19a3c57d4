#include "tiktok_parse.hpp"

#include <connhost/connector.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

#include <algorithm>
#include <charconv>
#include <iterator>
#include <limits>

#include "tiktok_errors.hpp"
#include "tiktok_window.hpp"

namespace connhost::tiktok {

namespace json = boost::json;

namespace {

std::string prefix(const Where& at) {
  std::string s = "TikTok " + std::string(at.endpoint);
  s += at.request_id.empty() ? std::string(" (no request_id)")
                             : " (request_id " + std::string(at.request_id) + ")";
  return s;
}

std::string quoted(std::string_view text) {
  return "'" + scrub(text.substr(0, 60), {}) + (text.size() > 60 ? "...'" : "'");
}

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct DecimalText {
  bool negative = false;
  std::string_view whole;
  std::string_view fraction;  // may be empty
};

DecimalText split_decimal(const Where& at, std::string_view field, std::string_view text) {
  DecimalText d;
  std::string_view t = text;
  if (!t.empty() && t.front() == '-') {
    d.negative = true;
    t.remove_prefix(1);
  }
  size_t dot = t.find('.');
  d.whole = t.substr(0, dot);
  if (dot != std::string_view::npos) {
    d.fraction = t.substr(dot + 1);
    if (!digits(d.fraction)) bad_field(at, field, "not a decimal number: " + quoted(text));
  }
  if (!digits(d.whole)) bad_field(at, field, "not a decimal number: " + quoted(text));
  if (d.negative) bad_field(at, field, "negative value " + quoted(text));
  return d;
}

// whole * 10^scale + the first `scale` fraction digits, refusing non-zero digits beyond them.
int64_t scaled(const Where& at, std::string_view field, std::string_view text, const DecimalText& d,
               int scale) {
  std::string_view frac = d.fraction;
  if (frac.size() > static_cast<size_t>(scale)) {
    auto rest = frac.substr(scale);
    if (rest.find_first_not_of('0') != std::string_view::npos)
      bad_field(at, field,
                scale == 0 ? "not a whole number: " + quoted(text)
                           : "more than " + std::to_string(scale) +
                                 " decimal places cannot be held exactly: " + quoted(text));
    frac = frac.substr(0, scale);
  }
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t v = 0;
  auto push = [&](char c) {
    int digit = c - '0';
    if (v > (kMax - digit) / 10) bad_field(at, field, "out of range: " + quoted(text));
    v = v * 10 + digit;
  };
  for (char c : d.whole) push(c);
  for (char c : frac) push(c);
  for (size_t i = frac.size(); i < static_cast<size_t>(scale); ++i) push('0');
  return v;
}

const json::object& as_object(const Where& at, std::string_view field, const json::value& v) {
  if (!v.is_object()) bad_field(at, field, "not an object");
  return v.get_object();
}

const json::array& as_array(const Where& at, std::string_view field, const json::value& v) {
  if (!v.is_array()) bad_field(at, field, "not an array");
  return v.get_array();
}

const json::value& member(const Where& at, std::string_view path, const json::object& o,
                          std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) bad_field(at, std::string(path) + "." + std::string(key), "missing");
  return it->value();
}

const json::value* optional_member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

std::string string_value(const Where& at, std::string_view field, const json::value& v) {
  if (!v.is_string()) bad_field(at, field, "not a string");
  return std::string(v.get_string());
}

std::string required_string(const Where& at, std::string_view path, const json::object& o,
                            std::string_view key) {
  return string_value(at, std::string(path) + "." + std::string(key), member(at, path, o, key));
}

std::optional<std::string> optional_string(const Where& at, std::string_view path,
                                           const json::object& o, std::string_view key) {
  const json::value* v = optional_member(o, key);
  if (!v) return std::nullopt;
  return string_value(at, std::string(path) + "." + std::string(key), *v);
}

// IDs are 64-bit integers carried as strings; older answers had numbers (tiktok.md §1.1).
std::string id_value(const Where& at, std::string_view field, const json::value& v) {
  std::string s;
  if (v.is_string())
    s = std::string(v.get_string());
  else if (v.is_int64() && v.get_int64() >= 0)
    s = std::to_string(v.get_int64());
  else if (v.is_uint64())
    s = std::to_string(v.get_uint64());
  else
    bad_field(at, field, "not an id (a string of digits)");
  if (!digits(s) || s.size() > 20) bad_field(at, field, "not an id: " + quoted(s));
  return s;
}

std::string required_id(const Where& at, std::string_view path, const json::object& o,
                        std::string_view key) {
  return id_value(at, std::string(path) + "." + std::string(key), member(at, path, o, key));
}

int64_t int_value(const Where& at, std::string_view field, const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    return static_cast<int64_t>(v.get_uint64());
  bad_field(at, field, "not an integer");
}

PageInfo page_info(const Where& at, const json::object& data) {
  const auto& pi = as_object(at, "data.page_info", member(at, "data", data, "page_info"));
  PageInfo p;
  p.page = int_value(at, "data.page_info.page", member(at, "data.page_info", pi, "page"));
  p.total_page =
      int_value(at, "data.page_info.total_page", member(at, "data.page_info", pi, "total_page"));
  if (const auto* v = optional_member(pi, "page_size"))
    p.page_size = int_value(at, "data.page_info.page_size", *v);
  if (const auto* v = optional_member(pi, "total_number"))
    p.total_number = int_value(at, "data.page_info.total_number", *v);
  if (p.page < 1) bad_field(at, "data.page_info.page", "not a page number");
  if (p.total_page < 0) bad_field(at, "data.page_info.total_page", "negative");
  return p;
}

const json::array& data_list(const Where& at, const Envelope& env) {
  const auto& data = as_object(at, "data", env.data);
  return as_array(at, "data.list", member(at, "data", data, "list"));
}

std::string index_path(std::string_view base, size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

// ISO 4217 (list one, current and recently withdrawn codes an old account may still carry).
constexpr std::string_view kCurrencies[] = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP",
    "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
    "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS",
    "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW",
    "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD",
    "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN",
    "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR",
    "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL",
    "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY",
    "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES",
    "VND", "VUV", "WST", "XAF", "XAG", "XAU", "XCD", "XCG", "XDR", "XOF", "XPD", "XPF", "XPT",
    "XSU", "XUA", "YER", "ZAR", "ZMW", "ZWG", "ZWL", "HRK"};

}  // namespace

void bad_field(const Where& at, std::string_view field, std::string_view problem) {
  throw connhost::Error::data(prefix(at) + ": " + std::string(field) + ": " + std::string(problem));
}

Envelope parse_envelope(std::string_view body, std::string_view endpoint) {
  Where at{endpoint, {}};
  boost::system::error_code ec;
  json::value root = json::parse(body, ec);
  if (ec) bad_field(at, "body", "not JSON (" + ec.message() + ")");
  const auto& o = as_object(at, "body", root);
  Envelope env;
  if (const auto* rid = optional_member(o, "request_id"))
    env.request_id = scrub(string_value(at, "request_id", *rid), {});
  at.request_id = env.request_id;
  env.code = int_value(at, "code", member(at, "body", o, "code"));
  if (const auto* m = optional_member(o, "message")) env.message = string_value(at, "message", *m);
  if (env.code == 0) {
    const auto& data = member(at, "body", o, "data");
    as_object(at, "data", data);
    env.data = data;
  }
  return env;
}

void check_code(const Envelope& env, std::string_view endpoint, int64_t now_ms) {
  if (env.code != 0)
    throw error_for_code(endpoint, env.code, scrub(env.message, {}), env.request_id, now_ms);
}

int64_t decimal_micros(const Where& at, std::string_view field, std::string_view text) {
  return scaled(at, field, text, split_decimal(at, field, text), 6);
}

int64_t decimal_count(const Where& at, std::string_view field, std::string_view text) {
  return scaled(at, field, text, split_decimal(at, field, text), 0);
}

double decimal_double(const Where& at, std::string_view field, std::string_view text) {
  split_decimal(at, field, text);
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size())
    bad_field(at, field, "out of range: " + quoted(text));
  return v;
}

std::optional<std::string> metric_text(const Where& at, std::string_view field,
                                       const json::value& v) {
  if (v.is_string()) {
    if (v.get_string() == "-") return std::nullopt;
    return std::string(v.get_string());
  }
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_double()) {
    char buf[400];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v.get_double(), std::chars_format::fixed);
    if (ec != std::errc{}) bad_field(at, field, "number out of range");
    return std::string(buf, p);
  }
  bad_field(at, field, "not a number or a numeric string");
}

int64_t datetime_utc_ms(const Where& at, std::string_view field, std::string_view text) {
  auto bad = [&] { bad_field(at, field, "not 'YYYY-MM-DD HH:MM:SS': " + quoted(text)); };
  if (text.size() != 19 || text[10] != ' ' || text[13] != ':' || text[16] != ':') bad();
  auto day = parse_day(text.substr(0, 10));
  auto h = text.substr(11, 2), m = text.substr(14, 2), s = text.substr(17, 2);
  if (!day || !digits(h) || !digits(m) || !digits(s)) bad();
  int hh = (h[0] - '0') * 10 + (h[1] - '0');
  int mm = (m[0] - '0') * 10 + (m[1] - '0');
  int ss = (s[0] - '0') * 10 + (s[1] - '0');
  if (hh > 23 || mm > 59 || ss > 59) bad();
  int64_t days = day->time_since_epoch().count();
  return ((days * 24 + hh) * 60 + mm) * 60'000LL + ss * 1'000LL;
}

std::string stat_day(const Where& at, std::string_view field, std::string_view text) {
  if (text.size() != 19 || text.substr(10) != " 00:00:00" || !parse_day(text.substr(0, 10)))
    bad_field(at, field, "not 'YYYY-MM-DD 00:00:00': " + quoted(text));
  return std::string(text.substr(0, 10));
}

bool is_iso_currency(std::string_view code) {
  return std::find(std::begin(kCurrencies), std::end(kCurrencies), code) != std::end(kCurrencies);
}

bool is_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (!((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z'))) return false;
  char prev = 0;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok || (c == '/' && prev == '/')) return false;
    prev = c;
  }
  return name.back() != '/';
}

std::vector<AuthorizedAdvertiser> parse_authorized_advertisers(const Envelope& env) {
  Where at{kAdvertiserGet, env.request_id};
  std::vector<AuthorizedAdvertiser> out;
  const auto& list = data_list(at, env);
  for (size_t i = 0; i < list.size(); ++i) {
    auto path = index_path("data.list", i);
    const auto& o = as_object(at, path, list[i]);
    AuthorizedAdvertiser a;
    a.id = required_id(at, path, o, "advertiser_id");
    a.name = optional_string(at, path, o, "advertiser_name").value_or("");
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<AdvertiserInfo> parse_advertiser_info(const Envelope& env) {
  Where at{kAdvertiserInfo, env.request_id};
  std::vector<AdvertiserInfo> out;
  const auto& list = data_list(at, env);
  for (size_t i = 0; i < list.size(); ++i) {
    auto path = index_path("data.list", i);
    const auto& o = as_object(at, path, list[i]);
    AdvertiserInfo a;
    a.id = required_id(at, path, o, "advertiser_id");
    a.name = optional_string(at, path, o, "name").value_or("");
    a.currency = required_string(at, path, o, "currency");
    if (!is_iso_currency(a.currency))
      bad_field(at, path + ".currency", "not an ISO 4217 currency: " + quoted(a.currency));
    // `timezone` is the account's own zone; `display_timezone` is what the UI shows (§1.5).
    // Days in reports are in the advertiser's zone (§1.8), so `timezone` wins when both exist.
    auto tz = optional_string(at, path, o, "timezone");
    auto display = optional_string(at, path, o, "display_timezone");
    if (tz && is_zone_name(*tz))
      a.time_zone = *tz;
    else if (display && is_zone_name(*display))
      a.time_zone = *display;
    else if (tz || display)
      bad_field(at, path + (tz ? ".timezone" : ".display_timezone"),
                "not an IANA time zone name: " + quoted(tz ? *tz : *display));
    else
      bad_field(at, path + ".timezone", "missing");
    a.status = optional_string(at, path, o, "status");
    out.push_back(std::move(a));
  }
  return out;
}

CampaignPage parse_campaigns(const Envelope& env, std::string_view advertiser_id) {
  Where at{kCampaignGet, env.request_id};
  CampaignPage page;
  const auto& list = data_list(at, env);
  page.page_info = page_info(at, env.data.get_object());
  page.campaigns.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    auto path = index_path("data.list", i);
    const auto& o = as_object(at, path, list[i]);
    if (const auto* adv = optional_member(o, "advertiser_id")) {
      auto id = id_value(at, path + ".advertiser_id", *adv);
      if (id != advertiser_id)
        bad_field(at, path + ".advertiser_id",
                  "names advertiser " + id + ", asked for " + std::string(advertiser_id));
    }
    Campaign c;
    c.id = required_id(at, path, o, "campaign_id");
    c.name = required_string(at, path, o, "campaign_name");
    if (auto s = optional_string(at, path, o, "operation_status"); s && !s->empty())
      c.status = *s;
    else if (auto s2 = optional_string(at, path, o, "secondary_status"); s2 && !s2->empty())
      c.status = *s2;
    else
      bad_field(at, path + ".operation_status", "missing");
    c.objective = optional_string(at, path, o, "objective_type");
    if (auto t = optional_string(at, path, o, "create_time"))
      c.created_ms = datetime_utc_ms(at, path + ".create_time", *t);
    if (auto t = optional_string(at, path, o, "modify_time"))
      c.modified_ms = datetime_utc_ms(at, path + ".modify_time", *t);
    page.campaigns.push_back(std::move(c));
  }
  return page;
}

ReportPage parse_report(const Envelope& env) {
  Where at{kReport, env.request_id};
  ReportPage page;
  const auto& list = data_list(at, env);
  page.page_info = page_info(at, env.data.get_object());
  page.rows.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    auto path = index_path("data.list", i);
    const auto& o = as_object(at, path, list[i]);
    auto dpath = path + ".dimensions", mpath = path + ".metrics";
    const auto& dims = as_object(at, dpath, member(at, path, o, "dimensions"));
    const auto& mets = as_object(at, mpath, member(at, path, o, "metrics"));
    DailyMetrics r;
    r.campaign_id = required_id(at, dpath, dims, "campaign_id");
    r.date =
        stat_day(at, dpath + ".stat_time_day", required_string(at, dpath, dims, "stat_time_day"));
    // "-" is TikTok's placeholder where a metric has no value for the breakdown (§1.8); for these
    // additive metrics no value adds nothing, so it reads as zero (and is counted).
    auto text = [&](std::string_view key) -> std::string {
      auto field = mpath + "." + std::string(key);
      auto t = metric_text(at, field, member(at, mpath, mets, key));
      if (!t) {
        ++page.placeholders;
        return "0";
      }
      return *t;
    };
    r.spend_micros = decimal_micros(at, mpath + ".spend", text("spend"));
    r.impressions = decimal_count(at, mpath + ".impressions", text("impressions"));
    r.clicks = decimal_count(at, mpath + ".clicks", text("clicks"));
    r.purchases = decimal_double(at, mpath + ".complete_payment", text("complete_payment"));
    r.purchase_value_micros = decimal_micros(at, mpath + ".total_complete_payment_rate",
                                             text("total_complete_payment_rate"));
    page.rows.push_back(std::move(r));
  }
  return page;
}

ReportPage parse_report_body(std::string_view body, int64_t now_ms) {
  Envelope env = parse_envelope(body, kReport);
  check_code(env, kReport, now_ms);
  return parse_report(env);
}

CampaignPage parse_campaigns_body(std::string_view body, std::string_view advertiser_id,
                                  int64_t now_ms) {
  Envelope env = parse_envelope(body, kCampaignGet);
  check_code(env, kCampaignGet, now_ms);
  return parse_campaigns(env, advertiser_id);
}

std::vector<AdvertiserInfo> parse_advertiser_info_body(std::string_view body, int64_t now_ms) {
  Envelope env = parse_envelope(body, kAdvertiserInfo);
  check_code(env, kAdvertiserInfo, now_ms);
  return parse_advertiser_info(env);
}

std::vector<AuthorizedAdvertiser> parse_authorized_advertisers_body(std::string_view body,
                                                                    int64_t now_ms) {
  Envelope env = parse_envelope(body, kAdvertiserGet);
  check_code(env, kAdvertiserGet, now_ms);
  return parse_authorized_advertisers(env);
}

}  // namespace connhost::tiktok
