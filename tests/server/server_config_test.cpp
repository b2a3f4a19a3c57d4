// [server] in the configuration: the API key only as a reference, the body limit, the web root.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "config/config.hpp"

using ::testing::HasSubstr;

namespace connhost::config {
namespace {

LoadResult load(const std::string& toml) {
  return load_string(toml, "/etc/connhost/connhost.toml", {});
}

TEST(ServerConfig, DefaultsWithoutASection) {
  auto r = load("");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config->listen, "127.0.0.1:8007");
  EXPECT_FALSE(r.config->server.api_key);
  EXPECT_EQ(r.config->server.max_body_bytes, 1024 * 1024);
  EXPECT_TRUE(r.config->server.web_root.empty());
}

TEST(ServerConfig, ApiKeyIsAReferenceAndItsPositionIsKept) {
  ::setenv("CONNHOST_TEST_API_KEY", "k", 1);
  auto r = load(
      "[server]\nlisten = \"0.0.0.0:9000\"\napi_key = \"${env:CONNHOST_TEST_API_KEY}\"\n"
      "max_body_bytes = 2048\nweb_root = \"dash\"\n");
  ASSERT_TRUE(r.ok()) << r.errors[0].to_string();
  const auto& s = r.config->server;
  ASSERT_TRUE(s.api_key);
  EXPECT_EQ(s.api_key->kind, SecretRef::Kind::env);
  EXPECT_EQ(s.api_key->target, "CONNHOST_TEST_API_KEY");
  EXPECT_EQ(s.max_body_bytes, 2048);
  EXPECT_EQ(s.web_root, "/etc/connhost/dash");
  EXPECT_EQ(s.listen_pos.line, 2);
  EXPECT_EQ(s.listen_pos.column, 10);
}

TEST(ServerConfig, LiteralApiKeyIsRefusedWithoutQuotingIt) {
  auto r = load("[server]\napi_key = \"hunter2hunter2\"\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(
      r.errors[0].to_string(),
      "/etc/connhost/connhost.toml:2:11: server.api_key: the API key is a secret and is never "
      "written in the config file; use a reference instead, e.g. "
      "\"${env:CONNHOST_API_KEY}\" or \"${file:PATH}\"");
  EXPECT_THAT(r.errors[0].to_string(), Not(HasSubstr("hunter2")));
}

TEST(ServerConfig, UnresolvableApiKeyReferenceIsAnError) {
  ::unsetenv("CONNHOST_TEST_NO_SUCH_KEY");
  auto r = load("[server]\napi_key = \"${env:CONNHOST_TEST_NO_SUCH_KEY}\"\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].key_path, "server.api_key");
  EXPECT_THAT(r.errors[0].message, HasSubstr("CONNHOST_TEST_NO_SUCH_KEY"));
}

TEST(ServerConfig, BodyLimitAndWebRootAreChecked) {
  auto r = load("[server]\nmax_body_bytes = 10\nweb_root = \"\"\nmax_bodybytes = 1\n");
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].key_path, "server.max_body_bytes");
  EXPECT_THAT(r.errors[0].message, HasSubstr("from 1024 to 1073741824"));
  EXPECT_EQ(r.errors[1].key_path, "server.web_root");
  EXPECT_THAT(r.errors[2].message, HasSubstr("did you mean 'max_body_bytes'"));
  r = load("[server]\nmax_body_bytes = \"1MB\"\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message, "expected integer, got string");
}

}  // namespace
}  // namespace connhost::config
