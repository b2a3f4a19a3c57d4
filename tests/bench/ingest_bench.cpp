// Ingest benchmark: a large sandbox dataset of the three platforms synced into a fresh SQLite
// store through pipeline::Runner end to end (plugins, HTTP, parsing, row buffers, upserts),
// at 1x and 4x the size. For each size it prints:
//   - campaign-day rows/s end to end, and the host's peak RSS (VmHWM reset before the run, and
//     VmRSS sampled every 20 ms during it); the sandbox runs in a forked child, so its memory is
//     reported apart;
//   - the store's own limit: as many campaign_daily rows written by a minimal SOCI
//     prepared-statement loop (one transaction, the same table and upsert), and the ratio;
//   - how fast the sandbox alone serves the same requests (the run's last <= 10,000 requests,
//     from the sandbox's request log, replayed by a bare HTTP client on --replay-threads
//     threads, default 4) against how fast the pipeline consumed them, and that ratio.
//
//   - with --isolation both, the same sync again with every connection's plugin in a worker
//     process (isolation = "process", core/isolation) into a fresh store, and how much slower
//     that is than in process; --isolation takes any list of the two modes, run in that order
//     against the same sandbox (with more than two, the first run only warms the sandbox).
//
//   build/bench/bench_ingest [--accounts N] [--campaigns N] [--days N] [--sizes 1,4]
//                            [--workers N] [--sandbox-threads N] [--replay-threads N] [--full]
//                            [--isolation in_process|process|both|process,in_process]
// --full is the dataset: 20 accounts x 167 campaigns x 400 days per platform at 1x,
// about 4 million campaign-days (less the days without delivery).
#include <connhost/sandbox/sandbox.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "http/client.hpp"
#include "log/logger.hpp"
#include "pipeline/days.hpp"
#include "pipeline/runner.hpp"
#include "store/session.hpp"
#include "store/store.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace json = boost::json;
namespace bench = connhost::bench;
using connhost::store::Store;

constexpr const char* kToday = "2026-11-20";

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Args {
  int accounts = 4;
  int campaigns = 60;
  int days = 400;
  std::vector<int> sizes{1, 4};
  int workers = 4;
  int sandbox_threads = 2;
  int replay_threads = 4;
  std::string isolation = "in_process";  // in_process | process | both
};

std::vector<std::string> modes_of(const std::string& list) {
  std::vector<std::string> out;
  for (size_t p = 0; p <= list.size();) {
    size_t q = list.find(',', p);
    if (q == std::string::npos) q = list.size();
    out.push_back(list.substr(p, q - p));
    p = q + 1;
  }
  return out;
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", k.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--accounts")
      a.accounts = std::atoi(next());
    else if (k == "--campaigns")
      a.campaigns = std::atoi(next());
    else if (k == "--days")
      a.days = std::atoi(next());
    else if (k == "--workers")
      a.workers = std::atoi(next());
    else if (k == "--sandbox-threads")
      a.sandbox_threads = std::atoi(next());
    else if (k == "--replay-threads")
      a.replay_threads = std::atoi(next());
    else if (k == "--isolation") {
      a.isolation = next();
      if (a.isolation == "both") a.isolation = "in_process,process";
      for (const auto& m : modes_of(a.isolation))
        if (m != "in_process" && m != "process") {
          std::fprintf(stderr, "--isolation is in_process, process, both or a list of them\n");
          std::exit(2);
        }
    } else if (k == "--full")
      a.accounts = 20, a.campaigns = 167;
    else if (k == "--sizes") {
      a.sizes.clear();
      std::string s = next();
      for (size_t p = 0; p < s.size();) {
        a.sizes.push_back(std::atoi(s.c_str() + p));
        p = s.find(',', p);
        if (p == std::string::npos) break;
        ++p;
      }
    } else {
      std::fprintf(stderr,
                   "usage: bench_ingest [--accounts N] [--campaigns N] [--days N] [--sizes 1,4] "
                   "[--workers N] [--sandbox-threads N] [--replay-threads N] [--full] "
                   "[--isolation in_process|process|both]\n");
      std::exit(2);
    }
  }
  return a;
}

// The store's own limit: `rows` campaign_daily rows through one prepared upsert (the pipeline's
// statement), in one transaction, into a fresh migrated SQLite store. Returns seconds.
double store_limit(const std::filesystem::path& dir, int64_t rows, int days) {
  auto store = Store::open({.sqlite_path = dir / "limit.db"});
  store.migrate();
  soci::session& sql = store.session();
  std::string platform, account, id, date, currency = "USD";
  long long spend = 0, impressions = 0, clicks = 0, link = 0, value = 0;
  double purchases = 0;
  int is_final = 1;
  soci::indicator link_ind = soci::i_ok;
  const char* platforms[] = {"tiktok", "meta", "google"};
  std::vector<std::string> dates;
  int64_t first = connhost::pipeline::parse_day(kToday) - days;
  for (int d = 0; d < days; ++d) dates.push_back(connhost::pipeline::format_day(first + d));
  auto t0 = Clock::now();
  soci::transaction tx(sql);
  soci::statement st =
      (sql.prepare << "INSERT INTO campaign_daily (platform, account_id, campaign_id, date, "
                      "currency, spend_micros, impressions, clicks, link_clicks, purchases, "
                      "purchase_value_micros, is_final) VALUES (:p, :a, :c, :d, :cur, :s, :i, "
                      ":cl, :lc, :pu, :v, :f) ON CONFLICT (platform, account_id, campaign_id, "
                      "date) DO UPDATE SET currency = excluded.currency, spend_micros = "
                      "excluded.spend_micros, impressions = excluded.impressions, clicks = "
                      "excluded.clicks, link_clicks = excluded.link_clicks, purchases = "
                      "excluded.purchases, purchase_value_micros = "
                      "excluded.purchase_value_micros, is_final = excluded.is_final",
       soci::use(platform), soci::use(account), soci::use(id), soci::use(date), soci::use(currency),
       soci::use(spend), soci::use(impressions), soci::use(clicks), soci::use(link, link_ind),
       soci::use(purchases), soci::use(value), soci::use(is_final));
  char buf[32];
  for (int64_t i = 0; i < rows; ++i) {
    int64_t campaign = i / days;
    platform = platforms[campaign % 3];
    std::snprintf(buf, sizeof buf, "%015lld", static_cast<long long>(1000 + campaign / 40));
    account = buf;
    std::snprintf(buf, sizeof buf, "1202%014lld", static_cast<long long>(campaign));
    id = buf;
    date = dates[i % days];
    spend = 1234560000 + i, impressions = 10000 + i % 977, clicks = 300 + i % 97;
    link = clicks - 10, purchases = static_cast<double>(i % 13), value = 98760000 + i;
    st.execute(true);
  }
  tx.commit();
  return seconds_since(t0);
}

struct Replay {
  long requests = 0, failures = 0;
  double bytes = 0, seconds = 0;
};

// The sandbox alone: the platform requests of its log (the newest <= 10,000, status 200),
// replayed on `threads` threads by a bare HTTP client that only reads the bodies.
Replay replay_log(const std::string& base, int threads) {
  connhost::http::Client client;
  auto r = client.send({"GET", base + "/_sandbox/requests?limit=10000", {}, "", {}});
  auto log = json::parse(r.body);
  const json::array& list = log.at("requests").as_array();
  std::vector<connhost::http::Request> reqs;
  for (const auto& v : list) {
    const auto& o = v.as_object();
    if (o.at("platform").as_string().empty() || o.at("status").to_number<int>() != 200) continue;
    connhost::http::Request q;
    q.method = std::string(o.at("method").as_string());
    std::string query(o.at("query").as_string());
    q.url = base + std::string(o.at("path").as_string()) + (query.empty() ? "" : "?" + query);
    q.body = std::string(o.at("body").as_string());
    for (const auto& [hname, hvalue] : o.at("headers").as_object()) {
      std::string name(hname), value(hvalue.as_string());
      std::string lower;
      for (char ch : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (lower == "host" || lower == "content-length" || lower == "connection" ||
          lower == "user-agent" || lower == "accept-encoding")
        continue;
      q.headers.emplace_back(name, value);
    }
    reqs.push_back(std::move(q));
  }
  Replay out;
  std::atomic<size_t> next{0};
  std::atomic<long> failures{0};
  std::atomic<long long> bytes{0};
  auto t0 = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (size_t i; (i = next++) < reqs.size();) {
        auto resp = client.send(reqs[i]);
        if (resp.status != 200) failures++;
        bytes += static_cast<long long>(resp.body.size());
      }
    });
  for (auto& t : pool) t.join();
  out.seconds = seconds_since(t0);
  out.requests = static_cast<long>(reqs.size());
  out.failures = failures.load();
  out.bytes = static_cast<double>(bytes.load());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Args a = parse_args(argc, argv);
  connhost::log::init(connhost::log::Level::warn, connhost::log::Format::text);
  connhost::plugin::Registry registry;
  bench::load_plugins(registry);
  std::printf(
      "ingest: %d account(s) x %d campaigns x %d days per platform at 1x, 3 platforms, "
      "sizes",
      a.accounts, a.campaigns, a.days);
  for (int s : a.sizes) std::printf(" %dx", s);
  std::printf("; %d workers, sandbox on %d threads in a child process, %u cores\n", a.workers,
              a.sandbox_threads, std::thread::hardware_concurrency());
  std::fflush(stdout);

  int64_t today = connhost::pipeline::parse_day(kToday);
  std::string from = connhost::pipeline::format_day(today - a.days + 1),
              to = connhost::pipeline::format_day(today - 1);
  for (int size : a.sizes) {
    bench::TempDir dir;
    connhost::sandbox::Options o;
    o.seed = 11;
    o.today = kToday;
    o.accounts_per_platform = a.accounts * size;
    o.campaigns_per_account = a.campaigns;
    o.days = a.days;
    o.threads = a.sandbox_threads;
    bench::ChildSandbox sb(o);  // forked while this process has no other thread

    // In the order given: the sandbox serves a window faster the second time (its caches), so
    // the order is worth swapping between repetitions.
    const std::vector<std::string> modes = modes_of(a.isolation);
    struct Measured {
      double e2e_s = 0;
      long long daily = 0;
      int64_t rows = 0, requests = 0;
    };
    std::vector<std::pair<std::string, Measured>> measured;
    for (const auto& mode : modes) {
      bench::ConnectionSettings cs;
      if (mode == "process") cs.extra = "isolation = \"process\"";
      // A fresh store for every run.
      auto mode_dir = dir.path / (std::to_string(measured.size()) + "-" + mode);
      std::filesystem::create_directories(mode_dir);
      auto cfg = bench::make_config(mode_dir, sb.base_url(), cs, registry);
      auto store = Store::open({.sqlite_path = mode_dir / "store.db"});
      store.migrate();
      auto http = std::make_shared<connhost::http::Client>();
      connhost::pipeline::Runner runner(store, cfg, registry, http);

      bool reset = bench::reset_peak_rss();
      long rss_before = bench::rss_kib();
      bench::RssSampler sampler;
      auto t0 = Clock::now();
      int64_t rows = 0, requests = 0;
      for (const auto& p : cfg.pipelines) {
        connhost::pipeline::RunOptions ro;
        ro.from = from, ro.to = to, ro.workers = a.workers;
        auto t1 = Clock::now();
        auto res = runner.run(p, ro);
        if (res.status != "succeeded") {
          std::fprintf(stderr, "%s (%s) failed: %s\n", p.name.c_str(), mode.c_str(),
                       res.error ? res.error->to_string().c_str() : "?");
          return 1;
        }
        std::printf("  %dx %-10s %-13s %9lld rows %6lld requests %7.1f s\n", size, mode.c_str(),
                    p.name.c_str(), static_cast<long long>(res.rows),
                    static_cast<long long>(res.requests), seconds_since(t1));
        std::fflush(stdout);
        rows += res.rows, requests += res.requests;
      }
      double e2e_s = seconds_since(t0);
      long sampled = sampler.stop();
      long hwm = bench::rss_kib("VmHWM:");
      long long daily = 0;
      store.session() << "SELECT COUNT(*) FROM campaign_daily", soci::into(daily);
      measured.emplace_back(mode, Measured{e2e_s, daily, rows, requests});
      std::printf("%dx %s: %lld campaign-day rows (%lld rows in all streams), %lld requests\n",
                  size, mode.c_str(), daily, static_cast<long long>(rows),
                  static_cast<long long>(requests));
      std::printf("  end to end     %8.1f s  %9.0f campaign-day rows/s\n", e2e_s, daily / e2e_s);
      std::printf(
          "  peak RSS host  %8.1f MB (VmHWM%s%s), sampled max %.1f MB, before the run %.1f MB\n",
          hwm / 1024.0, reset ? ", reset before the run" : ", NOT reset: process peak",
          mode == "process" ? "; the plugins' worker processes not counted" : "", sampled / 1024.0,
          rss_before / 1024.0);
      std::fflush(stdout);
    }
    // With more than two runs the first one only warms the sandbox's caches (it serves a window
    // faster the second time) and is left out of the comparison.
    size_t skip = measured.size() > 2 ? 1 : 0;
    std::map<std::string, std::pair<double, double>> sums;  // mode -> (rows, seconds)
    bool same_rows = true;
    for (size_t i = skip; i < measured.size(); ++i) {
      auto& [r, t] = sums[measured[i].first];
      r += static_cast<double>(measured[i].second.daily), t += measured[i].second.e2e_s;
      same_rows = same_rows && measured[i].second.daily == measured[0].second.daily &&
                  measured[i].second.rows == measured[0].second.rows;
    }
    if (sums.count("in_process") && sums.count("process")) {
      double in_rate = sums["in_process"].first / sums["in_process"].second;
      double iso_rate = sums["process"].first / sums["process"].second;
      std::printf(
          "%dx isolation%s: in process %.0f rows/s, isolated %.0f rows/s: isolated is %.1f%% "
          "slower (target <= 15%%)%s\n",
          size, skip ? " (first run not counted)" : "", in_rate, iso_rate,
          100.0 * (in_rate / iso_rate - 1.0), same_rows ? "" : "; ROW COUNTS DIFFER");
      std::fflush(stdout);
    }
    const auto& first = measured.front().second;
    double e2e_s = first.e2e_s;
    long long daily = first.daily;
    int64_t rows = first.rows, requests = first.requests;
    long sandbox_hwm = sb.peak_rss_kib();

    Replay rp = replay_log(sb.base_url(), a.replay_threads);
    sb.stop();
    double limit_s = store_limit(dir.path, daily, a.days);

    double e2e_rate = daily / e2e_s, limit_rate = daily / limit_s;
    double pipeline_rps = requests / e2e_s, sandbox_rps = rp.requests / rp.seconds;
    std::printf("%dx (%s): %lld requests, %lld rows; sandbox child peak RSS %.1f MB\n", size,
                modes.front().c_str(), static_cast<long long>(requests),
                static_cast<long long>(rows), sandbox_hwm / 1024.0);
    std::printf("  store limit    %8.1f s  %9.0f rows/s (one prepared upsert, one transaction)\n",
                limit_s, limit_rate);
    std::printf("  ratio end to end / store limit: %.0f%% (target >= 50%%)\n",
                100.0 * e2e_rate / limit_rate);
    std::printf(
        "  sandbox alone  %8.1f requests/s (%ld requests replayed on %d threads, %.1f MB, "
        "%ld not 200) vs pipeline %.1f requests/s: %.1fx (target >= 3x)\n",
        sandbox_rps, rp.requests, a.replay_threads, rp.bytes / 1e6, rp.failures, pipeline_rps,
        sandbox_rps / pipeline_rps);
    std::fflush(stdout);
  }
  return 0;
}
