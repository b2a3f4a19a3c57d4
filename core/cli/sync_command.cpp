#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/login_services.hpp"
#include "cli/store_open.hpp"
#include "http/client.hpp"
#include "http/recorder.hpp"
#include "log/logger.hpp"
#include "pipeline/days.hpp"
#include "pipeline/runner.hpp"
#include "store/store.hpp"

namespace connhost::cli {
namespace {

std::string clock_text(double seconds) {
  long s = std::lround(seconds);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

// A one-line progress bar redrawn in place on a terminal; plain log lines elsewhere.
class ProgressView {
 public:
  explicit ProgressView(bool tty) : tty_(tty) {}
  void update(const pipeline::Progress& p) {
    double frac = p.days_total > 0 ? static_cast<double>(p.days_done) / p.days_total : 0.0;
    double rate = p.elapsed_s > 0 ? p.requests / p.elapsed_s : 0.0;
    std::string eta = frac > 0.01 ? clock_text(p.elapsed_s * (1 - frac) / frac) : "-";
    if (tty_) {
      int filled = static_cast<int>(frac * 30);
      std::fprintf(
          stderr, "\r[%s%s] %3d%%  accounts %d/%d  rows %lld  requests %lld (%.1f/s)  ETA %s   ",
          std::string(filled, '#').c_str(), std::string(30 - filled, ' ').c_str(),
          static_cast<int>(frac * 100), p.accounts_done, p.accounts_total,
          static_cast<long long>(p.rows), static_cast<long long>(p.requests), rate, eta.c_str());
      std::fflush(stderr);
    } else if (!p.message.empty()) {
      log::info("{} ({} rows, {} requests, {:.1f} req/s, {:.0f}% of account-days)", p.message,
                p.rows, p.requests, rate, frac * 100);
    }
  }
  void done() {
    if (tty_) std::fprintf(stderr, "\n");
  }

 private:
  bool tty_;
};

// A profile pipeline: the grants of its connection that changed or are due (profile_sync.hpp).
int sync_profiles(pipeline::Runner& runner, const config::Pipeline& p) {
  std::cout << "sync " << p.name << " (" << p.connection << "): profiles" << std::endl;
  auto result = runner.run(p, {});
  const auto& s = result.profile.value_or(pipeline::ProfileRunSummary{});
  std::cout << "run " << result.run_id << " " << result.status << ": " << s.synced << " synced, "
            << s.unchanged << " unchanged, " << s.failed << " failed, " << s.skipped
            << " skipped\n";
  for (const auto& note : s.notes) std::cout << "  " << note << '\n';
  if (result.error) {
    std::cerr << "connhost: sync " << p.name << " failed: " << result.error->to_string() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

int run_sync(const config::HostConfig& cfg, HostContext& ctx, const config::Pipeline& pipeline,
             const SyncOptions& s, pipeline::RunOptions ro, std::shared_ptr<http::Client> http) {
  auto store = open_store(cfg);
  store.migrate();
  int rc = kExitOk;
  auto login = LoginServices::open(cfg, ctx.registry, http, nullptr, rc);
  if (!login) return rc;
  pipeline::Runner runner(store, cfg, ctx.registry, http, login->grant_resolver());
  runner.set_profile_sync(login->profile_sync());
  if (pipeline.capability == "profile") return sync_profiles(runner, pipeline);
  ProgressView view(isatty(STDERR_FILENO) && !s.no_progress);
  ro.on_progress = [&view](const pipeline::Progress& p) { view.update(p); };
  std::cout << "sync " << pipeline.name << " (" << pipeline.connection << "): "
            << (ro.from.empty() ? "lookback window"
                                : ro.from + " .. " + (ro.to.empty() ? "today" : ro.to))
            << std::endl;
  auto result = runner.run(pipeline, ro);
  view.done();
  std::cout << "run " << result.run_id << " " << result.status << ": " << result.rows << " rows, "
            << result.requests << " requests\n";
  if (result.error) {
    std::cerr << "connhost: sync " << pipeline.name << " failed"
              << (result.failed_account.empty() ? "" : " for account " + result.failed_account)
              << ": " << result.error->to_string() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

int sync(const GlobalOptions& options, const SyncOptions& s) {
  auto ctx = HostContext::open(options);
  auto loaded = config::load_file(options.config_file, ctx.schema_lookup());
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::cerr << e.to_string() << '\n';
    return kExitConfigInvalid;
  }
  const auto& cfg = *loaded.config;
  const config::Pipeline* pipeline = nullptr;
  for (const auto& p : cfg.pipelines)
    if (p.name == s.pipeline) pipeline = &p;
  if (!pipeline) {
    std::cerr << "connhost: no pipeline '" << s.pipeline << "' in " << options.config_file.string()
              << "; pipelines:";
    for (const auto& p : cfg.pipelines) std::cerr << ' ' << p.name;
    std::cerr << '\n';
    return kExitUsage;
  }
  pipeline::RunOptions ro;
  ro.force = s.force;
  ro.workers = s.workers;
  try {
    if (s.months > 0) {
      int64_t today = pipeline::today_in("");
      ro.from = pipeline::format_day(pipeline::months_back(today, s.months));
      ro.to = pipeline::format_day(today);
    } else {
      ro.from = s.from;
      ro.to = s.to;
      if (!ro.from.empty()) pipeline::parse_day(ro.from);
      if (!ro.to.empty()) pipeline::parse_day(ro.to);
    }
  } catch (const std::exception& e) {
    std::cerr << "connhost: " << e.what() << '\n';
    return kExitUsage;
  }
  // Recording: the folder and the file are checked before the run, not after it.
  std::shared_ptr<http::Recorder> recorder;
  std::filesystem::path record_file;
  http::ClientOptions client_options;
  if (!s.record_dir.empty()) {
    const auto* conn = cfg.connection(pipeline->connection);
    const auto* plugin = conn ? ctx.registry.find(conn->plugin) : nullptr;
    std::string platform = conn && !conn->platform.empty() ? conn->platform
                           : plugin                        ? std::string(plugin->platform())
                                                           : std::string();
    try {
      record_file = http::prepare_recording(s.record_dir, pipeline->connection, s.force);
    } catch (const http::RecordError& e) {
      bool exists = std::filesystem::exists(std::filesystem::path(s.record_dir) /
                                            (pipeline->connection + ".json"));
      std::cerr << "connhost: --record " << s.record_dir << ": " << e.what()
                << (exists && !s.force ? " (--force overwrites it)" : "") << '\n';
      return kExitUsage;
    }
    recorder = std::make_shared<http::Recorder>(platform);
    client_options.on_exchange = recorder->observer();
  }
  int rc = kExitOk;
  try {
    rc = run_sync(cfg, ctx, *pipeline, s, ro, std::make_shared<http::Client>(client_options));
  } catch (const std::exception& e) {
    std::cerr << "connhost: sync failed: " << e.what() << '\n';
    rc = kExitFailure;
  }
  // Written however the run ended: a failed run's exchanges are what an author wants to replay.
  if (recorder) {
    try {
      recorder->write(record_file);
      std::cout << "recorded " << recorder->size() << " HTTP exchanges to " << record_file.string()
                << '\n';
    } catch (const http::RecordError& e) {
      std::cerr << "connhost: --record: " << e.what() << '\n';
      if (rc == kExitOk) rc = kExitFailure;
    }
  }
  return rc;
}

}  // namespace connhost::cli
