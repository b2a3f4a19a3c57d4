// The conformance kit run as a process, as CI would: the example connector passes every check
// against its recorded exchanges, and each broken build of it fails the check it breaks, naming
// what was expected and what came.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace json = boost::json;

struct KitRun {
  int code = -1;
  std::string out;
  std::chrono::seconds took{0};
};

KitRun run_kit(const std::string& args, const std::string& redirect = "2>&1") {
  std::string cmd = std::string(CONFORMANCE_BIN) + " " + args + " " + redirect;
  auto start = std::chrono::steady_clock::now();
  FILE* p = popen(cmd.c_str(), "r");
  KitRun r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.took =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
  return r;
}

std::string plugin(const std::string& variant) {
  return std::string(CONFORMANCE_PLUGINS) + "/conformance_example_" + variant + ".so";
}

std::string example_args(const std::string& variant) {
  return plugin(variant) + " --connection " + CONFORMANCE_SOURCE +
         "/profiles/example.toml --fixtures " + CONFORMANCE_SOURCE + "/fixtures/example";
}

struct Check {
  std::string status;
  std::string detail;
};

// The --json document's checks by id; fails the test when stdout is not that document.
std::map<std::string, Check> checks_of(const KitRun& r) {
  std::map<std::string, Check> out;
  boost::system::error_code ec;
  auto doc = json::parse(r.out, ec);
  EXPECT_FALSE(ec) << r.out;
  if (ec) return out;
  const auto& o = doc.as_object();
  int passed = 0, failed = 0, na = 0;
  for (const auto& c : o.at("checks").as_array()) {
    const auto& co = c.as_object();
    std::string status(co.at("status").as_string());
    out[std::string(co.at("id").as_string())] = {status, std::string(co.at("detail").as_string())};
    (status == "pass" ? passed : status == "fail" ? failed : na)++;
  }
  EXPECT_EQ(o.at("passed").as_int64(), passed);
  EXPECT_EQ(o.at("failed").as_int64(), failed);
  EXPECT_EQ(o.at("not_applicable").as_int64(), na);
  return out;
}

const char* kAllChecks[] = {
    "load",       "descriptor",   "config_schema",     "streams",        "check",
    "pagination", "state_resume", "rate_limit",        "server_error",   "auth_error",
    "row_schema", "timeouts",     "webhook_signature", "secrets_in_logs"};

TEST(ConformanceKit, GoodExampleConnectorPassesEveryCheck) {
  auto r = run_kit(example_args("good") + " --json", "2>/dev/null");
  EXPECT_EQ(r.code, 0) << r.out;
  auto checks = checks_of(r);
  ASSERT_EQ(checks.size(), std::size(kAllChecks)) << r.out;
  for (const char* id : kAllChecks)
    EXPECT_EQ(checks[id].status, "pass") << id << ": " << checks[id].detail;
  EXPECT_NE(checks["pagination"].detail.find("every one of the 7 recorded exchanges"),
            std::string::npos)
      << checks["pagination"].detail;
  EXPECT_NE(checks["state_resume"].detail.find("resumed from checkpoint 1 of 3"), std::string::npos)
      << checks["state_resume"].detail;
}

TEST(ConformanceKit, TextOutputHasOneLinePerCheckAndASummary) {
  auto r = run_kit(example_args("good") + " --check descriptor --check streams");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("PASS  load  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS  descriptor  example 0.1.0, ABI "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS  streams  3 streams (accounts, campaigns, campaign_daily)"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("pagination"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 passed, 0 failed, 0 not applicable"), std::string::npos) << r.out;
}

struct Broken {
  std::string check;     // the check the variant breaks
  std::string fragment;  // what its FAIL detail must say
};

// Each broken build, the check it must fail and the words that name what went wrong.
const std::map<std::string, Broken> kBroken = {
    {"descriptor", {"descriptor", "version '1.0' is not semver"}},
    {"config_schema", {"config_schema", "setting 'retries' default 'three' is not an integer"}},
    {"streams",
     {"streams",
      "stream 'campaign_daily' column 2 'campaign_id': expected flags primary_key, "
      "declared none"}},
    {"check", {"check", "config: check is not wired up"}},
    {"pagination", {"pagination", "were never requested, first example.json #4"}},
    {"state_resume", {"state_resume", "it started over instead of continuing where it stopped"}},
    {"rate_limit", {"rate_limit", "expected quota with a retry-after > 0, got transient"}},
    {"server_error", {"server_error", "expected transient, got config"}},
    {"auth_error", {"auth_error", "expected auth, got transient"}},
    {"row_schema",
     {"row_schema",
      "campaigns.created_time is timestamp: wrong setter or value (got string "
      "\"2026-01-01T00:00:00Z\")"}},
    {"timeouts", {"timeouts", "the plugin blocks past the host's timeouts"}},
    {"webhook_signature", {"webhook_signature", "a delivery with a bad signature was accepted"}},
    {"secrets_in_logs",
     {"secrets_in_logs",
      "a log line of the plugin carries the secret setting 'token' (value not shown)"}},
};

class BrokenConnector : public ::testing::TestWithParam<std::string> {};

TEST_P(BrokenConnector, FailsExactlyTheCheckItBreaks) {
  const auto& variant = GetParam();
  const auto& broken = kBroken.at(variant);
  std::string extra = variant == "timeouts" ? " --timeout-seconds 2" : "";
  auto r = run_kit(example_args(variant) + extra + " --json", "2>/dev/null");
  EXPECT_EQ(r.code, 1) << r.out;
  auto checks = checks_of(r);
  ASSERT_EQ(checks.size(), std::size(kAllChecks)) << r.out;
  EXPECT_EQ(checks[broken.check].status, "fail") << r.out;
  EXPECT_NE(checks[broken.check].detail.find(broken.fragment), std::string::npos)
      << checks[broken.check].detail;
  for (const char* id : kAllChecks) {
    if (id != broken.check) {
      EXPECT_EQ(checks[id].status, "pass")
          << variant << " also broke " << id << ": " << checks[id].detail;
    }
  }
  if (variant == "timeouts") {
    // 2 s timeout: the blocked read is given up after 2 x 2 s + 5 s without a request, and the
    // process still ends although the plugin's thread sleeps on.
    EXPECT_LT(r.took.count(), 60) << "the kit did not end promptly after a blocked call";
  }
  if (variant == "secrets_in_logs") {
    EXPECT_EQ(r.out.find("example-test-token-0001"), std::string::npos) << "the kit printed it";
  }
}

TEST_P(BrokenConnector, TextLineNamesTheCheck) {
  const auto& variant = GetParam();
  // The JSON run covers it; a second blocked run would only add its wait.
  if (variant == "timeouts") return;
  const auto& broken = kBroken.at(variant);
  auto r = run_kit(example_args(variant) + " --check " + broken.check);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("FAIL  " + broken.check + "  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(broken.fragment), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(ConformanceKit, BrokenConnector,
                         ::testing::Values("descriptor", "config_schema", "streams", "check",
                                           "pagination", "state_resume", "rate_limit",
                                           "server_error", "auth_error", "row_schema", "timeouts",
                                           "webhook_signature", "secrets_in_logs"),
                         [](const auto& info) { return info.param; });

TEST(ConformanceKit, PluginTheLoaderRefusesExitsTwoWithTheReason) {
  auto r = run_kit(example_args("load"));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("FAIL  load  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("descriptor id 'Example Broken' is not [a-z][a-z0-9_-]*"), std::string::npos)
      << r.out;
}

TEST(ConformanceKit, WithoutAConnectionFileSaysWhichFileToWrite) {
  // The plugin folder of the build has no conformance.toml next to the plugin.
  auto r = run_kit(plugin("good"));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find(std::string(CONFORMANCE_PLUGINS) + "/conformance.toml"), std::string::npos)
      << r.out;
}

TEST(ConformanceKit, FindsConformanceTomlNextToThePlugin) {
  auto dir =
      std::filesystem::temp_directory_path() / ("conformance-kit-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(plugin("good"), dir / "example.so",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(std::string(CONFORMANCE_SOURCE) + "/profiles/example.toml",
                             dir / "conformance.toml",
                             std::filesystem::copy_options::overwrite_existing);
  auto r = run_kit((dir / "example.so").string() + " --fixtures " + CONFORMANCE_SOURCE +
                   "/fixtures/example --check config_schema");
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("PASS  config_schema  "), std::string::npos) << r.out;
}

TEST(ConformanceKit, UsageErrorsExitTwo) {
  EXPECT_EQ(run_kit(example_args("good") + " --check no_such_check").code, 2);
  EXPECT_EQ(run_kit("/no/such/plugin.so --connection x.toml").code, 2);
  auto r = run_kit(plugin("good") + " --connection /no/such/file.toml");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("/no/such/file.toml"), std::string::npos) << r.out;
}

TEST(ConformanceKit, AConnectionThatBreaksTheSchemaFailsConfigSchema) {
  auto dir = std::filesystem::temp_directory_path() /
             ("conformance-kit-schema-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / "conn.toml");
    f << "[connection]\nbase_url = \"${sandbox}\"\ntoken = \"example-test-token-0001\"\n"
         "chunk_days = \"three\"\npage_sise = 10\n";
  }
  auto r = run_kit(plugin("good") + " --connection " + (dir / "conn.toml").string() +
                       " --fixtures " + CONFORMANCE_SOURCE + "/fixtures/example --json",
                   "2>/dev/null");
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.code, 1) << r.out;
  auto checks = checks_of(r);
  EXPECT_EQ(checks["config_schema"].status, "fail");
  EXPECT_NE(checks["config_schema"].detail.find("connection.chunk_days"), std::string::npos)
      << checks["config_schema"].detail;
  EXPECT_NE(checks["config_schema"].detail.find("connection.page_sise"), std::string::npos)
      << checks["config_schema"].detail;
  // Nothing can run without a valid connection: those checks say why instead of failing.
  EXPECT_EQ(checks["check"].status, "n/a");
  EXPECT_NE(checks["check"].detail.find("see config_schema"), std::string::npos);
}

TEST(ConformanceKit, ARequestTheFixturesDoNotHoldFailsPagination) {
  // The recordings without their last exchange (the third chunk's only page): the good connector
  // asks for it, and the replay has nothing to answer.
  auto dir = std::filesystem::temp_directory_path() /
             ("conformance-kit-fixtures-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ifstream in(std::string(CONFORMANCE_SOURCE) + "/fixtures/example/example.json");
  std::stringstream text;
  text << in.rdbuf();
  auto doc = json::parse(text.str());
  auto& exchanges = doc.as_object()["exchanges"].as_array();
  exchanges.pop_back();
  std::ofstream(dir / "example.json") << json::serialize(doc);
  auto r = run_kit(plugin("good") + " --connection " + CONFORMANCE_SOURCE +
                   "/profiles/example.toml --fixtures " + dir.string() + " --check pagination");
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("FAIL  pagination  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the request GET /v1/report?"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("matched no recorded exchange"), std::string::npos) << r.out;
}

}  // namespace
