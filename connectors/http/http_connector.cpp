// The declarative HTTP connector (issue #9): one plugin, "http", that turns a manifest TOML file
// describing an ad platform's REST API into the standard ad-reporting streams
// (connhost/ad_reporting.hpp). docs/http-connector.md is the manifest reference;
// config/connectors/pinterest.toml is a complete example.
//
// Per stream:
//   accounts        the manifest's accounts listing, or, when the connection names account_ids,
//                   one request per id (one_path) or constants only; checkpoint "" at the end.
//   campaigns       the listing per account, a campaign seen twice while paging kept once.
//   campaign_daily  per account, the window in chunks of max_days, each chunk in batches of the
//                   account's campaign ids when the API wants them; the ad-reporting state after
//                   each completed chunk, so an interrupted read resumes after it.
#include <connhost/ad_reporting.hpp>
#include <connhost/connector.hpp>

#include <date/date.h>

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <variant>

#include "http_manifest.hpp"
#include "http_values.hpp"

namespace {

namespace ar = connhost::ad_reporting;
namespace json = boost::json;
using connhost::Error;
using namespace connhost::http_connector;

// A page count no real listing reaches: stops a pager that never says it is done.
constexpr int64_t kMaxPages = 100'000;

using Day = date::sys_days;
using Cell = std::variant<std::monostate, int64_t, double, std::string>;
using Row = std::vector<Cell>;
using Vars = std::map<std::string, std::string>;

std::optional<Day> parse_day(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
  auto num = [&](size_t p, size_t n) {
    int v = 0;
    for (size_t i = p; i < p + n; ++i) v = v * 10 + (t[i] - '0');
    return v;
  };
  date::year_month_day ymd{date::year{num(0, 4)}, date::month{static_cast<unsigned>(num(5, 2))},
                           date::day{static_cast<unsigned>(num(8, 2))}};
  if (!ymd.ok()) return std::nullopt;
  return Day{ymd};
}

std::string format_day(Day d) {
  date::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

template <size_t N>
std::string_view column_name(const ch_column_def (&cols)[N], uint32_t i) {
  return connhost::to_sv(cols[i].name);
}

const ch_stream_def& stream_def(std::string_view name) {
  for (const auto& s : ar::kStreams)
    if (connhost::to_sv(s.name) == name) return s;
  throw Error::config("stream '" + std::string(name) + "' is not one of this connector's");
}

// scheme://host[:port] of an absolute URL.
std::string origin_of(std::string_view url) {
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) return {};
  std::string o = std::string(u->scheme()) + "://" + std::string(u->encoded_host_and_port());
  return o;
}

class HttpConnector {
 public:
  static constexpr connhost::PluginInfo info{"http", "HTTP (declarative manifest)", "0.1.0",
                                             "http"};
  static constexpr unsigned capabilities = connhost::kReporting;

  static constexpr ch_config_field config[] = {
      connhost::required_setting(
          "manifest", CH_CONFIG_STRING,
          "Path of the manifest TOML (docs/http-connector.md); relative to the current directory"),
      connhost::setting("base_url", CH_CONFIG_STRING,
                        "Overrides the manifest's base_url (the sandbox's in tests)"),
      connhost::setting("account_ids", CH_CONFIG_STRING_LIST,
                        "Accounts to read; empty: every account the accounts endpoint lists"),
      connhost::setting("rate_limit_qps", CH_CONFIG_DOUBLE,
                        "Requests per second for this connection (the host's limiter); unset: "
                        "the manifest's [rate_limit] qps, paced by the plugin"),
      connhost::secret_setting("token", "Bearer or API token, when the manifest's auth uses it",
                               false),
      connhost::secret_setting("api_key", "API key, when the manifest's auth uses it", false),
  };

  static constexpr const ch_stream_def (&streams)[3] = ar::kStreams;

  HttpConnector(connhost::Call&, const connhost::Config& config)
      : manifest_(load_manifest(config.get_string("manifest"))) {
    base_url_ = trim(config.get_string("base_url"));
    if (base_url_.empty()) base_url_ = manifest_.base_url;
    while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
    if (base_url_.empty())
      throw Error::config("no base_url: set it in the manifest " + manifest_.file.string() +
                          " or on the connection");
    auto u = boost::urls::parse_absolute_uri(base_url_);
    if (!u || (u->scheme() != "http" && u->scheme() != "https") || u->has_query() ||
        u->has_fragment())
      throw Error::config("base_url '" + base_url_ +
                          "' is not an absolute http(s) URL without query or fragment");
    origin_ = origin_of(base_url_);
    for (const auto& item : config.get_list("account_ids")) {
      auto id = trim(item);
      if (!id.empty() &&
          std::find(account_ids_.begin(), account_ids_.end(), id) == account_ids_.end())
        account_ids_.push_back(id);
    }
    // The host paces a connection that sets rate_limit_qps; otherwise the manifest's rate.
    if (!config.get("rate_limit_qps")) interval_ = manifest_.qps > 0 ? 1.0 / manifest_.qps : 0;
  }

  void check(connhost::Call& call) {
    Session s(*this, call);
    auto accounts = s.accounts({});
    if (accounts.empty()) throw Error::config("the credentials reach no account: nothing to read");
    call.info(std::to_string(accounts.size()) + " account(s) readable through " +
              manifest_.file.filename().string());
  }

  void read(connhost::Call& call, const connhost::ReadRequest& request) {
    Session s(*this, call);
    if (request.stream == "accounts") return s.read_accounts(request);
    if (request.stream == "campaigns") return s.read_campaigns(request);
    if (request.stream == "campaign_daily") return s.read_daily(request);
    throw Error::config("stream '" + std::string(request.stream) +
                        "' is not one of this "
                        "connector's (accounts, campaigns, campaign_daily)");
  }

 private:
  // Waits for the manifest's request rate, shared by every call of the instance.
  void pace() const {
    if (interval_ <= 0) return;
    std::chrono::steady_clock::time_point at;
    {
      std::lock_guard lock(pace_mutex_);
      auto now = std::chrono::steady_clock::now();
      at = std::max(now, next_slot_);
      next_slot_ = at + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(interval_));
    }
    std::this_thread::sleep_until(at);
  }

  class Session {
   public:
    Session(const HttpConnector& c, connhost::Call& call) : c_(c), m_(c.manifest_), call_(call) {}

    // --- accounts --------------------------------------------------------------------------

    std::vector<Row> accounts(std::string_view only) {
      const Stream& s = m_.accounts;
      std::vector<Row> out;
      if (!c_.account_ids_.empty()) {
        std::vector<std::string> ids = c_.account_ids_;
        if (!only.empty()) {
          require_configured(only);
          ids = {std::string(only)};
        }
        for (const auto& id : ids) {
          if (s.one_path.empty()) {
            out.push_back(constant_account(id));
            continue;
          }
          std::string what = "accounts " + expand(s.one_path, {{"account_id", id}}, false);
          json::value body = get(what, url(s.one_path, {}, {{"account_id", id}}));
          const json::value* rec = find_path(body, s.one_record);
          if (!rec || !rec->is_object())
            throw Error::data(what + ": no account object at '" + s.one_record + "'");
          Row r = make_row("accounts", s, *rec, 0, s.one_record, id, nullptr);
          out.push_back(std::move(r));
        }
        return out;
      }
      std::set<std::string> seen;
      each_record("accounts", s, {}, [&](const json::value& rec, size_t i, std::string_view at) {
        Row r = make_row("accounts", s, rec, i, at, {}, nullptr);
        auto id = std::get<std::string>(r[ar::kAccountId]);
        if (!only.empty() && id != only) return;
        if (seen.insert(id).second) out.push_back(std::move(r));
      });
      if (!only.empty() && out.empty())
        throw Error::config("account " + std::string(only) +
                            " is not in the accounts listing: it does not exist or these "
                            "credentials may not read it");
      return out;
    }

    void read_accounts(const connhost::ReadRequest& request) {
      for (const auto& r : accounts(request.account)) emit("accounts", r);
      call_.checkpoint("");
    }

    // --- campaigns -------------------------------------------------------------------------

    void read_campaigns(const connhost::ReadRequest& request) {
      for (const auto& account : account_list(request.account)) {
        std::set<std::string> seen;
        const Row* acc = needs_account(m_.campaigns) ? &account_row(account) : nullptr;
        each_record("campaigns", m_.campaigns, window_vars(request, account),
                    [&](const json::value& rec, size_t i, std::string_view at) {
                      Row r = make_row("campaigns", m_.campaigns, rec, i, at, account, acc);
                      // A campaign edited while we page can move to a later page: keep one.
                      if (seen.insert(std::get<std::string>(r[ar::kCampaignId])).second)
                        emit("campaigns", r);
                    });
        call_.info("account " + account + ": " + std::to_string(seen.size()) + " campaigns");
      }
      call_.checkpoint("");
    }

    // --- campaign_daily --------------------------------------------------------------------

    void read_daily(const connhost::ReadRequest& request) {
      if (request.account.empty())
        throw Error::config("campaign_daily is read one account at a time: name the account");
      auto ws = parse_day(request.window_start), we = parse_day(request.window_end);
      if (!ws || !we || *ws > *we)
        throw Error::config("the window must be two YYYY-MM-DD days in order, got '" +
                            std::string(request.window_start) + "'..'" +
                            std::string(request.window_end) + "'");
      const std::string account(request.account);
      require_configured(account);
      const std::string from_s = format_day(*ws), to_s = format_day(*we);
      Day first = *ws;
      if (auto last = ar::daily_state_last_day(request.state, from_s, to_s))
        first = *parse_day(*last) + date::days{1};
      else if (!request.state.empty())
        call_.info("state '" + std::string(request.state) +
                   "' is not this window's; reading the window from its start");
      if (first > *we) {
        call_.info("account " + account + ": window already complete");
        return;
      }
      const Stream& s = m_.daily;
      const Row* acc = needs_account(s) ? &account_row(account) : nullptr;
      std::vector<std::vector<std::string>> batches{{}};
      if (s.campaign_ids_from_campaigns) {
        batches.clear();
        auto ids = campaign_ids(request, account);
        for (size_t i = 0; i < ids.size(); i += static_cast<size_t>(s.batch_size))
          batches.emplace_back(ids.begin() + i,
                               ids.begin() + std::min(ids.size(), i + s.batch_size));
        if (batches.empty()) {
          call_.info("account " + account + ": no campaigns, so no daily rows");
          call_.checkpoint(ar::daily_state(from_s, to_s, to_s));
          return;
        }
      }
      for (Day chunk_first = first; chunk_first <= *we;) {
        Day chunk_last =
            s.max_days > 0 ? std::min(*we, chunk_first + date::days{s.max_days - 1}) : *we;
        const std::string cf = format_day(chunk_first), cl = format_day(chunk_last);
        std::set<std::pair<std::string, std::string>> seen;  // (date, campaign) in the chunk
        size_t rows = 0;
        for (const auto& batch : batches) {
          Vars vars{{"account_id", account}, {"start_date", cf}, {"end_date", cl}};
          std::string joined;
          for (const auto& id : batch) joined += (joined.empty() ? "" : ",") + id;
          if (s.campaign_ids_from_campaigns) vars["campaign_ids"] = joined;
          each_record(
              "campaign_daily", s, vars,
              [&](const json::value& rec, size_t i, std::string_view at) {
                Row r = make_row("campaign_daily", s, rec, i, at, account, acc);
                const auto& d = std::get<std::string>(r[ar::kDailyDate]);
                const auto& c = std::get<std::string>(r[ar::kDailyCampaignId]);
                std::string where = "campaign_daily record " + std::to_string(i) +
                                    (at.empty() ? "" : " at '" + std::string(at) + "'");
                if (d < cf || d > cl)
                  throw Error::data(where + ": day " + d + " is outside the requested " + cf +
                                    ".." + cl);
                if (!seen.emplace(d, c).second)
                  throw Error::data(where + ": campaign " + c + " on " + d + " appears twice");
                emit("campaign_daily", r);
                ++rows;
              });
        }
        call_.checkpoint(ar::daily_state(from_s, to_s, cl));
        call_.info("account " + account + " " + cf + ".." + cl + ": " + std::to_string(rows) +
                   " rows");
        chunk_first = chunk_last + date::days{1};
      }
    }

   private:
    void require_configured(std::string_view account) const {
      const auto& ids = c_.account_ids_;
      if (!ids.empty() && std::find(ids.begin(), ids.end(), account) == ids.end())
        throw Error::config("account " + std::string(account) +
                            " is not in the account_ids setting");
    }

    std::vector<std::string> account_list(std::string_view only) {
      if (!only.empty()) {
        require_configured(only);
        return {std::string(only)};
      }
      std::vector<std::string> out;
      for (const auto& r : accounts({})) out.push_back(std::get<std::string>(r[ar::kAccountId]));
      return out;
    }

    static bool needs_account(const Stream& s) {
      return std::any_of(s.fields.begin(), s.fields.end(),
                         [](const auto& f) { return !f.second.account_field.empty(); });
    }

    const Row& account_row(const std::string& id) {
      auto it = account_cache_.find(id);
      if (it == account_cache_.end()) it = account_cache_.emplace(id, accounts(id).front()).first;
      return it->second;
    }

    // An account known only by its id: the manifest's constants fill the rest.
    Row constant_account(const std::string& id) {
      Row r(std::size(ar::kAccountColumns));
      r[ar::kAccountId] = id;
      for (const auto& [col, f] : m_.accounts.fields) {
        if (col == ar::kAccountId) continue;
        if (f.value) {
          r[col] = convert(ar::kAccountColumns[col], f, json::value(*f.value), "accounts", 0, "");
        } else if (!(ar::kAccountColumns[col].flags & CH_COLUMN_NULLABLE)) {
          throw Error::config("account_ids is set and streams.accounts of " + m_.file.string() +
                              " has no one_path: column " +
                              std::string(column_name(ar::kAccountColumns, col)) +
                              " needs a constant value");
        }
      }
      return r;
    }

    std::vector<std::string> campaign_ids(const connhost::ReadRequest& request,
                                          const std::string& account) {
      std::vector<std::string> ids;
      std::set<std::string> seen;
      const Row* acc = needs_account(m_.campaigns) ? &account_row(account) : nullptr;
      each_record("campaigns", m_.campaigns, window_vars(request, account),
                  [&](const json::value& rec, size_t i, std::string_view at) {
                    Row r = make_row("campaigns", m_.campaigns, rec, i, at, account, acc);
                    auto id = std::get<std::string>(r[ar::kCampaignId]);
                    if (seen.insert(id).second) ids.push_back(std::move(id));
                  });
      return ids;
    }

    static Vars window_vars(const connhost::ReadRequest& request, const std::string& account) {
      return {{"account_id", account},
              {"start_date", std::string(request.window_start)},
              {"end_date", std::string(request.window_end)}};
    }

    // base_url + path, then the query: the manifest's params, the paging ones, the credential.
    std::string url(std::string_view path,
                    const std::vector<std::pair<std::string, std::string>>& params,
                    const Vars& vars,
                    const std::vector<std::pair<std::string, std::string>>& extra = {}) {
      std::string u = c_.base_url_ + expand(path, vars, true);
      std::string q;
      auto add = [&](std::string_view k, std::string_view v) {
        q += (q.empty() ? "" : "&") + encode(k) + "=" + encode(v);
      };
      for (const auto& [k, v] : params) add(k, expand(v, vars, false));
      for (const auto& [k, v] : extra) add(k, v);
      if (!q.empty()) u += (u.find('?') == std::string::npos ? "?" : "&") + q;
      return with_query_auth(u);
    }

    std::string with_query_auth(const std::string& u) {
      if (m_.auth.style != AuthStyle::query) return u;
      auto parsed = boost::urls::parse_uri_reference(u);
      if (!parsed) return u;
      boost::urls::url out(*parsed);
      out.params().set(m_.auth.name, secret());
      return std::string(out.buffer());
    }

    const std::string& secret() {
      if (!secret_) {
        secret_ = call_.secret(m_.auth.secret);
        if (secret_->empty()) throw Error::auth("the " + m_.auth.secret + " secret is empty");
      }
      return *secret_;
    }

    // One GET; the parsed body of a 2xx answer. `what` names the request without its query, so
    // no credential reaches a message.
    json::value get(const std::string& what, const std::string& u) {
      connhost::HttpRequest req;
      req.url = u;
      req.headers.emplace_back("Accept", "application/json");
      for (const auto& h : m_.headers) req.headers.push_back(h);
      if (m_.auth.style == AuthStyle::bearer)
        req.headers.emplace_back("Authorization", "Bearer " + secret());
      else if (m_.auth.style == AuthStyle::header)
        req.headers.emplace_back(m_.auth.name, secret());
      c_.pace();
      auto resp = call_.http(req);
      std::string_view tok = secret_ ? std::string_view(*secret_) : std::string_view{};
      if (resp.status < 200 || resp.status > 299)
        throw error_for(resp.status, resp.body, resp.header("Retry-After"), call_.now_ms(), what,
                        m_.error_message_path, {tok});
      boost::system::error_code ec;
      json::value v = json::parse(resp.body, ec);
      if (ec)
        throw Error::data(what + " answered HTTP " + std::to_string(resp.status) +
                          " with a body that is not JSON: " + ec.message());
      return v;
    }

    // Every record of a stream's listing, page after page, each page requested once.
    void each_record(std::string_view stream, const Stream& s, const Vars& vars,
                     const std::function<void(const json::value&, size_t, std::string_view)>& f) {
      const Pagination& p = s.pagination;
      const std::string what = std::string(stream) + " " + expand(s.path, vars, false);
      std::vector<std::pair<std::string, std::string>> extra;
      auto sized = [&] {
        if (!p.size_param.empty()) extra.emplace_back(p.size_param, std::to_string(p.size));
      };
      sized();
      if (p.style == PageStyle::page) extra.emplace_back(p.param, std::to_string(p.start));
      std::string next = url(s.path, s.params, vars, extra);
      std::set<std::string> cursors;
      size_t index = 0;
      for (int64_t page = 0;; ++page) {
        if (page >= kMaxPages)
          throw Error::data(what + ": more than " + std::to_string(kMaxPages) + " pages");
        json::value body = get(what, next);
        const json::value* recs = find_path(body, s.records);
        if (!recs)
          throw Error::data(what + ": the answer has no '" + s.records + "' (the records path)");
        size_t count = 0;
        if (const auto* arr = recs->if_array()) {
          count = arr->size();
          for (size_t i = 0; i < arr->size(); ++i)
            f((*arr)[i], index++,
              s.records.empty() ? std::to_string(i) : s.records + "." + std::to_string(i));
        } else if (!recs->is_null()) {
          throw Error::data(what + ": '" + s.records + "' is not an array of records");
        }
        switch (p.style) {
          case PageStyle::none:
            return;
          case PageStyle::page: {
            if (count == 0 || static_cast<int64_t>(count) < p.size) return;
            extra.clear();
            sized();
            extra.emplace_back(p.param, std::to_string(p.start + page + 1));
            next = url(s.path, s.params, vars, extra);
            break;
          }
          case PageStyle::cursor: {
            const json::value* c = find_path(body, p.cursor_path);
            auto cursor = c ? text_of(*c) : std::nullopt;
            if (!cursor || cursor->empty()) return;
            if (!cursors.insert(*cursor).second)
              throw Error::data(what + ": the cursor at '" + p.cursor_path +
                                "' repeats a cursor already followed");
            extra.clear();
            sized();
            extra.emplace_back(p.param, *cursor);
            next = url(s.path, s.params, vars, extra);
            break;
          }
          case PageStyle::next_url: {
            const json::value* n = find_path(body, p.next_path);
            auto link = n ? text_of(*n) : std::nullopt;
            if (!link || link->empty()) return;
            next = resolve(what, next, *link);
            if (!cursors.insert(next).second)
              throw Error::data(what + ": the next URL at '" + p.next_path +
                                "' repeats a page already read");
            break;
          }
        }
      }
    }

    // A next-page link, absolute or relative to the page it came from, on the base URL's origin
    // only: the credential goes nowhere else.
    std::string resolve(const std::string& what, const std::string& current,
                        const std::string& link) {
      auto base = boost::urls::parse_uri(current);
      auto ref = boost::urls::parse_uri_reference(link);
      if (!base || !ref) throw Error::data(what + ": the next URL '" + link + "' is not a URL");
      boost::urls::url out;
      auto r = boost::urls::resolve(*base, *ref, out);
      if (!r) throw Error::data(what + ": the next URL '" + link + "' cannot be resolved");
      std::string u(out.buffer());
      if (origin_of(u) != c_.origin_)
        throw Error::data(what + ": the next URL leaves " + c_.origin_ + "; not followed");
      return with_query_auth(u);
    }

    Row make_row(std::string_view stream, const Stream& s, const json::value& rec, size_t index,
                 std::string_view at, const std::string& account, const Row* acc) {
      const ch_stream_def& def = stream_def(stream);
      Row r(def.column_count);
      if (!rec.is_object())
        throw Error::data(std::string(stream) + " record " + std::to_string(index) +
                          " is not an object");
      for (uint32_t i = 0; i < def.column_count; ++i) {
        const ch_column_def& col = def.columns[i];
        auto it = s.fields.find(i);
        if (it == s.fields.end()) {
          if (i == 0 && stream != "accounts") r[i] = account;
          continue;  // nullable: checked when the manifest was read
        }
        const Field& f = it->second;
        if (!f.account_field.empty()) {
          for (uint32_t k = 0; k < std::size(ar::kAccountColumns); ++k)
            if (column_name(ar::kAccountColumns, k) == f.account_field) r[i] = (*acc)[k];
        } else if (f.value) {
          r[i] = convert(col, f, json::value(*f.value), stream, index, at);
        } else {
          const json::value* v = find_path(rec, f.path);
          if ((!v || v->is_null()) && f.fallback)
            r[i] = convert(col, f, json::value(*f.fallback), stream, index, at);
          else if (v && !v->is_null())
            r[i] = convert(col, f, *v, stream, index, at);
        }
        if (std::holds_alternative<std::monostate>(r[i]) && !(col.flags & CH_COLUMN_NULLABLE))
          throw Error::data(std::string(stream) + " record " + std::to_string(index) +
                            (at.empty() ? "" : " (" + std::string(at) + ")") + ": '" +
                            (f.account_field.empty() ? f.path : "account " + f.account_field) +
                            "' is missing, and column " + std::string(connhost::to_sv(col.name)) +
                            " may not be null");
      }
      return r;
    }

    static Cell convert(const ch_column_def& col, const Field& f, const json::value& v,
                        std::string_view stream, size_t index, std::string_view at) {
      auto bad = [&](std::string_view why) -> Error {
        return Error::data(std::string(stream) + " record " + std::to_string(index) +
                           (at.empty() ? "" : " (" + std::string(at) + ")") + ": '" +
                           (f.value ? "value" : f.path) + "' " + std::string(why) + " (column " +
                           std::string(connhost::to_sv(col.name)) + ")");
      };
      auto scaled = [&](int64_t x) -> int64_t {
        int64_t out = 0;
        if (__builtin_mul_overflow(x, f.scale, &out)) throw bad("overflows when scaled");
        return out;
      };
      Transform t = f.transform;
      if (t == Transform::automatic) {
        switch (col.type) {
          case CH_COL_STRING:
            t = Transform::string;
            break;
          case CH_COL_DATE:
            t = Transform::date;
            break;
          case CH_COL_DOUBLE:
            t = Transform::automatic;
            break;
          default:
            t = Transform::integer;
        }
      }
      switch (t) {
        case Transform::string: {
          auto s = text_of(v);
          if (!s) throw bad("is not a string or a number");
          return *s;
        }
        case Transform::date: {
          auto s = text_of(v);
          if (!s || s->size() < 10 || !parse_day(std::string_view(*s).substr(0, 10)))
            throw bad("does not start with a YYYY-MM-DD date");
          return s->substr(0, 10);
        }
        case Transform::micros: {
          auto s = text_of(v);
          auto m = s ? decimal_micros(*s) : std::nullopt;
          if (!m) throw bad("is not a decimal amount exact to the micro");
          if (col.type == CH_COL_DOUBLE) return static_cast<double>(scaled(*m));
          return scaled(*m);
        }
        case Transform::integer: {
          auto n = integer_of(v);
          if (!n) throw bad("is not an integer");
          if (col.type == CH_COL_DOUBLE) return static_cast<double>(scaled(*n));
          return scaled(*n);
        }
        case Transform::automatic: {  // a double column
          if (v.is_number()) return v.to_number<double>() * static_cast<double>(f.scale);
          if (v.is_string()) {
            std::string s(v.get_string());
            char* end = nullptr;
            double d = std::strtod(s.c_str(), &end);
            if (!s.empty() && end == s.c_str() + s.size()) return d * static_cast<double>(f.scale);
          }
          throw bad("is not a number");
        }
      }
      throw bad("has no conversion");
    }

    void emit(std::string_view stream, const Row& r) {
      const ch_stream_def& def = stream_def(stream);
      auto row = call_.row(stream);
      for (uint32_t i = 0; i < r.size(); ++i) {
        const Cell& c = r[i];
        if (std::holds_alternative<std::monostate>(c)) {
          row.null(i);
        } else if (const auto* n = std::get_if<int64_t>(&c)) {
          if (def.columns[i].type == CH_COL_DOUBLE)
            row.f64(i, static_cast<double>(*n));
          else
            row.i64(i, *n);
        } else if (const auto* d = std::get_if<double>(&c)) {
          row.f64(i, *d);
        } else {
          row.str(i, std::get<std::string>(c));
        }
      }
      row.end();
    }

    const HttpConnector& c_;
    const Manifest& m_;
    connhost::Call& call_;
    std::optional<std::string> secret_;
    std::map<std::string, Row> account_cache_;
  };

  Manifest manifest_;
  std::string base_url_;
  std::string origin_;
  std::vector<std::string> account_ids_;
  double interval_ = 0;  // seconds between requests the plugin paces itself; 0: none
  mutable std::mutex pace_mutex_;
  mutable std::chrono::steady_clock::time_point next_slot_{};
};

}  // namespace

CONNHOST_CONNECTOR(HttpConnector)
