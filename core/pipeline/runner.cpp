#include "pipeline/runner.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

#include "categories/recategorize.hpp"
#include "categories/rule_store.hpp"
#include "config/schedule.hpp"
#include "http/client.hpp"
#include "log/logger.hpp"
#include "metrics/host_metrics.hpp"
#include "pipeline/connection_setup.hpp"
#include "pipeline/days.hpp"
#include "pipeline/run_log.hpp"
#include "pipeline/stream_writer.hpp"
#include "store/session.hpp"

namespace connhost::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

struct AccountInfo {
  std::string id;
  std::string time_zone;
};

// Where the state of campaign_daily says an interrupted read of the same window stopped.
struct Fatal {
  plugin::PluginError error;
  std::string account;
};

}  // namespace

int lookback_days(const config::Pipeline& p, std::string_view platform) {
  if (!p.lookback.empty()) {
    auto parsed = config::parse_lookback(p.lookback);
    if (parsed.error.empty()) return parsed.days;
  }
  if (platform == "meta") return 28;
  if (platform == "google") return 14;
  return 7;
}

Runner::Runner(store::Store& store, const config::HostConfig& config,
               const plugin::Registry& registry, std::shared_ptr<http::Client> http,
               GrantResolver grants)
    : store_(store),
      config_(config),
      registry_(registry),
      http_(std::move(http)),
      grants_(std::move(grants)) {}

std::optional<std::chrono::system_clock::time_point> Runner::last_start(
    const std::string& pipeline) {
  std::lock_guard lock(store_mutex_);
  return last_run_start(store_, pipeline);
}

Runner::ActiveSlot::~ActiveSlot() {
  std::lock_guard lock(runner->active_mutex_);
  runner->active_.erase(name);
}

std::unique_ptr<Runner::ActiveSlot> Runner::claim(const std::string& pipeline) {
  std::lock_guard lock(active_mutex_);
  if (auto it = active_.find(pipeline); it != active_.end())
    throw AlreadyRunning(pipeline, it->second);
  active_[pipeline] = 0;
  return std::unique_ptr<ActiveSlot>(new ActiveSlot{this, pipeline});
}

int64_t Runner::record_start(const config::Pipeline& p, const RunStart& start) {
  int64_t id = 0;
  {
    std::lock_guard lock(store_mutex_);
    const config::Connection* conn = config_.connection(p.connection);
    std::string name = conn->name, plugin_id = conn->plugin;
    store_.session() << "INSERT INTO connections (name, plugin) VALUES (:n, :p) ON CONFLICT "
                        "(name) DO UPDATE SET plugin = excluded.plugin",
        soci::use(name), soci::use(plugin_id);
    mark_interrupted_runs(store_);
    id = begin_run(store_, start);
  }
  std::lock_guard lock(active_mutex_);
  active_[p.name] = id;
  return id;
}

RunResult Runner::run_profile(const config::Pipeline& p, const RunOptions& o) {
  if (!profile_sync_)
    throw std::invalid_argument("pipeline " + p.name +
                                " is a profile pipeline, and this command cannot run profile "
                                "syncs; run it with connhost sync, run or serve");
  auto slot = claim(p.name);
  RunResult result;
  result.run_id = record_start(p, {p.name, p.connection, o.origin, std::nullopt, std::nullopt});
  Heartbeat heartbeat(store_, store_mutex_, result.run_id);
  if (o.on_started) o.on_started(result.run_id);

  std::optional<plugin::PluginError> fatal;
  ProfileRunSummary summary;
  try {
    summary = profile_sync_(p, o);
    fatal = summary.error;
  } catch (const std::exception& e) {
    fatal = plugin::PluginError{CH_ERROR_INTERNAL, std::nullopt, e.what()};
  }
  // A run's rows are what it stored: here the profiles that got a new version.
  result.rows = summary.synced;
  result.status = fatal ? "failed" : "succeeded";
  result.error = fatal;
  result.profile = std::move(summary);
  metrics::sync_rows(p.name).inc(static_cast<double>(result.rows));
  if (fatal) metrics::sync_errors(p.name, plugin::category_name(fatal->category)).inc();
  std::lock_guard lock(store_mutex_);
  RunEnd end{result.status, result.rows, result.requests, std::nullopt, std::nullopt};
  if (fatal) {
    end.error_category = std::string(plugin::category_name(fatal->category));
    end.error = fatal->message;
  }
  finish_run(store_, result.run_id, end);
  return result;
}

RunResult Runner::run(const config::Pipeline& p, const RunOptions& o) {
  if (!config_.connection(p.connection))
    throw std::invalid_argument("pipeline " + p.name + ": no connection '" + p.connection + "'");
  if (p.capability == "profile") return run_profile(p, o);
  if (p.capability != "reporting")
    throw std::invalid_argument("pipeline " + p.name + " is a " + p.capability +
                                " pipeline; only reporting and profile pipelines sync");
  auto setup = setup_connection(config_, registry_, p.connection, http_, grants_);
  const config::Connection* conn = setup.connection;
  const auto plugin = setup.plugin;
  const std::string platform(conn->platform.empty() ? plugin->platform() : conn->platform);
  std::optional<int64_t> from, to;
  if (!o.from.empty()) from = parse_day(o.from);
  if (!o.to.empty()) to = parse_day(o.to);
  if (from && to && *from > *to) throw std::invalid_argument("--from is after --to");
  const int lookback = lookback_days(p, platform);
  // Loaded before syncing, so a broken rules file stops the run before it spends any requests.
  // The rules added through the API come first (categories/rule_store.hpp).
  const categories::Rules rules = [&] {
    std::lock_guard lock(store_mutex_);
    return categories::rules_in_force(store_.session(), config_);
  }();

  plugin::Instance::Settings settings = std::move(setup.settings);
  auto requests = settings.requests;

  // One run per pipeline at a time, whoever starts it; released however the run ends.
  auto slot = claim(p.name);

  RunResult result;
  auto& sql = store_.session();
  {
    RunStart start{p.name, conn->name, o.origin, std::nullopt, std::nullopt};
    if (from) start.window_start = format_day(*from);
    if (to) start.window_end = format_day(*to);
    result.run_id = record_start(p, start);
  }
  Heartbeat heartbeat(store_, store_mutex_, result.run_id);
  if (o.on_started) o.on_started(result.run_id);

  auto start = Clock::now();
  Progress progress;
  std::mutex progress_mutex;
  std::atomic<int64_t> rows{0};
  auto report = [&](std::string message, int accounts_done_delta = 0, int64_t days_delta = 0) {
    std::lock_guard lock(progress_mutex);
    progress.accounts_done += accounts_done_delta;
    progress.days_done += days_delta;
    progress.rows = rows;
    progress.requests = *requests;
    progress.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
    progress.message = std::move(message);
    if (o.on_progress) o.on_progress(progress);
  };

  // How long this run has waited on quota errors, for the quota_wait alert (core/alerts): the
  // sum over the run's readers, the wait under way counted in full.
  auto& quota_wait = metrics::global().gauge(
      "connhost_sync_quota_wait_seconds",
      "How long the pipeline's latest run has waited on quota (rate-limit) errors.",
      {{"pipeline", p.name}});
  quota_wait.set(0);
  std::atomic<int64_t> quota_wait_ms{0};

  auto [instance, create_error] = plugin::Instance::create(plugin, std::move(settings));
  std::optional<Fatal> fatal;
  std::vector<AccountInfo> accounts;

  // One stream of one account (or of the connection), read with retries by error category.
  auto read_stream = [&](const ch_stream_def& stream, const std::string& account,
                         const std::string& window_start, const std::string& window_end,
                         const std::string& final_before,
                         std::vector<plugin::Row>* keep) -> std::optional<plugin::PluginError> {
    StreamTarget target{conn->name, platform, account, &stream, final_before};
    StreamWriter writer(store_, store_mutex_, target);
    std::string stream_name(stream.name.data, stream.name.size);
    for (int attempt = 1;; ++attempt) {
      std::string state = load_state(store_, store_mutex_, conn->name, stream_name, account);
      auto res = instance->read(stream_name, window_start, window_end, state, account,
                                [&](std::vector<plugin::Row>& batch, std::string_view new_state) {
                                  if (keep) keep->insert(keep->end(), batch.begin(), batch.end());
                                  writer.commit(batch, new_state);
                                  rows += static_cast<int64_t>(batch.size());
                                  metrics::sync_rows(p.name).inc(static_cast<double>(batch.size()));
                                });
      if (!res.error) return std::nullopt;
      const auto& e = *res.error;
      bool retry = false;
      std::chrono::milliseconds wait{0};
      if (e.category == CH_ERROR_TRANSIENT && attempt < o.max_attempts) {
        retry = true;
        wait = o.backoff_base * (1 << std::min(attempt - 1, 6));
      } else if (e.category == CH_ERROR_QUOTA && attempt < o.max_attempts * 4) {
        wait = e.retry_after.value_or(std::chrono::milliseconds(60'000));
        retry = wait <= o.max_quota_wait;
      }
      if (!retry) return e;
      report(stream_name + " " + (account.empty() ? conn->name : account) + ": " + e.to_string() +
             "; retrying in " + std::to_string(wait.count()) + " ms");
      if (fatal) return e;
      if (e.category == CH_ERROR_QUOTA)
        quota_wait.set(static_cast<double>(quota_wait_ms += wait.count()) / 1000);
      std::this_thread::sleep_for(wait);
    }
  };

  auto find_stream = [&](std::string_view name) { return plugin->find_stream(name); };
  if (create_error) {
    fatal = Fatal{*create_error, ""};
  } else if (!find_stream("accounts") || !find_stream("campaigns") ||
             !find_stream("campaign_daily")) {
    fatal = Fatal{
        {CH_ERROR_CONFIG, {}, "plugin " + plugin->id + " lacks the standard ad-reporting streams"},
        ""};
  } else {
    std::vector<plugin::Row> account_rows;
    if (auto e = read_stream(*find_stream("accounts"), "", "", "", "", &account_rows)) {
      fatal = Fatal{*e, ""};
    } else {
      const auto* s = find_stream("accounts");
      size_t c_id = 0, c_tz = 0;
      for (size_t i = 0; i < s->column_count; ++i) {
        std::string_view n(s->columns[i].name.data, s->columns[i].name.size);
        if (n == "account_id") c_id = i;
        if (n == "time_zone") c_tz = i;
      }
      for (const auto& r : account_rows)
        accounts.push_back(
            {std::get<std::string>(r.values[c_id]), std::get<std::string>(r.values[c_tz])});
    }
  }

  if (!fatal) {
    progress.accounts_total = static_cast<int>(accounts.size());
    for (const auto& a : accounts) {
      int64_t end = to.value_or(today_in(a.time_zone));
      int64_t begin = from.value_or(end - lookback + 1);
      progress.days_total += std::max<int64_t>(0, end - begin + 1);
    }
    report("accounts: " + std::to_string(accounts.size()));
    std::atomic<size_t> next{0};
    std::mutex fatal_mutex;
    auto worker = [&] {
      for (size_t i = next++; i < accounts.size(); i = next++) {
        {
          std::lock_guard lock(fatal_mutex);
          if (fatal &&
              (fatal->error.category == CH_ERROR_AUTH || fatal->error.category == CH_ERROR_CONFIG))
            return;
        }
        const auto& a = accounts[i];
        int64_t local_today = today_in(a.time_zone);
        int64_t end = to.value_or(local_today);
        int64_t begin = from.value_or(end - lookback + 1);
        std::string final_before = format_day(local_today - lookback + 1);
        auto e = read_stream(*find_stream("campaigns"), a.id, "", "", "", nullptr);
        if (!e)
          e = read_stream(*find_stream("campaign_daily"), a.id, format_day(begin), format_day(end),
                          final_before, nullptr);
        if (!e) {
          std::lock_guard lock(store_mutex_);
          std::string acc = a.id, connection = conn->name;
          // Days that left the settling window since they were last read are final now.
          sql << "UPDATE campaign_daily SET is_final = 1 WHERE platform = :p AND account_id = :a "
                 "AND date < :d AND is_final = 0",
              soci::use(platform), soci::use(acc), soci::use(final_before);
          // The state exists to resume an interrupted read. A completed read must not make the
          // next run of the same window skip it: restated days are re-read on every run.
          sql << "UPDATE stream_state SET state = '' WHERE connection = :c AND stream = "
                 "'campaign_daily' AND account = :a",
              soci::use(connection), soci::use(acc);
        }
        if (e) {
          std::lock_guard lock(fatal_mutex);
          if (!fatal) fatal = Fatal{*e, a.id};
          report("account " + a.id + " failed: " + e->to_string(), 1, end - begin + 1);
        } else {
          report("account " + a.id + " done", 1, end - begin + 1);
        }
      }
    };
    int n = std::clamp(o.workers, 1, std::max(1, static_cast<int>(accounts.size())));
    std::vector<std::thread> threads;
    for (int t = 0; t < n; ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  }
  instance.reset();

  result.rows = rows;
  result.requests = *requests;
  result.status = fatal ? "failed" : "succeeded";
  if (fatal) {
    result.error = fatal->error;
    result.failed_account = fatal->account;
    metrics::sync_errors(p.name, plugin::category_name(fatal->error.category)).inc();
  }
  if (!fatal) {
    // The rows are committed either way; a failure here only leaves the old categories, which
    // `connhost categories apply` redoes, so it is reported and does not fail the run.
    std::lock_guard lock(store_mutex_);
    try {
      auto c = categories::recategorize(sql, rules, platform);
      log::info("{}: categorized {} campaigns ({} by override, {} by rule, {} uncategorized)",
                p.name, c.campaigns, c.by_override, c.by_rule, c.by_fallback);
    } catch (const std::exception& e) {
      log::error("{}: categorizing campaigns failed: {}", p.name, e.what());
    }
  }
  {
    std::lock_guard lock(store_mutex_);
    RunEnd end{result.status, result.rows, result.requests, std::nullopt, std::nullopt};
    if (fatal) {
      end.error_category = std::string(plugin::category_name(fatal->error.category));
      end.error =
          (fatal->account.empty() ? "" : "account " + fatal->account + ": ") + fatal->error.message;
    }
    finish_run(store_, result.run_id, end);
  }
  return result;
}

}  // namespace connhost::pipeline
