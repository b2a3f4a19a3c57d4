#include "conformance/kit.hpp"

#include <connhost/ad_reporting.hpp>
#include <connhost/sandbox/sandbox.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <thread>

#include "config/config.hpp"
#include "conformance/fixtures.hpp"
#include "conformance/profile.hpp"
#include "conformance/receiver.hpp"
#include "http/client.hpp"
#include "http/hmac.hpp"
#include "log/logger.hpp"
#include "log/secret_mask.hpp"
#include "pipeline/connection_setup.hpp"
#include "pipeline/plugin_schemas.hpp"
#include "plugin/host_services.hpp"
#include "plugin/instance.hpp"
#include "plugin/registry.hpp"

namespace connhost::conformance {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using plugin::Instance;
using plugin::PluginError;

std::string view(ch_str s) {
  return s.data ? std::string(s.data, s.size) : std::string();
}

std::string utc_day(std::chrono::sys_days d) {
  std::chrono::year_month_day ymd(d);
  char buf[16];
  snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
           static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string value_text(const plugin::Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return "null";
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return "\"" + std::get<std::string>(v) + "\"";
}

std::string flag_names(uint32_t f) {
  std::string out;
  for (auto [bit, name] : {std::pair{CH_COLUMN_PRIMARY_KEY, "primary_key"},
                           {CH_COLUMN_NULLABLE, "nullable"},
                           {CH_COLUMN_CURSOR, "cursor"}})
    if (f & bit) out += (out.empty() ? "" : "|") + std::string(name);
  return out.empty() ? "none" : out;
}

std::string error_text(const std::optional<PluginError>& e) {
  return e ? e->to_string() : "no error";
}

std::string join(const std::vector<std::string>& items, std::string_view sep = "; ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : std::string(sep)) + i;
  return out;
}

// A row's identity (its primary key values) and its whole content, for comparing reads as the
// store would see them after upserts.
std::string row_key(const plugin::Row& r) {
  std::string k;
  for (size_t i = 0; i < r.stream->column_count; ++i)
    if (r.stream->columns[i].flags & CH_COLUMN_PRIMARY_KEY) k += value_text(r.values[i]) + "\x1f";
  return k;
}
std::string row_text(const plugin::Row& r) {
  std::string k;
  for (const auto& v : r.values) k += value_text(v) + "\x1f";
  return k;
}
// A row_text for people.
std::string printable(std::string t) {
  std::replace(t.begin(), t.end(), '\x1f', ',');
  if (!t.empty()) t.pop_back();
  return "(" + t + ")";
}
using Upserted = std::map<std::string, std::string>;
void upsert(Upserted& into, const std::vector<plugin::Row>& rows, size_t from, size_t to) {
  for (size_t i = from; i < std::min(to, rows.size()); ++i)
    into[row_key(rows[i])] = row_text(rows[i]);
}

// Messages of the host's RowBuffer (core/plugin/row_buffer.cpp): a row that broke its schema.
bool schema_violation(const std::optional<PluginError>& e) {
  if (!e || e->category != CH_ERROR_DATA) return false;
  for (std::string_view m :
       {"is not nullable", "wrong setter or value", "needs YYYY-MM-DD", "was not set",
        "declares no stream", "has no column", "row_begin", "row_end", "row value set"})
    if (e->message.find(m) != std::string::npos) return true;
  return false;
}

bool valid_semver(std::string_view v) {
  static const std::regex re(
      R"(^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$)");
  return std::regex_match(v.begin(), v.end(), re);
}

std::optional<std::string> default_problem(const ch_config_field& f) {
  if (!f.default_value.data) return std::nullopt;
  std::string d = view(f.default_value);
  switch (f.type) {
    case CH_CONFIG_INT: {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(d.data(), d.data() + d.size(), v);
      if (ec != std::errc{} || p != d.data() + d.size() || d.empty())
        return "default '" + d + "' is not an integer";
      break;
    }
    case CH_CONFIG_DOUBLE: {
      double v = 0;
      auto [p, ec] = std::from_chars(d.data(), d.data() + d.size(), v);
      if (ec != std::errc{} || p != d.data() + d.size() || d.empty())
        return "default '" + d + "' is not a number";
      break;
    }
    case CH_CONFIG_BOOL:
      if (d != "true" && d != "false") return "default '" + d + "' is not true or false";
      break;
  }
  if (f.flags & CH_CONFIG_REQUIRED)
    return "is required and has a default '" + d + "' (a required setting has none)";
  return std::nullopt;
}

struct ReadOutcome {
  Instance::ReadResult result;
  bool abandoned = false;  // the call did not return in time
  std::chrono::milliseconds took{0};
};

// A call that keeps making progress (requests reaching the sandbox) may run up to its limit;
// one that shows none for `idle` is given up sooner. Without it, only the limit counts.
struct Progress {
  std::function<size_t()> count;
  std::chrono::milliseconds idle{0};
};

class Kit {
 public:
  Kit(const Options& o, const std::function<void(const CheckResult&)>& on_result)
      : opt_(o), on_result_(on_result) {}

  Report run();

 private:
  // ---- plumbing ----
  template <class T>
  std::optional<T> guarded(std::chrono::milliseconds limit, std::function<T()> f,
                           const Progress& progress = {});
  std::chrono::milliseconds call_limit() const {
    return std::max<std::chrono::milliseconds>(60s, std::chrono::seconds(6 * opt_.timeout_seconds));
  }
  http::ClientOptions client_options(int retries) const;
  struct Conn {
    std::shared_ptr<Instance> inst;
    std::string error;
  };
  Conn connect(const http::ClientOptions& co);
  ReadOutcome read(const std::shared_ptr<Instance>& inst, const std::string& stream,
                   const std::string& state, std::chrono::milliseconds limit,
                   const Progress& progress = {});
  const ReadOutcome& clean_read(const std::string& stream);
  std::string account_for(const std::string& stream) const {
    return stream == "accounts" ? std::string() : account_;
  }
  bool reporting() const { return plugin_->capabilities & CH_CAP_REPORTING; }
  bool declares(std::string_view stream) const { return plugin_->find_stream(stream) != nullptr; }
  bool selected(std::string_view stream) const {
    return std::find(streams_.begin(), streams_.end(), stream) != streams_.end();
  }
  std::string platform() const;
  bool fixtures() const { return !opt_.fixtures.empty(); }
  std::optional<std::string> needs_connection() const;
  void emit(CheckResult r);
  // Error messages reach the host's logs like log lines: secrets_in_logs reads them too.
  void note(const std::optional<PluginError>& e);

  // ---- checks ----
  using Result = std::pair<Status, std::string>;
  Result check_descriptor();
  Result check_config_schema();
  Result check_streams();
  Result check_check();
  Result check_pagination();
  Result check_state_resume();
  Result check_fault(std::string_view id);
  Result check_row_schema();
  Result check_timeouts();
  Result check_webhook_signature();
  Result check_webhook_hmac();
  Result check_secrets_in_logs();

  struct FaultRun {
    bool fired = false;
    std::string stream;
    ReadOutcome out;
    int fired_count = 0;
    std::string connect_error;
  };
  FaultRun run_with_fault(const std::string& rule_json, const http::ClientOptions& co,
                          std::chrono::milliseconds limit, const Progress& progress = {});
  std::string fault_rule(const std::string& body) const;
  std::vector<std::string> fault_streams() const;

  const Options& opt_;
  const std::function<void(const CheckResult&)>& on_result_;
  Report report_;

  plugin::Registry registry_;
  std::shared_ptr<const plugin::LoadedPlugin> plugin_;
  std::unique_ptr<sandbox::Sandbox> sandbox_;
  std::unique_ptr<sandbox::Sandbox> webhook_sandbox_;
  std::optional<Profile> profile_;
  std::optional<config::HostConfig> config_;
  std::vector<std::string> config_errors_;
  std::vector<RecordedExchange> exchanges_;

  std::string account_, window_start_, window_end_;
  std::vector<std::string> streams_;
  std::shared_ptr<Instance> clean_;
  std::string clean_error_;
  std::map<std::string, ReadOutcome> clean_reads_;
  std::set<std::string> ran_;

  // Shared with plugin threads (the log tap, the secret resolver), which may outlive a check.
  struct Shared {
    std::mutex mutex;
    std::string current_check;
    struct Line {
      std::string check, text;
      bool error = false;  // a call's error message rather than a log line
    };
    std::vector<Line> lines;
    std::map<std::string, std::set<std::string>> secrets;  // setting key, values handed out
  };
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

template <class T>
std::optional<T> Kit::guarded(std::chrono::milliseconds limit, std::function<T()> f,
                              const Progress& progress) {
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  std::thread t([promise, f = std::move(f)]() mutable {
    try {
      promise->set_value(f());
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
  });
  auto start = Clock::now(), last = start;
  size_t seen = progress.count ? progress.count() : 0;
  while (future.wait_for(progress.count ? 100ms : limit) == std::future_status::timeout) {
    auto now = Clock::now();
    if (progress.count) {
      if (size_t n = progress.count(); n != seen) {
        seen = n;
        last = now;
      }
      if (now - last < progress.idle && now - start < limit) continue;
    }
    // The thread is inside the plugin and cannot be stopped; it keeps what it uses alive and
    // the process ends without unloading anything under it.
    t.detach();
    report_.abandoned_calls = true;
    return std::nullopt;
  }
  t.join();
  return future.get();
}

http::ClientOptions Kit::client_options(int retries) const {
  http::ClientOptions co;
  co.timeout = std::chrono::seconds(opt_.timeout_seconds);
  co.max_retries = retries;
  co.backoff_base = 10ms;
  co.backoff_max = 100ms;
  co.user_agent = "connhost-conformance";
  return co;
}

Kit::Conn Kit::connect(const http::ClientOptions& co) {
  Conn c;
  pipeline::ConnectionSetup setup;
  try {
    setup = pipeline::setup_connection(*config_, registry_, kConnectionName,
                                       std::make_shared<http::Client>(co));
  } catch (const std::exception& e) {
    c.error = e.what();
    return c;
  }
  auto inner = setup.settings.secret;
  std::weak_ptr<Shared> shared = shared_;
  setup.settings.secret = [inner, shared](std::string_view key) -> std::optional<std::string> {
    auto v = inner(key);
    if (v)
      if (auto s = shared.lock()) {
        std::lock_guard lock(s->mutex);
        s->secrets[std::string(key)].insert(*v);
      }
    return v;
  };
  auto made = guarded<std::pair<std::shared_ptr<Instance>, std::string>>(
      call_limit(), [p = setup.plugin, settings = std::move(setup.settings)]() mutable {
        auto [inst, err] = Instance::create(p, std::move(settings));
        return std::pair<std::shared_ptr<Instance>, std::string>(
            std::shared_ptr<Instance>(std::move(inst)), err ? err->to_string() : "");
      });
  if (!made) {
    c.error = "instance_create did not return within " +
              std::to_string(call_limit().count() / 1000) + " s";
    return c;
  }
  c.inst = made->first;
  c.error = made->second;
  return c;
}

ReadOutcome Kit::read(const std::shared_ptr<Instance>& inst, const std::string& stream,
                      const std::string& state, std::chrono::milliseconds limit,
                      const Progress& progress) {
  ReadOutcome out;
  auto start = Clock::now();
  auto r = guarded<Instance::ReadResult>(
      limit,
      [inst, stream, state, ws = window_start_, we = window_end_, account = account_for(stream)] {
        return inst->read(stream, ws, we, state, account);
      },
      progress);
  out.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  if (!r)
    out.abandoned = true;
  else
    out.result = std::move(*r);
  note(out.result.error);
  return out;
}

const ReadOutcome& Kit::clean_read(const std::string& stream) {
  auto it = clean_reads_.find(stream);
  if (it != clean_reads_.end()) return it->second;
  ReadOutcome out;
  if (!clean_) {
    auto c = connect(client_options(3));
    clean_ = c.inst;
    clean_error_ = c.error;
  }
  if (clean_)
    out = read(clean_, stream, "", call_limit());
  else
    out.result.error = PluginError{CH_ERROR_INTERNAL, {}, "instance_create: " + clean_error_};
  return clean_reads_.emplace(stream, std::move(out)).first->second;
}

std::string Kit::platform() const {
  if (config_)
    if (const auto* c = config_->connection(kConnectionName); c && !c->platform.empty())
      return c->platform;
  return std::string(plugin_->platform());
}

std::optional<std::string> Kit::needs_connection() const {
  if (!config_) return "no valid connection to run it with (see config_schema)";
  return std::nullopt;
}

void Kit::note(const std::optional<PluginError>& e) {
  if (!e) return;
  std::lock_guard lock(shared_->mutex);
  shared_->lines.push_back({shared_->current_check, e->message, true});
}

void Kit::emit(CheckResult r) {
  // A plugin's message may quote a secret; the kit prints nothing the host would not.
  r.detail = log::mask_secrets(r.detail);
  if (r.status == Status::fail && report_.exit_code == 0) report_.exit_code = 1;
  on_result_(r);
  report_.checks.push_back(std::move(r));
}

// ---------------------------------------------------------------------------------------------

Kit::Result Kit::check_descriptor() {
  std::vector<std::string> problems;
  if (!valid_semver(plugin_->version()))
    problems.push_back("version '" + std::string(plugin_->version()) +
                       "' is not semver (MAJOR.MINOR.PATCH, e.g. 0.1.0)");
  if (plugin_->display_name().empty()) problems.push_back("display name is empty");
  if (plugin_->platform().empty()) problems.push_back("platform is empty");
  if (plugin_->capabilities == 0) problems.push_back("the plugin offers no capability");
  if (!problems.empty()) return {Status::fail, join(problems)};
  return {Status::pass, plugin_->id + " " + std::string(plugin_->version()) + ", ABI " +
                            plugin_->abi_version() + ", platform " +
                            std::string(plugin_->platform()) + ", capabilities " +
                            plugin::capability_names(plugin_->capabilities)};
}

Kit::Result Kit::check_config_schema() {
  std::vector<std::string> problems;
  const auto& d = plugin_->descriptor;
  for (size_t i = 0; i < d.config_field_count; ++i)
    if (auto p = default_problem(d.config_fields[i]))
      problems.push_back("setting '" + view(d.config_fields[i].key) + "' " + *p);
  for (const auto& e : config_errors_)
    problems.push_back(profile_->file.filename().string() + ": " + e);
  if (!problems.empty()) return {Status::fail, join(problems)};
  size_t secrets = 0;
  for (size_t i = 0; i < d.config_field_count; ++i)
    secrets += (d.config_fields[i].flags & CH_CONFIG_SECRET) ? 1 : 0;
  return {Status::pass, std::to_string(d.config_field_count) + " settings (" +
                            std::to_string(secrets) + " secret); " +
                            profile_->file.filename().string() +
                            " validates against the schema with the host's validator"};
}

Kit::Result Kit::check_streams() {
  if (!reporting()) return {Status::na, "no reporting capability"};
  std::vector<std::string> problems, names;
  const auto& rep = plugin_->reporting;
  for (size_t i = 0; i < rep.stream_count; ++i) {
    const auto& s = rep.streams[i];
    std::string name = view(s.name);
    names.push_back(name);
    int keys = 0, cursors = 0;
    for (size_t c = 0; c < s.column_count; ++c) {
      keys += (s.columns[c].flags & CH_COLUMN_PRIMARY_KEY) ? 1 : 0;
      cursors += (s.columns[c].flags & CH_COLUMN_CURSOR) ? 1 : 0;
      if (plugin::column_type_name(s.columns[c].type) == "?")
        problems.push_back("stream '" + name + "' column '" + view(s.columns[c].name) +
                           "' has an unknown type");
    }
    if (keys == 0) problems.push_back("stream '" + name + "' declares no primary key column");
    if (cursors > 1)
      problems.push_back("stream '" + name + "' declares " + std::to_string(cursors) +
                         " cursor columns (at most one)");
  }
  static const std::set<std::string> kAdPlatforms = {"tiktok", "meta", "google", "pinterest"};
  bool ad = kAdPlatforms.count(std::string(plugin_->platform())) || declares("campaign_daily");
  if (ad) {
    for (const auto& want : ad_reporting::kStreams) {
      std::string name = view(want.name);
      const auto* got = plugin_->find_stream(name);
      if (!got) {
        problems.push_back("ad connector without the standard stream '" + name +
                           "' (connhost/ad_reporting.hpp)");
        continue;
      }
      for (size_t c = 0; c < want.column_count; ++c) {
        const auto& w = want.columns[c];
        std::string col = view(w.name);
        if (c >= got->column_count) {
          problems.push_back("stream '" + name + "' lacks column '" + col + "' (position " +
                             std::to_string(c) + ")");
          continue;
        }
        const auto& g = got->columns[c];
        std::string where = "stream '" + name + "' column " + std::to_string(c);
        if (view(g.name) != col)
          problems.push_back(where + ": expected '" + col + "', declared '" + view(g.name) + "'");
        else if (g.type != w.type)
          problems.push_back(where + " '" + col + "': expected type " +
                             std::string(plugin::column_type_name(w.type)) + ", declared " +
                             std::string(plugin::column_type_name(g.type)));
        else if (g.flags != w.flags)
          problems.push_back(where + " '" + col + "': expected flags " + flag_names(w.flags) +
                             ", declared " + flag_names(g.flags));
      }
      if (got->column_count > want.column_count)
        problems.push_back("stream '" + name + "' declares " +
                           std::to_string(got->column_count - want.column_count) +
                           " columns beyond the standard ones");
    }
  }
  if (!problems.empty()) return {Status::fail, join(problems)};
  return {Status::pass,
          std::to_string(rep.stream_count) + " streams (" + join(names, ", ") +
              "), each with a primary key and at most one cursor" +
              (ad ? "; the standard ad streams exactly as connhost/ad_reporting.hpp declares them"
                  : "")};
}

Kit::Result Kit::check_check() {
  if (auto n = needs_connection()) return {Status::na, *n};
  if (!plugin_->descriptor.check) return {Status::na, "the plugin offers no check()"};
  auto c = connect(client_options(3));
  if (!c.inst) return {Status::fail, "instance_create failed: " + c.error};
  auto inst = c.inst;
  auto r = guarded<std::optional<PluginError>>(call_limit(), [inst] { return inst->check(); });
  if (r) note(*r);
  if (!r)
    return {Status::fail,
            "check() did not return within " + std::to_string(call_limit().count() / 1000) + " s"};
  if (*r) return {Status::fail, "check() against the sandbox failed: " + (*r)->to_string()};
  return {Status::pass, std::string("check() passed against the ") +
                            (fixtures() ? "recorded exchanges" : "sandbox")};
}

Kit::Result Kit::check_pagination() {
  if (!reporting()) return {Status::na, "no reporting capability"};
  if (auto n = needs_connection()) return {Status::na, *n};
  std::vector<std::string> problems, notes;
  if (!fixtures()) {
    static const std::set<std::string> kEmulated = {"tiktok", "meta", "google", "pinterest"};
    std::string p = platform();
    if (!kEmulated.count(p) || !declares("campaign_daily"))
      return {Status::na, "no ground truth for platform '" + p +
                              "' in the emulated world: run with --fixtures"};
    if (account_.empty())
      return {Status::fail,
              "no account to read: the accounts stream gave none and [read] "
              "account is not set"};
    const auto& out = clean_read("campaign_daily");
    if (out.abandoned)
      return {Status::fail, "the read of campaign_daily did not return within " +
                                std::to_string(call_limit().count() / 1000) + " s"};
    if (out.result.error)
      return {Status::fail, "the read of campaign_daily failed: " + error_text(out.result.error)};
    namespace ar = ad_reporting;
    int64_t spend = 0, impressions = 0, clicks = 0, delivered = 0;
    for (const auto& r : out.result.rows) {
      auto i64 = [&](uint32_t c) {
        const auto* v = std::get_if<int64_t>(&r.values[c]);
        return v ? *v : 0;
      };
      spend += i64(ar::kDailySpend);
      impressions += i64(ar::kDailyImpressions);
      clicks += i64(ar::kDailyClicks);
      delivered += (i64(ar::kDailySpend) > 0 || i64(ar::kDailyImpressions) > 0) ? 1 : 0;
    }
    auto truth = sandbox_->truth(p, account_, window_start_, window_end_);
    std::string got = "spend " + std::to_string(spend) + " micros, impressions " +
                      std::to_string(impressions) + ", clicks " + std::to_string(clicks) +
                      " over " + std::to_string(delivered) + " delivered campaign-days";
    std::string want = "spend " + std::to_string(truth.total.spend_micros) +
                       " micros, impressions " + std::to_string(truth.total.impressions) +
                       ", clicks " + std::to_string(truth.total.clicks) + " over " +
                       std::to_string(truth.rows) + " delivered campaign-days";
    if (spend != truth.total.spend_micros || impressions != truth.total.impressions ||
        clicks != truth.total.clicks || delivered != truth.rows)
      return {Status::fail, "campaign_daily of account " + account_ + ", " + window_start_ + ".." +
                                window_end_ + ": the sandbox's truth is " + want +
                                ", the read gave " + got +
                                " (pages not followed to the end, or rows lost)"};
    if (truth.rows == 0)
      return {Status::fail, "the sandbox has no delivery for account " + account_ + " in " +
                                window_start_ + ".." + window_end_ +
                                ": choose another [read] window or account"};
    return {Status::pass, "campaign_daily of account " + account_ + ", " + window_start_ + ".." +
                              window_end_ + ": " + got + ", equal to the sandbox's truth"};
  }
  for (const auto& s : streams_) {
    const auto& out = clean_read(s);
    if (out.abandoned)
      problems.push_back("the read of " + s + " did not return within " +
                         std::to_string(call_limit().count() / 1000) + " s");
    else if (schema_violation(out.result.error))
      notes.push_back(s + " stopped on a row that breaks its schema (see row_schema)");
    else if (out.result.error)
      problems.push_back("the read of " + s + " failed: " + error_text(out.result.error));
  }
  auto log = sandbox_->requests();
  size_t unrequested = 0;
  std::string first_unrequested;
  for (const auto& e : exchanges_) {
    bool seen = std::any_of(log.begin(), log.end(), [&](const sandbox::LoggedRequest& r) {
      return r.fault.empty() && matches(e, r.method, r.path, r.query);
    });
    if (!seen && unrequested++ == 0) first_unrequested = e.describe();
  }
  if (unrequested)
    problems.push_back(std::to_string(unrequested) + " of " + std::to_string(exchanges_.size()) +
                       " recorded exchanges were never requested, first " + first_unrequested +
                       ": the reads stopped before the last page");
  for (const auto& r : log) {
    bool recorded = std::any_of(exchanges_.begin(), exchanges_.end(), [&](const auto& e) {
      return matches(e, r.method, r.path, r.query);
    });
    if (r.fault.empty() && !recorded) {
      problems.push_back(
          "the request " + r.method + " " + r.path + (r.query.empty() ? "" : "?" + r.query) +
          " matched no recorded exchange (the replay answered " + std::to_string(r.status) + ")");
      break;
    }
  }
  if (!problems.empty()) return {Status::fail, join(problems)};
  return {Status::pass, "every one of the " + std::to_string(exchanges_.size()) +
                            " recorded exchanges was requested, none unmatched" +
                            (notes.empty() ? "" : " (" + join(notes) + ")")};
}

Kit::Result Kit::check_state_resume() {
  if (!reporting()) return {Status::na, "no reporting capability"};
  if (auto n = needs_connection()) return {Status::na, *n};
  std::vector<std::string> skipped, passed, problems;
  for (const auto& s : streams_) {
    const auto& full = clean_read(s);
    if (full.abandoned || full.result.error) {
      skipped.push_back(s + ": its read fails (see pagination or row_schema)");
      continue;
    }
    const auto& cps = full.result.checkpoints;
    if (cps.size() < 2) {
      skipped.push_back(s + ": " + std::to_string(cps.size()) + " checkpoint" +
                        (cps.size() == 1 ? "" : "s"));
      continue;
    }
    const auto& first = cps.front();
    auto resumed = read(clean_, s, first.state, call_limit());
    if (resumed.abandoned) {
      problems.push_back(s + ": the resumed read did not return within " +
                         std::to_string(call_limit().count() / 1000) + " s");
      continue;
    }
    if (resumed.result.error) {
      problems.push_back(s + ": the read resumed from state '" + first.state +
                         "' failed: " + error_text(resumed.result.error));
      continue;
    }
    const auto& rows = full.result.rows;
    Upserted before, whole, united;
    upsert(before, rows, 0, first.rows_before);
    upsert(whole, rows, 0, rows.size());
    united = before;
    upsert(united, resumed.result.rows, 0, resumed.result.rows.size());
    size_t again = 0;
    for (const auto& r : resumed.result.rows) again += before.count(row_key(r));
    if (!before.empty() && again >= before.size()) {
      problems.push_back(s + ": the read resumed from the first checkpoint's state '" +
                         first.state + "' emitted again all " + std::to_string(before.size()) +
                         " rows that checkpoint had covered: it started over instead of "
                         "continuing where it stopped");
      continue;
    }
    // Compared by primary key: the platform may restate a day's numbers between two reads
    // (the sandbox's late conversions do), which says nothing about where a read resumed.
    size_t missing = 0, extra = 0;
    std::string example;
    for (const auto& [k, v] : whole)
      if (!united.count(k) && missing++ == 0) example = "; first missing: " + printable(v);
    for (const auto& [k, v] : united)
      if (!whole.count(k) && extra++ == 0 && example.empty())
        example = "; first extra: " + printable(v);
    if (missing || extra) {
      problems.push_back(s + ": the rows before the first checkpoint plus the resumed read are " +
                         std::to_string(united.size()) + " rows, the full read " +
                         std::to_string(whole.size()) + " (" + std::to_string(missing) +
                         " missing, " + std::to_string(extra) + " extra, by primary key)" +
                         example);
      continue;
    }
    std::string final_full = cps.back().state;
    std::string final_resumed =
        resumed.result.checkpoints.empty() ? "" : resumed.result.checkpoints.back().state;
    if (final_full != final_resumed) {
      problems.push_back(s + ": the resumed read's final state is '" + final_resumed +
                         "', the full read's '" + final_full + "'");
      continue;
    }
    passed.push_back(s + " resumed from checkpoint 1 of " + std::to_string(cps.size()) + " ('" +
                     first.state + "'): " + std::to_string(before.size()) + " rows before + " +
                     std::to_string(resumed.result.rows.size()) + " resumed = the full read's " +
                     std::to_string(whole.size()) + ", final state equal");
  }
  if (!problems.empty()) return {Status::fail, join(problems)};
  if (passed.empty())
    return {Status::na, "the plugin checkpoints nothing within a single-window read of " +
                            window_start_ + ".." + window_end_ + " (" + join(skipped) +
                            "): nothing to resume; a smaller chunk setting or a longer [read] "
                            "window makes it testable"};
  return {Status::pass, join(passed)};
}

std::string Kit::fault_rule(const std::string& body) const {
  std::string rule = "{" + body;
  if (!profile_->fault_platform.empty())
    rule += R"(,"platform":")" + profile_->fault_platform + "\"";
  if (!profile_->fault_endpoint.empty())
    rule += R"(,"endpoint":")" + profile_->fault_endpoint + "\"";
  return rule + "}";
}

std::vector<std::string> Kit::fault_streams() const {
  return streams_;
}

Kit::FaultRun Kit::run_with_fault(const std::string& rule_json, const http::ClientOptions& co,
                                  std::chrono::milliseconds limit, const Progress& progress) {
  FaultRun run;
  auto c = connect(co);
  if (!c.inst) {
    run.connect_error = c.error;
    return run;
  }
  sandbox_->clear_faults();
  sandbox_->add_faults(rule_json);
  sandbox_->clear_requests();
  for (const auto& s : fault_streams()) {
    run.stream = s;
    run.out = read(c.inst, s, "", limit, progress);
    run.fired_count = 0;
    for (const auto& r : sandbox_->requests()) run.fired_count += r.fault.empty() ? 0 : 1;
    run.fired = run.fired_count > 0;
    if (run.fired || run.out.abandoned) break;
  }
  sandbox_->clear_faults();
  return run;
}

Kit::Result Kit::check_fault(std::string_view id) {
  if (!reporting()) return {Status::na, "no reporting capability (the fault checks read)"};
  if (auto n = needs_connection()) return {Status::na, *n};
  std::string rule, what, want;
  ch_error_category expected = CH_ERROR_TRANSIENT;
  int retries = 0;
  if (id == "rate_limit") {
    rule = fault_rule(R"("kind":"rate_limit","retry_after_s":2,"times":1)");
    what = "a rate-limit answer (429 or the platform's code, retry after 2 s)";
    want = "quota with a retry-after > 0";
    expected = CH_ERROR_QUOTA;
  } else if (id == "server_error") {
    rule = fault_rule(R"("kind":"server_error","status":503,"times":-1)");
    what = "503 on every matching request (the host's client retried each once)";
    want = "transient";
    retries = 1;
  } else {
    rule = fault_rule(R"("kind":"expired_token","times":-1)");
    what = "an expired-token answer on every matching request";
    want = "auth";
    expected = CH_ERROR_AUTH;
  }
  FaultRun run;
  try {
    run = run_with_fault(rule, client_options(retries), call_limit());
  } catch (const std::exception& e) {
    return {Status::fail, "the sandbox refused the fault rule " + rule + ": " + e.what()};
  }
  if (!run.connect_error.empty())
    return {Status::fail, "instance_create failed: " + run.connect_error};
  if (run.out.abandoned)
    return {Status::fail, "the read of " + run.stream + " under " + what +
                              " did not return within " +
                              std::to_string(call_limit().count() / 1000) + " s"};
  if (!run.fired)
    return {Status::fail,
            "the fault never fired: no request of the reads matched platform '" +
                (profile_->fault_platform.empty() ? "any" : profile_->fault_platform) +
                "', endpoint '" +
                (profile_->fault_endpoint.empty() ? "any" : profile_->fault_endpoint) +
                "' (set [faults] in the connection file)"};
  const auto& err = run.out.result.error;
  std::string where = run.stream + " under " + what;
  if (!err) {
    if (id == "rate_limit") {
      const auto& clean = clean_read(run.stream);
      Upserted a, b;
      upsert(a, run.out.result.rows, 0, run.out.result.rows.size());
      upsert(b, clean.result.rows, 0, clean.result.rows.size());
      if (!clean.result.error && a == b)
        return {Status::pass, where + ": the plugin waited and retried by itself; its " +
                                  std::to_string(a.size()) + " rows equal the clean read's"};
      return {Status::fail, where + ": the read succeeded but its " + std::to_string(a.size()) +
                                " rows differ from the clean read's " + std::to_string(b.size())};
    }
    return {Status::fail, where + ": expected a " + want + " error, the read succeeded (with " +
                              std::to_string(run.out.result.rows.size()) + " rows)"};
  }
  if (err->category != expected)
    return {Status::fail, where + ": expected " + want + ", got " + err->to_string()};
  if (id == "rate_limit" && (!err->retry_after || err->retry_after->count() <= 0))
    return {Status::fail,
            where + ": expected " + want + ", got quota without a retry-after: " + err->message};
  return {Status::pass, where + ": " + err->to_string()};
}

Kit::Result Kit::check_row_schema() {
  if (!reporting()) return {Status::na, "no reporting capability"};
  if (auto n = needs_connection()) return {Status::na, *n};
  std::vector<std::string> problems;
  size_t rows = 0;
  for (const auto& s : streams_) {
    const auto& out = clean_read(s);
    if (schema_violation(out.result.error)) {
      problems.push_back("stream " + s + ": " + out.result.error->message);
      continue;
    }
    for (const auto& r : out.result.rows) {
      ++rows;
      for (size_t c = 0; c < r.stream->column_count; ++c) {
        const auto& col = r.stream->columns[c];
        const auto& v = r.values[c];
        bool ok = true;
        if (std::holds_alternative<std::monostate>(v))
          ok = col.flags & CH_COLUMN_NULLABLE;
        else if (col.type == CH_COL_STRING || col.type == CH_COL_DATE)
          ok = std::holds_alternative<std::string>(v);
        else if (col.type == CH_COL_DOUBLE)
          ok = std::holds_alternative<double>(v);
        else
          ok = std::holds_alternative<int64_t>(v);
        if (!ok) {
          problems.push_back("stream " + s + ": column " + view(col.name) + " is " +
                             std::string(plugin::column_type_name(col.type)) + ", got " +
                             value_text(v));
          break;
        }
      }
    }
  }
  if (!problems.empty()) return {Status::fail, join(problems)};
  return {Status::pass, std::to_string(rows) + " rows over " + std::to_string(streams_.size()) +
                            " streams, every value of its column's declared type and "
                            "nullability"};
}

Kit::Result Kit::check_timeouts() {
  if (!reporting()) return {Status::na, "no reporting capability (the check reads)"};
  if (auto n = needs_connection()) return {Status::na, *n};
  auto timeout = std::chrono::seconds(opt_.timeout_seconds);
  // Every matching request answers only after the host's timeout. A plugin that hands the host
  // the transient error returns within two timeouts (the client tries a pooled connection, then
  // a fresh one); one that asked for a longer request timeout of its own (Google's
  // searchStream) gets each answer late but keeps making requests. What fails is a call that
  // shows no request for longer than `idle`, or runs past `limit` in all.
  auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(timeout + 3s);
  auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(2 * timeout + 5s);
  auto limit = std::max<std::chrono::milliseconds>(120s, 4 * idle);
  std::string rule = fault_rule(R"("kind":"latency","latency_ms":)" +
                                std::to_string(latency.count()) + R"(,"times":-1)");
  Progress progress{[this] { return sandbox_->requests().size(); }, idle};
  FaultRun run;
  try {
    run = run_with_fault(rule, client_options(0), limit, progress);
  } catch (const std::exception& e) {
    return {Status::fail, "the sandbox refused the fault rule " + rule + ": " + e.what()};
  }
  if (!run.connect_error.empty())
    return {Status::fail, "instance_create failed: " + run.connect_error};
  std::string what = "a latency of " + std::to_string(latency.count() / 1000) +
                     " s on every matching request (the host's timeout is " +
                     std::to_string(opt_.timeout_seconds) + " s)";
  if (run.out.abandoned)
    return {Status::fail, "the read of " + run.stream + " under " + what +
                              " was still running after " + std::to_string(run.out.took.count()) +
                              " ms, the last " + std::to_string(idle.count() / 1000) +
                              " s without a request: the plugin blocks past the host's timeouts"};
  if (!run.fired)
    return {Status::fail, "the fault never fired: no request of the reads matched [faults]"};
  const auto& err = run.out.result.error;
  std::string took = " in " + std::to_string(run.out.took.count()) + " ms";
  if (!err)
    return {Status::pass, "the read of " + run.stream + " under " + what + " succeeded" + took +
                              " (the plugin asks for a longer request timeout of its own)"};
  if (err->category != CH_ERROR_TRANSIENT)
    return {Status::fail, "the read of " + run.stream + " under " + what +
                              ": expected transient, got " + err->to_string()};
  return {Status::pass, "the read of " + run.stream + " under " + what + " returned" + took +
                            " with " + err->to_string()};
}

Kit::Result Kit::check_webhook_signature() {
  if (!(plugin_->capabilities & CH_CAP_MESSAGING)) return {Status::na, "no messaging capability"};
  if (auto n = needs_connection()) return {Status::na, *n};
  if (!profile_->webhook_signature.empty()) return check_webhook_hmac();
  std::string p = profile_->webhook_platform.empty() ? platform() : profile_->webhook_platform;
  if (p != "tiktok" && p != "meta") {
    // Nothing can sign a delivery the way an unknown platform does; asking for it is a mistake.
    if (!profile_->webhook_platform.empty())
      return {Status::fail, "[webhook] platform '" + p +
                                "': the sandbox signs deliveries as tiktok or meta only"};
    return {Status::na, "the sandbox signs no deliveries as '" + p +
                            "' (only as tiktok or meta): set [webhook] platform when the plugin "
                            "verifies one of theirs, or [webhook] signature = \"hmac-sha256\" "
                            "when it checks an HMAC of the body"};
  }
  auto c = connect(client_options(1));
  if (!c.inst) return {Status::fail, "instance_create failed: " + c.error};
  try {
    if (!webhook_sandbox_) {
      webhook_sandbox_ = std::make_unique<sandbox::Sandbox>(sandbox::Options{});
      webhook_sandbox_->start();
    }
    Receiver receiver;
    auto deliver = [&](const std::string& mode) -> std::optional<plugin::WebhookRequest> {
      sandbox::WebhookRequest w;
      w.platform = p;
      w.target_url = receiver.url();
      w.mode = mode;
      webhook_sandbox_->send_webhooks(w);
      auto got = receiver.take();
      if (got.empty()) return std::nullopt;
      plugin::WebhookRequest r;
      r.method = "POST";
      r.headers = got.front().headers;
      r.body = got.front().body;
      r.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
      return r;
    };
    auto inst = c.inst;
    auto good = deliver("single");
    if (!good) return {Status::fail, "the sandbox's delivery never reached the kit's receiver"};
    auto v = guarded<std::optional<PluginError>>(call_limit(),
                                                 [inst, r = *good] { return inst->verify(r); });
    if (!v) return {Status::fail, "verify() did not return"};
    note(*v);
    if (*v)
      return {Status::fail, "a delivery the " + p +
                                " sandbox signed correctly was refused: " + (*v)->to_string()};
    auto bad = deliver("bad_signature");
    if (!bad) return {Status::fail, "the sandbox's delivery never reached the kit's receiver"};
    v = guarded<std::optional<PluginError>>(call_limit(),
                                            [inst, r = *bad] { return inst->verify(r); });
    if (!v) return {Status::fail, "verify() did not return"};
    note(*v);
    if (!*v)
      return {Status::fail, "a delivery with a bad signature was accepted: expected an auth error"};
    if ((*v)->category != CH_ERROR_AUTH)
      return {Status::fail, "a delivery with a bad signature was refused with " +
                                (*v)->to_string() + ": expected category auth"};
    return {Status::pass, "a " + p +
                              "-signed delivery verified; one with a bad signature was "
                              "refused (" +
                              (*v)->to_string() + ")"};
  } catch (const std::exception& e) {
    return {Status::fail, std::string("the webhook exchange failed: ") + e.what()};
  }
}

// A platform the sandbox does not emulate: the kit signs as [webhook] describes. A correctly
// signed delivery must verify; a wrong signature and a body changed after signing must be refused
// with category auth.
Kit::Result Kit::check_webhook_hmac() {
  auto c = connect(client_options(1));
  if (!c.inst) return {Status::fail, "instance_create failed: " + c.error};
  const std::string& key = profile_->literal_secrets.at(profile_->webhook_secret_key);
  const std::string body =
      profile_->webhook_body.empty()
          ? R"({"events":[{"id":"conformance-1","type":"message","text":"hello"}]})"
          : profile_->webhook_body;
  auto delivery = [&](std::string signature, std::string text) {
    plugin::WebhookRequest r;
    r.method = "POST";
    r.headers = {{profile_->webhook_header, std::move(signature)},
                 {"Content-Type", "application/json"}};
    r.body = std::move(text);
    r.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    return r;
  };
  auto inst = c.inst;
  auto verify = [&](plugin::WebhookRequest r) {
    return guarded<std::optional<PluginError>>(
        call_limit(), [inst, r = std::move(r)] { return inst->verify(r); });
  };
  const std::string good = profile_->webhook_prefix + http::hmac_sha256_hex(key, body);
  auto v = verify(delivery(good, body));
  if (!v) return {Status::fail, "verify() did not return"};
  note(*v);
  if (*v)
    return {Status::fail, "a delivery signed with " + profile_->webhook_secret_key + " (" +
                              profile_->webhook_header + ": " + profile_->webhook_prefix +
                              "<hex HMAC-SHA256 of the body>) was refused: " + (*v)->to_string()};
  std::string wrong = good;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  std::string changed = body;
  changed.insert(changed.size() - 1, " ");
  for (const auto& [what, r] :
       {std::pair{std::string("a wrong signature"), delivery(wrong, body)},
        std::pair{std::string("a body changed after signing"), delivery(good, changed)}}) {
    v = verify(r);
    if (!v) return {Status::fail, "verify() did not return"};
    note(*v);
    if (!*v)
      return {Status::fail, "a delivery with " + what + " was accepted: expected an auth error"};
    if ((*v)->category != CH_ERROR_AUTH)
      return {Status::fail, "a delivery with " + what + " was refused with " + (*v)->to_string() +
                                ": expected category auth"};
  }
  return {Status::pass, "a delivery the kit signed (" + profile_->webhook_header +
                            ", HMAC-SHA256 with " + profile_->webhook_secret_key +
                            ") verified; a wrong signature and a changed body were refused (auth)"};
}

Kit::Result Kit::check_secrets_in_logs() {
  if (!ran_.count("check") && !ran_.count("pagination") && config_) {
    // Run alone: give the plugin something to log first.
    check_check();
    if (reporting())
      for (const auto& s : streams_) clean_read(s);
  }
  std::lock_guard lock(shared_->mutex);
  std::map<std::string, std::set<std::string>> secrets = shared_->secrets;
  for (const auto& [k, v] : profile_->literal_secrets) secrets[k].insert(v);
  std::vector<std::string> problems;
  std::set<std::pair<std::string, std::string>> reported;
  size_t values = 0;
  for (const auto& [key, vs] : secrets)
    for (const auto& v : vs) {
      if (v.size() < 4) continue;  // the host's mask ignores these too: they match words
      ++values;
      for (const auto& line : shared_->lines)
        if (line.text.find(v) != std::string::npos && reported.insert({line.check, key}).second)
          problems.push_back(
              "check " + line.check + ": " + (line.error ? "an error message" : "a log line") +
              " of the plugin carries the secret setting '" + key + "' (value not shown)");
    }
  if (!problems.empty()) return {Status::fail, join(problems)};
  size_t errors = std::count_if(shared_->lines.begin(), shared_->lines.end(),
                                [](const auto& l) { return l.error; });
  return {Status::pass, std::to_string(shared_->lines.size() - errors) + " plugin log lines and " +
                            std::to_string(errors) +
                            " error messages across the checks, none with any of the " +
                            std::to_string(values) + " secret values"};
}

// ---------------------------------------------------------------------------------------------

Report Kit::run() {
  auto wanted = [&](std::string_view id) {
    return opt_.checks.empty() ||
           std::find(opt_.checks.begin(), opt_.checks.end(), id) != opt_.checks.end();
  };
  report_.plugin_file = opt_.plugin.string();

  std::weak_ptr<Shared> shared = shared_;
  plugin::set_plugin_log_tap([shared](const ch_call*, int32_t, std::string_view message) {
    if (auto s = shared.lock()) {
      std::lock_guard lock(s->mutex);
      s->lines.push_back({s->current_check, std::string(message), false});
    }
  });

  auto start = Clock::now();
  const auto* loaded = registry_.load_file(opt_.plugin);
  if (!loaded) {
    auto refused = registry_.refused();
    std::string reason = refused.empty() ? "refused" : refused.back().reason;
    emit({"load", Status::fail, reason,
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count()});
    report_.exit_code = 2;
    return report_;
  }
  for (const auto& p : registry_.plugins())
    if (p.get() == loaded) plugin_ = p;
  report_.plugin_id = plugin_->id;
  report_.plugin_version = std::string(plugin_->version());
  report_.plugin_abi = plugin_->abi_version();

  // The connection file comes before any result line: without it nothing can be checked.
  std::filesystem::path conn = opt_.connection;
  if (conn.empty()) {
    conn = opt_.plugin.parent_path() / "conformance.toml";
    if (!std::filesystem::exists(conn)) {
      report_.usage_error =
          "no connection file: write " + conn.string() +
          " with a [connection] table holding the settings of the connection under test "
          "(docs/conformance.md), or pass --connection FILE";
      report_.exit_code = 2;
      return report_;
    }
  }
  sandbox::Options so;
  so.threads = 8;
  if (fixtures()) so.replay_dir = opt_.fixtures.string();
  try {
    sandbox_ = std::make_unique<sandbox::Sandbox>(so);
    sandbox_->start();
    if (fixtures()) exchanges_ = read_fixtures(opt_.fixtures);
  } catch (const std::exception& e) {
    report_.usage_error = std::string("the sandbox could not start: ") + e.what();
    report_.exit_code = 2;
    return report_;
  }
  ProfileContext ctx;
  ctx.plugin_id = plugin_->id;
  ctx.sandbox_url = sandbox_->base_url();
  for (size_t i = 0; i < plugin_->descriptor.config_field_count; ++i)
    if (plugin_->descriptor.config_fields[i].flags & CH_CONFIG_SECRET)
      ctx.secret_keys.insert(view(plugin_->descriptor.config_fields[i].key));
  ctx.accounts = [this](const std::string& platform) {
    std::vector<std::string> ids;
    for (const auto& a : sandbox_->accounts(platform)) ids.push_back(a.id);
    return ids;
  };
  try {
    if (!std::filesystem::is_regular_file(conn))
      throw ProfileError(conn.string() + ": no such file");
    profile_ = read_profile(conn, ctx);
    for (const auto& [key, value] : profile_->literal_secrets) log::register_secret(value);
  } catch (const ProfileError& e) {
    report_.usage_error = e.what();
    report_.exit_code = 2;
    return report_;
  }
  emit({"load", Status::pass,
        "loaded by the host's loader: " + plugin_->id + " " + report_.plugin_version + " (ABI " +
            report_.plugin_abi + ")",
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count()});

  auto loaded_cfg = config::load_string(
      profile_->host_toml,
      std::filesystem::absolute(conn).parent_path() / "conformance-connection.toml",
      pipeline::plugin_schemas(registry_));
  if (loaded_cfg.ok()) {
    config_ = std::move(loaded_cfg.config);
  } else {
    static const std::string prefix = std::string("connections.") + kConnectionName;
    for (const auto& d : loaded_cfg.errors) {
      std::string path = d.key_path;
      if (path.rfind(prefix, 0) == 0) path = "connection" + path.substr(prefix.size());
      config_errors_.push_back((path.empty() ? "" : path + ": ") + d.message);
    }
  }

  // What to read.
  auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  window_start_ = profile_->window_start.empty() ? utc_day(today - std::chrono::days(7))
                                                 : profile_->window_start;
  window_end_ =
      profile_->window_end.empty() ? utc_day(today - std::chrono::days(1)) : profile_->window_end;
  if (reporting()) {
    if (profile_->streams.empty())
      for (size_t i = 0; i < plugin_->reporting.stream_count; ++i)
        streams_.push_back(view(plugin_->reporting.streams[i].name));
    else
      streams_ = profile_->streams;
  }

  auto timed = [&](std::string_view id, const std::function<Result()>& f) {
    if (!wanted(id)) return;
    {
      std::lock_guard lock(shared_->mutex);
      shared_->current_check = std::string(id);
    }
    auto t0 = Clock::now();
    Result r;
    try {
      r = f();
    } catch (const std::exception& e) {
      r = {Status::fail, std::string("the kit stopped on an error: ") + e.what()};
    }
    ran_.insert(std::string(id));
    emit({std::string(id), r.first, r.second,
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count()});
  };

  timed("descriptor", [&] { return check_descriptor(); });
  timed("config_schema", [&] { return check_config_schema(); });
  timed("streams", [&] { return check_streams(); });
  timed("check", [&] { return check_check(); });
  // The account every stream but accounts is read for.
  if (config_ && reporting()) {
    account_ = profile_->account;
    if (account_.empty() && declares("accounts")) {
      {
        std::lock_guard lock(shared_->mutex);
        // The lookup serves the reads of every check after it; its lines count for the first.
        shared_->current_check = wanted("pagination") ? "pagination" : "secrets_in_logs";
      }
      const auto& acc = clean_read("accounts");
      if (!acc.result.rows.empty()) {
        const auto& row = acc.result.rows.front();
        for (size_t c = 0; c < row.stream->column_count; ++c)
          if (view(row.stream->columns[c].name) == "account_id")
            if (const auto* s = std::get_if<std::string>(&row.values[c])) account_ = *s;
      }
    }
  }
  timed("pagination", [&] { return check_pagination(); });
  timed("state_resume", [&] { return check_state_resume(); });
  timed("rate_limit", [&] { return check_fault("rate_limit"); });
  timed("server_error", [&] { return check_fault("server_error"); });
  timed("auth_error", [&] { return check_fault("auth_error"); });
  timed("row_schema", [&] { return check_row_schema(); });
  timed("timeouts", [&] { return check_timeouts(); });
  timed("webhook_signature", [&] { return check_webhook_signature(); });
  timed("secrets_in_logs", [&] { return check_secrets_in_logs(); });
  plugin::set_plugin_log_tap({});
  return report_;
}

}  // namespace

std::string_view status_name(Status s) {
  switch (s) {
    case Status::pass:
      return "pass";
    case Status::fail:
      return "fail";
    case Status::na:
      return "n/a";
  }
  return "n/a";
}

Report run(const Options& options, const std::function<void(const CheckResult&)>& on_result) {
  // The kit and the sandbox may outlive this call's plugin threads only when a call was
  // abandoned; otherwise everything is torn down here in order.
  auto kit = std::make_unique<Kit>(options, on_result);
  Report r = kit->run();
  if (r.abandoned_calls) {
    (void)kit.release();  // threads still inside the plugin use it
    return r;
  }
  return r;
}

}  // namespace connhost::conformance
