// End to end through the command line: plugins list and describe, refusals while the good
// plugins stay loaded, config validation with file:line:col, store migrate, exit codes.
#include <connhost/abi.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include "cli/run_connhost.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

namespace {

using Run = connhost::testing::CliRun;

Run run(const std::string& args, const std::string& env = "") {
  return connhost::testing::run_connhost(args, env);
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("connhost-cli-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  }
  fs::path dir;
  const fs::path demo = fs::path(SOURCE_DIR) / "config/demo.toml";
};

// The ABI the host and the first-party plugins are built with, as `plugins list` prints it.
const std::string kAbi =
    std::to_string(CONNHOST_ABI_MAJOR) + "\\." + std::to_string(CONNHOST_ABI_MINOR);

TEST_F(CliTest, PluginsListShowsTheThreeConnectorsWithCapabilities) {
  auto r = run("--config " + demo.string() + " plugins list");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, testing::ContainsRegex("google +0\\.1\\.0 +" + kAbi +
                                            " +google +reporting,login,profile"));
  EXPECT_THAT(r.out, testing::ContainsRegex("meta +0\\.1\\.0 +" + kAbi +
                                            " +meta +reporting,login,messaging,profile"));
  EXPECT_THAT(r.out, testing::ContainsRegex("tiktok +0\\.1\\.0 +" + kAbi +
                                            " +tiktok +reporting,login,messaging,profile"));
  EXPECT_THAT(r.out, Not(HasSubstr("refused")));
}

TEST_F(CliTest, BrokenPluginsAreListedWithReasonsAndTheGoodOnesStayLoaded) {
  auto r = run("--config " + demo.string() + " --plugin-dir " BROKEN_PLUGIN_DIR " plugins list");
  EXPECT_EQ(r.code, 0) << r.out;
  for (auto id : {"google", "meta", "tiktok"}) EXPECT_THAT(r.out, HasSubstr(std::string(id) + " "));
  EXPECT_THAT(r.out, HasSubstr("refused:"));
  EXPECT_THAT(
      r.out,
      ContainsRegex(
          "broken_abi_major.so: ABI major mismatch: plugin wants 2\\.[0-9]+, host offers " + kAbi));
  EXPECT_THAT(r.out, HasSubstr("broken_no_entry.so: no entry symbol"));
  EXPECT_THAT(r.out, HasSubstr("broken_duplicate_id.so: duplicate plugin id 'meta'"));
  EXPECT_THAT(r.out, HasSubstr("broken_entry_throws.so: entry point threw an exception"));
  EXPECT_THAT(r.out, HasSubstr("broken_not_a_library.so: not a loadable shared library"));
}

TEST_F(CliTest, DescribePrintsTheConfigSchemaAndStreams) {
  auto r = run("--config " + demo.string() + " plugins describe tiktok");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out,
              testing::ContainsRegex("app_secret +string +yes +yes +- +Marketing API app secret"));
  EXPECT_THAT(r.out, testing::ContainsRegex("api_version +string +no +no +v1\\.3"));
  EXPECT_THAT(r.out, HasSubstr("stream campaign_daily"));
  EXPECT_THAT(r.out, testing::ContainsRegex("spend +money"));
}

TEST_F(CliTest, DescribeOfAnUnknownPluginExitsFour) {
  auto r = run("--config " + demo.string() + " plugins describe snapchat");
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.out, HasSubstr("no plugin 'snapchat' is loaded; loaded: google http meta tiktok"));
}

TEST_F(CliTest, StoreBackupCopiesTheStoreAndNeverOverwrites) {
  auto cfg = write("connhost.toml", "[store]\npath = \"data/store.db\"\n");
  auto migrated = run("--config " + cfg.string() + " store migrate");
  ASSERT_EQ(migrated.code, 0) << migrated.out;
  auto copy = dir / "backup.db";
  auto r = run("--config " + cfg.string() + " store backup " + copy.string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("backup: " + copy.string()));
  ASSERT_TRUE(fs::exists(copy));
  // The copy is a store: migrating it applies nothing.
  auto cfg2 = write("copy.toml", "[store]\npath = \"backup.db\"\n");
  auto again = run("--config " + cfg2.string() + " store migrate");
  EXPECT_EQ(again.code, 0) << again.out;
  EXPECT_THAT(again.out, HasSubstr("(up to date)"));
  auto twice = run("--config " + cfg.string() + " store backup " + copy.string());
  EXPECT_EQ(twice.code, 1);
  EXPECT_THAT(twice.out, HasSubstr("already exists"));
}

TEST_F(CliTest, TheDemoConfigValidates) {
  auto r = run("config validate " + demo.string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("ok (7 connections, 8 pipelines, store sqlite)"));
}

TEST_F(CliTest, ABrokenCopyOfTheDemoFailsWithFileLineAndColumn) {
  std::string text = read(demo);
  // Line numbers are computed from the copy, not hard-coded, so editing the demo keeps this true.
  auto line_of = [&](const std::string& needle) {
    auto pos = text.find(needle);
    return 1 + std::count(text.begin(), text.begin() + pos, '\n');
  };
  std::string typo = "base_url = \"http://127.0.0.1:8480\"\nopen_api_base_url";
  ASSERT_NE(text.find(typo), std::string::npos);
  text.replace(text.find(typo), 8, "base_ur ");
  fs::create_directories(dir / "sandbox-credentials");
  for (const auto& f : fs::directory_iterator(fs::path(SOURCE_DIR) / "config/sandbox-credentials"))
    fs::copy_file(f.path(), dir / "sandbox-credentials" / f.path().filename());
  auto file = write("demo.toml", text);
  auto r = run("config validate " + file.string());
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_THAT(r.out, HasSubstr(file.string() + ":" + std::to_string(line_of("base_ur ")) +
                               ":1: connections.tiktok_sandbox.base_ur: unknown key 'base_ur'; did "
                               "you mean 'base_url'?"));
}

TEST_F(CliTest, ALiteralSecretIsRefusedWithoutEchoingIt) {
  auto file = write("c.toml",
                    "[connections.t]\nplugin = \"tiktok\"\napp_id = \"1\"\n"
                    "app_secret = \"s3cr3t-literal-value\"\n");
  auto r = run("config validate " + file.string());
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_THAT(r.out, HasSubstr(file.string() + ":4:"));
  EXPECT_THAT(r.out, HasSubstr("connections.t.app_secret"));
  EXPECT_THAT(r.out, Not(HasSubstr("s3cr3t-literal-value")));
}

TEST_F(CliTest, StoreMigrateCreatesTheSqliteStoreAndIsIdempotent) {
  auto file = write("c.toml", "[store]\nbackend = \"sqlite\"\npath = \"data/x.db\"\n");
  auto first = run("--config " + file.string() + " store migrate");
  EXPECT_EQ(first.code, 0) << first.out;
  EXPECT_THAT(first.out, HasSubstr("schema version 0 -> "));
  EXPECT_TRUE(fs::exists(dir / "data/x.db"));
  auto second = run("--config " + file.string() + " store migrate");
  EXPECT_EQ(second.code, 0) << second.out;
  EXPECT_THAT(second.out, HasSubstr("(up to date)"));
}

TEST_F(CliTest, StoreMigrateFailsClearlyWhenTheStoreCannotOpen) {
  write("blocker", "a file where a folder should be");
  auto file = write("c.toml", "[store]\npath = \"blocker/x.db\"\n");
  auto r = run("--config " + file.string() + " store migrate");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("store migrate failed"));
}

TEST_F(CliTest, HelpVersionAndUsageErrors) {
  auto help = run("--help");
  EXPECT_EQ(help.code, 0);
  EXPECT_THAT(help.out, HasSubstr("Exit codes"));
  for (auto sub : {"plugins list --help", "plugins describe --help", "config validate --help",
                   "store migrate --help", "version --help"})
    EXPECT_EQ(run(sub).code, 0) << sub;
  auto version = run("version");
  EXPECT_EQ(version.code, 0);
  EXPECT_THAT(version.out, HasSubstr("plugin ABI " + std::to_string(CONNHOST_ABI_MAJOR) + "." +
                                     std::to_string(CONNHOST_ABI_MINOR)));
  EXPECT_EQ(run("--no-such-flag plugins list").code, 2);
  EXPECT_EQ(run("").code, 2);
  EXPECT_EQ(run("config validate").code, 2);
}

TEST_F(CliTest, LogsAreJsonWhenAskedAndNeverCarrySecrets) {
  auto file = write("c.toml",
                    "[connections.t]\nplugin = \"tiktok\"\napp_id = \"1\"\n"
                    "app_secret = \"${env:CLI_TEST_SECRET}\"\n");
  auto r = run("--log-format json --log-level debug --plugin-dir " BROKEN_PLUGIN_DIR
               " config validate " +
                   file.string(),
               "CLI_TEST_SECRET=very-secret-value-123");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr(R"("level":"error","msg":"plugin refused: )"));
  EXPECT_THAT(r.out, Not(HasSubstr("very-secret-value-123")));
}

}  // namespace
