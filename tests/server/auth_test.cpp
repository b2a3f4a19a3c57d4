// API keys: required for /api/* once configured (and always on a non-loopback bind, which
// `connhost serve` refuses to start without one), never for health, metrics and static files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/listen_address.hpp"
#include "server_fixture.hpp"

using ::testing::HasSubstr;
using ::testing::Not;

namespace connhost::test {
namespace {

const server::ApiKey kKey{.id = "default", .secret = "s3cret-key-for-tests"};

TEST(ServerListenAddress, LoopbackIsJudgedOnTheConfiguredAddress) {
  for (auto s :
       {"127.0.0.1:8007", "127.1.2.3:1", "localhost:8007", "[::1]:8007", "[::ffff:127.0.0.1]:80"}) {
    auto a = config::parse_listen(s);
    ASSERT_TRUE(a) << s;
    EXPECT_TRUE(a->loopback()) << s;
  }
  for (auto s : {"0.0.0.0:8007", "[::]:8007", "10.0.0.5:80", "example.com:80", "128.0.0.1:80"}) {
    auto a = config::parse_listen(s);
    ASSERT_TRUE(a) << s;
    EXPECT_FALSE(a->loopback()) << s;
  }
  EXPECT_EQ(config::parse_listen("[::1]:8007")->to_string(), "[::1]:8007");
  EXPECT_FALSE(config::parse_listen("::1:8007"));
  EXPECT_FALSE(config::parse_listen("127.0.0.1:65536"));
}

TEST_F(ServerTest, NonLoopbackBindRequiresTheKeyForTheApi) {
  start({.host = "0.0.0.0", .keys = {kKey}});
  auto r = get("/api/runs");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(error_code(r), "unauthorized");
  EXPECT_EQ(r.header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(get("/api/openapi.json").status, 401);
}

TEST_F(ServerTest, BearerKeyIsAcceptedAndAWrongOneRefused) {
  start({.host = "0.0.0.0", .keys = {kKey}});
  EXPECT_EQ(get("/api/runs", {{"Authorization", "Bearer s3cret-key-for-tests"}}).status, 200);
  EXPECT_EQ(get("/api/runs", {{"Authorization", "bearer s3cret-key-for-tests"}}).status, 200);
  // (Trailing spaces are not a test case: HTTP strips them from every header value.)
  for (std::string bad :
       {"Bearer s3cret-key-for-test", "Bearer s3cret-key-for-testsX", "Basic s3cret-key-for-tests",
        "s3cret-key-for-tests", "Bearer ", "Bearer"}) {
    auto r = get("/api/runs", {{"Authorization", bad}});
    EXPECT_EQ(r.status, 401) << bad;
    EXPECT_THAT(r.body, Not(HasSubstr("s3cret"))) << bad;
  }
}

TEST_F(ServerTest, HealthMetricsAndStaticFilesNeedNoKey) {
  start({.host = "0.0.0.0", .keys = {kKey}});
  EXPECT_EQ(get("/healthz").status, 200);
  EXPECT_EQ(get("/readyz").status, 200);
  EXPECT_EQ(get("/metrics").status, 200);
  EXPECT_EQ(get("/").status, 200);
  EXPECT_EQ(get("/static/app.js").status, 200);
}

TEST_F(ServerTest, KeyConfiguredOnLoopbackIsEnforcedToo) {
  start({.keys = {kKey}});
  EXPECT_EQ(get("/api/runs").status, 401);
  EXPECT_EQ(get("/api/runs", {{"Authorization", "Bearer s3cret-key-for-tests"}}).status, 200);
}

TEST_F(ServerTest, WithoutKeysLoopbackNeedsNone) {
  start();
  EXPECT_EQ(get("/api/runs").status, 200);
}

TEST(ServerAuth, NamesTheKeyAndItsScopes) {
  server::Auth auth(
      {{.id = "ops", .secret = "a"}, {.id = "pii", .secret = "b", .scopes = {"pii"}}});
  EXPECT_TRUE(auth.required());
  const auto* k = auth.authenticate("Bearer b");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->id, "pii");
  EXPECT_TRUE(k->has_scope("pii"));
  EXPECT_FALSE(k->has_scope("admin"));
  EXPECT_TRUE(auth.authenticate("Bearer a")->has_scope("anything"));
  EXPECT_EQ(auth.authenticate("Bearer c"), nullptr);
  EXPECT_FALSE(server::Auth().required());
}

}  // namespace
}  // namespace connhost::test
