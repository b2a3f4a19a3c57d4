// `connhost sync PIPELINE --record DIR` as ops run it: the real process against an in-process
// sandbox, the fixture file it writes, its refusal to overwrite one, and its error for a folder
// that cannot be written. Then the recording replays through `connhost sync` again.
#include <gtest/gtest.h>
#include <connhost/sandbox/sandbox.hpp>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

#include "cli/run_connhost.hpp"
#include "pipeline/pipeline_fixture.hpp"
#include "support/temp_dir.hpp"

namespace connhost::testing {
namespace {

namespace json = boost::json;

std::string write_config(const std::filesystem::path& dir, const std::string& base_url) {
  plugin::Registry registry;
  registry.load_directories({CONNHOST_BUILD_PLUGIN_DIR});
  auto file = dir / "connhost.toml";
  std::ofstream(file) << sandbox_config(dir, base_url, (dir / "store.db").string());
  return file.string();
}

TEST(RecordCli, SyncRecordsTheRunAndItsRecordingReplays) {
  test::TempDir dir("connhost-record-cli");
  sandbox::Options o;
  o.today = kSandboxToday;
  o.threads = 2;
  sandbox::Sandbox sb(o);
  sb.start();
  auto config = write_config(dir.path(), sb.base_url());
  auto fixtures = dir.path() / "fixtures";
  std::string args = "--config " + config +
                     " sync tiktok_sync --from 2026-11-01 --to 2026-11-20 --no-progress --record " +
                     fixtures.string();
  auto run = run_connhost(args);
  ASSERT_EQ(run.code, 0) << run.out;
  auto file = fixtures / "tiktok_sb.json";
  EXPECT_NE(run.out.find("HTTP exchanges to " + file.string()), std::string::npos) << run.out;
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  auto doc = json::parse(text.str()).as_object();
  EXPECT_EQ(doc.at("format").as_string(), "connhost-fixtures/1");
  EXPECT_EQ(doc.at("platform").as_string(), "tiktok");
  EXPECT_GT(doc.at("exchanges").as_array().size(), 2u);
  EXPECT_EQ(text.str().find(sandbox::Credentials{}.tiktok_advertiser_token), std::string::npos);

  // An existing recording is not overwritten, and the run does not start.
  auto before = std::filesystem::last_write_time(file);
  auto again = run_connhost(args);
  EXPECT_EQ(again.code, 2) << again.out;
  EXPECT_NE(again.out.find("already exists"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("--force"), std::string::npos) << again.out;
  EXPECT_EQ(again.out.find("sync tiktok_sync"), std::string::npos) << again.out;
  EXPECT_EQ(std::filesystem::last_write_time(file), before);
  auto forced = run_connhost(args + " --force");
  EXPECT_EQ(forced.code, 0) << forced.out;

  // A folder that cannot be made: under a plain file.
  std::ofstream(dir.path() / "plain") << "x";
  auto bad = dir.path() / "plain" / "fixtures";
  auto refused = run_connhost("--config " + config +
                              " sync tiktok_sync --from 2026-11-01 --to 2026-11-20 --no-progress "
                              "--record " +
                              bad.string());
  EXPECT_EQ(refused.code, 2) << refused.out;
  EXPECT_NE(refused.out.find("cannot create the recording folder " + bad.string()),
            std::string::npos)
      << refused.out;

  // The recording replays: the same sync against a replaying sandbox succeeds with the same rows.
  sandbox::Options r = o;
  r.replay_dir = fixtures.string();
  sandbox::Sandbox replay(r);
  replay.start();
  test::TempDir dir2("connhost-record-cli-replay");
  auto config2 = write_config(dir2.path(), replay.base_url());
  auto replayed = run_connhost("--config " + config2 +
                               " sync tiktok_sync --from 2026-11-01 --to 2026-11-20 --no-progress");
  ASSERT_EQ(replayed.code, 0) << replayed.out;
  auto rows = [](const std::string& out) {
    auto at = out.find(" rows,");
    auto start = out.rfind(' ', at - 1);
    return out.substr(start + 1, at - start - 1);
  };
  EXPECT_EQ(rows(replayed.out), rows(run.out)) << run.out << replayed.out;
  for (const auto& req : replay.requests()) EXPECT_LT(req.status, 400) << req.path << req.query;
}

}  // namespace
}  // namespace connhost::testing
