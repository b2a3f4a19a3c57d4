// Rate-limit bound benchmark: the sandbox answers every request after 100 ms, each connection is
// limited to R requests per second (the runner's token bucket from rate_limit_qps), and a
// 12-month backfill of N accounts per platform (a few campaigns each: it is about requests)
// runs for the three platforms at once, one Runner and one SQLite store per connection. For
// each connection it prints the requests made, the ideal time (requests / R), the actual time
// and their ratio (target <= 1.2).
//
//   build/bench/bench_ratelimit [--accounts N] [--campaigns N] [--months N] [--qps R]
//                               [--workers N] [--latency-ms N]
#include <connhost/sandbox/sandbox.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "http/client.hpp"
#include "log/logger.hpp"
#include "pipeline/days.hpp"
#include "pipeline/runner.hpp"
#include "store/store.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace bench = connhost::bench;

constexpr const char* kToday = "2026-11-20";

}  // namespace

int main(int argc, char** argv) {
  int accounts = 20, campaigns = 3, months = 12, workers = 8, latency_ms = 100;
  double qps = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--accounts")
      accounts = std::atoi(v);
    else if (k == "--campaigns")
      campaigns = std::atoi(v);
    else if (k == "--months")
      months = std::atoi(v);
    else if (k == "--qps")
      qps = std::atof(v);
    else if (k == "--workers")
      workers = std::atoi(v);
    else if (k == "--latency-ms")
      latency_ms = std::atoi(v);
    else {
      std::fprintf(stderr,
                   "usage: bench_ratelimit [--accounts N] [--campaigns N] [--months N] [--qps R] "
                   "[--workers N] [--latency-ms N]\n");
      return 2;
    }
  }
  connhost::log::init(connhost::log::Level::warn, connhost::log::Format::text);
  connhost::plugin::Registry registry;
  bench::load_plugins(registry);

  connhost::sandbox::Options o;
  o.seed = 5;
  o.today = kToday;
  o.accounts_per_platform = accounts;
  o.campaigns_per_account = campaigns;
  o.days = 400;
  o.threads = 2;
  o.faults_json =
      R"({"faults":[{"kind":"latency","latency_ms":)" + std::to_string(latency_ms) + "}]}";
  bench::ChildSandbox sb(o);  // forked before any other thread starts

  int64_t today = connhost::pipeline::parse_day(kToday);
  connhost::pipeline::RunOptions ro;
  ro.from = connhost::pipeline::format_day(connhost::pipeline::months_back(today, months));
  ro.to = connhost::pipeline::format_day(today - 1);
  ro.workers = workers;
  std::printf(
      "rate-limit bound: %d accounts x %d campaigns per platform, %s .. %s (%d months), "
      "%d ms sandbox latency on every request, rate_limit_qps = %g per connection, "
      "%d workers per pipeline, the 3 pipelines at once\n",
      accounts, campaigns, ro.from.c_str(), ro.to.c_str(), months, latency_ms, qps, workers);
  std::fflush(stdout);

  bench::TempDir dir;
  bench::ConnectionSettings settings;
  settings.rate_limit_qps = qps;
  auto cfg = bench::make_config(dir.path, sb.base_url(), settings, registry);
  auto http = std::make_shared<connhost::http::Client>();

  struct Result {
    connhost::pipeline::RunResult run;
    double seconds = 0;
    std::string error;
  };
  std::vector<Result> results(cfg.pipelines.size());
  std::vector<std::thread> threads;
  auto t0 = Clock::now();
  for (size_t i = 0; i < cfg.pipelines.size(); ++i)
    threads.emplace_back([&, i] {
      try {
        auto store = connhost::store::Store::open(
            {.sqlite_path = dir.path / (cfg.pipelines[i].name + ".db")});
        store.migrate();
        connhost::pipeline::Runner runner(store, cfg, registry, http);
        auto t1 = Clock::now();
        results[i].run = runner.run(cfg.pipelines[i], ro);
        results[i].seconds = std::chrono::duration<double>(Clock::now() - t1).count();
      } catch (const std::exception& e) {
        results[i].error = e.what();
      }
    });
  for (auto& t : threads) t.join();
  double total = std::chrono::duration<double>(Clock::now() - t0).count();
  sb.stop();

  int failed = 0;
  double worst = 0;
  std::printf("%-14s %9s %9s %10s %10s %7s\n", "pipeline", "requests", "rows", "ideal s",
              "actual s", "ratio");
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    if (!r.error.empty() || r.run.status != "succeeded") {
      std::printf("%-14s FAILED: %s\n", cfg.pipelines[i].name.c_str(),
                  !r.error.empty() ? r.error.c_str()
                  : r.run.error    ? r.run.error->to_string().c_str()
                                   : r.run.status.c_str());
      failed++;
      continue;
    }
    double ideal = static_cast<double>(r.run.requests) / qps;
    double ratio = r.seconds / ideal;
    worst = std::max(worst, ratio);
    std::printf("%-14s %9lld %9lld %10.1f %10.1f %7.2f\n", cfg.pipelines[i].name.c_str(),
                static_cast<long long>(r.run.requests), static_cast<long long>(r.run.rows), ideal,
                r.seconds, ratio);
  }
  std::printf("all three: %.1f s wall; worst ratio actual / ideal %.2f (target <= 1.2)\n", total,
              worst);
  return failed ? 1 : 0;
}
