#include "config/secret.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "log/logger.hpp"
#include "log/secret_mask.hpp"
#include "test_env.hpp"

namespace connhost::config {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ScopedEnv;
using testing::TempDir;

class SecretTest : public ::testing::Test {
 protected:
  void SetUp() override { log::clear_secrets(); }
  void TearDown() override { log::clear_secrets(); }
};

TEST_F(SecretTest, ParsesEnvAndFileReferences) {
  auto env = parse_secret_ref("${env:TIKTOK_APP_SECRET}");
  ASSERT_TRUE(env);
  EXPECT_EQ(env->kind, SecretRef::Kind::env);
  EXPECT_EQ(env->target, "TIKTOK_APP_SECRET");
  EXPECT_EQ(env->to_string(), "${env:TIKTOK_APP_SECRET}");

  auto abs = parse_secret_ref("${file:/run/secrets/x}");
  ASSERT_TRUE(abs);
  EXPECT_EQ(abs->kind, SecretRef::Kind::file);
  EXPECT_EQ(abs->target, "/run/secrets/x");

  auto rel = parse_secret_ref("${file:../keys/x}", "/etc/connhost/conf");
  ASSERT_TRUE(rel);
  EXPECT_EQ(rel->target, "/etc/connhost/keys/x");
}

TEST_F(SecretTest, PlainValuesAreNotReferences) {
  for (std::string_view v : {"", "plain", "$env:X", "{env:X}", "$ {env:X}"}) {
    EXPECT_FALSE(looks_like_secret_ref(v)) << v;
    EXPECT_FALSE(parse_secret_ref(v)) << v;
    EXPECT_FALSE(secret_ref_error(v)) << v;
  }
}

TEST_F(SecretTest, MalformedReferences) {
  struct Case {
    std::string_view value;
    std::string_view why;
  };
  for (auto [value, why] : {
           Case{"${env:}", "empty variable name"},
           Case{"${env:1ABC}", "variable names are letters"},
           Case{"${env:A-B}", "variable names are letters"},
           Case{"${file:}", "empty file path"},
           Case{"${nope:X}", "unknown source"},
           Case{"${X}", "unknown source"},
           Case{"${env:X", "malformed reference"},
           Case{"a${env:X}", "malformed reference"},
           Case{"${env:X}b", "malformed reference"},
           Case{"${env:X}${env:Y}", "malformed reference"},
       }) {
    SCOPED_TRACE(value);
    EXPECT_TRUE(looks_like_secret_ref(value));
    EXPECT_FALSE(parse_secret_ref(value));
    auto err = secret_ref_error(value);
    ASSERT_TRUE(err);
    EXPECT_THAT(*err, HasSubstr(why));
    EXPECT_THAT(*err, HasSubstr("malformed reference"));
  }
}

TEST_F(SecretTest, ResolvesEnvAndRegistersTheValueWithTheMask) {
  const std::string value = "env-secret-4f9a2c";
  ScopedEnv env("CONNHOST_TEST_SECRET_A", value);
  EXPECT_EQ(log::mask_secrets("x" + value), "x" + value);  // not registered before
  auto r = resolve_secret({SecretRef::Kind::env, "CONNHOST_TEST_SECRET_A"});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value, value);
  EXPECT_EQ(log::mask_secrets("x" + value), "x" + std::string(log::kMask));
}

TEST_F(SecretTest, ResolvesFileStrippingOneTrailingNewline) {
  TempDir dir;
  auto one = dir.write("one", "file-secret-one\n");
  auto two = dir.write("two", "file-secret-two\n\n");
  auto crlf = dir.write("crlf", "file-secret-crlf\r\n");
  auto none = dir.write("none", "file-secret-none");
  EXPECT_EQ(resolve_secret({SecretRef::Kind::file, one.string()}).value, "file-secret-one");
  EXPECT_EQ(resolve_secret({SecretRef::Kind::file, two.string()}).value, "file-secret-two\n");
  EXPECT_EQ(resolve_secret({SecretRef::Kind::file, crlf.string()}).value, "file-secret-crlf");
  EXPECT_EQ(resolve_secret({SecretRef::Kind::file, none.string()}).value, "file-secret-none");
  EXPECT_EQ(log::mask_secrets("[file-secret-one]"), "[****]");
}

TEST_F(SecretTest, UnsetVariableNamesTheVariable) {
  ScopedEnv unset("CONNHOST_TEST_SECRET_UNSET", std::nullopt);
  auto r = resolve_secret({SecretRef::Kind::env, "CONNHOST_TEST_SECRET_UNSET"});
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.value);
  EXPECT_EQ(r.error, "environment variable CONNHOST_TEST_SECRET_UNSET is not set");
  EXPECT_EQ(check_secret({SecretRef::Kind::env, "CONNHOST_TEST_SECRET_UNSET"}), r.error);
}

TEST_F(SecretTest, EmptyVariableIsAnError) {
  ScopedEnv empty("CONNHOST_TEST_SECRET_EMPTY", "");
  auto r = resolve_secret({SecretRef::Kind::env, "CONNHOST_TEST_SECRET_EMPTY"});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error, "environment variable CONNHOST_TEST_SECRET_EMPTY is empty");
}

TEST_F(SecretTest, MissingFileNamesThePath) {
  TempDir dir;
  auto path = (dir.path() / "missing").string();
  auto r = resolve_secret({SecretRef::Kind::file, path});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error, "cannot read secret file " + path + ": No such file or directory");
}

TEST_F(SecretTest, EmptyFileIsAnError) {
  TempDir dir;
  auto path = dir.write("empty", "\n");
  auto r = resolve_secret({SecretRef::Kind::file, path.string()});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error, "secret file " + path.string() + " is empty");
}

// A file root could still read would not fail as root (CI runs as root), so the unreadable
// secret here is a folder: reading it fails for every user.
TEST_F(SecretTest, UnreadableSecretNamesThePath) {
  TempDir dir;
  auto path = dir.path() / "a-folder";
  fs::create_directories(path);
  auto r = resolve_secret({SecretRef::Kind::file, path.string()});
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.error, HasSubstr(path.string()));
}

TEST_F(SecretTest, PathThroughARegularFileNamesThePath) {
  TempDir dir;
  dir.write("plain", "not-a-folder");
  auto path = (dir.path() / "plain" / "child").string();
  auto r = resolve_secret({SecretRef::Kind::file, path});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error, "cannot read secret file " + path + ": Not a directory");
  EXPECT_EQ(check_secret({SecretRef::Kind::file, path}), r.error);
}

TEST_F(SecretTest, CheckDoesNotRegisterTheValue) {
  const std::string value = "checked-not-read-77";
  ScopedEnv env("CONNHOST_TEST_SECRET_CHECK", value);
  EXPECT_FALSE(check_secret({SecretRef::Kind::env, "CONNHOST_TEST_SECRET_CHECK"}));
  EXPECT_EQ(log::mask_secrets(value), value);
}

// The end-to-end promise: a resolved secret that someone logs comes out masked.
TEST_F(SecretTest, ResolvedSecretNeverReachesTheLog) {
  const std::string value = "log-secret-9d8e7f6a";
  ScopedEnv env("CONNHOST_TEST_SECRET_LOG", value);
  TempDir dir;
  auto file_value = std::string("file-log-secret-5b4c");
  auto file = dir.write("s", file_value + "\n");

  log::init(log::Level::info, log::Format::text);
  auto captured = log::capture();
  captured.clear();

  auto env_secret = resolve_secret({SecretRef::Kind::env, "CONNHOST_TEST_SECRET_LOG"});
  auto file_secret = resolve_secret({SecretRef::Kind::file, file.string()});
  ASSERT_TRUE(env_secret.ok() && file_secret.ok());
  log::info("calling with token={} and key={}", *env_secret.value, *file_secret.value);
  log::warn("token again: {}", *env_secret.value);

  std::string text = captured.text();
  EXPECT_THAT(text, HasSubstr("calling with token=****"));  // the line was written
  EXPECT_THAT(text, HasSubstr("token again: ****"));
  EXPECT_THAT(text, Not(HasSubstr(value)));
  EXPECT_THAT(text, Not(HasSubstr(file_value)));
}

TEST_F(SecretTest, ResolvedSecretIsMaskedInJsonLogsToo) {
  const std::string value = "json-secret-1a2b3c4d";
  ScopedEnv env("CONNHOST_TEST_SECRET_JSON", value);
  log::init(log::Level::info, log::Format::json);
  auto captured = log::capture();
  captured.clear();
  auto s = resolve_secret({SecretRef::Kind::env, "CONNHOST_TEST_SECRET_JSON"});
  ASSERT_TRUE(s.ok());
  log::info("secret={}", *s.value);
  std::string text = captured.text();
  log::init(log::Level::info, log::Format::text);
  EXPECT_THAT(text, HasSubstr("secret=****"));
  EXPECT_THAT(text, Not(HasSubstr(value)));
}

}  // namespace
}  // namespace connhost::config
