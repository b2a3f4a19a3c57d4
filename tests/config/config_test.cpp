#include "config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "fake_plugins.hpp"
#include "log/secret_mask.hpp"
#include "test_env.hpp"

namespace connhost::config {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using testing::fake_plugins;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ScopedEnv;
using testing::TempDir;

const fs::path kFixtures = CONNHOST_CONFIG_FIXTURES;
constexpr const char* kPretend = "/nonexistent/cfg/test.toml";

std::string dump(const LoadResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.to_string() + "\n";
  return out;
}

LoadResult load(std::string_view text, const SchemaLookup& lookup = fake_plugins()) {
  return load_string(text, kPretend, lookup);
}

// The only error with this key path; fails the test when there is not exactly one.
Diagnostic only_error(const LoadResult& r, std::string_view key_path) {
  std::vector<Diagnostic> found;
  for (const auto& e : r.errors)
    if (e.key_path == key_path) found.push_back(e);
  EXPECT_EQ(found.size(), 1u) << "errors for " << key_path << " in:\n" << dump(r);
  return found.empty() ? Diagnostic{} : found.front();
}

// A valid tiktok connection, to which a test adds what it is about.
constexpr std::string_view kTiktok = R"(
[connections.tt]
plugin = "tiktok"
app_id = "1"
app_secret = "${env:CONNHOST_TEST_TT_SECRET}"
)";

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { log::clear_secrets(); }
  ScopedEnv tt_secret_{"CONNHOST_TEST_TT_SECRET", "tt-secret-for-tests"};
};

// ---------------------------------------------------------------------------------------------
// The valid fixture

class ValidFixtureTest : public ConfigTest {
 protected:
  ScopedEnv pg_{"CONNHOST_TEST_PG_URL", "host=db dbname=connhost password=pg-secret-value"};
  ScopedEnv tiktok_{"CONNHOST_TEST_TIKTOK_SECRET", "tiktok-secret-value"};
  fs::path file_ = kFixtures / "valid.toml";
};

TEST_F(ValidFixtureTest, LoadsWithoutErrors) {
  auto r = load_file(file_, fake_plugins());
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_TRUE(r.errors.empty());
}

TEST_F(ValidFixtureTest, HostStoreAndServer) {
  auto r = load_file(file_, fake_plugins());
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto& c = *r.config;
  EXPECT_EQ(c.file, fs::absolute(file_).lexically_normal());
  EXPECT_THAT(c.plugin_dirs, ElementsAre((kFixtures.parent_path() / "plugins").lexically_normal(),
                                         fs::path("/opt/connhost/plugins")));
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.log_format, "json");
  EXPECT_EQ(c.store.backend, "postgresql");
  EXPECT_EQ(c.store.url, "");
  ASSERT_TRUE(c.store.url_secret);
  EXPECT_EQ(c.store.url_secret->kind, SecretRef::Kind::env);
  EXPECT_EQ(c.store.url_secret->target, "CONNHOST_TEST_PG_URL");
  EXPECT_EQ(c.listen, "0.0.0.0:9000");
}

TEST_F(ValidFixtureTest, ConnectionsInFileOrderWithCanonicalValues) {
  auto r = load_file(file_, fake_plugins());
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto& conns = r.config->connections;
  ASSERT_EQ(conns.size(), 2u);
  // File order, although the TOML table sorts "meta-ads" first.
  EXPECT_EQ(conns[0].name, "tiktok_main");
  EXPECT_EQ(conns[1].name, "meta-ads");

  const Connection& tt = conns[0];
  EXPECT_EQ(tt.plugin, "tiktok");
  EXPECT_EQ(tt.isolation, "process");
  EXPECT_EQ(tt.pos.line, 14);
  EXPECT_EQ(tt.pos.column, 1);
  std::vector<std::string> keys;
  for (const auto& s : tt.settings) keys.push_back(s.key);
  // Schema order; region has no default and access_token is an unset secret: both absent.
  EXPECT_THAT(keys, ElementsAre("base_url", "app_id", "app_secret", "page_size", "sample_rate",
                                "advertiser_ids", "verbose"));
  EXPECT_EQ(tt.setting("base_url")->value, "http://127.0.0.1:8300");
  EXPECT_EQ(tt.setting("page_size")->value, "32");             // written 0x20
  EXPECT_EQ(tt.setting("sample_rate")->value, "0.50");         // as written
  EXPECT_EQ(tt.setting("advertiser_ids")->value, "111\n222");  // the ABI's list encoding
  EXPECT_EQ(tt.setting("verbose")->value, "true");
  EXPECT_EQ(tt.setting("page_size")->pos.line, 20);
  EXPECT_EQ(tt.setting("page_size")->pos.column, 13);
  EXPECT_FALSE(tt.setting("page_size")->is_default);

  const Setting* secret = tt.setting("app_secret");
  ASSERT_NE(secret, nullptr);
  EXPECT_TRUE(secret->is_secret);
  EXPECT_EQ(secret->value, "");
  ASSERT_TRUE(secret->secret);
  EXPECT_EQ(secret->secret->kind, SecretRef::Kind::env);
  EXPECT_EQ(secret->secret->target, "CONNHOST_TEST_TIKTOK_SECRET");

  const Connection& meta = conns[1];
  EXPECT_EQ(meta.isolation, "in_process");
  const Setting* file_secret = meta.setting("app_secret");
  ASSERT_TRUE(file_secret && file_secret->secret);
  EXPECT_EQ(file_secret->secret->kind, SecretRef::Kind::file);
  EXPECT_EQ(file_secret->secret->target,
            (fs::absolute(kFixtures) / "secrets/meta_app_secret").lexically_normal().string());
  EXPECT_EQ(meta.setting("sample_rate")->value, "2");  // an integer where a float is expected
  const Setting* api_version = meta.setting("api_version");
  ASSERT_NE(api_version, nullptr);
  EXPECT_EQ(api_version->value, "v19.0");
  EXPECT_TRUE(api_version->is_default);
  EXPECT_EQ(api_version->pos.line, meta.pos.line);
}

TEST_F(ValidFixtureTest, ValuesOfSecretsAreNotKept) {
  auto r = load_file(file_, fake_plugins());
  ASSERT_TRUE(r.ok()) << dump(r);
  for (const auto& c : r.config->connections)
    for (const auto& s : c.settings) {
      EXPECT_THAT(s.value, Not(HasSubstr("tiktok-secret-value")));
      EXPECT_THAT(s.value, Not(HasSubstr("meta-fixture-secret-value")));
    }
  EXPECT_THAT(r.config->store.url, Not(HasSubstr("pg-secret-value")));
  // Loading only checks that references resolve; it does not read values into the mask.
  EXPECT_EQ(log::mask_secrets("tiktok-secret-value"), "tiktok-secret-value");
}

TEST_F(ValidFixtureTest, Pipelines) {
  auto r = load_file(file_, fake_plugins());
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto& ps = r.config->pipelines;
  ASSERT_EQ(ps.size(), 3u);
  EXPECT_EQ(ps[0].name, "tiktok_daily");
  EXPECT_EQ(ps[1].name, "tiktok_login");
  EXPECT_EQ(ps[2].name, "meta_nightly");
  EXPECT_EQ(ps[0].connection, "tiktok_main");
  EXPECT_EQ(ps[0].capability, "reporting");
  EXPECT_THAT(ps[0].streams, ElementsAre("campaign_daily"));
  EXPECT_EQ(ps[0].schedule, "every 5m");
  EXPECT_EQ(ps[0].lookback, "7d");
  EXPECT_EQ(ps[1].capability, "login");
  EXPECT_TRUE(ps[1].schedule.empty());
  EXPECT_TRUE(ps[2].streams.empty());
  EXPECT_EQ(ps[2].schedule, "30 2 * * *");
}

TEST_F(ValidFixtureTest, WithoutLookupSettingsAreKeptUnchecked) {
  auto r = load_file(file_, {});
  ASSERT_TRUE(r.ok()) << dump(r);
  const Connection* tt = r.config->connection("tiktok_main");
  ASSERT_NE(tt, nullptr);
  // No schema: no defaults, TOML order, values still in the ABI's encoding.
  EXPECT_EQ(tt->setting("api_version"), nullptr);
  EXPECT_EQ(tt->setting("page_size")->value, "32");
  EXPECT_EQ(tt->setting("advertiser_ids")->value, "111\n222");
  ASSERT_TRUE(tt->setting("app_secret")->secret);
  EXPECT_EQ(r.config->plugin_dirs.size(), 2u);
}

// ---------------------------------------------------------------------------------------------
// The errors fixture: every error reported, in file order, with its exact position

struct Expected {
  int line, column;
  std::string key_path;
  std::string message;  // a substring of the message
};

TEST_F(ConfigTest, ErrorsFixtureReportsEveryErrorAtItsPosition) {
  fs::path file = kFixtures / "errors.toml";
  auto r = load_file(file, fake_plugins());
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.config);
  const std::vector<Expected> expected = {
      {3, 1, "host.plugin_dir", "unknown key 'plugin_dir'; did you mean 'plugin_dirs'?"},
      {4, 13, "host.log_level", "unknown log level 'verbose'"},
      {5, 14, "host.log_format", "unknown log format 'yaml'"},
      {8, 11, "store.backend",
       "unknown store backend 'postgres' (expected sqlite|postgresql); did you mean "
       "'postgresql'?"},
      {11, 10, "server.listen", "expected HOST:PORT"},
      {13, 1, "connections.tiktok_main.app_id", "missing required setting 'app_id'"},
      {15, 1, "connections.tiktok_main.base_ur", "unknown key 'base_ur'; did you mean 'base_url'?"},
      {16, 13, "connections.tiktok_main.page_size", "expected integer, got string"},
      {17, 14, "connections.tiktok_main.app_secret", "use a reference"},
      {18, 15, "connections.tiktok_main.sample_rate", "expected float (or integer), got boolean"},
      {19, 26, "connections.tiktok_main.advertiser_ids[1]", "expected string, got integer"},
      {20, 10, "connections.tiktok_main.region", "malformed reference"},
      {22, 14, "connections.Bad_Name", "invalid connection name 'Bad_Name'"},
      {23, 10, "connections.Bad_Name.plugin",
       "unknown plugin 'tiktk' (loaded plugins: google, meta, tiktok); did you mean 'tiktok'?"},
      {26, 14, "pipelines.daily.connection",
       "unknown connection 'tiktok_mian' (defined connections: Bad_Name, tiktok_main); did you "
       "mean 'tiktok_main'?"},
      {28, 12, "pipelines.daily.schedule", "invalid schedule"},
      {29, 12, "pipelines.daily.lookback", "invalid lookback"},
      {33, 14, "pipelines.chat.capability",
       "plugin 'tiktok' does not offer capability 'messaging'; it offers: reporting, login"},
      {38, 30, "pipelines.streams.streams[1]",
       "unknown stream 'campain_daily' (plugin 'tiktok' offers: campaign_daily, ad_daily); did "
       "you mean 'campaign_daily'?"},
      {39, 12, "pipelines.streams.schedule", "minute field: value 61 is outside 0-59"},
      {40, 1, "pipelines.streams.cron", "unknown key 'cron'"},
  };
  ASSERT_EQ(r.errors.size(), expected.size()) << dump(r);
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(r.errors[i].to_string());
    EXPECT_EQ(r.errors[i].pos.file, file.string());
    EXPECT_EQ(r.errors[i].pos.line, expected[i].line);
    EXPECT_EQ(r.errors[i].pos.column, expected[i].column);
    EXPECT_EQ(r.errors[i].key_path, expected[i].key_path);
    EXPECT_THAT(r.errors[i].message, HasSubstr(expected[i].message));
  }
}

TEST_F(ConfigTest, DiagnosticTextIsFileLineColumnKeyPathMessage) {
  fs::path file = kFixtures / "errors.toml";
  auto r = load_file(file, fake_plugins());
  auto d = only_error(r, "connections.tiktok_main.base_ur");
  EXPECT_EQ(d.to_string(), file.string() +
                               ":15:1: connections.tiktok_main.base_ur: unknown key 'base_ur'; "
                               "did you mean 'base_url'?");
}

TEST_F(ConfigTest, NoSuggestionWhenNothingIsClose) {
  auto r = load_file(kFixtures / "errors.toml", fake_plugins());
  EXPECT_EQ(only_error(r, "pipelines.streams.cron").message, "unknown key 'cron'");
}

TEST_F(ConfigTest, LiteralSecretOfTheFixtureIsInNoDiagnostic) {
  auto r = load_file(kFixtures / "errors.toml", fake_plugins());
  ASSERT_FALSE(r.errors.empty());
  for (const auto& e : r.errors) EXPECT_THAT(e.to_string(), Not(HasSubstr("FIXTURE_LITERAL")));
}

// ---------------------------------------------------------------------------------------------
// Defaults and syntax

TEST_F(ConfigTest, EmptyFileGivesDefaultsBesideTheConfigFile) {
  auto r = load("");
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto& c = *r.config;
  EXPECT_EQ(c.file, fs::path(kPretend));
  EXPECT_THAT(c.plugin_dirs, ElementsAre(fs::path("/nonexistent/cfg/plugins")));
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.log_format, "text");
  EXPECT_EQ(c.store.backend, "sqlite");
  EXPECT_EQ(c.store.sqlite_path, fs::path("/nonexistent/cfg/data/connhost.db"));
  EXPECT_FALSE(c.store.url_secret);
  EXPECT_EQ(c.listen, "127.0.0.1:8007");
  EXPECT_TRUE(c.connections.empty());
  EXPECT_TRUE(c.pipelines.empty());
}

TEST_F(ConfigTest, RelativePathsAreTakenAgainstTheConfigFolder) {
  auto r = load("[host]\nplugin_dirs = [\"../p\", \"q\"]\n[store]\npath = \"../db/x.db\"\n");
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_THAT(r.config->plugin_dirs,
              ElementsAre(fs::path("/nonexistent/p"), fs::path("/nonexistent/cfg/q")));
  EXPECT_EQ(r.config->store.sqlite_path, fs::path("/nonexistent/db/x.db"));
}

TEST_F(ConfigTest, SyntaxErrorHasTomlPosition) {
  auto r = load("[host]\nlog_level = \"info\nlog_format = \"text\"\n");
  ASSERT_EQ(r.errors.size(), 1u) << dump(r);
  EXPECT_EQ(r.errors[0].pos.file, kPretend);
  EXPECT_EQ(r.errors[0].pos.line, 2);
  EXPECT_EQ(r.errors[0].pos.column, 18);
  EXPECT_EQ(r.errors[0].key_path, "");
  EXPECT_THAT(r.errors[0].message, HasSubstr("Error while parsing string"));
  EXPECT_EQ(r.errors[0].to_string().rfind(std::string(kPretend) + ":2:18: Error", 0), 0u);
}

TEST_F(ConfigTest, SyntaxErrorDuplicateKey) {
  auto r = load("[server]\nlisten = \"127.0.0.1:1\"\nlisten = \"127.0.0.1:2\"\n");
  ASSERT_EQ(r.errors.size(), 1u) << dump(r);
  EXPECT_EQ(r.errors[0].pos.line, 3);
  EXPECT_THAT(r.errors[0].message, HasSubstr("listen"));
}

TEST_F(ConfigTest, MissingFileIsAnError) {
  auto r = load_file("/nonexistent/connhost.toml", fake_plugins());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(),
            "/nonexistent/connhost.toml: cannot read config file: No such file or directory");
}

TEST_F(ConfigTest, UnknownTopLevelKeyAndSectionsThatAreNotTables) {
  auto r = load("hots = 1\nserver = \"x\"\n[stroe]\n");
  EXPECT_THAT(only_error(r, "hots").message, "unknown key 'hots'; did you mean 'host'?");
  EXPECT_THAT(only_error(r, "server").message, "expected a table, got string");
  EXPECT_THAT(only_error(r, "stroe").message, "unknown key 'stroe'; did you mean 'store'?");
}

TEST_F(ConfigTest, UnknownKeysInHostStoreServer) {
  auto r = load(
      "[host]\nlog_levle = \"info\"\n[store]\nbackedn = \"sqlite\"\n[server]\nlistn = "
      "\"127.0.0.1:1\"\n");
  EXPECT_EQ(only_error(r, "host.log_levle").message,
            "unknown key 'log_levle'; did you mean 'log_level'?");
  EXPECT_EQ(only_error(r, "store.backedn").message,
            "unknown key 'backedn'; did you mean 'backend'?");
  EXPECT_EQ(only_error(r, "server.listn").message, "unknown key 'listn'; did you mean 'listen'?");
}

// ---------------------------------------------------------------------------------------------
// [host], [store], [server]

TEST_F(ConfigTest, HostValuesAreChecked) {
  auto r = load("[host]\nlog_level = \"warning\"\nlog_format = 1\nplugin_dirs = \"plugins\"\n");
  EXPECT_THAT(only_error(r, "host.log_level").message,
              HasSubstr("(expected trace|debug|info|warn|error|off)"));
  EXPECT_EQ(only_error(r, "host.log_format").message, "expected string, got integer");
  EXPECT_EQ(only_error(r, "host.plugin_dirs").message, "expected array of strings, got string");
}

TEST_F(ConfigTest, EveryLogLevelAndFormatIsAccepted) {
  for (std::string level : {"trace", "debug", "info", "warn", "error", "off"})
    for (std::string format : {"text", "json"}) {
      auto r = load("[host]\nlog_level = \"" + level + "\"\nlog_format = \"" + format + "\"\n");
      ASSERT_TRUE(r.ok()) << dump(r);
      EXPECT_EQ(r.config->log_level, level);
      EXPECT_EQ(r.config->log_format, format);
    }
}

TEST_F(ConfigTest, PostgresqlNeedsUrl) {
  auto r = load("[store]\nbackend = \"postgresql\"\n");
  auto d = only_error(r, "store.url");
  EXPECT_EQ(d.pos.line, 1);
  EXPECT_THAT(d.message, HasSubstr("backend 'postgresql' needs store.url"));
}

TEST_F(ConfigTest, PostgresqlWithLiteralUrl) {
  auto r = load("[store]\nbackend = \"postgresql\"\nurl = \"host=db dbname=x\"\n");
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(r.config->store.url, "host=db dbname=x");
  EXPECT_FALSE(r.config->store.url_secret);
}

TEST_F(ConfigTest, UrlWithSqliteIsAnError) {
  auto r = load("[store]\nurl = \"host=db\"\n");
  EXPECT_THAT(only_error(r, "store.url").message, HasSubstr("only used by backend 'postgresql'"));
}

TEST_F(ConfigTest, StoreUrlReferenceToUnsetVariable) {
  ScopedEnv unset("CONNHOST_TEST_UNSET_PG", std::nullopt);
  auto r = load("[store]\nbackend = \"postgresql\"\nurl = \"${env:CONNHOST_TEST_UNSET_PG}\"\n");
  auto d = only_error(r, "store.url");
  EXPECT_EQ(d.message, "environment variable CONNHOST_TEST_UNSET_PG is not set");
  EXPECT_EQ(d.pos.line, 3);
  EXPECT_EQ(d.pos.column, 7);
}

TEST_F(ConfigTest, StoreUrlMalformedReference) {
  auto r = load("[store]\nbackend = \"postgresql\"\nurl = \"${env:}\"\n");
  EXPECT_THAT(only_error(r, "store.url").message, HasSubstr("empty variable name"));
}

TEST_F(ConfigTest, ListenIsChecked) {
  for (std::string ok : {"127.0.0.1:8007", "0.0.0.0:1", "localhost:65535", "[::1]:8007"}) {
    auto r = load("[server]\nlisten = \"" + ok + "\"\n");
    EXPECT_TRUE(r.ok()) << ok << "\n" << dump(r);
  }
  for (std::string bad : {"localhost", ":8007", "127.0.0.1:0", "127.0.0.1:65536", "::1:8007",
                          "127.0.0.1:80x", "[::1]8007"}) {
    auto r = load("[server]\nlisten = \"" + bad + "\"\n");
    EXPECT_FALSE(r.ok()) << bad;
  }
}

// ---------------------------------------------------------------------------------------------
// Connections

TEST_F(ConfigTest, ValidConnectionFillsDefaults) {
  auto r = load(kTiktok);
  ASSERT_TRUE(r.ok()) << dump(r);
  const Connection& c = r.config->connections.at(0);
  EXPECT_EQ(c.setting("base_url")->value, "https://business-api.tiktok.com");
  EXPECT_TRUE(c.setting("base_url")->is_default);
  EXPECT_EQ(c.setting("page_size")->value, "100");
  EXPECT_EQ(c.setting("sample_rate")->value, "1.0");
  EXPECT_EQ(c.setting("verbose")->value, "false");
  EXPECT_EQ(c.setting("region"), nullptr);          // no default
  EXPECT_EQ(c.setting("advertiser_ids"), nullptr);  // no default
  EXPECT_EQ(c.setting("access_token"), nullptr);    // a secret: never from a default
}

TEST_F(ConfigTest, MissingPluginKey) {
  auto r = load("[connections.x]\napp_id = \"1\"\n");
  auto d = only_error(r, "connections.x.plugin");
  EXPECT_EQ(d.message, "missing required key 'plugin'");
  EXPECT_EQ(d.pos.line, 1);
  EXPECT_EQ(r.errors.size(), 1u) << dump(r);  // settings of an unknown plugin are not judged
}

TEST_F(ConfigTest, MissingRequiredSettingsArePositionedAtTheTable) {
  auto r = load("\n\n[connections.tt]\nplugin = \"tiktok\"\n");
  auto app_id = only_error(r, "connections.tt.app_id");
  EXPECT_EQ(app_id.pos.line, 3);
  EXPECT_EQ(app_id.pos.column, 1);
  EXPECT_EQ(app_id.message, "missing required setting 'app_id' (the app id)");
  auto secret = only_error(r, "connections.tt.app_secret");
  EXPECT_EQ(secret.pos.line, 3);
  EXPECT_THAT(secret.message, HasSubstr("${env:TT_APP_SECRET}"));
  EXPECT_EQ(r.errors.size(), 2u) << dump(r);
}

TEST_F(ConfigTest, InvalidSettingIsNotAlsoReportedMissing) {
  auto r = load(
      "[connections.tt]\nplugin = \"tiktok\"\napp_id = 5\n"
      "app_secret = \"${env:CONNHOST_TEST_TT_SECRET}\"\n");
  EXPECT_EQ(only_error(r, "connections.tt.app_id").message, "expected string, got integer");
  EXPECT_EQ(r.errors.size(), 1u) << dump(r);
}

struct TypeCase {
  std::string key;
  std::string value;  // TOML text
  std::string message;
};

TEST_F(ConfigTest, WrongTypesNameTheExpectedType) {
  const std::vector<TypeCase> cases = {
      {"base_url", "1", "expected string, got integer"},
      {"page_size", "1.5", "expected integer, got float"},
      {"page_size", "\"10\"", "expected integer, got string"},
      {"sample_rate", "\"0.5\"", "expected float (or integer), got string"},
      {"verbose", "\"true\"", "expected boolean, got string"},
      {"verbose", "1", "expected boolean, got integer"},
      {"advertiser_ids", "\"1,2\"", "expected array of strings, got string"},
      {"advertiser_ids", "{ a = 1 }", "expected array of strings, got table"},
      {"region", "2024-01-01", "expected string, got date"},
      {"sample_rate", "inf", "expected a finite number"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.key + " = " + c.value);
    auto r = load(std::string(kTiktok) + c.key + " = " + c.value + "\n");
    auto d = only_error(r, "connections.tt." + c.key);
    EXPECT_EQ(d.message, c.message);
    EXPECT_EQ(d.pos.line, 6);
    EXPECT_EQ(d.pos.column, static_cast<int>(c.key.size()) + 4);
  }
}

TEST_F(ConfigTest, CanonicalEncodings) {
  auto r = load(std::string(kTiktok) +
                "page_size = -1_000\nsample_rate = 1_000.250\nverbose = false\n"
                "advertiser_ids = []\n");
  ASSERT_TRUE(r.ok()) << dump(r);
  const Connection& c = r.config->connections.at(0);
  EXPECT_EQ(c.setting("page_size")->value, "-1000");
  EXPECT_EQ(c.setting("sample_rate")->value, "1000.250");
  EXPECT_EQ(c.setting("verbose")->value, "false");
  EXPECT_EQ(c.setting("advertiser_ids")->value, "");
}

TEST_F(ConfigTest, DoubleInExponentForm) {
  auto r = load(std::string(kTiktok) + "sample_rate = 5e-1\n");
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(r.config->connections.at(0).setting("sample_rate")->value, "5e-1");
}

TEST_F(ConfigTest, ListItemWithNewlineIsRefused) {
  auto r = load(std::string(kTiktok) + "advertiser_ids = [\"a\\nb\"]\n");
  EXPECT_EQ(only_error(r, "connections.tt.advertiser_ids[0]").message,
            "list items must not contain a newline");
}

TEST_F(ConfigTest, IsolationIsChecked) {
  auto r = load(std::string(kTiktok) + "isolation = \"proces\"\n");
  EXPECT_THAT(only_error(r, "connections.tt.isolation").message,
              HasSubstr("unknown isolation 'proces' (expected in_process|process); did you "
                        "mean 'process'?"));
}

TEST_F(ConfigTest, UnknownSettingSuggestsReservedKeysToo) {
  auto r = load(std::string(kTiktok) + "plugn = \"x\"\n");
  EXPECT_EQ(only_error(r, "connections.tt.plugn").message,
            "unknown key 'plugn'; did you mean 'plugin'?");
}

TEST_F(ConfigTest, UnknownPluginFromALookupWithoutIds) {
  auto r = load(kTiktok, SchemaLookup([](std::string_view) -> std::optional<PluginSchema> {
                  return std::nullopt;
                }));
  EXPECT_EQ(only_error(r, "connections.tt.plugin").message, "unknown plugin 'tiktok'");
}

TEST_F(ConfigTest, LookupFromALambdaIsCalledOncePerPlugin) {
  int calls = 0;
  SchemaLookup lookup = [&calls](std::string_view id) -> std::optional<PluginSchema> {
    ++calls;
    if (id != "google") return std::nullopt;
    return PluginSchema{testing::kGoogleFields, CH_CAP_REPORTING, {"campaign_stats"}};
  };
  auto r = load(
      "[connections.a]\nplugin = \"google\"\ncustomer_id = \"1\"\n"
      "[connections.b]\nplugin = \"google\"\ncustomer_id = \"2\"\n",
      lookup);
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(calls, 1);
}

TEST_F(ConfigTest, WithoutLookupUnknownPluginsAreNotReported) {
  auto r = load("[connections.x]\nplugin = \"whatever\"\nanything = 1\nlist = [\"a\"]\n", {});
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(r.config->connections.at(0).setting("anything")->value, "1");
}

TEST_F(ConfigTest, WithoutLookupUnsupportedTypesAreStillErrors) {
  auto r = load("[connections.x]\nplugin = \"whatever\"\nwhen = 2024-01-01\n", {});
  EXPECT_THAT(only_error(r, "connections.x.when").message,
              HasSubstr("unsupported value type date"));
}

TEST_F(ConfigTest, BadNames) {
  auto r = load(
      "[connections.1abc]\nplugin = \"google\"\ncustomer_id = \"1\"\n"
      "[connections.\"with space\"]\nplugin = \"google\"\ncustomer_id = \"1\"\n"
      "[pipelines.Daily]\nconnection = \"1abc\"\ncapability = \"reporting\"\n");
  auto d = only_error(r, "connections.1abc");
  EXPECT_EQ(d.pos.line, 1);
  EXPECT_EQ(d.pos.column, 14);
  EXPECT_THAT(only_error(r, "connections.\"with space\"").message,
              HasSubstr("invalid connection name 'with space'"));
  EXPECT_THAT(only_error(r, "pipelines.Daily").message, HasSubstr("invalid pipeline name"));
  EXPECT_EQ(r.errors.size(), 3u) << dump(r);
}

TEST_F(ConfigTest, GoodNames) {
  auto r = load(
      "[connections.a-b_9]\nplugin = \"google\"\ncustomer_id = \"1\"\n"
      "[pipelines.z-9_x]\nconnection = \"a-b_9\"\ncapability = \"reporting\"\n");
  EXPECT_TRUE(r.ok()) << dump(r);
}

TEST_F(ConfigTest, ConnectionThatIsNotATable) {
  auto r = load("connections.x = \"tiktok\"\n");
  EXPECT_THAT(only_error(r, "connections.x").message,
              "expected a table ([connections.NAME]), got string");
}

// ---------------------------------------------------------------------------------------------
// Secrets in connections

TEST_F(ConfigTest, LiteralSecretIsRefusedWithoutQuotingIt) {
  const std::string literal = "sk_live_THIS_MUST_NOT_LEAK_123";
  auto r = load("[connections.tt]\nplugin = \"tiktok\"\napp_id = \"1\"\napp_secret = \"" + literal +
                "\"\n");
  auto d = only_error(r, "connections.tt.app_secret");
  EXPECT_THAT(d.message, HasSubstr("use a reference"));
  EXPECT_THAT(d.message, HasSubstr("${env:TT_APP_SECRET}"));
  EXPECT_EQ(d.pos.line, 4);
  EXPECT_EQ(d.pos.column, 14);
  EXPECT_THAT(dump(r), Not(HasSubstr(literal)));
  EXPECT_THAT(dump(r), Not(HasSubstr("MUST_NOT_LEAK")));
}

TEST_F(ConfigTest, SecretMistakesNeverEchoTheValue) {
  // Each written where a secret goes; none may show up in any diagnostic.
  const std::vector<std::string> values = {
      "\"hunter2hunter2\"",          "\"prefix${env:X}hunter2hunter2\"",
      "\"${env:}hunter2hunter2\"",   "\"${env:hunter2hunter2 }\"",
      "\"${vault:hunter2hunter2}\"", "[\"hunter2hunter2\"]",
      "{ v = \"hunter2hunter2\" }",  "77665544332211",
      "\"\"\"hunter2hunter2\"\"\"",
  };
  for (const auto& v : values) {
    SCOPED_TRACE(v);
    auto r =
        load("[connections.tt]\nplugin = \"tiktok\"\napp_id = \"1\"\napp_secret = " + v + "\n");
    ASSERT_FALSE(r.ok());
    only_error(r, "connections.tt.app_secret");
    EXPECT_THAT(dump(r), Not(HasSubstr("hunter2")));
    EXPECT_THAT(dump(r), Not(HasSubstr("77665544332211")));
  }
}

TEST_F(ConfigTest, SecretReferenceToUnsetVariableNamesTheVariable) {
  ScopedEnv unset("CONNHOST_TEST_NOT_SET", std::nullopt);
  auto r = load(
      "[connections.tt]\nplugin = \"tiktok\"\napp_id = \"1\"\n"
      "app_secret = \"${env:CONNHOST_TEST_NOT_SET}\"\n");
  EXPECT_EQ(only_error(r, "connections.tt.app_secret").message,
            "environment variable CONNHOST_TEST_NOT_SET is not set");
}

TEST_F(ConfigTest, SecretReferenceToEmptyVariable) {
  ScopedEnv empty("CONNHOST_TEST_EMPTY", "");
  auto r = load(
      "[connections.tt]\nplugin = \"tiktok\"\napp_id = \"1\"\n"
      "app_secret = \"${env:CONNHOST_TEST_EMPTY}\"\n");
  EXPECT_EQ(only_error(r, "connections.tt.app_secret").message,
            "environment variable CONNHOST_TEST_EMPTY is empty");
}

TEST_F(ConfigTest, SecretFileReferenceIsRelativeToTheConfigFolder) {
  TempDir dir;
  dir.write("keys/tt", "file-secret-value\n");
  fs::path cfg = dir.write("conf/connhost.toml",
                           "[connections.tt]\nplugin = \"tiktok\"\napp_id = \"1\"\n"
                           "app_secret = \"${file:../keys/tt}\"\n");
  auto r = load_file(cfg, fake_plugins());
  ASSERT_TRUE(r.ok()) << dump(r);
  const Setting* s = r.config->connections.at(0).setting("app_secret");
  ASSERT_TRUE(s && s->secret);
  EXPECT_EQ(s->secret->kind, SecretRef::Kind::file);
  EXPECT_EQ(s->secret->target, (dir.path() / "keys/tt").string());
  EXPECT_EQ(s->value, "");
}

TEST_F(ConfigTest, SecretFileReferenceToMissingFileNamesThePath) {
  TempDir dir;
  fs::path cfg = dir.write("connhost.toml",
                           "[connections.tt]\nplugin = \"tiktok\"\n"
                           "app_id = \"1\"\napp_secret = \"${file:nope}\"\n");
  auto r = load_file(cfg, fake_plugins());
  EXPECT_EQ(
      only_error(r, "connections.tt.app_secret").message,
      "cannot read secret file " + (dir.path() / "nope").string() + ": No such file or directory");
}

TEST_F(ConfigTest, SecretFileReferenceToDirectory) {
  TempDir dir;
  fs::create_directories(dir.path() / "d");
  fs::path cfg = dir.write("connhost.toml",
                           "[connections.tt]\nplugin = \"tiktok\"\n"
                           "app_id = \"1\"\napp_secret = \"${file:d}\"\n");
  auto r = load_file(cfg, fake_plugins());
  EXPECT_THAT(only_error(r, "connections.tt.app_secret").message, HasSubstr("is a directory"));
}

TEST_F(ConfigTest, ReferenceInNonSecretStringSetting) {
  ScopedEnv region("CONNHOST_TEST_REGION", "eu-west");
  auto r = load(std::string(kTiktok) + "region = \"${env:CONNHOST_TEST_REGION}\"\n");
  ASSERT_TRUE(r.ok()) << dump(r);
  const Setting* s = r.config->connections.at(0).setting("region");
  ASSERT_TRUE(s && s->secret);
  EXPECT_FALSE(s->is_secret);
  EXPECT_EQ(s->secret->target, "CONNHOST_TEST_REGION");
  EXPECT_EQ(s->value, "");
}

TEST_F(ConfigTest, MalformedReferencesAreErrorsAnywhere) {
  struct Case {
    std::string toml;
    std::string key_path;
  };
  const std::vector<Case> cases = {
      {"[host]\nlog_level = \"${env:}\"\n", "host.log_level"},
      {"[host]\nplugin_dirs = [\"${nope:X}\"]\n", "host.plugin_dirs[0]"},
      {"[store]\npath = \"${file:}\"\n", "store.path"},
      {"[server]\nlisten = \"${env:1X}\"\n", "server.listen"},
      {std::string(kTiktok) + "region = \"${env:}\"\n", "connections.tt.region"},
      {std::string(kTiktok) + "base_url = \"http://${env:HOST}/x\"\n", "connections.tt.base_url"},
      {std::string(kTiktok) + "advertiser_ids = [\"${env:}\"]\n",
       "connections.tt.advertiser_ids[0]"},
      {std::string(kTiktok) + "[pipelines.p]\nconnection = \"tt\"\ncapability = \"reporting\"\n"
                              "schedule = \"${nope:X}\"\n",
       "pipelines.p.schedule"},
      {"[connections.x]\nplugin = \"x\"\nsetting = \"${env}\"\n", "connections.x.setting"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.toml);
    auto r =
        load(c.toml, c.key_path.starts_with("connections.x") ? SchemaLookup{} : fake_plugins());
    EXPECT_THAT(only_error(r, c.key_path).message, HasSubstr("malformed reference"));
  }
}

TEST_F(ConfigTest, WellFormedReferencesWhereNoneIsAllowed) {
  auto r = load("[host]\nlog_level = \"${env:CONNHOST_TEST_TT_SECRET}\"\n" + std::string(kTiktok) +
                "advertiser_ids = [\"${env:CONNHOST_TEST_TT_SECRET}\"]\n");
  EXPECT_EQ(only_error(r, "host.log_level").message, "references are not allowed here");
  EXPECT_EQ(only_error(r, "connections.tt.advertiser_ids[0]").message,
            "references are not allowed here");
}

// ---------------------------------------------------------------------------------------------
// Pipelines

std::string pipeline(const std::string& body) {
  return std::string(kTiktok) + "[pipelines.p]\n" + body;
}

TEST_F(ConfigTest, PipelineRequiredKeys) {
  auto r = load(pipeline("schedule = \"every 1h\"\n"));
  auto conn = only_error(r, "pipelines.p.connection");
  EXPECT_EQ(conn.message, "missing required key 'connection'");
  EXPECT_EQ(conn.pos.line, 6);
  EXPECT_EQ(only_error(r, "pipelines.p.capability").message, "missing required key 'capability'");
}

TEST_F(ConfigTest, PipelineUnknownConnectionListsTheDefinedOnes) {
  auto r = load(pipeline("connection = \"zz\"\ncapability = \"reporting\"\n"));
  EXPECT_EQ(only_error(r, "pipelines.p.connection").message,
            "unknown connection 'zz' (defined connections: tt)");
}

TEST_F(ConfigTest, PipelineUnknownCapability) {
  auto r = load(pipeline("connection = \"tt\"\ncapability = \"reportng\"\n"));
  EXPECT_THAT(only_error(r, "pipelines.p.capability").message,
              HasSubstr("unknown capability 'reportng' (expected "
                        "reporting|login|messaging|profile); did you mean 'reporting'?"));
}

TEST_F(ConfigTest, PipelineUnknownKey) {
  auto r = load(pipeline("connection = \"tt\"\ncapability = \"reporting\"\nstream = [\"x\"]\n"));
  EXPECT_EQ(only_error(r, "pipelines.p.stream").message,
            "unknown key 'stream'; did you mean 'streams'?");
}

TEST_F(ConfigTest, StreamsOnlyForReporting) {
  auto r =
      load(pipeline("connection = \"tt\"\ncapability = \"login\"\nstreams = [\"ad_daily\"]\n"));
  EXPECT_EQ(only_error(r, "pipelines.p.streams").message,
            "streams apply only to capability 'reporting'");
}

TEST_F(ConfigTest, StreamsAreCheckedAgainstThePlugin) {
  auto r =
      load(pipeline("connection = \"tt\"\ncapability = \"reporting\"\n"
                    "streams = [\"ad_daily\", \"nope\", \"ad_daily\"]\n"));
  EXPECT_EQ(only_error(r, "pipelines.p.streams[1]").message,
            "unknown stream 'nope' (plugin 'tiktok' offers: campaign_daily, ad_daily)");
  EXPECT_EQ(only_error(r, "pipelines.p.streams[2]").message, "stream 'ad_daily' is listed twice");
}

TEST_F(ConfigTest, WithoutLookupStreamsAndCapabilitiesAreNotChecked) {
  auto r = load(pipeline("connection = \"tt\"\ncapability = \"messaging\"\n"), {});
  EXPECT_TRUE(r.ok()) << dump(r);
  r = load(pipeline("connection = \"tt\"\ncapability = \"reporting\"\nstreams = [\"any\"]\n"), {});
  EXPECT_TRUE(r.ok()) << dump(r);
}

TEST_F(ConfigTest, ScheduleAndLookback) {
  for (std::string s : {"every 30s", "every 5m", "every 2h", "every 1d", "*/15 * * * *",
                        "0 9 * * MON-FRI", "@daily"}) {
    auto r = load(pipeline("connection = \"tt\"\ncapability = \"reporting\"\nschedule = \"" + s +
                           "\"\nlookback = \"30d\"\n"));
    EXPECT_TRUE(r.ok()) << s << "\n" << dump(r);
  }
  auto r =
      load(pipeline("connection = \"tt\"\ncapability = \"reporting\"\n"
                    "schedule = \"every 0m\"\nlookback = \"0d\"\n"));
  EXPECT_EQ(only_error(r, "pipelines.p.schedule").message,
            "invalid schedule: the interval must be at least 1");
  EXPECT_EQ(only_error(r, "pipelines.p.lookback").message,
            "invalid lookback: the lookback must be at least 1d");
  r = load(pipeline("connection = \"tt\"\ncapability = \"reporting\"\nschedule = \"* * * *\"\n"));
  EXPECT_THAT(only_error(r, "pipelines.p.schedule").message, HasSubstr("5 fields"));
}

TEST_F(ConfigTest, PipelinesOfAnUnknownPluginAreNotCheckedFurther) {
  auto r = load(
      "[connections.x]\nplugin = \"nope\"\n[pipelines.p]\nconnection = \"x\"\n"
      "capability = \"messaging\"\nstreams = [\"whatever\"]\n");
  EXPECT_EQ(r.errors.size(), 2u) << dump(r);  // the unknown plugin, and streams on messaging
  only_error(r, "connections.x.plugin");
  only_error(r, "pipelines.p.streams");
}

TEST_F(ConfigTest, ErrorsAreInFileOrder) {
  auto r = load("[server]\nlisten = \"x\"\n[host]\nlog_level = \"x\"\n[store]\nbackend = \"x\"\n");
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].key_path, "server.listen");
  EXPECT_EQ(r.errors[1].key_path, "host.log_level");
  EXPECT_EQ(r.errors[2].key_path, "store.backend");
}

}  // namespace
}  // namespace connhost::config

// ---------------------------------------------------------------------------------------------
// Login: grant references, login.enabled, server.public_url

namespace connhost::config {
namespace {

TEST_F(ConfigTest, GrantReferenceNamesAConnectionWithLogin) {
  auto r = load(std::string(kTiktok) + R"(access_token = "${grant:tt_login}"
[connections.tt_login]
plugin = "tiktok"
app_id = "2"
app_secret = "${env:CONNHOST_TEST_TT_SECRET}"
)");
  ASSERT_TRUE(r.ok()) << dump(r);
  const Setting* s = r.config->connection("tt")->setting("access_token");
  ASSERT_TRUE(s && s->secret);
  EXPECT_EQ(s->secret->kind, SecretRef::Kind::grant);
  EXPECT_EQ(s->secret->target, "tt_login");
  EXPECT_EQ(s->secret->field, "access_token");
  EXPECT_EQ(s->secret->to_string(), "${grant:tt_login}");
}

TEST_F(ConfigTest, GrantReferenceErrors) {
  auto r = load(std::string(kTiktok) + R"(access_token = "${grant:tt_logn}"
[connections.mm]
plugin = "meta"
app_id = "3"
app_secret = "${grant:tt}"
[connections.m2]
plugin = "meta"
app_id = "3"
app_secret = "${grant:mm}"
[store]
backend = "postgresql"
url = "${grant:tt}"
)");
  EXPECT_EQ(only_error(r, "connections.tt.access_token").message,
            "the grant's connection 'tt_logn' is not configured");
  EXPECT_THAT(only_error(r, "connections.m2.app_secret").message,
              HasSubstr("uses plugin 'meta', which has no login capability"));
  EXPECT_THAT(only_error(r, "store.url").message,
              HasSubstr("only allowed in a connection's secret settings"));
  // Any connection with the login capability may be named.
  for (const auto& e : r.errors) EXPECT_NE(e.key_path, "connections.mm.app_secret") << dump(r);
}

TEST_F(ConfigTest, MalformedGrantReferenceSaysWhatIsExpected) {
  auto r = load(std::string(kTiktok) + "access_token = \"${grant:tt:password}\"\n");
  EXPECT_THAT(only_error(r, "connections.tt.access_token").message,
              HasSubstr("${grant:CONNECTION:refresh_token}"));
}

TEST_F(ConfigTest, LoginCanBeDisabledPerConnection) {
  auto on = load(kTiktok);
  ASSERT_TRUE(on.ok()) << dump(on);
  EXPECT_TRUE(on.config->connection("tt")->login_enabled);

  auto off = load(std::string(kTiktok) + "login.enabled = false\n");
  ASSERT_TRUE(off.ok()) << dump(off);
  EXPECT_FALSE(off.config->connection("tt")->login_enabled);

  auto bad = load(std::string(kTiktok) + "login.enabled = \"no\"\nlogin.enbled = true\n");
  EXPECT_EQ(only_error(bad, "connections.tt.login.enabled").message,
            "expected boolean, got string");
  EXPECT_THAT(only_error(bad, "connections.tt.login.enbled").message,
              HasSubstr("did you mean 'enabled'?"));
}

TEST_F(ConfigTest, PublicUrlIsAnAbsoluteHttpUrl) {
  auto r = load("[server]\npublic_url = \"https://connhost.example.com/base/\"\n");
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(r.config->server.public_url, "https://connhost.example.com/base");
  EXPECT_EQ(load("").config->server.public_url, "");
  for (std::string_view bad : {"connhost.example.com", "ftp://x", "https://x/?a=1", "http://"}) {
    auto e = load("[server]\npublic_url = \"" + std::string(bad) + "\"\n");
    EXPECT_THAT(only_error(e, "server.public_url").message, HasSubstr("absolute http(s) URL"))
        << bad;
  }
}

}  // namespace
}  // namespace connhost::config

namespace connhost::config {
namespace {

TEST_F(ConfigTest, WebhookSettingsPerConnection) {
  auto d = load(kTiktok);
  ASSERT_TRUE(d.ok()) << dump(d);
  EXPECT_EQ(d.config->connection("tt")->webhook_tolerance_seconds, 300);
  EXPECT_EQ(d.config->connection("tt")->webhook_max_body_bytes, 1024 * 1024);
  auto r = load(std::string(kTiktok) +
                "webhooks.tolerance_seconds = 60\nwebhooks.max_body_bytes = 4096\n");
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(r.config->connection("tt")->webhook_tolerance_seconds, 60);
  EXPECT_EQ(r.config->connection("tt")->webhook_max_body_bytes, 4096);
  auto bad = load(std::string(kTiktok) +
                  "webhooks.tolerance_seconds = -1\nwebhooks.max_body_bytes = \"big\"\n");
  EXPECT_EQ(only_error(bad, "connections.tt.webhooks.tolerance_seconds").message,
            "expected 0 to 86400");
  EXPECT_EQ(only_error(bad, "connections.tt.webhooks.max_body_bytes").message,
            "expected integer, got string");
}

}  // namespace
}  // namespace connhost::config

namespace connhost::config {
namespace {

TEST_F(ConfigTest, ACapabilityThePluginCannotOfferNamesItsReason) {
  auto plugins = std::map<std::string, PluginSchema, std::less<>>{};
  plugins["google"] = {testing::kGoogleFields, CH_CAP_REPORTING, {"campaign_stats"}};
  plugins["google"].unavailable[CH_CAP_MESSAGING] = "the platform shut the channel down";
  auto r = load_string(
      "[connections.g]\nplugin = \"google\"\ncustomer_id = \"1\"\n"
      "[pipelines.chat]\nconnection = \"g\"\ncapability = \"messaging\"\n",
      kPretend, SchemaLookup::over(std::move(plugins)));
  EXPECT_EQ(only_error(r, "pipelines.chat.capability").message,
            "plugin 'google' does not offer capability 'messaging' (the platform shut the channel "
            "down); it offers: reporting");
}

}  // namespace
}  // namespace connhost::config
