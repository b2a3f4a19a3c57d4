#include "google_parse.hpp"

#include <date/date.h>
#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <set>
#include <utility>

namespace connhost::google {
namespace json = boost::json;

namespace {

// --- JSON with exact number text -----------------------------------------------------------

// The handler of boost::json::parser, except that a non-integer number is stored as its source
// text. Boost 1.81's own double conversion is not guaranteed correctly rounded, and even a
// correctly rounded double cannot give back "0.1" exactly; the text can.
class ExactNumberHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack st;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code&) {
    st.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    st.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(int64_t i, json::string_view, json::error_code&) {
    number_.clear();
    st.push_int64(i);
    return true;
  }
  bool on_uint64(uint64_t u, json::string_view, json::error_code&) {
    number_.clear();
    st.push_uint64(u);
    return true;
  }
  bool on_double(double, json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    st.push_string(number_);
    number_.clear();
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  std::string number_;
};

// Where a parse is, for messages: "google searchStream (request id X): [0].results[3].x: ...".
struct Ctx {
  std::string_view what;
  std::string_view request_id;
};

std::string prefix(const Ctx& c) {
  std::string s = "google " + std::string(c.what);
  if (!c.request_id.empty()) s += " (request id " + std::string(c.request_id) + ")";
  return s;
}

[[noreturn]] void fail(const Ctx& c, std::string_view path, std::string_view problem) {
  std::string m = prefix(c) + ": ";
  if (!path.empty()) m += std::string(path) + ": ";
  m += problem;
  throw Error::data(std::move(m));
}

// Quotes a platform value for a message, cut short: a hostile body must not make huge messages.
std::string quoted(std::string_view v) {
  constexpr size_t kMax = 40;
  std::string s = "'";
  s += v.substr(0, kMax);
  if (v.size() > kMax) s += "...";
  return s + "'";
}

std::string_view kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

const json::object& need_object(const json::value& v, const Ctx& c, std::string_view path) {
  if (!v.is_object()) fail(c, path, "expected an object, got " + std::string(kind_name(v)));
  return v.get_object();
}

const json::value* member(const json::object& o, std::string_view key) {
  return o.if_contains(json::string_view(key.data(), key.size()));
}

std::string join(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return std::string(path) + "." + std::string(key);
}

// A member that must be an object (missing is an error).
const json::object& need_object_member(const json::object& o, std::string_view key, const Ctx& c,
                                       std::string_view path) {
  const json::value* v = member(o, key);
  if (!v) fail(c, join(path, key), "missing");
  return need_object(*v, c, join(path, key));
}

// An optional array member; proto3 JSON omits empty repeated fields, so missing means empty.
const json::array* array_member(const json::object& o, std::string_view key, const Ctx& c,
                                std::string_view path) {
  const json::value* v = member(o, key);
  if (!v || v->is_null()) return nullptr;
  if (!v->is_array())
    fail(c, join(path, key), "expected an array, got " + std::string(kind_name(*v)));
  return &v->get_array();
}

std::optional<std::string> string_member(const json::object& o, std::string_view key, const Ctx& c,
                                         std::string_view path) {
  const json::value* v = member(o, key);
  if (!v) return std::nullopt;
  if (!v->is_string())
    fail(c, join(path, key), "expected a string, got " + std::string(kind_name(*v)));
  return std::string(v->get_string());
}

std::string need_string(const json::object& o, std::string_view key, const Ctx& c,
                        std::string_view path) {
  auto s = string_member(o, key, c, path);
  if (!s) fail(c, join(path, key), "missing");
  return *s;
}

// An int64 field: a decimal string (proto3 JSON's int64 encoding, notes 4.2) or, tolerated, a
// JSON integer. Missing gives `fallback`, or an error when there is none.
int64_t int64_member(const json::object& o, std::string_view key, const Ctx& c,
                     std::string_view path, std::optional<int64_t> fallback) {
  const json::value* v = member(o, key);
  if (!v) {
    if (!fallback) fail(c, join(path, key), "missing");
    return *fallback;
  }
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) fail(c, join(path, key), "out of the int64 range");
  if (v->is_string()) {
    std::string_view t = v->get_string();
    if (auto n = parse_int64_text(t)) return *n;
    fail(c, join(path, key), "not a full decimal integer: " + quoted(t));
  }
  fail(c, join(path, key), "expected an int64 string, got " + std::string(kind_name(*v)));
}

// A double field: a JSON number (its source text here) or, as proto3 JSON allows, a string.
double double_member(const json::object& o, std::string_view key, const Ctx& c,
                     std::string_view path) {
  const json::value* v = member(o, key);
  if (!v) return 0;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_string()) {
    std::string_view t = v->get_string();
    if (auto d = parse_decimal_double(t)) return *d;
    fail(c, join(path, key), "not a decimal number: " + quoted(t));
  }
  fail(c, join(path, key), "expected a number, got " + std::string(kind_name(*v)));
}

// A money amount in currency units sent as a double (conversionsValue), as exact micros of the
// digits sent.
int64_t money_member(const json::object& o, std::string_view key, const Ctx& c,
                     std::string_view path) {
  const json::value* v = member(o, key);
  if (!v) return 0;
  if (v->is_int64()) {
    int64_t units = v->get_int64();
    if (units > std::numeric_limits<int64_t>::max() / 1'000'000 ||
        units < std::numeric_limits<int64_t>::min() / 1'000'000)
      fail(c, join(path, key), "amount too large for micros");
    return units * 1'000'000;
  }
  if (v->is_uint64()) fail(c, join(path, key), "amount too large for micros");
  if (v->is_string()) {
    std::string_view t = v->get_string();
    if (auto m = decimal_to_micros(t)) return *m;
    fail(c, join(path, key), "not a decimal amount (or too large): " + quoted(t));
  }
  fail(c, join(path, key), "expected a number, got " + std::string(kind_name(*v)));
}

bool all_digits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

// An id: an int64 field that must be positive; returned as canonical digits.
std::string id_member(const json::object& o, std::string_view key, const Ctx& c,
                      std::string_view path) {
  int64_t id = int64_member(o, key, c, path, std::nullopt);
  if (id <= 0) fail(c, join(path, key), "not a positive id: " + std::to_string(id));
  return std::to_string(id);
}

std::string at(std::string_view path, size_t i) {
  return std::string(path) + "[" + std::to_string(i) + "]";
}

// The parts of a decimal number's text.
struct Decimal {
  bool negative = false;
  std::string digits;    // integer and fraction digits, leading zeros stripped ("" for zero)
  int64_t exponent = 0;  // value = digits * 10^exponent
};

std::optional<Decimal> split_decimal(std::string_view t) {
  Decimal d;
  size_t i = 0;
  if (i < t.size() && t[i] == '-') {
    d.negative = true;
    ++i;
  }
  size_t int_start = i;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
  if (i == int_start) return std::nullopt;
  std::string digits(t.substr(int_start, i - int_start));
  int64_t frac_len = 0;
  if (i < t.size() && t[i] == '.') {
    ++i;
    size_t frac_start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    if (i == frac_start) return std::nullopt;
    digits.append(t.substr(frac_start, i - frac_start));
    frac_len = static_cast<int64_t>(i - frac_start);
  }
  int64_t exp = 0;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) exp_negative = t[i++] == '-';
    size_t exp_start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      // Saturate: beyond this the value is zero or overflows anyway.
      if (exp < 100'000) exp = exp * 10 + (t[i] - '0');
      ++i;
    }
    if (i == exp_start) return std::nullopt;
    if (exp_negative) exp = -exp;
  }
  if (i != t.size()) return std::nullopt;
  size_t nz = digits.find_first_not_of('0');
  d.digits = nz == std::string::npos ? std::string() : digits.substr(nz);
  d.exponent = exp - frac_len;
  return d;
}

// Sorted, for binary_search.
constexpr std::string_view kIso4217[] = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP",
    "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
    "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR",
    "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW",
    "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA",
    "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD",
    "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG",
    "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE",
    "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP",
    "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
    "ZWL"};

std::optional<json::value> try_parse(std::string_view body) {
  try {
    return parse_json(body, "", "");
  } catch (const Error&) {
    return std::nullopt;
  }
}

// The google.rpc.Status inside {"error":{...}}; never throws.
ApiError api_error_from(int http_status, const json::value& doc) {
  ApiError e;
  e.http_status = http_status;
  const json::object* outer = doc.if_object();
  const json::value* err = outer ? outer->if_contains("error") : nullptr;
  if (!err || !err->is_object()) return e;
  const json::object& o = err->get_object();
  e.parsed = true;
  if (auto* v = o.if_contains("code")) {
    if (v->is_int64() && v->get_int64() >= 0 && v->get_int64() < 1000)
      e.code = static_cast<int>(v->get_int64());
  }
  if (auto* v = o.if_contains("status"); v && v->is_string()) e.status = v->get_string();
  if (auto* v = o.if_contains("message"); v && v->is_string()) e.message = v->get_string();
  auto* details = o.if_contains("details");
  if (!details || !details->is_array()) return e;
  for (const auto& d : details->get_array()) {
    const json::object* dobj = d.if_object();
    if (!dobj) continue;
    // google.rpc.RetryInfo may carry the delay outside the GoogleAdsFailure.
    if (auto* rd = dobj->if_contains("retryDelay"); rd && rd->is_string() && !e.retry_delay)
      e.retry_delay = parse_duration(rd->get_string());
    if (auto* rid = dobj->if_contains("requestId"); rid && rid->is_string() && e.request_id.empty())
      e.request_id = rid->get_string();
    auto* errors = dobj->if_contains("errors");
    if (!errors || !errors->is_array()) continue;
    for (const auto& ge : errors->get_array()) {
      const json::object* g = ge.if_object();
      if (!g) continue;
      AdsErrorDetail detail;
      if (auto* ec = g->if_contains("errorCode"); ec && ec->is_object()) {
        for (const auto& kv : ec->get_object()) {
          detail.kind = kv.key();
          if (kv.value().is_string()) detail.code = kv.value().get_string();
          break;
        }
      }
      if (auto* m = g->if_contains("message"); m && m->is_string())
        detail.message = m->get_string();
      if (auto* gd = g->if_contains("details"); gd && gd->is_object()) {
        if (auto* q = gd->get_object().if_contains("quotaErrorDetails"); q && q->is_object()) {
          if (auto* rd = q->get_object().if_contains("retryDelay"); rd && rd->is_string())
            if (auto delay = parse_duration(rd->get_string())) e.retry_delay = delay;
        }
      }
      e.errors.push_back(std::move(detail));
    }
  }
  return e;
}

}  // namespace

// --- JSON ----------------------------------------------------------------------------------

json::value parse_json(std::string_view body, std::string_view what, std::string_view request_id) {
  json::basic_parser<ExactNumberHandler> p(json::parse_options{});
  p.handler().st.reset();
  json::error_code ec;
  size_t n = p.write_some(false, body.data(), body.size(), ec);
  if (!ec && n < body.size()) ec = json::error::extra_data;
  if (ec) {
    Ctx c{what, request_id};
    fail(c, "",
         "the body is not valid JSON (" + ec.message() + " at byte " + std::to_string(n) + " of " +
             std::to_string(body.size()) + ")");
  }
  return p.handler().st.release();
}

// --- value grammar -------------------------------------------------------------------------

std::optional<int64_t> parse_int64_text(std::string_view t) {
  size_t digits_from = !t.empty() && t[0] == '-' ? 1 : 0;
  if (!all_digits(t.substr(digits_from))) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc{} || p != t.data() + t.size()) return std::nullopt;
  return v;
}

std::optional<int64_t> decimal_to_micros(std::string_view text) {
  auto d = split_decimal(text);
  if (!d) return std::nullopt;
  if (d->digits.empty()) return 0;
  const int64_t shift = d->exponent + 6;  // micros = digits * 10^shift
  std::string_view keep = d->digits;
  bool round_up = false;
  if (shift < 0) {
    const int64_t drop = -shift;
    if (drop > static_cast<int64_t>(keep.size())) return 0;  // below half a micro
    round_up = keep[keep.size() - static_cast<size_t>(drop)] >= '5';
    keep = keep.substr(0, keep.size() - static_cast<size_t>(drop));
  } else if (static_cast<int64_t>(keep.size()) + shift > 19) {
    return std::nullopt;
  }
  uint64_t v = 0;
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  auto push = [&](unsigned digit) {
    if (v > (kMax - digit) / 10) return false;
    v = v * 10 + digit;
    return true;
  };
  for (char ch : keep)
    if (!push(static_cast<unsigned>(ch - '0'))) return std::nullopt;
  for (int64_t i = 0; shift > 0 && i < shift; ++i)
    if (!push(0)) return std::nullopt;
  if (round_up) {
    if (v == kMax) return std::nullopt;
    ++v;
  }
  int64_t out = static_cast<int64_t>(v);
  return d->negative ? -out : out;
}

std::optional<double> parse_decimal_double(std::string_view text) {
  if (!split_decimal(text)) return std::nullopt;  // no inf, nan, hex, '+' or spaces
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.size() < 2 || text.back() != 's') return std::nullopt;
  std::string_view num = text.substr(0, text.size() - 1);
  size_t dot = num.find('.');
  std::string_view whole = num.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : num.substr(dot + 1);
  if (!all_digits(whole) || whole.size() > 12) return std::nullopt;
  if (dot != std::string_view::npos && (!all_digits(frac) || frac.size() > 9)) return std::nullopt;
  int64_t seconds = *parse_int64_text(whole);
  int64_t nanos = 0;
  for (size_t i = 0; i < 9; ++i) nanos = nanos * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  return std::chrono::milliseconds(seconds * 1000 + (nanos + 999'999) / 1'000'000);
}

bool is_iso4217(std::string_view code) {
  return std::binary_search(std::begin(kIso4217), std::end(kIso4217), code);
}

bool is_iana_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (!((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z'))) return false;
  if (name.back() == '/' || name.find("//") != std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-' || ch == '+' || ch == '/';
  });
}

bool is_iso_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  if (!all_digits(t.substr(0, 4)) || !all_digits(t.substr(5, 2)) || !all_digits(t.substr(8, 2)))
    return false;
  int y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
  unsigned m = static_cast<unsigned>((t[5] - '0') * 10 + (t[6] - '0'));
  unsigned d = static_cast<unsigned>((t[8] - '0') * 10 + (t[9] - '0'));
  return date::year_month_day{date::year{y}, date::month{m}, date::day{d}}.ok();
}

// --- OAuth ---------------------------------------------------------------------------------

Token parse_token(std::string_view body) {
  Ctx c{"token reply", ""};
  json::value doc = parse_json(body, c.what, c.request_id);
  const json::object& o = need_object(doc, c, "");
  Token t;
  t.access_token = need_string(o, "access_token", c, "");
  if (t.access_token.empty()) fail(c, "access_token", "empty");
  if (member(o, "expires_in")) {
    t.expires_in_s = int64_member(o, "expires_in", c, "", std::nullopt);
    if (t.expires_in_s <= 0) fail(c, "expires_in", "not positive");
  }
  if (auto type = string_member(o, "token_type", c, ""); type) {
    std::string lower = *type;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (lower != "bearer") fail(c, "token_type", "not Bearer: " + quoted(*type));
  }
  return t;
}

std::optional<OAuthError> parse_oauth_error(std::string_view body) {
  auto doc = try_parse(body);
  if (!doc || !doc->is_object()) return std::nullopt;
  const json::object& o = doc->get_object();
  auto* e = o.if_contains("error");
  if (!e || !e->is_string()) return std::nullopt;
  OAuthError out;
  out.error = e->get_string();
  if (auto* d = o.if_contains("error_description"); d && d->is_string())
    out.description = d->get_string();
  return out;
}

// --- Google Ads errors ---------------------------------------------------------------------

bool ApiError::has(std::string_view kind, std::string_view code_value) const {
  return std::any_of(errors.begin(), errors.end(), [&](const AdsErrorDetail& d) {
    return d.kind == kind && (code_value.empty() || d.code == code_value);
  });
}

ApiError parse_api_error(int http_status, std::string_view body) {
  auto doc = try_parse(body);
  if (!doc) {
    ApiError e;
    e.http_status = http_status;
    return e;
  }
  if (doc->is_array()) {
    for (const auto& element : doc->get_array()) {
      ApiError e = api_error_from(http_status, element);
      if (e.parsed) return e;
    }
    ApiError e;
    e.http_status = http_status;
    return e;
  }
  return api_error_from(http_status, *doc);
}

// --- Google Ads results --------------------------------------------------------------------

std::vector<std::string> parse_accessible_customers(std::string_view body,
                                                    std::string_view request_id) {
  Ctx c{"listAccessibleCustomers", request_id};
  json::value doc = parse_json(body, c.what, c.request_id);
  const json::object& o = need_object(doc, c, "");
  std::vector<std::string> ids;
  const json::array* names = array_member(o, "resourceNames", c, "");
  if (!names) return ids;
  for (size_t i = 0; i < names->size(); ++i) {
    const json::value& v = (*names)[i];
    std::string path = at("resourceNames", i);
    if (!v.is_string()) fail(c, path, "expected a string, got " + std::string(kind_name(v)));
    std::string_view name = v.get_string();
    constexpr std::string_view kPrefix = "customers/";
    if (name.substr(0, kPrefix.size()) != kPrefix || !all_digits(name.substr(kPrefix.size())))
      fail(c, path, "not a customers/{digits} resource name: " + quoted(name));
    ids.emplace_back(name.substr(kPrefix.size()));
  }
  return ids;
}

Customer parse_customer(std::string_view body, std::string_view expected_id,
                        std::string_view request_id) {
  Ctx c{"customer search", request_id};
  json::value doc = parse_json(body, c.what, c.request_id);
  const json::object& o = need_object(doc, c, "");
  const json::array* results = array_member(o, "results", c, "");
  if (!results || results->empty()) fail(c, "results", "no customer row");
  if (results->size() != 1)
    fail(c, "results", "expected one customer row, got " + std::to_string(results->size()));
  const json::object& row = need_object((*results)[0], c, "results[0]");
  const json::object& cust = need_object_member(row, "customer", c, "results[0]");
  const std::string path = "results[0].customer";
  Customer out;
  out.id = id_member(cust, "id", c, path);
  if (out.id != expected_id)
    fail(c, join(path, "id"), "asked for customer " + std::string(expected_id) + ", got " + out.id);
  // descriptive_name is optional on a customer (unnamed accounts exist): empty then.
  out.name = string_member(cust, "descriptiveName", c, path).value_or("");
  out.currency = need_string(cust, "currencyCode", c, path);
  if (!is_iso4217(out.currency))
    fail(c, join(path, "currencyCode"),
         out.currency.empty() ? "empty" : "unknown ISO 4217 currency " + quoted(out.currency));
  out.time_zone = need_string(cust, "timeZone", c, path);
  if (!is_iana_zone_name(out.time_zone))
    fail(c, join(path, "timeZone"),
         out.time_zone.empty() ? "empty" : "not an IANA time zone name " + quoted(out.time_zone));
  return out;
}

CampaignPage parse_campaign_page(std::string_view body, std::string_view request_id) {
  Ctx c{"campaign search", request_id};
  json::value doc = parse_json(body, c.what, c.request_id);
  const json::object& o = need_object(doc, c, "");
  CampaignPage page;
  if (const json::array* results = array_member(o, "results", c, "")) {
    page.campaigns.reserve(results->size());
    for (size_t i = 0; i < results->size(); ++i) {
      std::string rpath = at("results", i);
      const json::object& row = need_object((*results)[i], c, rpath);
      std::string path = join(rpath, "campaign");
      const json::object& camp = need_object_member(row, "campaign", c, rpath);
      Campaign out;
      out.id = id_member(camp, "id", c, path);
      out.name = need_string(camp, "name", c, path);
      out.status = need_string(camp, "status", c, path);
      if (out.status.empty()) fail(c, join(path, "status"), "empty");
      out.channel_type = string_member(camp, "advertisingChannelType", c, path);
      page.campaigns.push_back(std::move(out));
    }
  }
  page.next_page_token = string_member(o, "nextPageToken", c, "").value_or("");
  return page;
}

DailyReport parse_daily_stream(std::string_view body, std::string_view from, std::string_view to,
                               std::string_view request_id) {
  DailyReport report;
  report.request_id = std::string(request_id);
  Ctx c{"searchStream", report.request_id};
  json::value doc = parse_json(body, c.what, c.request_id);
  if (!doc.is_array()) {
    ApiError e = api_error_from(200, doc);
    if (e.parsed) {
      report.error = std::move(e);
      return report;
    }
    fail(c, "", "expected a JSON array of batches, got " + std::string(kind_name(doc)));
  }
  const json::array& batches = doc.get_array();
  // An error after some batches ends the array (notes 4.3): the whole answer is then an error.
  for (const auto& b : batches) {
    ApiError e = api_error_from(200, b);
    if (e.parsed) {
      if (e.request_id.empty()) e.request_id = report.request_id;
      report.error = std::move(e);
      return report;
    }
  }
  for (const auto& b : batches) {
    if (auto* bo = b.if_object())
      if (auto* rid = bo->if_contains("requestId"); rid && rid->is_string()) {
        report.request_id = rid->get_string();
        break;
      }
  }
  c.request_id = report.request_id;

  std::set<std::pair<std::string, std::string>> seen;
  for (size_t bi = 0; bi < batches.size(); ++bi) {
    std::string bpath = at("", bi);
    const json::object& batch = need_object(batches[bi], c, bpath);
    const json::array* results = array_member(batch, "results", c, bpath);
    if (!results) continue;
    for (size_t ri = 0; ri < results->size(); ++ri) {
      std::string rpath = at(join(bpath, "results"), ri);
      const json::object& row = need_object((*results)[ri], c, rpath);
      DailyRow out;
      out.campaign_id = id_member(need_object_member(row, "campaign", c, rpath), "id", c,
                                  join(rpath, "campaign"));
      std::string spath = join(rpath, "segments");
      out.date = need_string(need_object_member(row, "segments", c, rpath), "date", c, spath);
      if (!is_iso_date(out.date))
        fail(c, join(spath, "date"), "not a YYYY-MM-DD day: " + quoted(out.date));
      if (out.date < from || out.date > to)
        fail(c, join(spath, "date"),
             out.date + " is outside the queried " + std::string(from) + ".." + std::string(to));
      // Zero metrics may be omitted (notes 4.2): a missing metric, or metrics object, is 0.
      if (const json::value* mv = member(row, "metrics")) {
        std::string mpath = join(rpath, "metrics");
        const json::object& m = need_object(*mv, c, mpath);
        out.cost_micros = int64_member(m, "costMicros", c, mpath, 0);
        if (out.cost_micros < 0)
          fail(c, join(mpath, "costMicros"), "negative spend " + std::to_string(out.cost_micros));
        out.impressions = int64_member(m, "impressions", c, mpath, 0);
        if (out.impressions < 0) fail(c, join(mpath, "impressions"), "negative");
        out.clicks = int64_member(m, "clicks", c, mpath, 0);
        if (out.clicks < 0) fail(c, join(mpath, "clicks"), "negative");
        out.conversions = double_member(m, "conversions", c, mpath);
        if (!(out.conversions >= 0) || out.conversions > 1e15)
          fail(c, join(mpath, "conversions"), "negative or out of range");
        out.conversions_value_micros = money_member(m, "conversionsValue", c, mpath);
        if (out.conversions_value_micros < 0)
          fail(c, join(mpath, "conversionsValue"), "negative value");
      }
      if (!seen.emplace(out.campaign_id, out.date).second)
        fail(c, rpath, "campaign " + out.campaign_id + " on " + out.date + " appears twice");
      report.rows.push_back(std::move(out));
    }
  }
  return report;
}

}  // namespace connhost::google
