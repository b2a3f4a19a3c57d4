// The alert evaluator against a real receiver on a loopback port (the host's own HTTP server)
// that records every request and checks its HMAC, a real SQLite store, a metrics registry and
// a plugin registry: one signed alert per incident, dedup, recurrence, rate limit and retries.
// The evaluator's rounds are driven directly with a clock the test moves.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <set>

#include "alerts/alerts.hpp"
#include "config/config.hpp"
#include "http/client.hpp"
#include "http/hmac.hpp"
#include "metrics/metrics.hpp"
#include "plugin/registry.hpp"
#include "server/server.hpp"
#include "store/session.hpp"
#include "store/store.hpp"
#include "store/timestamp.hpp"
#include "support/temp_dir.hpp"

namespace connhost {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "alert-signing-key-7f3a9c";

// Independent of the code under test: what a receiver would compute.
std::string expected_signature(const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret, static_cast<int>(std::strlen(kSecret)),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  char hex[3];
  std::string out = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", mac[i]);
    out += hex;
  }
  return out;
}

struct Received {
  std::string body, signature, timestamp, content_type;
  boost::json::object json() const { return boost::json::parse(body).as_object(); }
};

// Records each POST; answers with the queued statuses, then 200.
class Receiver {
 public:
  Receiver()
      : server_(
            [this](server::Request& r) {
              std::lock_guard lock(m_);
              received_.push_back({r.body,
                                   std::string(r.header("x-connhost-signature").value_or("")),
                                   std::string(r.header("x-connhost-timestamp").value_or("")),
                                   std::string(r.header("content-type").value_or(""))});
              server::Response res;
              res.status = 200;
              if (!statuses_.empty()) {
                res.status = statuses_.front();
                statuses_.pop_front();
              }
              res.body = "{}";
              return res;
            },
            server::ServerOptions{.listen = {"127.0.0.1", 0},
                                  // As tests/server's fixture: a session the client left open
                                  // may otherwise hold the stop for the full default grace.
                                  .shutdown_grace = std::chrono::seconds(1)},
            metrics_) {
    port_ = server_.start();
  }
  ~Receiver() { server_.stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks/ops"; }
  void answer_next(int status) {
    std::lock_guard lock(m_);
    statuses_.push_back(status);
  }
  std::vector<Received> received() {
    std::lock_guard lock(m_);
    return received_;
  }

 private:
  metrics::Registry metrics_;
  std::mutex m_;
  std::deque<int> statuses_;
  std::vector<Received> received_;
  server::Server server_;
  uint16_t port_ = 0;
};

class AlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("CONNHOST_TEST_ALERT_SECRET", kSecret, 1);
    store_path_ = dir_.path() / "store.db";
    store_ = std::make_unique<store::Store>(open());
    store_->migrate();
    now_ = std::chrono::sys_days{std::chrono::year{2026} / 3 / 1} + 9h;
  }

  store::Store open() const {
    return store::Store::open({.backend = store::Backend::sqlite, .sqlite_path = store_path_});
  }

  // [alerts] with the receiver's URL, the given rules and interval.
  config::AlertsSettings settings(const std::string& rules, int64_t min_interval = 900) {
    std::string toml = "[alerts]\nurl = \"" + receiver_.url() +
                       "\"\nsecret = \"${env:CONNHOST_TEST_ALERT_SECRET}\"\n"
                       "min_interval_seconds = " +
                       std::to_string(min_interval) + "\n" + rules;
    auto loaded = config::load_string(toml, dir_.path() / "connhost.toml", {});
    for (const auto& e : loaded.errors) ADD_FAILURE() << e.to_string();
    return loaded.config->alerts;
  }

  std::unique_ptr<alerts::Evaluator> evaluator(const config::AlertsSettings& s) {
    http::ClientOptions co;
    co.timeout = 5s;
    co.max_retries = 0;
    return std::make_unique<alerts::Evaluator>(
        s,
        alerts::Evaluator::Sources{
            .metrics = &metrics_, .open_store = [this] { return open(); }, .plugins = &plugins_},
        std::make_shared<http::Client>(co),
        alerts::Evaluator::Options{.now = [this] { return now_; }, .host = "alert-test-host"});
  }

  void add_run(const std::string& pipeline, const std::string& status,
               const std::string& error = "") {
    std::string started = "2026-03-01T08:00:00.000Z", category = "transient";
    soci::indicator ind = error.empty() ? soci::i_null : soci::i_ok;
    store_->session() << "INSERT INTO sync_runs (pipeline, connection, origin, started_at, "
                         "finished_at, status, error_category, error) VALUES (:p, 'tiktok_main', "
                         "'schedule', :s, :f, :st, :c, :e)",
        soci::use(pipeline), soci::use(started), soci::use(started), soci::use(status),
        soci::use(category, ind), soci::use(error, ind);
  }

  // Every request signed with the secret, the timestamp set, the secret nowhere in the body.
  std::vector<Received> verified() {
    auto all = receiver_.received();
    for (const auto& r : all) {
      EXPECT_EQ(r.signature, expected_signature(r.body)) << r.body;
      EXPECT_FALSE(r.timestamp.empty());
      EXPECT_EQ(r.content_type, "application/json");
      EXPECT_EQ(r.body.find(kSecret), std::string::npos) << r.body;
    }
    return all;
  }

  // Runs `n` rounds, moving the clock `step` after each.
  void rounds(alerts::Evaluator& e, int n, std::chrono::seconds step = 30s) {
    for (int i = 0; i < n; ++i) {
      e.evaluate_once();
      now_ += step;
    }
  }

  test::TempDir dir_{"connhost-alerts"};
  std::filesystem::path store_path_;
  std::unique_ptr<store::Store> store_;
  Receiver receiver_;
  metrics::Registry metrics_;
  plugin::Registry plugins_;
  alerts::TimePoint now_;
};

TEST_F(AlertsTest, PipelineFailingThresholdTimesInARowGetsOneSignedAlertPerIncident) {
  auto e = evaluator(
      settings("[alerts.rules.pipeline_down]\nkind = \"pipeline_failures\"\nthreshold = 3\n", 60));
  add_run("tiktok_daily", "succeeded");
  add_run("tiktok_daily", "failed", "HTTP 503");
  add_run("tiktok_daily", "failed", "HTTP 503");
  add_run("meta_daily", "failed");  // another pipeline, one failure: nothing
  rounds(*e, 2);
  EXPECT_TRUE(receiver_.received().empty());

  add_run("tiktok_daily", "failed", "HTTP 502 from the platform");
  auto first_seen = now_;
  rounds(*e, 5);
  auto got = verified();
  ASSERT_EQ(got.size(), 1u);
  auto j = got[0].json();
  EXPECT_EQ(j["rule"], "pipeline_down");
  EXPECT_EQ(j["kind"], "pipeline_failures");
  EXPECT_EQ(j["subject"], "pipeline tiktok_daily");
  EXPECT_EQ(j["severity"], "error");
  EXPECT_EQ(j["count"], 1);
  EXPECT_EQ(j["host"], "alert-test-host");
  EXPECT_EQ(j["first_seen"].as_string(), store::timestamp_at(first_seen));
  EXPECT_NE(std::string(j["message"].as_string()).find("failed its last 3 runs"),
            std::string::npos);
  EXPECT_NE(std::string(j["message"].as_string()).find("HTTP 502 from the platform"),
            std::string::npos);
  EXPECT_EQ(metrics_.counter("connhost_alerts_sent_total", "", {{"rule", "pipeline_down"}}).value(),
            1);

  // A run still going does not end the incident; a success does.
  add_run("tiktok_daily", "running");
  rounds(*e, 2);
  EXPECT_EQ(receiver_.received().size(), 1u);
  add_run("tiktok_daily", "succeeded");
  rounds(*e, 2);
  EXPECT_EQ(receiver_.received().size(), 1u);

  // It recurs (past min_interval_seconds): a new incident, a second alert.
  now_ += 120s;
  for (int i = 0; i < 3; ++i) add_run("tiktok_daily", "failed");
  rounds(*e, 4);
  got = verified();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].json()["subject"], "pipeline tiktok_daily");
  EXPECT_EQ(got[1].json()["count"], 1);
}

TEST_F(AlertsTest, RecurrencesWithinMinIntervalAreHeldBackThenSentOnceCounted) {
  auto e = evaluator(
      settings("[alerts.rules.down]\nkind = \"pipeline_failures\"\nthreshold = 1\n", 900));
  auto t0 = now_;
  add_run("p1", "failed");
  rounds(*e, 1, 60s);
  EXPECT_EQ(receiver_.received().size(), 1u);
  // Resolves and recurs twice within the interval: held back, nothing sent.
  add_run("p1", "succeeded");
  rounds(*e, 1, 60s);
  add_run("p1", "failed");
  auto report = e->evaluate_once();
  EXPECT_EQ(report.held_back, 1);
  now_ += 60s;
  add_run("p1", "succeeded");
  rounds(*e, 1, 60s);
  add_run("p1", "failed");
  rounds(*e, 5, 60s);
  EXPECT_EQ(receiver_.received().size(), 1u);
  // Still going once the interval has passed: sent, standing for both held-back incidents.
  now_ = t0 + 901s;
  rounds(*e, 3, 60s);
  auto got = verified();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].json()["count"], 2);
  // Another pipeline is another subject: not limited by p1's alerts.
  add_run("p2", "failed");
  rounds(*e, 1);
  EXPECT_EQ(verified().size(), 3u);
}

TEST_F(AlertsTest, AFailedPostIsRetriedWithBackoffAndDeliveredOnce) {
  auto e =
      evaluator(settings("[alerts.rules.down]\nkind = \"pipeline_failures\"\nthreshold = 1\n"));
  receiver_.answer_next(500);
  add_run("p1", "failed");
  auto r = e->evaluate_once();
  EXPECT_EQ(r.failed, 1);
  EXPECT_EQ(e->pending(), 1u);
  EXPECT_EQ(metrics_.counter("connhost_alerts_failed_total", "").value(), 1);
  // Within the backoff: no new attempt.
  now_ += 2s;
  e->evaluate_once();
  EXPECT_EQ(receiver_.received().size(), 1u);
  now_ += 4s;
  r = e->evaluate_once();
  EXPECT_EQ(r.sent, 1);
  EXPECT_EQ(e->pending(), 0u);
  rounds(*e, 3);
  auto got = verified();
  ASSERT_EQ(got.size(), 2u);  // the 500, then the 200
  EXPECT_EQ(got[0].body, got[1].body);
  EXPECT_EQ(metrics_.counter("connhost_alerts_sent_total", "", {{"rule", "down"}}).value(), 1);
  EXPECT_EQ(metrics_.counter("connhost_alerts_failed_total", "").value(), 1);
}

TEST_F(AlertsTest, AnUnreachableReceiverDoesNotStopTheRounds) {
  auto s = settings("[alerts.rules.down]\nkind = \"pipeline_failures\"\nthreshold = 1\n");
  s.url = "http://127.0.0.1:1/nothing-listens-here";
  auto e = evaluator(s);
  add_run("p1", "failed");
  auto r = e->evaluate_once();
  EXPECT_EQ(r.failed, 1);
  EXPECT_EQ(e->pending(), 1u);
  EXPECT_EQ(r.findings.size(), 1u);
}

TEST_F(AlertsTest, RefreshFailedOnReauthRequiredOrFailuresInARow) {
  auto e = evaluator(settings("[alerts.rules.tokens]\nkind = \"refresh_failed\"\nfailures = 3\n"));
  auto& sql = store_->session();
  sql << "INSERT INTO users (id, created_at) VALUES (1, '2026-03-01T00:00:00Z')";
  sql << "INSERT INTO grants (id, user_id, connection, platform_user_id, scopes, key_id, status, "
         "created_at, updated_at, refresh_failures) VALUES "
         "(7, 1, 'tiktok_main', 'u7', '', 'k', 'active', 'x', 'x', 2), "
         "(8, 1, 'meta_main', 'u8', '', 'k', 'active', 'x', 'x', 0)";
  rounds(*e, 2);
  EXPECT_TRUE(receiver_.received().empty());

  sql << "UPDATE grants SET status = 'reauth_required', last_refresh_error = 'auth: invalid_grant' "
         "WHERE id = 8";
  rounds(*e, 3);
  auto got = verified();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].json()["subject"], "grant 8 of connection meta_main");
  EXPECT_EQ(got[0].json()["severity"], "critical");
  EXPECT_NE(std::string(got[0].json()["message"].as_string()).find("re-authorization"),
            std::string::npos);

  sql << "UPDATE grants SET refresh_failures = 3 WHERE id = 7";
  rounds(*e, 3);
  got = verified();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].json()["subject"], "grant 7 of connection tiktok_main");
  EXPECT_NE(std::string(got[1].json()["message"].as_string()).find("3 token refreshes failed"),
            std::string::npos);

  // A sign-in makes grant 8 active again: resolved; no alert for it while it stays so.
  sql << "UPDATE grants SET status = 'active', refresh_failures = 0 WHERE id = 8";
  auto r = e->evaluate_once();
  EXPECT_EQ(r.resolved, 1);
  rounds(*e, 2);
  EXPECT_EQ(verified().size(), 2u);
}

TEST_F(AlertsTest, WebhookSignatureFailureSpikeWithinTheWindow) {
  auto e = evaluator(
      settings("[alerts.rules.webhooks]\nkind = \"webhook_signature_failures\"\nthreshold = 5\n"
               "window_seconds = 60\n",
               0));
  auto rejected = [&](const std::string& conn, const std::string& reason) -> metrics::Counter& {
    return metrics_.counter("connhost_webhook_rejected_total", "",
                            {{"connection", conn}, {"reason", reason}});
  };
  e->evaluate_once();
  now_ += 10s;
  rejected("tiktok_main", "bad_signature").inc(3);
  rejected("tiktok_main", "too_large").inc(10);  // not a signature failure
  e->evaluate_once();
  EXPECT_TRUE(receiver_.received().empty());
  now_ += 10s;
  rejected("tiktok_main", "stale_timestamp").inc(2);
  rounds(*e, 3, 10s);
  auto got = verified();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].json()["subject"], "connection tiktok_main");
  EXPECT_EQ(got[0].json()["kind"], "webhook_signature_failures");

  // Quiet for longer than the window: resolved. A slow trickle (4 a minute) stays below.
  rounds(*e, 10, 10s);
  for (int i = 0; i < 4; ++i) {
    rejected("tiktok_main", "bad_signature").inc(1);
    rounds(*e, 6, 10s);
  }
  EXPECT_EQ(verified().size(), 1u);
  // A new spike: a new incident.
  rejected("tiktok_main", "bad_signature").inc(6);
  rounds(*e, 2, 10s);
  EXPECT_EQ(verified().size(), 2u);
}

TEST_F(AlertsTest, QuotaWaitLongerThanMinutes) {
  auto e = evaluator(settings("[alerts.rules.quota]\nkind = \"quota_wait\"\nminutes = 30\n", 0));
  auto& wait =
      metrics_.gauge(std::string(alerts::kQuotaWaitMetric), "", {{"pipeline", "meta_daily"}});
  wait.set(29 * 60);
  rounds(*e, 2);
  EXPECT_TRUE(receiver_.received().empty());
  wait.set(31 * 60 + 5);
  rounds(*e, 3);
  auto got = verified();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].json()["subject"], "pipeline meta_daily");
  EXPECT_NE(std::string(got[0].json()["message"].as_string()).find("31 min 5 s"),
            std::string::npos);
  wait.set(0);  // the next run started
  EXPECT_EQ(e->evaluate_once().resolved, 1);
}

TEST_F(AlertsTest, PluginRefusedAtLoad) {
  auto e = evaluator(settings("[alerts.rules.plugins]\nkind = \"plugin_refused\"\n"));
  rounds(*e, 1);
  EXPECT_TRUE(receiver_.received().empty());
  auto file = std::filesystem::path(BROKEN_PLUGIN_DIR) / "broken_not_a_library.so";
  ASSERT_EQ(plugins_.load_file(file), nullptr);
  rounds(*e, 4);
  auto got = verified();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].json()["subject"].as_string(), "plugin file " + file.string());
  EXPECT_NE(std::string(got[0].json()["message"].as_string()).find("was refused"),
            std::string::npos);
}

TEST_F(AlertsTest, SeveralRulesAndSubjectsEachGetTheirOwnAlert) {
  auto e = evaluator(settings(
      "[alerts.rules.down]\nkind = \"pipeline_failures\"\nthreshold = 2\nseverity = \"warning\"\n"
      "[alerts.rules.down_hard]\nkind = \"pipeline_failures\"\nthreshold = 4\n"
      "severity = \"critical\"\n"));
  for (int i = 0; i < 4; ++i) add_run("p1", "failed");
  add_run("p2", "failed");
  add_run("p2", "interrupted");
  rounds(*e, 3);
  auto got = verified();
  ASSERT_EQ(got.size(), 3u);
  std::set<std::string> seen;
  for (const auto& r : got) {
    auto j = r.json();
    seen.insert(std::string(j["rule"].as_string()) + "/" + std::string(j["subject"].as_string()) +
                "/" + std::string(j["severity"].as_string()));
  }
  EXPECT_EQ(seen, (std::set<std::string>{"down/pipeline p1/warning", "down/pipeline p2/warning",
                                         "down_hard/pipeline p1/critical"}));
}

TEST_F(AlertsTest, SecretsNeverReachTheAlert) {
  auto e =
      evaluator(settings("[alerts.rules.down]\nkind = \"pipeline_failures\"\nthreshold = 1\n"));
  // A plugin's error that quotes the key (it was read, so the log mask knows it).
  add_run("p1", "failed", std::string("request signed with ") + kSecret + " refused");
  rounds(*e, 1);
  auto got = verified();  // checks the secret is absent from every body
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[0].body.find("request signed with"), std::string::npos);
}

TEST_F(AlertsTest, AnUnreadableSecretStopsTheStartWithoutItsValue) {
  auto s = settings("[alerts.rules.down]\nkind = \"pipeline_failures\"\nthreshold = 1\n");
  ::unsetenv("CONNHOST_TEST_ALERT_SECRET");
  try {
    evaluator(s);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("CONNHOST_TEST_ALERT_SECRET"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("[alerts] secret"), std::string::npos) << e.what();
  }
}

TEST(AlertsSignature, HmacOfTheRawBody) {
  // RFC 4231 test case 2.
  EXPECT_EQ(http::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace connhost
