// Webhook intake under load (issue #7, "Benchmark"): the server assembled as `connhost serve`
// assembles it (every route, the dispatcher, the Beast transport, the InboxWriter's group commit
// and the Processor) in process on a SQLite store, with a TikTok messaging connection; a client of
// `--connections` concurrent keep-alive connections (Boost.Beast on Asio, one thread) posting
// pre-built TikTok deliveries, each with its own event id and signed as TikTok signs
// (TikTok-Signature: t=..,s=HMAC-SHA256(app_secret, t.body)), for `--seconds`. Prints
// deliveries/s, p50/p99 acknowledgement latency, then the same client against /healthz as the
// server's raw ceiling, and finally checks that every delivery answered 200 is in the store.
// Targets: >= 5,000 deliveries/s, p99 < 50 ms.
//
//   bench_webhooks [--seconds 10] [--connections 64] [--server-threads 32] [--deliveries 150000]
//                  [--processor 0|1]

#include <soci/soci.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "config/config.hpp"
#include "http/client.hpp"
#include "inbox/inbox_writer.hpp"
#include "inbox/processor.hpp"
#include "inbox/tiktok_signing.hpp"
#include "log/logger.hpp"
#include "pipeline/plugin_schemas.hpp"
#include "server/auth.hpp"
#include "server/dispatcher.hpp"
#include "server/routes/routes.hpp"
#include "server/server.hpp"
#include "server/static_files.hpp"
#include "store/session.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using namespace connhost;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kSecret = "bench-tiktok-app-secret";
constexpr const char* kBusiness = "7300000000000000001";

struct Load {
  std::vector<std::string> requests;  // whole HTTP/1.1 requests, ready to write
  std::atomic<size_t> next{0};
};

struct Tally {
  std::vector<double> latencies_ms;
  std::vector<size_t> ok;  // indexes of requests answered 200
  long other = 0;          // answers other than 200
  long errors = 0;         // transport errors
};

// One keep-alive connection: write a request, read the answer, again, until the deadline.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(asio::io_context& io, Load& load, Tally& tally, Clock::time_point deadline)
      : stream_(io), load_(load), tally_(tally), deadline_(deadline) {}

  void start(const tcp::endpoint& ep) {
    stream_.async_connect(ep, [self = shared_from_this()](beast::error_code ec) {
      if (ec) {
        ++self->tally_.errors;
        return;
      }
      self->next();
    });
  }

 private:
  void next() {
    if (Clock::now() >= deadline_) return;
    index_ = load_.next.fetch_add(1);
    if (index_ >= load_.requests.size()) return;  // pre-built deliveries used up
    start_ = Clock::now();
    asio::async_write(stream_, asio::buffer(load_.requests[index_]),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) {
                          ++self->tally_.errors;
                          return;
                        }
                        self->read();
                      });
  }
  void read() {
    res_ = {};
    bhttp::async_read(
        stream_, buffer_, res_, [self = shared_from_this()](beast::error_code ec, size_t) {
          if (ec) {
            ++self->tally_.errors;
            return;
          }
          double ms =
              std::chrono::duration<double, std::milli>(Clock::now() - self->start_).count();
          self->tally_.latencies_ms.push_back(ms);
          if (self->res_.result_int() == 200)
            self->tally_.ok.push_back(self->index_);
          else
            ++self->tally_.other;
          self->next();
        });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bhttp::response<bhttp::string_body> res_;
  Load& load_;
  Tally& tally_;
  Clock::time_point deadline_;
  size_t index_ = 0;
  Clock::time_point start_;
};

struct Figures {
  double seconds = 0;
  size_t answered = 0;
  Tally tally;
  double p(double q) const {
    if (tally.latencies_ms.empty()) return 0;
    auto v = tally.latencies_ms;
    size_t k = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
    return v[k];
  }
};

Figures drive(uint16_t port, Load& load, int connections, int seconds) {
  asio::io_context io;
  Figures f;
  auto t0 = Clock::now();
  auto deadline = t0 + std::chrono::seconds(seconds);
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  for (int i = 0; i < connections; ++i)
    std::make_shared<Session>(io, load, f.tally, deadline)->start(ep);
  io.run();
  f.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  f.answered = f.tally.latencies_ms.size();
  return f;
}

std::string post(uint16_t port, const std::string& body, const std::string& signature) {
  return "POST /webhooks/tiktok_bench HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
         "\r\nContent-Type: application/json\r\nTikTok-Signature: " + signature +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

int arg(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = arg(argc, argv, "--seconds", 10);
  const int connections = arg(argc, argv, "--connections", 64);
  const int deliveries = arg(argc, argv, "--deliveries", 150000);
  // What `connhost serve` runs (serve_command.cpp): a handler waits for its commit, so the
  // threads bound how many deliveries share one.
  const int threads = arg(argc, argv, "--server-threads", 32);
  log::init(log::Level::warn, log::Format::text);

  bench::TempDir dir;
  plugin::Registry registry;
  bench::load_plugins(registry);
  std::ofstream(dir.path / "tiktok_app_secret") << kSecret;
  std::string toml = "[store]\nbackend = \"sqlite\"\npath = \"" + (dir.path / "store.db").string() +
                     "\"\n\n[connections.tiktok_bench]\nplugin = \"tiktok\"\nbase_url = "
                     "\"http://127.0.0.1:1\"\napp_id = \"7000000000000000001\"\napp_secret = "
                     "\"${file:tiktok_app_secret}\"\n";
  auto loaded =
      config::load_string(toml, dir.path / "connhost.toml", pipeline::plugin_schemas(registry));
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return 1;
  }
  const config::HostConfig& cfg = *loaded.config;
  store::StoreOptions so;
  so.sqlite_path = cfg.store.sqlite_path;
  store::Store::open(so).migrate();
  auto open = [&so] { return store::Store::open(so); };

  metrics::Registry metrics;
  server::StorePool stores(open, 4);
  server::Readiness readiness;
  readiness.set(server::Readiness::State::ready);
  const bool process = arg(argc, argv, "--processor", 1) != 0;
  auto gate = std::make_shared<inbox::WriteGate>();
  std::optional<inbox::Processor> processor;
  if (process) processor.emplace(open, inbox::Processor::Options{.write_gate = gate}, metrics);
  inbox::InboxWriter writer(open,
                            {.committed =
                                 [&processor] {
                                   if (processor) processor->notify();
                                 },
                             .write_gate = gate},
                            metrics);
  server::ServerContext ctx{.config = cfg,
                            .plugins = registry,
                            .stores = stores,
                            .readiness = readiness,
                            .metrics = metrics,
                            .inbox = &writer,
                            .http = std::make_shared<connhost::http::Client>()};
  server::Router router;
  server::add_routes(router, ctx);
  server::Auth auth;
  server::StaticFiles files(dir.path);
  server::Dispatcher dispatch(router, auth, readiness, metrics,
                              [&files](const server::Request& r) { return files(r); });
  server::ServerOptions sopts;
  sopts.listen = {"127.0.0.1", 0};
  sopts.threads = threads;
  server::Server srv([&dispatch](server::Request& r) { return dispatch(r); }, sopts, metrics);
  uint16_t port = srv.start();

  // Pre-built and pre-signed, so that the client spends its time sending, not signing.
  Load load;
  load.requests.reserve(static_cast<size_t>(deliveries));
  int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  for (int i = 0; i < deliveries; ++i) {
    std::string conv = "bench-conv-" + std::to_string(i % 500);
    std::string body =
        test::tiktok_message_body(kBusiness, conv, "bench-msg-" + std::to_string(i),
                                  "hello " + std::to_string(i), now_s, now_s * 1000 + i % 1000);
    load.requests.push_back(post(port, body, test::tiktok_signature(kSecret, body, now_s)));
  }
  std::printf("bench_webhooks: %d s, %d connections, %d server threads, %u cores, load %s\n",
              seconds, connections, threads, std::thread::hardware_concurrency(), [] {
                static char buf[64] = "?";
                if (FILE* f = std::fopen("/proc/loadavg", "r")) {
                  if (!std::fgets(buf, sizeof buf, f)) buf[0] = 0;
                  std::fclose(f);
                  buf[std::strcspn(buf, "\n")] = 0;
                }
                return buf;
              }());

  // A short warm-up (plugin instance, statements, page cache), not counted.
  {
    Load warm;
    for (int i = 0; i < 200; ++i) {
      std::string body = test::tiktok_message_body(kBusiness, "warm", "warm-" + std::to_string(i),
                                                   "w", now_s, now_s * 1000);
      warm.requests.push_back(post(port, body, test::tiktok_signature(kSecret, body, now_s)));
    }
    drive(port, warm, std::min(connections, 8), 2);
  }

  Figures hooks = drive(port, load, connections, seconds);
  double rate = static_cast<double>(hooks.tally.ok.size()) / hooks.seconds;
  std::printf("webhooks: %zu answered (%zu x 200, %ld other, %ld transport errors) in %.2f s\n",
              hooks.answered, hooks.tally.ok.size(), hooks.tally.other, hooks.tally.errors,
              hooks.seconds);
  std::printf("webhooks: %.0f deliveries/s, ack p50 %.2f ms, p99 %.2f ms%s\n", rate, hooks.p(0.5),
              hooks.p(0.99),
              load.next.load() >= load.requests.size() ? " (ran out of pre-built deliveries)" : "");

  {
    // The group commit as it went: deliveries per transaction and time per transaction.
    std::string text = metrics.render();
    auto value = [&text](const std::string& series) {
      auto at = text.find("\n" + series + " ");  // a sample line, not its # HELP
      return at == std::string::npos ? 0.0 : std::stod(text.substr(at + series.size() + 2));
    };
    double batches = value("connhost_inbox_batch_deliveries_count");
    std::printf("inbox: %.0f transactions, %.1f deliveries each, %.2f ms each; processed %.0f\n",
                batches, value("connhost_inbox_batch_deliveries_sum") / std::max(1.0, batches),
                1000 * value("connhost_inbox_commit_seconds_sum") / std::max(1.0, batches),
                value("connhost_inbox_events_processed_total"));
  }

  if (processor) {
    // The backlog the flood left: processed after it, at the processor's own pace.
    auto t0 = Clock::now();
    bool idle = processor->wait_idle(std::chrono::seconds(300));
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    auto db = store::Store::open(so);
    long long done = 0;
    db.session() << "SELECT COUNT(*) FROM inbox_events WHERE status = 'processed'",
        soci::into(done);
    std::printf("processing: %lld events processed in all; the backlog took %.1f s more%s\n", done,
                s, idle ? "" : " (not finished)");
  }
  // The ceiling: the same client, the same server, GET /healthz.
  Load health;
  std::string get = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n\r\n";
  health.requests.assign(5'000'000, get);
  Figures ceiling = drive(port, health, connections, seconds);
  std::printf("healthz:  %.0f requests/s, p50 %.2f ms, p99 %.2f ms\n",
              static_cast<double>(ceiling.answered) / ceiling.seconds, ceiling.p(0.5),
              ceiling.p(0.99));
  std::printf("webhooks / healthz: %.0f%%\n",
              100.0 * rate / (static_cast<double>(ceiling.answered) / ceiling.seconds));

  srv.stop();
  writer.stop();
  // Every delivery answered 200 is in the inbox.
  auto db = store::Store::open(so);
  std::set<std::string> stored;
  {
    std::string id;
    soci::statement st = (db.session().prepare << "SELECT event_id FROM inbox_events WHERE "
                                                  "connection = 'tiktok_bench'",
                          soci::into(id));
    st.execute();
    while (st.fetch()) stored.insert(id);
  }
  size_t missing = 0;
  for (size_t i : hooks.tally.ok)
    if (!stored.count("bench-msg-" + std::to_string(i))) ++missing;
  std::printf("durable: %zu of %zu deliveries answered 200 are in inbox_events (missing %zu)\n",
              hooks.tally.ok.size() - missing, hooks.tally.ok.size(), missing);
  bool ok_target = rate >= 5000 && hooks.p(0.99) < 50;
  std::printf("target (>= 5000/s, p99 < 50 ms): %s\n", ok_target ? "met" : "NOT met");
  if (processor) processor->stop();
  return missing == 0 ? 0 : 1;
}
