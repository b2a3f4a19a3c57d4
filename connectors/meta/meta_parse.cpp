#include "meta_parse.hpp"

#include <date/date.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <limits>

namespace meta {
namespace json = boost::json;
using connhost::Error;

namespace {

std::string trace_label(std::string_view request_id) {
  return request_id.empty() ? std::string("no fbtrace_id")
                            : "fbtrace_id " + std::string(request_id);
}

[[noreturn]] void bad(std::string_view request_id, std::string_view field,
                      std::string_view problem) {
  throw Error::data("Meta response (" + trace_label(request_id) + "): field '" +
                    std::string(field) + "' " + std::string(problem));
}

json::value parse_body(std::string_view body, std::string_view request_id) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) bad(request_id, "(body)", "is not valid JSON: " + ec.message());
  return v;
}

const json::object& as_object(const json::value& v, std::string_view field,
                              std::string_view request_id) {
  if (!v.is_object()) bad(request_id, field, "is not an object");
  return v.get_object();
}

const json::value* find(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

std::string join(std::string_view a, std::string_view b) {
  return std::string(a) + "." + std::string(b);
}

std::string required_string(const json::object& o, std::string_view key, std::string_view where,
                            std::string_view request_id) {
  const auto* v = find(o, key);
  if (!v) bad(request_id, join(where, key), "is missing");
  if (!v->is_string()) bad(request_id, join(where, key), "is not a string");
  return std::string(v->get_string());
}

std::optional<std::string> optional_string(const json::object& o, std::string_view key,
                                           std::string_view where, std::string_view request_id) {
  const auto* v = find(o, key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) bad(request_id, join(where, key), "is not a string");
  return std::string(v->get_string());
}

// Graph sends metrics as numeric strings (section 1.3). A JSON integer carries the same exact
// value, so it is taken too; a JSON fraction is refused because it may already have been rounded
// through a binary double, which money must never be.
std::optional<std::string> metric_text(const json::object& o, std::string_view key,
                                       std::string_view where, std::string_view request_id) {
  const auto* v = find(o, key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  bad(request_id, join(where, key), "is not a numeric string");
}

std::optional<int64_t> optional_int(const json::object& o, std::string_view key,
                                    std::string_view where, std::string_view request_id) {
  const auto* v = find(o, key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= uint64_t(std::numeric_limits<int64_t>::max()))
    return int64_t(v->get_uint64());
  if (v->is_string()) {
    auto s = v->get_string();
    int64_t out = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc{} && p == s.data() + s.size() && !s.empty()) return out;
  }
  bad(request_id, join(where, key), "is not an integer");
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::string> next_link(const json::object& root, std::string_view request_id) {
  const auto* paging = find(root, "paging");
  if (!paging || paging->is_null()) return std::nullopt;
  const auto& p = as_object(*paging, "paging", request_id);
  return optional_string(p, "next", "paging", request_id);
}

const json::array& data_array(const json::object& root, std::string_view request_id) {
  const auto* data = find(root, "data");
  if (!data) bad(request_id, "data", "is missing");
  if (!data->is_array()) bad(request_id, "data", "is not an array");
  return data->get_array();
}

std::string at(std::string_view array, size_t i) {
  return std::string(array) + "[" + std::to_string(i) + "]";
}

double as_number(const json::value& v) {
  if (v.is_int64()) return double(v.get_int64());
  if (v.is_uint64()) return double(v.get_uint64());
  if (v.is_double()) return v.get_double();
  if (v.is_string()) {
    auto s = v.get_string();
    double d = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec == std::errc{} && p == s.data() + s.size()) return d;
  }
  return 0;
}

// A header number as an integer, clamped: a header must never overflow a duration.
int64_t clamped(double d, int64_t hi) {
  if (!(d > 0)) return 0;
  return d >= double(hi) ? hi : int64_t(d);
}

std::optional<json::object> header_object(std::optional<std::string_view> text) {
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return v.get_object();
}

void take(Usage& u, double pct, std::string counter) {
  if (pct > u.max_pct) {
    u.max_pct = pct;
    u.max_counter = std::move(counter);
  }
}

// Active ISO 4217 codes (the currencies an ad account can be set in are a subset).
constexpr std::string_view kCurrencies[] = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG"};

std::string subcode_reason(int64_t subcode) {
  // Subcodes of code 190, section 1.6.
  switch (subcode) {
    case 458:
      return "the app is not installed for the user";
    case 459:
      return "the user is checkpointed";
    case 460:
      return "the password changed, so the token was invalidated";
    case 463:
      return "the token has expired";
    case 464:
      return "the user is unconfirmed";
    case 467:
      return "the token is invalid";
    case 492:
      return "the session is invalid";
    default:
      return "the token is invalid, expired or revoked";
  }
}

}  // namespace

bool is_token_code(int64_t code) {
  return code == 190 || code == 102;
}

bool is_throttle_code(int64_t code) {
  // Section 1.7's throttle codes; 341 (application limit) and 368 (temporarily blocked) from
  // section 1.6 are waits as well, not mistakes a human must fix.
  return code == 4 || code == 17 || code == 32 || code == 613 || code == 341 || code == 368 ||
         (code >= 80000 && code <= 80014);
}

// --- Scalars ----------------------------------------------------------------------------------

namespace {
bool is_decimal(std::string_view s) {
  size_t dot = s.find('.');
  return all_digits(s.substr(0, dot)) &&
         (dot == std::string_view::npos || all_digits(s.substr(dot + 1)));
}
// digits[.digits] and nothing else: no sign, exponent, blank, "-" placeholder or thousands mark.
void check_decimal(std::string_view s, std::string_view field, std::string_view rid) {
  if (s.empty()) bad(rid, field, "is empty");
  if (s.front() == '-' && is_decimal(s.substr(1)))
    bad(rid, field, "is negative ('" + std::string(s.substr(0, 40)) + "')");
  if (!is_decimal(s))
    bad(rid, field, "is not a decimal number ('" + std::string(s.substr(0, 40)) + "')");
}
}  // namespace

int64_t money_micros(std::string_view s, std::string_view field, std::string_view rid) {
  check_decimal(s, field, rid);
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 1'000'000 - 1;
  int64_t units = 0;
  for (char c : whole) {
    units = units * 10 + (c - '0');
    if (units > kMax) bad(rid, field, "is too large");
  }
  int64_t micros = 0;
  for (size_t i = 0; i < frac.size(); ++i) {
    if (i < 6)
      micros = micros * 10 + (frac[i] - '0');
    else if (frac[i] != '0')
      bad(rid, field, "has more than 6 decimal places ('" + std::string(s.substr(0, 40)) + "')");
  }
  for (size_t i = frac.size(); i < 6; ++i) micros *= 10;
  return units * 1'000'000 + micros;
}

int64_t count(std::string_view s, std::string_view field, std::string_view rid) {
  if (s.empty()) bad(rid, field, "is empty");
  if (s.front() == '-' && all_digits(s.substr(1)))
    bad(rid, field, "is negative ('" + std::string(s) + "')");
  if (!all_digits(s))
    bad(rid, field, "is not a whole number ('" + std::string(s.substr(0, 40)) + "')");
  int64_t out = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || p != s.data() + s.size()) bad(rid, field, "is too large");
  return out;
}

double decimal(std::string_view s, std::string_view field, std::string_view rid) {
  check_decimal(s, field, rid);
  double out = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || p != s.data() + s.size()) bad(rid, field, "is out of range");
  return out;
}

std::optional<int64_t> day_number(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) || !all_digits(s.substr(8, 2)))
    return std::nullopt;
  auto num = [&](size_t pos, size_t n) {
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  date::year_month_day ymd{date::year{num(0, 4)}, date::month{unsigned(num(5, 2))},
                           date::day{unsigned(num(8, 2))}};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days{ymd}.time_since_epoch().count();
}

std::string day_text(int64_t n) {
  date::year_month_day ymd{date::sys_days{date::days{n}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  return buf;
}

std::optional<int64_t> graph_time_ms(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fff](Z|+HHMM|+HH:MM)
  if (s.size() < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':') return std::nullopt;
  auto day = day_number(s.substr(0, 10));
  if (!day) return std::nullopt;
  auto two = [&](size_t pos) -> int {
    if (!all_digits(s.substr(pos, 2))) return -1;
    return (s[pos] - '0') * 10 + (s[pos + 1] - '0');
  };
  int hh = two(11), mm = two(14), ss = two(17);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return std::nullopt;
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (pos - start < 3) millis = millis * 10 + (s[pos] - '0');
      ++pos;
    }
    if (pos == start) return std::nullopt;
    for (size_t i = std::min<size_t>(pos - start, 3); i < 3; ++i) millis *= 10;
  }
  int64_t offset_s = 0;
  std::string_view zone = s.substr(pos);
  if (zone == "Z") {
  } else if (zone.size() == 5 || (zone.size() == 6 && zone[3] == ':')) {
    if (zone[0] != '+' && zone[0] != '-') return std::nullopt;
    std::string digits{zone.substr(1, 2)};
    digits += zone.substr(zone.size() - 2);
    if (!all_digits(digits)) return std::nullopt;
    int oh = (digits[0] - '0') * 10 + (digits[1] - '0');
    int om = (digits[2] - '0') * 10 + (digits[3] - '0');
    if (oh > 23 || om > 59) return std::nullopt;
    offset_s = (oh * 3600 + om * 60) * (zone[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  int64_t secs = *day * 86400 + hh * 3600 + mm * 60 + ss - offset_s;
  return secs * 1000 + millis;
}

bool is_currency(std::string_view code) {
  return std::binary_search(std::begin(kCurrencies), std::end(kCurrencies), code);
}

// --- Errors and throttling --------------------------------------------------------------------

std::optional<GraphError> error_envelope(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto* e = find(v.get_object(), "error");
  if (!e || !e->is_object()) return std::nullopt;
  const auto& o = e->get_object();
  GraphError g;
  auto num = [&](std::string_view key) -> int64_t {
    const auto* x = find(o, key);
    if (!x) return 0;
    if (x->is_int64()) return x->get_int64();
    return clamped(as_number(*x), std::numeric_limits<int32_t>::max());
  };
  auto text = [&](std::string_view key) -> std::string {
    const auto* x = find(o, key);
    return x && x->is_string() ? std::string(x->get_string()) : std::string();
  };
  g.code = num("code");
  g.subcode = num("error_subcode");
  g.type = text("type");
  g.message = text("message");
  g.fbtrace_id = text("fbtrace_id");
  const auto* t = find(o, "is_transient");
  g.is_transient = t && t->is_bool() && t->get_bool();
  return g;
}

Usage parse_usage(const UsageHeaders& h) {
  Usage u;
  if (auto app = header_object(h.app))
    for (const auto& [k, v] : *app) take(u, as_number(v), "x-app-usage." + std::string(k));
  if (auto acc = header_object(h.account)) {
    if (const auto* p = find(*acc, "acc_id_util_pct")) {
      u.account_pct = as_number(*p);
      take(u, u.account_pct, "x-ad-account-usage.acc_id_util_pct");
    }
    if (const auto* r = find(*acc, "reset_time_duration"))
      u.account_reset_seconds = clamped(as_number(*r), 86'400);
  }
  if (auto buc = header_object(h.buc)) {
    for (const auto& [id, entries] : *buc) {
      if (!entries.is_array()) continue;
      for (const auto& e : entries.get_array()) {
        if (!e.is_object()) continue;
        const auto& o = e.get_object();
        std::string type = "?";
        if (const auto* t = find(o, "type"); t && t->is_string()) type = t->get_string();
        for (std::string_view key : {"call_count", "total_cputime", "total_time"})
          if (const auto* x = find(o, key))
            take(u, as_number(*x), "x-business-use-case-usage." + type + "." + std::string(key));
        if (const auto* r = find(o, "estimated_time_to_regain_access"))
          u.regain_minutes = std::max(u.regain_minutes, clamped(as_number(*r), 1440));
      }
    }
  }
  if (auto ins = header_object(h.insights))
    for (std::string_view key : {"app_id_util_pct", "acc_id_util_pct"})
      if (const auto* x = find(*ins, key))
        take(u, as_number(*x), "x-fb-ads-insights-throttle." + std::string(key));
  return u;
}

std::chrono::milliseconds regain_after(const Usage& u, double stop_pct,
                                       std::chrono::milliseconds fallback) {
  if (u.regain_minutes > 0) return std::chrono::minutes(u.regain_minutes);
  if (u.account_pct >= stop_pct && u.account_reset_seconds > 0)
    return std::chrono::seconds(u.account_reset_seconds);
  return fallback;
}

Pace pace_for(const Usage& u, double pace_pct, double stop_pct,
              std::chrono::milliseconds max_sleep) {
  Pace p;
  if (u.max_pct >= stop_pct) {
    p.stop = true;
  } else if (u.max_pct > pace_pct && stop_pct > pace_pct) {
    double share = (u.max_pct - pace_pct) / (stop_pct - pace_pct);
    p.sleep = std::chrono::milliseconds(int64_t(double(max_sleep.count()) * share));
  }
  return p;
}

Error classify(int status, std::string_view body, const Usage& usage, double stop_pct,
               std::chrono::milliseconds throttle_fallback, std::string_view header_trace_id,
               std::string_view what) {
  auto env = error_envelope(body);
  std::string rid =
      env && !env->fbtrace_id.empty() ? env->fbtrace_id : std::string(header_trace_id);
  std::string prefix = "Meta " + std::string(what) + ": ";
  if (!env) {
    std::string tail = "HTTP " + std::to_string(status) + " without a Graph error envelope (" +
                       trace_label(rid) + ")";
    if (status >= 500) return Error::transient(prefix + tail);
    if (status == 429)
      return Error::quota(prefix + tail, regain_after(usage, stop_pct, throttle_fallback));
    if (status == 401 || status == 403) return Error::auth(prefix + tail);
    return Error::data(prefix + tail);
  }
  return classify_envelope(*env, status, usage, stop_pct, throttle_fallback, header_trace_id, what);
}

Error classify_envelope(const GraphError& e, int status, const Usage& usage, double stop_pct,
                        std::chrono::milliseconds throttle_fallback,
                        std::string_view header_trace_id, std::string_view what) {
  std::string rid = !e.fbtrace_id.empty() ? e.fbtrace_id : std::string(header_trace_id);
  std::string prefix = "Meta " + std::string(what) + ": ";
  std::string detail = "code " + std::to_string(e.code) +
                       (e.subcode ? ", subcode " + std::to_string(e.subcode) : "") + ", " +
                       trace_label(rid) + (status ? ", HTTP " + std::to_string(status) : "");
  std::string said = e.message.empty() ? std::string() : ": " + e.message.substr(0, 300);
  int64_t c = e.code;
  if (is_token_code(c))
    return Error::auth(
        prefix + "the access token was rejected (" +
        (c == 102 ? std::string("the API session is invalid") : subcode_reason(e.subcode)) +
        "); issue a new token" + said + " (" + detail + ")");
  if (is_throttle_code(c)) {
    auto wait = regain_after(usage, stop_pct, throttle_fallback);
    return Error::quota(prefix + "rate limited" + said + " (" + detail + "; retry in " +
                            std::to_string(wait.count() / 1000) + " s)",
                        wait);
  }
  if (c == 10 || (c >= 200 && c <= 299))
    return Error::auth(prefix + "the token lacks a permission" + said + " (" + detail + ")");
  if (c == 1 || c == 2 || e.is_transient || status >= 500)
    return Error::transient(prefix + "temporary Graph failure" + said + " (" + detail + ")");
  if (c == 100 && e.subcode == 1487534)
    return Error::config(prefix + "Graph refused the request as too large; lower chunk_days" +
                         said + " (" + detail + ")");
  // 100 (invalid parameter) and everything else a 4xx names: the request as configured is wrong
  // (an account the token cannot see, an unknown api_version or field).
  return Error::config(prefix + "Graph refused the request" + said + " (" + detail + ")");
}

// --- Pages ------------------------------------------------------------------------------------

namespace {

Account account_from(const json::object& o, std::string_view where, std::string_view rid) {
  Account a;
  auto id = optional_string(o, "id", where, rid);
  auto account_id = optional_string(o, "account_id", where, rid);
  if (!account_id && id && id->rfind("act_", 0) == 0) account_id = id->substr(4);
  if (!account_id) bad(rid, join(where, "account_id"), "is missing");
  if (!all_digits(*account_id)) bad(rid, join(where, "account_id"), "is not an account number");
  if (id && *id != "act_" + *account_id)
    bad(rid, join(where, "id"), "does not match account_id " + *account_id);
  a.account_id = *account_id;
  a.name = required_string(o, "name", where, rid);
  a.currency = required_string(o, "currency", where, rid);
  if (!is_currency(a.currency))
    bad(rid, join(where, "currency"),
        "is not an ISO 4217 code ('" + a.currency.substr(0, 10) + "')");
  a.time_zone = required_string(o, "timezone_name", where, rid);
  if (a.time_zone.empty() || a.time_zone.find_first_of(" \t\r\n") != std::string::npos)
    bad(rid, join(where, "timezone_name"), "is not a time zone name");
  if (const auto* s = find(o, "account_status"); s && !s->is_null()) {
    if (s->is_string())
      a.status = std::string(s->get_string());
    else if (s->is_int64())
      a.status = std::to_string(s->get_int64());
    else if (s->is_uint64())
      a.status = std::to_string(s->get_uint64());
    else
      bad(rid, join(where, "account_status"), "is neither a number nor a string");
  }
  return a;
}

std::optional<int64_t> time_field(const json::object& o, std::string_view key,
                                  std::string_view where, std::string_view rid) {
  auto text = optional_string(o, key, where, rid);
  if (!text) return std::nullopt;
  auto ms = graph_time_ms(*text);
  if (!ms) bad(rid, join(where, key), "is not a Graph datetime ('" + text->substr(0, 40) + "')");
  return ms;
}

std::vector<ActionStat> action_stats(const json::object& row, std::string_view key,
                                     std::string_view where, std::string_view rid) {
  std::vector<ActionStat> out;
  const auto* v = find(row, key);
  if (!v || v->is_null()) return out;
  std::string field = join(where, key);
  if (!v->is_array()) bad(rid, field, "is not an array");
  const auto& arr = v->get_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string item = at(field, i);
    const auto& o = as_object(arr[i], item, rid);
    ActionStat s;
    s.type = required_string(o, "action_type", item, rid);
    auto value = metric_text(o, "value", item, rid);
    if (!value) bad(rid, join(item, "value"), "is missing");
    s.value = *value;
    for (const auto& prev : out)
      if (prev.type == s.type) bad(rid, item, "repeats action_type '" + s.type + "'");
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

Account parse_account(std::string_view body, std::string_view rid) {
  json::value v = parse_body(body, rid);
  return account_from(as_object(v, "(body)", rid), "(account)", rid);
}

Page<Account> parse_accounts_page(std::string_view body, std::string_view rid) {
  json::value v = parse_body(body, rid);
  const auto& root = as_object(v, "(body)", rid);
  Page<Account> page;
  const auto& data = data_array(root, rid);
  for (size_t i = 0; i < data.size(); ++i)
    page.items.push_back(account_from(as_object(data[i], at("data", i), rid), at("data", i), rid));
  page.next = next_link(root, rid);
  return page;
}

Page<Campaign> parse_campaigns_page(std::string_view body, std::string_view rid) {
  json::value v = parse_body(body, rid);
  const auto& root = as_object(v, "(body)", rid);
  Page<Campaign> page;
  const auto& data = data_array(root, rid);
  for (size_t i = 0; i < data.size(); ++i) {
    std::string where = at("data", i);
    const auto& o = as_object(data[i], where, rid);
    Campaign c;
    c.id = required_string(o, "id", where, rid);
    if (!all_digits(c.id)) bad(rid, join(where, "id"), "is not a campaign id");
    c.name = required_string(o, "name", where, rid);
    // `status` is the configured status (ACTIVE, PAUSED, DELETED, ARCHIVED; section 1.2).
    auto status = optional_string(o, "status", where, rid);
    if (!status) status = optional_string(o, "effective_status", where, rid);
    if (!status || status->empty()) bad(rid, join(where, "status"), "is missing");
    c.status = *status;
    c.objective = optional_string(o, "objective", where, rid);
    c.created_ms = time_field(o, "created_time", where, rid);
    c.updated_ms = time_field(o, "updated_time", where, rid);
    page.items.push_back(std::move(c));
  }
  page.next = next_link(root, rid);
  return page;
}

// The purchase rule (section 1.4: overlapping types, pick one, never sum):
// - the count is that of the first priority type present in `actions`;
// - the value is the `action_values` entry of that same type, so count and value always describe
//   the same action; when that type has no value entry the value is 0 (Meta had no value for
//   those purchases), never another type's value;
// - only when `actions` holds no priority type at all is the type chosen from `action_values`
//   (count 0), so money Meta reports is not dropped.
Purchases pick_purchases(const std::vector<ActionStat>& actions,
                         const std::vector<ActionStat>& values,
                         const std::vector<std::string>& priority, std::string_view where,
                         std::string_view rid) {
  auto lookup = [](const std::vector<ActionStat>& v, std::string_view type) -> const ActionStat* {
    for (const auto& s : v)
      if (s.type == type) return &s;
    return nullptr;
  };
  Purchases p;
  for (const auto& t : priority)
    if (const auto* a = lookup(actions, t)) {
      p.type = t;
      p.count = decimal(a->value, join(where, "actions[" + t + "].value"), rid);
      break;
    }
  if (!p.type)
    for (const auto& t : priority)
      if (lookup(values, t)) {
        p.type = t;
        break;
      }
  if (p.type)
    if (const auto* v = lookup(values, *p.type))
      p.value_micros =
          money_micros(v->value, join(where, "action_values[" + *p.type + "].value"), rid);
  return p;
}

Page<DailyRow> parse_insights_page(std::string_view body, std::string_view rid,
                                   const std::vector<std::string>& purchase_types, int64_t since,
                                   int64_t until) {
  json::value v = parse_body(body, rid);
  const auto& root = as_object(v, "(body)", rid);
  Page<DailyRow> page;
  const auto& data = data_array(root, rid);
  page.items.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    std::string where = at("data", i);
    const auto& o = as_object(data[i], where, rid);
    DailyRow r;
    r.campaign_id = required_string(o, "campaign_id", where, rid);
    if (!all_digits(r.campaign_id)) bad(rid, join(where, "campaign_id"), "is not a campaign id");
    r.date = required_string(o, "date_start", where, rid);
    auto day = day_number(r.date);
    if (!day) bad(rid, join(where, "date_start"), "is not a YYYY-MM-DD day");
    if (required_string(o, "date_stop", where, rid) != r.date)
      bad(rid, join(where, "date_stop"), "differs from date_start (expected one row per day)");
    if (*day < since || *day > until)
      bad(rid, join(where, "date_start"),
          "(" + r.date + ") lies outside the requested range " + day_text(since) + ".." +
              day_text(until));
    auto need = [&](std::string_view key) {
      auto t = metric_text(o, key, where, rid);
      if (!t) bad(rid, join(where, key), "is missing");
      return *t;
    };
    r.spend_micros = money_micros(need("spend"), join(where, "spend"), rid);
    r.impressions = count(need("impressions"), join(where, "impressions"), rid);
    r.clicks = count(need("clicks"), join(where, "clicks"), rid);
    if (auto t = metric_text(o, "inline_link_clicks", where, rid))
      r.link_clicks = count(*t, join(where, "inline_link_clicks"), rid);
    auto actions = action_stats(o, "actions", where, rid);
    auto values = action_stats(o, "action_values", where, rid);
    auto p = pick_purchases(actions, values, purchase_types, where, rid);
    r.purchases = p.count;
    r.purchase_value_micros = p.value_micros;
    r.currency = optional_string(o, "account_currency", where, rid);
    if (r.currency && !is_currency(*r.currency))
      bad(rid, join(where, "account_currency"),
          "is not an ISO 4217 code ('" + r.currency->substr(0, 10) + "')");
    page.items.push_back(std::move(r));
  }
  page.next = next_link(root, rid);
  return page;
}

std::string parse_report_run_id(std::string_view body, std::string_view rid) {
  json::value v = parse_body(body, rid);
  const auto& o = as_object(v, "(body)", rid);
  const auto* id = find(o, "report_run_id");
  if (!id) bad(rid, "report_run_id", "is missing");
  std::string out;
  if (id->is_string())
    out = id->get_string();
  else if (id->is_int64() || id->is_uint64())
    out = id->is_int64() ? std::to_string(id->get_int64()) : std::to_string(id->get_uint64());
  if (!all_digits(out)) bad(rid, "report_run_id", "is not a report run id");
  return out;
}

ReportRun parse_report_run(std::string_view body, std::string_view rid) {
  json::value v = parse_body(body, rid);
  const auto& o = as_object(v, "(body)", rid);
  ReportRun r;
  r.id = required_string(o, "id", "(report run)", rid);
  r.async_status = required_string(o, "async_status", "(report run)", rid);
  r.percent = optional_int(o, "async_percent_completion", "(report run)", rid).value_or(0);
  r.error_code = optional_int(o, "error_code", "(report run)", rid);
  r.error_subcode = optional_int(o, "error_subcode", "(report run)", rid);
  for (std::string_view key : {"error_message", "error_user_msg", "error_user_title"})
    if (auto m = optional_string(o, key, "(report run)", rid); m && !m->empty()) {
      if (!r.error_message.empty()) r.error_message += " / ";
      r.error_message += *m;
    }
  return r;
}

Error report_run_failed(const ReportRun& run, std::string_view trace_id, const Usage& usage,
                        double stop_pct, std::chrono::milliseconds throttle_fallback,
                        std::string_view what) {
  if (run.error_code && (is_token_code(*run.error_code) || is_throttle_code(*run.error_code))) {
    GraphError e{*run.error_code,   run.error_subcode.value_or(0), "",
                 run.error_message, std::string(trace_id),         false};
    return classify_envelope(e, 0, usage, stop_pct, throttle_fallback, trace_id, what);
  }
  std::string detail;
  if (run.error_code) detail += "error_code " + std::to_string(*run.error_code) + ", ";
  if (run.error_subcode) detail += "error_subcode " + std::to_string(*run.error_subcode) + ", ";
  detail += trace_label(trace_id);
  return Error::transient(
      "Meta " + std::string(what) + ": report run " + run.id + " ended with '" + run.async_status +
      "'" + (run.error_message.empty() ? "" : ": " + run.error_message.substr(0, 300)) + " (" +
      detail + ")");
}

}  // namespace meta
