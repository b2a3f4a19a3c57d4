// The HTTP API under load: a SQLite store of about a million campaign-day rows (written directly,
// 3 platforms x 10 accounts x N campaigns x 370 days, a third of the accounts in EUR with daily
// rates), the real `connhost serve` as a child process, and wrk at 64 connections against the
// unified dashboard and monthly reports for a full year, and against /healthz as the server's
// own ceiling. Prints each report's cold latency (the first request computes it), then under
// wrk requests/s, p50 and p99 latency (answers served from the report cache while the data is
// unchanged), their ratios to /healthz, and the server's peak RSS sampled throughout. Targets
// (issue #5): p99 < 50 ms for the reports, RSS < 100 MB.
//
//   bench_api [--campaigns 90] [--seconds 10] [--connections 64]

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <soci/soci.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "bench_support.hpp"
#include "http/client.hpp"
#include "pipeline/days.hpp"
#include "store/session.hpp"
#include "store/store.hpp"

namespace fs = std::filesystem;
using namespace connhost;

namespace {

int64_t fill(const fs::path& db, int campaigns) {
  store::StoreOptions so;
  so.sqlite_path = db;
  auto s = store::Store::open(so);
  s.migrate();
  auto& sql = s.session();
  const int64_t last = pipeline::parse_day("2026-11-20"), first = last - 369;
  const char* categories[] = {"Brand", "Prospecting", "Retargeting", "Shopping", "App Install"};
  int64_t rows = 0;
  soci::transaction tx(sql);
  std::string platform, account, campaign, date, currency, name, category;
  long long spend = 0, impressions = 0, clicks = 0, value = 0;
  double purchases = 0;
  soci::statement daily =
      (sql.prepare << "INSERT INTO campaign_daily (platform, account_id, campaign_id, date, "
                      "currency, spend_micros, impressions, clicks, purchases, "
                      "purchase_value_micros) VALUES (:p, :a, :c, :d, :cur, :s, :i, :cl, :pu, :v)",
       soci::use(platform), soci::use(account), soci::use(campaign), soci::use(date),
       soci::use(currency), soci::use(spend), soci::use(impressions), soci::use(clicks),
       soci::use(purchases), soci::use(value));
  for (const char* p : {"meta", "google", "tiktok"}) {
    platform = p;
    for (int a = 0; a < 10; ++a) {
      account = std::to_string(1000 + a);
      currency = a % 3 == 0 ? "EUR" : "USD";
      sql << "INSERT INTO ad_accounts (platform, account_id, connection, name, currency, "
             "time_zone) VALUES (:p, :a, 'bench', :n, :c, 'UTC')",
          soci::use(platform), soci::use(account), soci::use("Account " + account),
          soci::use(currency);
      for (int c = 0; c < campaigns; ++c) {
        campaign = account + "-" + std::to_string(c);
        name = std::string(categories[c % 5]) + " campaign " + std::to_string(c);
        category = categories[c % 5];
        sql << "INSERT INTO ad_campaigns (platform, account_id, campaign_id, name, status) "
               "VALUES (:p, :a, :c, :n, 'ACTIVE')",
            soci::use(platform), soci::use(account), soci::use(campaign), soci::use(name);
        sql << "INSERT INTO campaign_categories (platform, account_id, campaign_id, category, "
               "source) VALUES (:p, :a, :c, :cat, 'rule')",
            soci::use(platform), soci::use(account), soci::use(campaign), soci::use(category);
        for (int64_t d = first; d <= last; ++d) {
          date = pipeline::format_day(d);
          spend = 1'000'000 + (d * 7919 + c * 104729) % 50'000'000;
          impressions = 1000 + (d + c) % 5000;
          clicks = 10 + (d * 3 + c) % 200;
          purchases = static_cast<double>((d + c) % 7);
          value = static_cast<long long>(purchases) * 35'000'000;
          daily.execute(true);
          ++rows;
        }
      }
    }
  }
  for (int64_t d = first; d <= last; ++d) {
    std::string day = pipeline::format_day(d);
    double rate = 1.05 + 0.0001 * static_cast<double>(d % 100);
    sql << "INSERT INTO fx_rates (date, currency, reporting_currency, rate) VALUES (:d, 'EUR', "
           "'USD', :r)",
        soci::use(day), soci::use(rate);
  }
  tx.commit();
  return rows;
}

struct WrkResult {
  double rps = 0, p50_ms = 0, p99_ms = 0;
  long non2xx = 0;
};

double to_ms(const std::string& v) {
  double x = std::atof(v.c_str());
  if (v.find("us") != std::string::npos) return x / 1000;
  if (v.find("ms") != std::string::npos) return x;
  if (v.find('s') != std::string::npos) return x * 1000;
  return x;
}

WrkResult wrk(const std::string& url, int connections, int seconds) {
  std::string cmd = "wrk -t2 -c" + std::to_string(connections) + " -d" + std::to_string(seconds) +
                    "s --latency '" + url + "' 2>&1";
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) throw std::runtime_error("cannot run wrk (apt-get install wrk)");
  WrkResult r;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    std::string l(line);
    char unit[32];
    double v;
    if (std::sscanf(line, " 50%% %lf%31s", &v, unit) == 2)
      r.p50_ms = to_ms(std::to_string(v) + unit);
    if (std::sscanf(line, " 99%% %lf%31s", &v, unit) == 2)
      r.p99_ms = to_ms(std::to_string(v) + unit);
    if (l.rfind("Requests/sec:", 0) == 0) r.rps = std::atof(l.c_str() + 13);
    if (l.find("Non-2xx or 3xx responses:") != std::string::npos)
      r.non2xx = std::atol(l.c_str() + l.find(':') + 1);
  }
  if (pclose(f) != 0 || r.rps == 0) throw std::runtime_error("wrk failed for " + url);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int campaigns = 90, seconds = 10, connections = 64;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--campaigns")
      campaigns = std::atoi(argv[i + 1]);
    else if (k == "--seconds")
      seconds = std::atoi(argv[i + 1]);
    else if (k == "--connections")
      connections = std::atoi(argv[i + 1]);
  }
  if (argc > 1 && (std::string(argv[1]) == "--help" || argc % 2 == 0)) {
    std::cout << "usage: bench_api [--campaigns 90] [--seconds 10] [--connections 64]\n";
    return argc > 1 && std::string(argv[1]) == "--help" ? 0 : 2;
  }
  fs::path dir = fs::temp_directory_path() / ("connhost-bench-api-" + std::to_string(getpid()));
  fs::create_directories(dir);
  auto t0 = std::chrono::steady_clock::now();
  int64_t rows = fill(dir / "store.db", campaigns);
  double fill_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  int port = 18000 + getpid() % 1000;
  std::ofstream(dir / "connhost.toml")
      << "[host]\nplugin_dirs = []\nlog_level = \"warn\"\n[store]\npath = \"store.db\"\n"
      << "[server]\nlisten = \"127.0.0.1:" << port << "\"\n[reporting]\ncurrency = \"USD\"\n";
  std::cout << "api: " << rows << " campaign-day rows (3 platforms x 10 accounts x " << campaigns
            << " campaigns x 370 days) written in " << fill_s << " s; wrk -c" << connections
            << " for " << seconds << " s per route\n";

  pid_t child = fork();
  if (child == 0) {
    std::string config = (dir / "connhost.toml").string();
    execl(CONNHOST_BIN, CONNHOST_BIN, "--config", config.c_str(), "serve", "--no-scheduler",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  http::Client client;
  bool ready = false;
  for (int i = 0; i < 200 && !ready; ++i) {
    try {
      ready = client.send({"GET", base + "/readyz", {}, "", {}}).status == 200;
    } catch (const std::exception&) {
    }
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!ready) {
    std::cerr << "connhost serve did not become ready\n";
    kill(child, SIGTERM);
    return 1;
  }
  std::atomic<bool> stop{false};
  std::atomic<long> peak{0};
  std::thread sampler([&] {
    while (!stop) {
      peak = std::max(peak.load(), bench::rss_kib("VmRSS:", child));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  const std::string year = "start_date=2025-11-21&end_date=2026-11-20";
  struct Target {
    const char* name;
    std::string url;
  };
  Target targets[] = {
      {"/healthz", base + "/healthz"},
      {"unified dashboard, 1 year", base + "/api/unified-reports/dashboard?" + year},
      {"unified monthly, 1 year", base + "/api/unified-reports/monthly?" + year}};
  // The first request of each report computes it (the cache is empty): its latency is what a
  // user waits for after the data changed. Measured before wrk warms anything.
  for (const auto& t : targets) {
    if (std::string(t.name) == "/healthz") continue;
    auto c0 = std::chrono::steady_clock::now();
    auto resp = client.send({"GET", t.url, {}, "", {}});
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - c0).count();
    std::printf("%-28s cold (computed) %.0f ms, %zu bytes, HTTP %d\n", t.name, ms, resp.body.size(),
                resp.status);
  }
  WrkResult health{};
  int rc = 0;
  std::printf("%-28s %12s %10s %10s %12s\n", "route", "requests/s", "p50 ms", "p99 ms",
              "vs healthz");
  for (const auto& t : targets) {
    try {
      auto r = wrk(t.url, connections, seconds);
      if (std::string(t.name) == "/healthz") health = r;
      std::printf("%-28s %12.1f %10.2f %10.2f %11.4fx%s\n", t.name, r.rps, r.p50_ms, r.p99_ms,
                  health.rps > 0 ? r.rps / health.rps : 0.0,
                  r.non2xx ? (" (" + std::to_string(r.non2xx) + " not 2xx)").c_str() : "");
    } catch (const std::exception& e) {
      std::cerr << e.what() << '\n';
      rc = 1;
    }
  }
  stop = true;
  sampler.join();
  std::printf(
      "server peak RSS %.1f MB (sampled every 50 ms; target < 100 MB); p99 target < 50 ms\n",
      static_cast<double>(peak.load()) / 1024.0);
  kill(child, SIGTERM);
  int st = 0;
  waitpid(child, &st, 0);
  // CONNHOST_BENCH_KEEP=1 leaves the store and config behind, to look at the queries by hand.
  if (std::getenv("CONNHOST_BENCH_KEEP"))
    std::cout << "kept " << dir.string() << '\n';
  else
    fs::remove_all(dir);
  return rc;
}
