// Crash isolation (isolation = "process"): the crashing test plugin (crashing_connector.cpp) in
// its worker process, through the pipeline Runner in this process and through the real
// `connhost sync`. The host survives every way a plugin can go wrong, the run is failed with the
// reason, the rows checkpointed before the crash stay and nothing after; a crashed connection's
// next call fails fast during the backoff and works once it has passed; an isolated TikTok
// pipeline against the sandbox stores exactly what the in-process one stores.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "isolation/supervisor.hpp"
#include "metrics/metrics.hpp"
#include "pipeline/connection_setup.hpp"
#include "pipeline/pipeline_fixture.hpp"
#include "support/child_process.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr const char* kFrom = "2026-11-01";
constexpr const char* kTo = "2026-11-10";  // ten days: ten rows when nothing goes wrong
constexpr int kCrashAfter = 3;             // days checkpointed before the plugin misbehaves

const char* const kModes[] = {"segfault", "abort", "memory", "hang", "exit3"};

// Short limits, so that a hang or a backoff takes a moment of the test, not minutes.
isolation::Options test_options() {
  isolation::Options o;
  o.hang_timeout = std::chrono::milliseconds(1000);
  o.backoff_base = std::chrono::milliseconds(300);
  o.backoff_max = std::chrono::milliseconds(2000);
  o.memory_limit_mib = 512;
  return o;
}

std::string crashing_config(const std::filesystem::path& dir, const std::string& store) {
  std::ofstream(dir / "token") << "sesame";
  std::string t = "[host]\nlog_level = \"warn\"\nplugin_dirs = [\"" +
                  std::string(CRASHING_PLUGIN_DIR) +
                  "\"]\n\n[store]\nbackend = \"sqlite\"\npath = \"" + store + "\"\n\n";
  for (const char* mode : kModes) {
    t += std::string("[connections.iso_") + mode +
         "]\nplugin = \"crashing\"\nisolation = \"process\"\nmode = \"" + mode +
         "\"\ncrash_after = " + std::to_string(kCrashAfter) + "\n\n";
    t += std::string("[pipelines.") + mode + "_sync]\nconnection = \"iso_" + mode +
         "\"\ncapability = \"reporting\"\n\n";
  }
  t += "[connections.iso_ok]\nplugin = \"crashing\"\nisolation = \"process\"\n"
       "token = \"${file:token}\"\n\n";
  t += "[connections.inproc_ok]\nplugin = \"crashing\"\n\n";
  t += "[pipelines.inproc_sync]\nconnection = \"inproc_ok\"\ncapability = \"reporting\"\n\n";
  return t;
}

class IsolationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::init(log::Level::off, log::Format::text);
    registry.load_directories({CRASHING_PLUGIN_DIR});
    ASSERT_TRUE(registry.find("crashing")) << "no crashing plugin in " << CRASHING_PLUGIN_DIR;
    isolation::set_options(test_options());
    isolation::reset_backoff();
    auto loaded = config::load_string(crashing_config(dir.path(), "store.db"),
                                      dir.path() / "connhost.toml", schema_lookup(registry));
    std::string errors;
    for (const auto& e : loaded.errors) errors += e.to_string() + "\n";
    ASSERT_TRUE(loaded.ok()) << errors;
    config = std::move(*loaded.config);
    db = std::make_unique<store::Store>(
        store::Store::open({.sqlite_path = dir.path() / "store.db"}));
    db->migrate();
    http = std::make_shared<http::Client>();
    runner = std::make_unique<pipeline::Runner>(*db, config, registry, http);
  }

  void TearDown() override {
    // Every worker was reaped: this process has no child left, running or zombie.
    EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
    EXPECT_EQ(errno, ECHILD);
  }

  const config::Pipeline& pipeline(const std::string& name) {
    for (const auto& p : config.pipelines)
      if (p.name == name) return p;
    throw std::runtime_error("no pipeline " + name);
  }

  pipeline::RunResult run(const std::string& name) {
    pipeline::RunOptions o;
    o.from = kFrom;
    o.to = kTo;
    o.backoff_base = std::chrono::milliseconds(10);
    return runner->run(pipeline(name), o);
  }

  std::vector<std::string> daily_dates() {
    std::vector<std::string> out;
    soci::rowset<std::string> rs =
        (db->session().prepare << "SELECT date FROM campaign_daily ORDER BY date");
    for (const auto& d : rs) out.push_back(d);
    return out;
  }

  std::pair<std::string, std::string> run_record(int64_t id) {
    std::string status, error;
    soci::indicator ind = soci::i_ok;
    long long run_id = id;
    db->session() << "SELECT status, error FROM sync_runs WHERE id = :id", soci::into(status),
        soci::into(error, ind), soci::use(run_id);
    return {status, ind == soci::i_ok ? error : ""};
  }

  static std::vector<std::string> first_days(int n) {
    std::vector<std::string> out;
    for (int i = 1; i <= n; ++i) out.push_back(fmt::format("2026-11-{:02}", i));
    return out;
  }

  test::TempDir dir{"connhost-isolation"};
  plugin::Registry registry;
  config::HostConfig config;
  std::unique_ptr<store::Store> db;
  std::shared_ptr<http::Client> http;
  std::unique_ptr<pipeline::Runner> runner;
};

TEST_F(IsolationTest, SegfaultMidReadFailsTheRunWithTheSignalAndTheHostRunsOn) {
  auto res = run("segfault_sync");
  EXPECT_EQ(res.status, "failed");
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error->category, CH_ERROR_INTERNAL);
  EXPECT_THAT(res.error->message, HasSubstr("killed by signal 11 (SIGSEGV)"));
  auto [status, error] = run_record(res.run_id);
  EXPECT_EQ(status, "failed");
  EXPECT_THAT(error, HasSubstr("SIGSEGV"));
  // The days checkpointed before the crash, and nothing of the day it crashed on.
  EXPECT_EQ(daily_dates(), first_days(kCrashAfter));

  // Another connection, in process, right after, in the same process.
  auto ok = run("inproc_sync");
  EXPECT_EQ(ok.status, "succeeded") << (ok.error ? ok.error->to_string() : "");
  EXPECT_EQ(daily_dates(), first_days(10));
}

struct ModeCase {
  const char* mode;
  const char* reason;
};

class ModeTest : public IsolationTest, public ::testing::WithParamInterface<ModeCase> {};

TEST_P(ModeTest, TheRunFailsWithTheReasonAndKeepsTheCheckpointedDays) {
  auto res = run(std::string(GetParam().mode) + "_sync");
  EXPECT_EQ(res.status, "failed");
  ASSERT_TRUE(res.error);
  EXPECT_THAT(res.error->message, HasSubstr(GetParam().reason));
  EXPECT_THAT(run_record(res.run_id).second, HasSubstr(GetParam().reason));
  EXPECT_EQ(daily_dates(), first_days(kCrashAfter));
}

INSTANTIATE_TEST_SUITE_P(Modes, ModeTest,
                         ::testing::Values(ModeCase{"abort", "killed by signal 6 (SIGABRT)"},
                                           ModeCase{"memory", "out of memory (limit 512 MiB)"},
                                           ModeCase{"hang", "no answer in 1.0 s: killed"},
                                           ModeCase{"exit3", "exited with status 3"}),
                         [](const auto& info) { return std::string(info.param.mode); });

TEST_F(IsolationTest, AfterACrashTheNextCallFailsFastUntilTheBackoffHasPassed) {
  auto setup = pipeline::setup_connection(config, registry, "iso_ok", http);
  auto [instance, create_error] = plugin::Instance::create(setup.plugin, std::move(setup.settings));
  ASSERT_FALSE(create_error) << create_error->to_string();
  ASSERT_TRUE(instance->isolated());
  // A secret and a log line cross to the host and back.
  auto checked = instance->check();
  EXPECT_FALSE(checked) << checked->to_string();

  auto crashed = instance->read("accounts", "", "", "", "crash:segfault");
  ASSERT_TRUE(crashed.error);
  EXPECT_THAT(crashed.error->message, HasSubstr("SIGSEGV"));

  auto fast = instance->read("accounts", "", "", "", "");
  ASSERT_TRUE(fast.error);
  EXPECT_EQ(fast.error->category, CH_ERROR_TRANSIENT);
  EXPECT_THAT(fast.error->message, HasSubstr("backing off after 1 crash: restarting it in"));
  EXPECT_TRUE(fast.error->retry_after);

  // Once the backoff has passed, the next call starts a new worker and succeeds.
  auto deadline = Clock::now() + std::chrono::seconds(20);
  std::optional<plugin::Instance::ReadResult> ok;
  while (Clock::now() < deadline) {
    auto r = instance->read("accounts", "", "", "", "");
    if (!r.error) {
      ok = std::move(r);
      break;
    }
    ASSERT_EQ(r.error->category, CH_ERROR_TRANSIENT) << r.error->to_string();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(ok) << "no successful call within 20 s of the crash";
  ASSERT_EQ(ok->rows.size(), 1u);
  EXPECT_EQ(std::get<std::string>(ok->rows[0].values[0]), "acc1");
  EXPECT_THAT(
      metrics::global().render(),
      HasSubstr(
          "connhost_plugin_worker_restarts_total{connection=\"iso_ok\",reason=\"SIGSEGV\"} 1"));

  // A plugin that crashes on every call doubles the wait: the restarted worker's instance_create
  // succeeding does not count as the connection working again.
  ASSERT_THAT(instance->read("accounts", "", "", "", "crash:abort").error->message,
              HasSubstr("SIGABRT"));
  deadline = Clock::now() + std::chrono::seconds(20);
  bool crashed_again = false;
  while (Clock::now() < deadline && !crashed_again) {
    auto r = instance->read("accounts", "", "", "", "crash:abort");
    ASSERT_TRUE(r.error);
    crashed_again = r.error->category == CH_ERROR_INTERNAL;
    if (!crashed_again) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(crashed_again);
  auto again = instance->read("accounts", "", "", "", "");
  ASSERT_TRUE(again.error);
  EXPECT_THAT(again.error->message, HasSubstr("SIGABRT"));
  EXPECT_THAT(again.error->message, HasSubstr("backing off after 2 crashes"));
  instance.reset();
}

TEST_F(IsolationTest, RealSyncProcessExitsFailedAndIsNotKilledByTheSignal) {
  auto file = dir.path() / "sync.toml";
  std::ofstream(file) << crashing_config(dir.path(), "sync.db");
  auto log_file = (dir.path() / "sync.log").string();
  auto child = test::spawn_child({CONNHOST_BIN, "--config", file.string(), "sync", "segfault_sync",
                                  "--from", kFrom, "--to", kTo, "--no-progress"},
                                 log_file);
  ASSERT_TRUE(test::wait_exit(child, 120'000)) << test::log_tail(log_file);
  int code = test::reap(child);
  auto out = test::log_tail(log_file);
  EXPECT_EQ(code, 1) << out;  // a failed run; 128 + 11 would be the host killed by the signal
  EXPECT_THAT(out, HasSubstr("SIGSEGV"));

  auto s = store::Store::open({.sqlite_path = dir.path() / "sync.db"});
  std::string status, error;
  s.session() << "SELECT status, error FROM sync_runs ORDER BY id DESC LIMIT 1", soci::into(status),
      soci::into(error);
  EXPECT_EQ(status, "failed");
  EXPECT_THAT(error, HasSubstr("killed by signal 11 (SIGSEGV)"));
  long long days = 0;
  s.session() << "SELECT COUNT(*) FROM campaign_daily", soci::into(days);
  EXPECT_EQ(days, kCrashAfter);
}

// The messaging operations (outputs, headers, errors) answer the same isolated as in process.
TEST(IsolatedMessaging, EveryOperationAnswersAsInProcess) {
  log::init(log::Level::off, log::Format::text);
  isolation::set_options(test_options());
  isolation::reset_backoff();
  plugin::Registry registry;
  registry.load_directories({MESSAGING_PLUGIN_DIR});
  ASSERT_TRUE(registry.find("fake_messaging"));
  std::shared_ptr<const plugin::LoadedPlugin> p;
  for (const auto& c : registry.plugins())
    if (c->id == "fake_messaging") p = c;
  auto make = [&](bool isolated) {
    plugin::Instance::Settings s;
    s.connection = isolated ? "msg_iso" : "msg_in";
    s.values = {{"mode", "normal"}};
    if (isolated) s.isolate = isolation::make_isolated;
    auto [inst, err] = plugin::Instance::create(p, std::move(s));
    EXPECT_FALSE(err);
    EXPECT_EQ(inst->isolated(), isolated);
    return std::move(inst);
  };
  auto in = make(false), iso = make(true);

  plugin::WebhookRequest hs{.method = "GET", .query = "token=ok"};
  auto h1 = in->handshake(hs), h2 = iso->handshake(hs);
  ASSERT_FALSE(h2.error) << h2.error->to_string();
  EXPECT_EQ(h2.status, h1.status);
  EXPECT_EQ(h2.body, "challenge-123");

  plugin::WebhookRequest post{.method = "POST",
                              .headers = {{"X-Sig", "good"}, {"X-Ts", "1000"}},
                              .body = "hello",
                              .now_ms = 2000,
                              .tolerance_ms = 5000};
  EXPECT_FALSE(iso->verify(post));
  post.headers[0].second = "bad";
  auto bad = iso->verify(post);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->category, CH_ERROR_AUTH);
  EXPECT_EQ(bad->message, in->verify(post)->message);

  auto e1 = in->parse_events(post), e2 = iso->parse_events(post);
  ASSERT_FALSE(e2.error) << e2.error->to_string();
  ASSERT_EQ(e2.events.size(), e1.events.size());
  ASSERT_EQ(e2.events.size(), 2u);
  EXPECT_EQ(e2.events[0].text, "hello");
  EXPECT_EQ(e2.events[0].extras, e1.events[0].extras);
  EXPECT_EQ(e2.events[1].event_id, e1.events[1].event_id);

  plugin::SendRequest send{
      .access_token = "tok", .recipient_id = "u1", .type = "text", .text = "hi"};
  EXPECT_EQ(iso->send(send).message_id, "m-u1-text");
  send.text = "window";
  EXPECT_EQ(iso->send(send).error->message, in->send(send).error->message);

  plugin::MediaRequest media{.access_token = "tok",
                             .conversation_id = "c",
                             .message_id = "m",
                             .media_id = "x",
                             .media_type = "image"};
  auto m1 = in->media_url(media), m2 = iso->media_url(media);
  ASSERT_FALSE(m2.error) << m2.error->to_string();
  EXPECT_EQ(m2.url, m1.url);
  EXPECT_EQ(m2.content_type, m1.content_type);
  EXPECT_EQ(m2.headers, m1.headers);
}

// The TikTok connector against the sandbox, isolated, stores exactly what it stores in process:
// HTTP, secrets, rows and checkpoints all cross the pipe.
class IsolatedSandboxTest : public PipelineTest {};

TEST_F(IsolatedSandboxTest, IsolatedTikTokPipelineGivesTheInProcessRows) {
  isolation::set_options(test_options());
  isolation::reset_backoff();
  // Settled days only: the sandbox restates recent days between reads, in process or not.
  const std::string from = "2026-08-01", to = "2026-10-15";
  auto in = sync("tiktok", from, to);
  ASSERT_EQ(in.status, "succeeded") << (in.error ? in.error->to_string() : "");
  auto reference = daily_table();
  ASSERT_GT(reference.size(), 100u);

  std::string text = sandbox_config(dir.path(), sandbox->base_url(), "isolated.db");
  const std::string head = "[connections.tiktok_sb]\nplugin = \"tiktok\"\n";
  auto at = text.find(head);
  ASSERT_NE(at, std::string::npos);
  text.insert(at + head.size(), "isolation = \"process\"\n");
  auto loaded = config::load_string(text, dir.path() / "isolated.toml", schema_lookup(registry));
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded.config->connection("tiktok_sb")->isolation, "process");
  auto iso_store = store::Store::open({.sqlite_path = dir.path() / "isolated.db"});
  iso_store.migrate();
  pipeline::Runner iso_runner(iso_store, *loaded.config, registry,
                              std::make_shared<http::Client>());
  const config::Pipeline* p = nullptr;
  for (const auto& q : loaded.config->pipelines)
    if (q.name == "tiktok_sync") p = &q;
  ASSERT_TRUE(p);
  pipeline::RunOptions o;
  o.from = from;
  o.to = to;
  auto iso = iso_runner.run(*p, o);
  ASSERT_EQ(iso.status, "succeeded") << (iso.error ? iso.error->to_string() : "");
  EXPECT_EQ(iso.rows, in.rows);
  EXPECT_EQ(iso.requests, in.requests);
  auto isolated = daily_table(iso_store.session());
  ASSERT_EQ(isolated.size(), reference.size());
  for (size_t i = 0; i < reference.size(); ++i)
    ASSERT_EQ(isolated[i], reference[i]) << "campaign_daily row " << i;
}

}  // namespace
}  // namespace connhost::testing
