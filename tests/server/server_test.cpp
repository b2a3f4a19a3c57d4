// The server as a client sees it: routing errors, limits, the error shape, keep-alive, the
// connection limit, and readiness.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/errors.hpp"
#include "server_fixture.hpp"

using ::testing::HasSubstr;
using ::testing::Not;

namespace connhost::test {
namespace {

TEST_F(ServerTest, UnknownApiPathIs404InTheErrorShape) {
  start();
  auto r = get("/api/nothing/here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(error_code(r), "not_found");
}

TEST_F(ServerTest, KnownPathWithWrongMethodIs405WithAllow) {
  start();
  auto r = call(port, "DELETE", "/api/runs");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow"), "GET");
  EXPECT_EQ(error_code(r), "method_not_allowed");
}

TEST_F(ServerTest, AllowListsEveryMethodOfThePath) {
  router.add({.method = "POST", .pattern = "/api/runs", .summary = "test", .handler = [](auto&) {
                return server::json_response(201, {{"ok", true}});
              }});
  start();
  auto r = call(port, "PUT", "/api/runs");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow"), "GET, POST");
  EXPECT_EQ(call(port, "POST", "/api/runs").status, 201);
}

TEST_F(ServerTest, OversizedBodyIs413) {
  start({.max_body_bytes = 1024});
  auto r = call(port, "POST", "/api/runs", {}, std::string(64 * 1024, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(error_code(r), "payload_too_large");
  EXPECT_THAT(json(r).at("error").at("message").as_string().c_str(), HasSubstr("1024"));
}

TEST_F(ServerTest, OversizedHeadersAre431) {
  start({.max_header_bytes = 2048});
  auto r = get("/healthz", {{"X-Big", std::string(8192, 'a')}});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(error_code(r), "headers_too_large");
}

TEST_F(ServerTest, BadParameterIs400NamingTheParameter) {
  start();
  for (auto [target, param] : {std::pair{"/api/runs?limit=abc", "limit"},
                               {"/api/runs?limit=0", "limit"},
                               {"/api/runs?offset=-1", "offset"},
                               {"/api/runs?status=sleeping", "status"},
                               {"/api/runs?pipeline=nope", "pipeline"},
                               {"/api/runs/x1", "id"}}) {
    auto r = get(target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(error_code(r), "bad_parameter") << target;
    std::string msg(json(r).at("error").at("message").as_string());
    EXPECT_TRUE(msg.starts_with(std::string(param) + ": ")) << target << " -> " << msg;
  }
}

TEST_F(ServerTest, RequiredAndTypedParametersAreCheckedBeforeTheHandler) {
  bool called = false;
  router.add({.method = "GET",
              .pattern = "/api/test/typed",
              .summary = "test",
              .query = {{.name = "day", .type = "date", .required = true},
                        {.name = "flag", .type = "boolean"}},
              .handler = [&](const server::Request&) {
                called = true;
                return server::json_response(200, nullptr);
              }});
  start();
  auto r = get("/api/test/typed");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json(r).at("error").at("message"), "day: required");
  r = get("/api/test/typed?day=2026-02-30");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("day: expected a date YYYY-MM-DD"));
  r = get("/api/test/typed?day=2026-02-28&flag=yes");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("flag: expected true or false"));
  EXPECT_FALSE(called);
  EXPECT_EQ(get("/api/test/typed?day=2026-02-28&flag=true").status, 200);
  EXPECT_TRUE(called);
}

TEST_F(ServerTest, QueryStringIsDecoded) {
  std::string seen;
  router.add({.method = "GET",
              .pattern = "/api/test/echo/{word}",
              .summary = "test",
              .handler = [&](const server::Request& r) {
                seen = r.param("word") + "|" + r.query("q").value_or("-");
                return server::json_response(200, nullptr);
              }});
  start();
  EXPECT_EQ(get("/api/test/echo/a%20b?q=x%26y%3Dz").status, 200);
  EXPECT_EQ(seen, "a b|x&y=z");
}

TEST_F(ServerTest, HandlerExceptionIs500WithoutItsText) {
  router.add(
      {.method = "GET", .pattern = "/api/test/boom", .summary = "test", .handler = [](auto&) {
         throw std::runtime_error("password=hunter2 in a message");
         return server::Response{};
       }});
  router.add({.method = "GET",
              .pattern = "/api/test/teapot",
              .summary = "test",
              .handler = [](auto&) -> server::Response {
                throw server::HttpError(418, "teapot", "short and stout");
              }});
  start();
  auto r = get("/api/test/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(error_code(r), "internal");
  EXPECT_THAT(r.body, Not(HasSubstr("hunter2")));
  r = get("/api/test/teapot");
  EXPECT_EQ(r.status, 418);
  EXPECT_EQ(error_code(r), "teapot");
  // The server is still there.
  EXPECT_EQ(get("/healthz").status, 200);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  Connection c(port);
  for (int i = 0; i < 3; ++i) {
    auto r = c.call("GET", "/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"status":"ok"})");
  }
}

TEST_F(ServerTest, ConnectionsBeyondTheLimitGet503) {
  start({.max_connections = 1});
  Connection first(port);
  ASSERT_EQ(first.call("GET", "/healthz").status, 200);  // accepted and counted
  auto r = get("/healthz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(error_code(r), "server_busy");
  EXPECT_EQ(first.call("GET", "/healthz").status, 200);
}

TEST_F(ServerTest, ReadyzAndApiAre503UntilTheStoreIsMigrated) {
  start({.migrate = false});
  EXPECT_EQ(get("/healthz").status, 200);
  auto r = get("/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(error_code(r), "not_ready");
  EXPECT_THAT(r.body, HasSubstr("migrating"));
  r = get("/api/runs");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(error_code(r), "not_ready");
  EXPECT_EQ(get("/api/plugins").status, 503);

  open_store().migrate();
  readiness.set(server::Readiness::State::ready);
  r = get("/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json(r).at("status"), "ready");
  EXPECT_EQ(get("/api/runs").status, 200);
}

TEST_F(ServerTest, ReadyzIs503WhenTheStoreDoesNotAnswer) {
  start({.open_store = []() -> store::Store {
    throw store::StoreError("cannot connect to host=db.internal password=x");
  }});
  auto r = get("/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(error_code(r), "not_ready");
  EXPECT_THAT(r.body, Not(HasSubstr("db.internal")));
  EXPECT_EQ(get("/api/runs").status, 500);
  EXPECT_EQ(get("/healthz").status, 200);
}

TEST_F(ServerTest, StopIsGracefulAndIdempotent) {
  start();
  Connection idle(port);
  ASSERT_EQ(idle.call("GET", "/healthz").status, 200);
  srv->stop();  // the idle keep-alive connection does not hold it up
  srv->stop();
  EXPECT_THROW(get("/healthz"), std::exception);
}

}  // namespace
}  // namespace connhost::test

namespace connhost::test {
namespace {

TEST_F(ServerTest, CrossSiteWritesAreRefused) {
  int calls = 0;
  router.add({.method = "POST", .pattern = "/api/runs", .summary = "test", .handler = [&](auto&) {
                ++calls;
                return server::json_response(201, {{"ok", true}});
              }});
  start();
  std::string self = "http://127.0.0.1:" + std::to_string(port);
  // A form or fetch from another page, as a browser labels it: refused before the handler.
  EXPECT_EQ(call(port, "POST", "/api/runs", {{"Origin", "https://evil.example"}}).status, 403);
  EXPECT_EQ(call(port, "POST", "/api/runs", {{"Sec-Fetch-Site", "cross-site"}}).status, 403);
  EXPECT_EQ(call(port, "POST", "/api/runs", {{"Origin", "null"}}).status, 403);
  EXPECT_EQ(calls, 0);
  // The dashboard itself, and callers that are not browsers (webhooks, curl).
  std::string host = "127.0.0.1:" + std::to_string(port);
  EXPECT_EQ(call(port, "POST", "/api/runs",
                 {{"Host", host}, {"Origin", self}, {"Sec-Fetch-Site", "same-origin"}})
                .status,
            201);
  EXPECT_EQ(call(port, "POST", "/api/runs").status, 201);
  // Reading is not affected.
  EXPECT_NE(call(port, "GET", "/api/runs", {{"Origin", "https://evil.example"}}).status, 403);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace connhost::test
