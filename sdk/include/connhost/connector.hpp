// connhost C++ connector helper: header-only, over the C ABI in connhost/abi.h.
//
// A connector is one class and one macro:
//
//   class Acme {
//    public:
//     static constexpr connhost::PluginInfo info{"acme", "Acme Ads", "0.1.0", "acme"};
//     static constexpr unsigned capabilities = connhost::kReporting;
//     static constexpr unsigned flags = connhost::kUnloadSafe;  // optional (ABI 1.3)
//     static constexpr ch_config_field config[] = {
//         connhost::setting("base_url", CH_CONFIG_STRING, "Where the API lives",
//         "https://api.acme.test"), connhost::secret_setting("api_key", "Acme API key")};
//     static constexpr ch_stream_def streams[] = {...};
//     Acme(connhost::Call& call, const connhost::Config& config);
//     void check(connhost::Call& call);
//     void read(connhost::Call& call, const connhost::ReadRequest& request);
//   };
//   CONNHOST_CONNECTOR(Acme)
//
// Operations a declared capability does not implement answer CH_ERROR_NOT_IMPLEMENTED. Any
// exception thrown by the class becomes an error result at the boundary; connhost::Error carries
// a category and a retry-after, anything else is reported as internal.
#pragma once

#include <connhost/abi.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <concepts>
#include <cstdio>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost {

inline constexpr unsigned kReporting = CH_CAP_REPORTING;
inline constexpr unsigned kLogin = CH_CAP_LOGIN;
inline constexpr unsigned kMessaging = CH_CAP_MESSAGING;
inline constexpr unsigned kProfile = CH_CAP_PROFILE;
// Descriptor flags (`static constexpr unsigned flags = connhost::kUnloadSafe;`, ABI 1.3).
inline constexpr unsigned kUnloadSafe = CH_PLUGIN_UNLOAD_SAFE;

constexpr ch_str to_ch(std::string_view s) noexcept {
  return ch_str{s.data(), s.size()};
}
inline std::string_view to_sv(ch_str s) noexcept {
  return s.data ? std::string_view(s.data, s.size) : std::string_view{};
}

enum class ErrorCategory : int32_t {
  transient = CH_ERROR_TRANSIENT,
  quota = CH_ERROR_QUOTA,
  auth = CH_ERROR_AUTH,
  config = CH_ERROR_CONFIG,
  data = CH_ERROR_DATA,
  internal = CH_ERROR_INTERNAL,
  not_implemented = CH_ERROR_NOT_IMPLEMENTED,
};

// The exception a connector throws to fail a call with a category (and a retry-after).
class Error : public std::runtime_error {
 public:
  Error(ErrorCategory category, std::string message,
        std::optional<std::chrono::milliseconds> retry_after = std::nullopt)
      : std::runtime_error(std::move(message)), category_(category), retry_after_(retry_after) {}

  ErrorCategory category() const noexcept { return category_; }
  std::optional<std::chrono::milliseconds> retry_after() const noexcept { return retry_after_; }

  static Error transient(std::string m) { return {ErrorCategory::transient, std::move(m)}; }
  static Error quota(std::string m, std::optional<std::chrono::milliseconds> retry = {}) {
    return {ErrorCategory::quota, std::move(m), retry};
  }
  static Error auth(std::string m) { return {ErrorCategory::auth, std::move(m)}; }
  static Error config(std::string m) { return {ErrorCategory::config, std::move(m)}; }
  static Error data(std::string m) { return {ErrorCategory::data, std::move(m)}; }

 private:
  ErrorCategory category_;
  std::optional<std::chrono::milliseconds> retry_after_;
};

struct PluginInfo {
  std::string_view id;
  std::string_view display_name;
  std::string_view version;
  std::string_view platform;
};

// Schema entries, usable in a static constexpr array.
constexpr ch_config_field setting(std::string_view key, ch_config_type type, std::string_view doc,
                                  std::optional<std::string_view> default_value = std::nullopt,
                                  unsigned flags = 0) {
  return ch_config_field{to_ch(key), static_cast<int32_t>(type), flags,
                         default_value ? to_ch(*default_value) : ch_str{nullptr, 0}, to_ch(doc)};
}
constexpr ch_config_field required_setting(std::string_view key, ch_config_type type,
                                           std::string_view doc) {
  return setting(key, type, doc, std::nullopt, CH_CONFIG_REQUIRED);
}
constexpr ch_config_field secret_setting(std::string_view key, std::string_view doc,
                                         bool required = true) {
  return setting(key, CH_CONFIG_STRING, doc, std::nullopt,
                 CH_CONFIG_SECRET | (required ? CH_CONFIG_REQUIRED : 0u));
}

constexpr ch_column_def column(std::string_view name, ch_column_type type, unsigned flags = 0,
                               std::string_view doc = {}) {
  return ch_column_def{to_ch(name), static_cast<int32_t>(type), flags, to_ch(doc)};
}

template <std::size_t N>
constexpr ch_stream_def stream(std::string_view name, const ch_column_def (&columns)[N],
                               std::string_view doc = {}) {
  return ch_stream_def{sizeof(ch_stream_def), to_ch(name), columns, N, to_ch(doc)};
}

// A connection's validated, non-secret settings.
class Config {
 public:
  explicit Config(const ch_config* c) : c_(c) {}

  std::optional<std::string_view> get(std::string_view key) const {
    if (!c_) return std::nullopt;
    for (size_t i = 0; i < c_->count; ++i)
      if (to_sv(c_->entries[i].key) == key) return to_sv(c_->entries[i].value);
    return std::nullopt;
  }
  std::string get_string(std::string_view key, std::string_view fallback = {}) const {
    return std::string(get(key).value_or(fallback));
  }
  int64_t get_int(std::string_view key, int64_t fallback = 0) const {
    auto v = get(key);
    if (!v) return fallback;
    int64_t out = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc{} || p != v->data() + v->size())
      throw Error::config("setting '" + std::string(key) + "' is not an integer");
    return out;
  }
  bool get_bool(std::string_view key, bool fallback = false) const {
    auto v = get(key);
    return v ? *v == "true" : fallback;
  }
  std::vector<std::string> get_list(std::string_view key) const {
    std::vector<std::string> out;
    auto v = get(key);
    if (!v || v->empty()) return out;
    size_t start = 0;
    while (true) {
      size_t nl = v->find('\n', start);
      out.emplace_back(v->substr(start, nl == std::string_view::npos ? nl : nl - start));
      if (nl == std::string_view::npos) break;
      start = nl + 1;
    }
    return out;
  }

 private:
  const ch_config* c_;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{0};
};

// A view of the host's response: valid until the next http() on the same call or the end of it.
struct HttpResponse {
  int status = 0;
  std::span<const ch_header> headers;
  std::string_view body;

  std::optional<std::string_view> header(std::string_view name) const {
    for (const auto& h : headers) {
      auto n = to_sv(h.name);
      if (n.size() == name.size() &&
          std::equal(n.begin(), n.end(), name.begin(),
                     [](char a, char b) { return (a | 0x20) == (b | 0x20); }))
        return to_sv(h.value);
    }
    return std::nullopt;
  }
};

struct ReadRequest {
  std::string_view stream;
  std::string_view window_start;
  std::string_view window_end;
  std::string_view state;
  std::string_view account;
};

namespace detail {
// The services table the host handed this library at entry.
inline const ch_host_services*& services() {
  static const ch_host_services* s = nullptr;
  return s;
}
[[noreturn]] inline void throw_from(const ch_error& e) {
  throw Error(static_cast<ErrorCategory>(e.category), e.message,
              e.retry_after_ms >= 0 ? std::optional(std::chrono::milliseconds(e.retry_after_ms))
                                    : std::nullopt);
}
inline ch_error blank_error() {
  ch_error e{};
  e.struct_size = sizeof(ch_error);
  e.retry_after_ms = -1;
  return e;
}
}  // namespace detail

// One invocation: the connector's way to the host's services.
class Call {
 public:
  explicit Call(ch_call* call) : call_(call), host_(detail::services()) {}

  void log(ch_log_level level, std::string_view message) const {
    host_->log(call_, level, to_ch(message));
  }
  void info(std::string_view m) const { log(CH_LOG_INFO, m); }
  void warn(std::string_view m) const { log(CH_LOG_WARN, m); }

  int64_t now_ms() const { return host_->now_ms(call_); }

  HttpResponse http(const HttpRequest& r) {
    std::vector<ch_header> headers;
    headers.reserve(r.headers.size());
    for (const auto& [n, v] : r.headers) headers.push_back({to_ch(n), to_ch(v)});
    ch_http_request req{sizeof(ch_http_request), to_ch(r.method), to_ch(r.url),     headers.data(),
                        headers.size(),          to_ch(r.body),   r.timeout.count()};
    ch_http_response resp{};
    resp.struct_size = sizeof(resp);
    check(host_->http_request(call_, &req, &resp, &err_));
    return HttpResponse{resp.status, std::span<const ch_header>(resp.headers, resp.header_count),
                        to_sv(resp.body)};
  }

  std::string secret(std::string_view key) {
    ch_str v{};
    check(host_->secret(call_, to_ch(key), &v, &err_));
    return std::string(to_sv(v));
  }

  // Row appender: call.row("campaign_daily").str(0, id).i64(1, n).end();
  class Row {
   public:
    Row(Call& c, std::string_view stream) : c_(c) {
      c_.check(c_.host_->row_begin(c_.call_, to_ch(stream), &c_.err_));
    }
    Row& null(uint32_t col) { return done(c_.host_->row_set_null(c_.call_, col, &c_.err_)); }
    Row& i64(uint32_t col, int64_t v) {
      return done(c_.host_->row_set_int64(c_.call_, col, v, &c_.err_));
    }
    Row& f64(uint32_t col, double v) {
      return done(c_.host_->row_set_double(c_.call_, col, v, &c_.err_));
    }
    Row& str(uint32_t col, std::string_view v) {
      return done(c_.host_->row_set_string(c_.call_, col, to_ch(v), &c_.err_));
    }
    void end() { c_.check(c_.host_->row_end(c_.call_, &c_.err_)); }

   private:
    Row& done(ch_status s) {
      c_.check(s);
      return *this;
    }
    Call& c_;
  };
  Row row(std::string_view stream) { return Row(*this, stream); }

  void checkpoint(std::string_view state) { check(host_->checkpoint(call_, to_ch(state), &err_)); }

  // One structured result record (tokens, user, message, profile).
  void output(std::string_view kind,
              std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
    check(host_->output_begin(call_, to_ch(kind), &err_));
    for (const auto& [k, v] : fields) check(host_->output_set(call_, to_ch(k), to_ch(v), &err_));
    check(host_->output_end(call_, &err_));
  }
  // The same with fields known only at run time (a message's extras).
  void output_fields(std::string_view kind,
                     const std::vector<std::pair<std::string, std::string>>& fields) {
    check(host_->output_begin(call_, to_ch(kind), &err_));
    for (const auto& [k, v] : fields) check(host_->output_set(call_, to_ch(k), to_ch(v), &err_));
    check(host_->output_end(call_, &err_));
  }

 private:
  void check(ch_status s) {
    if (s != CH_OK) detail::throw_from(err_);
  }
  ch_call* call_;
  const ch_host_services* host_;
  ch_error err_ = detail::blank_error();
};

namespace detail {

inline void fill(ch_error* err, int32_t category, std::string_view message, int64_t retry_ms) {
  if (!err) return;
  err->category = category;
  err->retry_after_ms = retry_ms;
  size_t n = std::min(message.size(), sizeof(err->message) - 1);
  std::memcpy(err->message, message.data(), n);
  err->message[n] = '\0';
}

// Runs f, turning every exception into an error result: nothing C++ crosses the ABI.
template <class F>
ch_status guard(ch_error* err, F&& f) noexcept {
  try {
    f();
    return CH_OK;
  } catch (const Error& e) {
    fill(err, static_cast<int32_t>(e.category()), e.what(),
         e.retry_after() ? e.retry_after()->count() : -1);
  } catch (const std::exception& e) {
    fill(err, CH_ERROR_INTERNAL, e.what(), -1);
  } catch (...) {
    fill(err, CH_ERROR_INTERNAL, "unknown exception", -1);
  }
  return CH_FAILED;
}

inline ch_status not_implemented(ch_error* err, std::string_view what) {
  fill(err, CH_ERROR_NOT_IMPLEMENTED, std::string(what) + " is not implemented yet", -1);
  return CH_FAILED;
}

template <class C>
C& self(ch_instance* i) {
  return *reinterpret_cast<C*>(i);
}

template <class C, class Req, class M>
ch_status dispatch(ch_instance* i, ch_call* c, const Req* r, ch_error* err, M method,
                   std::string_view name) {
  if constexpr (std::is_same_v<M, std::nullptr_t>) {
    (void)i, (void)c, (void)r, (void)method;
    return not_implemented(err, name);
  } else {
    return guard(err, [&] {
      Call call(c);
      (self<C>(i).*method)(call, *r);
    });
  }
}

// Capability detection: a class offers an operation by declaring the member function.
template <class C>
concept HasCheck = requires(C& c, Call& k) {
  c.check(k);
};
template <class C>
concept HasRead = requires(C& c, Call& k, const ReadRequest& r) {
  c.read(k, r);
};
template <class C>
concept HasStreams = requires {
  C::streams;
};
template <class C>
concept HasAuthorize = requires(C& c, Call& k, const ch_authorize_request& r) {
  c.authorize_url(k, r);
};
template <class C>
concept HasExchange = requires(C& c, Call& k, const ch_token_request& r) {
  c.exchange_code(k, r);
};
template <class C>
concept HasRefresh = requires(C& c, Call& k, const ch_token_request& r) {
  c.refresh(k, r);
};
template <class C>
concept HasRevoke = requires(C& c, Call& k, const ch_token_request& r) {
  c.revoke(k, r);
};
template <class C>
concept HasUserInfo = requires(C& c, Call& k, const ch_token_request& r) {
  c.user_info(k, r);
};
template <class C>
concept HasHandshake = requires(C& c, Call& k, const ch_webhook_request& r) {
  c.handshake(k, r);
};
template <class C>
concept HasVerify = requires(C& c, Call& k, const ch_webhook_request& r) {
  c.verify(k, r);
};
template <class C>
concept HasParse = requires(C& c, Call& k, const ch_webhook_request& r) {
  c.parse_events(k, r);
};
template <class C>
concept HasSend = requires(C& c, Call& k, const ch_send_request& r) {
  c.send(k, r);
};
template <class C>
concept HasMediaUrl = requires(C& c, Call& k, const ch_media_request& r) {
  c.media_url(k, r);
};
template <class C>
concept HasFetch = requires(C& c, Call& k, const ch_profile_request& r) {
  c.fetch(k, r);
};
// ABI 1.2: `std::vector<std::string> required_scopes(Call&)`, the scopes a fetch needs on this
// connection. A connector without it leaves the table's pointer NULL: no requirement stated.
template <class C>
concept HasRequiredScopes = requires(C& c, Call& k) {
  { c.required_scopes(k) } -> std::convertible_to<std::vector<std::string>>;
};

template <class C>
struct Export {
  static ch_status create(ch_call* c, const ch_config* cfg, ch_instance** out, ch_error* err) {
    return guard(err, [&] {
      Call call(c);
      Config config(cfg);
      *out = reinterpret_cast<ch_instance*>(new C(call, config));
    });
  }
  static void destroy(ch_instance* i) { delete reinterpret_cast<C*>(i); }
  static ch_status check(ch_instance* i, ch_call* c, ch_error* err) {
    if constexpr (HasCheck<C>)
      return guard(err, [&] {
        Call call(c);
        self<C>(i).check(call);
      });
    else
      return not_implemented(err, "check");
  }

  static ch_status read(ch_instance* i, ch_call* c, const ch_read_request* r, ch_error* err) {
    if constexpr (HasRead<C>)
      return guard(err, [&] {
        Call call(c);
        ReadRequest req{to_sv(r->stream), to_sv(r->window_start), to_sv(r->window_end),
                        to_sv(r->state), to_sv(r->account)};
        self<C>(i).read(call, req);
      });
    else
      return not_implemented(err, "reporting read");
  }

#define CONNHOST_DETAIL_OP(fn, Req, concept_, name)                              \
  static ch_status fn(ch_instance* i, ch_call* c, const Req* r, ch_error* err) { \
    if constexpr (concept_<C>)                                                   \
      return dispatch<C>(i, c, r, err, &C::fn, name);                            \
    else                                                                         \
      return dispatch<C>(i, c, r, err, nullptr, name);                           \
  }
  CONNHOST_DETAIL_OP(authorize_url, ch_authorize_request, HasAuthorize, "login authorize_url")
  CONNHOST_DETAIL_OP(exchange_code, ch_token_request, HasExchange, "login exchange_code")
  CONNHOST_DETAIL_OP(refresh, ch_token_request, HasRefresh, "login refresh")
  CONNHOST_DETAIL_OP(revoke, ch_token_request, HasRevoke, "login revoke")
  CONNHOST_DETAIL_OP(user_info, ch_token_request, HasUserInfo, "login user_info")
  CONNHOST_DETAIL_OP(handshake, ch_webhook_request, HasHandshake, "messaging handshake")
  CONNHOST_DETAIL_OP(verify, ch_webhook_request, HasVerify, "messaging verify")
  CONNHOST_DETAIL_OP(parse_events, ch_webhook_request, HasParse, "messaging parse_events")
  CONNHOST_DETAIL_OP(send, ch_send_request, HasSend, "messaging send")
  CONNHOST_DETAIL_OP(media_url, ch_media_request, HasMediaUrl, "messaging media_url")
  CONNHOST_DETAIL_OP(fetch, ch_profile_request, HasFetch, "profile fetch")
#undef CONNHOST_DETAIL_OP

  // One "scopes" record, the names newline-joined (abi.h, "Capability: profile").
  static ch_status required_scopes(ch_instance* i, ch_call* c, ch_error* err) {
    if constexpr (HasRequiredScopes<C>) {
      return guard(err, [&] {
        Call call(c);
        std::string joined;
        for (const auto& s : self<C>(i).required_scopes(call)) {
          if (!joined.empty()) joined += '\n';
          joined += s;
        }
        call.output("scopes", {{"scopes", joined}});
      });
    } else {
      (void)i, (void)c;
      return not_implemented(err, "profile required_scopes");
    }
  }

  // `static constexpr ch_capability_note unavailable[]` on the connector: capabilities it cannot
  // offer, with why.
  static const ch_capability_note* unavailable_notes() {
    if constexpr (requires { C::unavailable; }) return C::unavailable;
    return nullptr;
  }
  static size_t unavailable_count() {
    if constexpr (requires { C::unavailable; }) return std::size(C::unavailable);
    return 0;
  }

  // `static constexpr unsigned flags` on the connector: CH_PLUGIN_* bits, e.g. kUnloadSafe.
  static constexpr uint32_t descriptor_flags() {
    if constexpr (requires { C::flags; }) return static_cast<uint32_t>(C::flags);
    return 0;
  }

  static const ch_plugin_descriptor* entry(const ch_host_services* host, ch_error* err) {
    // The host compares ABI versions itself and names both in its refusal; the plugin only needs
    // the table to exist.
    if (!host) {
      fill(err, CH_ERROR_INTERNAL, "no host services table", -1);
      return nullptr;
    }
    services() = host;
    static const ch_reporting_v1 reporting = [] {
      ch_reporting_v1 t{sizeof(ch_reporting_v1), nullptr, 0, &Export::read};
      if constexpr (HasStreams<C>) {
        t.streams = C::streams;
        t.stream_count = std::size(C::streams);
      }
      return t;
    }();
    static const ch_login_v1 login{
        sizeof(ch_login_v1), &authorize_url, &exchange_code, &refresh, &revoke, &user_info};
    static const ch_messaging_v1 messaging{sizeof(ch_messaging_v1), &handshake, &verify,
                                           &parse_events,           &send,      &media_url};
    static const ch_profile_v1 profile{sizeof(ch_profile_v1), &fetch,
                                       HasRequiredScopes<C> ? &required_scopes : nullptr};
    static const ch_plugin_descriptor d{
        sizeof(ch_plugin_descriptor),
        CONNHOST_ABI_MAJOR,
        CONNHOST_ABI_MINOR,
        to_ch(C::info.id),
        to_ch(C::info.display_name),
        to_ch(C::info.version),
        to_ch(C::info.platform),
        C::config,
        std::size(C::config),
        &create,
        &destroy,
        &check,
        (C::capabilities & kReporting) ? &reporting : nullptr,
        (C::capabilities & kLogin) ? &login : nullptr,
        (C::capabilities & kMessaging) ? &messaging : nullptr,
        (C::capabilities & kProfile) ? &profile : nullptr,
        unavailable_notes(),
        unavailable_count(),
        descriptor_flags(),
    };
    return &d;
  }
};

}  // namespace detail
}  // namespace connhost

// Exports the connector class as this library's plugin entry point.
#define CONNHOST_CONNECTOR(Class)                                               \
  extern "C" CONNHOST_EXPORT const ch_plugin_descriptor* connhost_plugin_entry( \
      const ch_host_services* host, ch_error* err) {                            \
    return ::connhost::detail::Export<Class>::entry(host, err);                 \
  }
