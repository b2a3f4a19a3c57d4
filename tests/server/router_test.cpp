#include <gtest/gtest.h>

#include "server/router.hpp"

namespace connhost::server {
namespace {

Handler ok() {
  return [](const Request&) { return Response{}; };
}

TEST(ServerRouter, MatchesParamsAndPrefersLiteralSegments) {
  Router r;
  r.add({.method = "GET", .pattern = "/api/runs/{id}", .handler = ok()});
  r.add({.method = "GET", .pattern = "/api/runs/stats", .handler = ok()});
  r.add({.method = "DELETE", .pattern = "/api/runs/{id}", .handler = ok()});
  auto m = r.match("GET", split_path("/api/runs/42"));
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/runs/{id}");
  EXPECT_EQ(m.params.at("id"), "42");
  m = r.match("GET", split_path("/api/runs/stats"));
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/runs/stats");
  m = r.match("PUT", split_path("/api/runs/42"));
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"DELETE", "GET"}));
  m = r.match("GET", split_path("/api/runs/42/more"));
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allowed.empty());
}

TEST(ServerRouter, RefusesMalformedAndDuplicateRoutes) {
  Router r;
  r.add({.method = "GET", .pattern = "/api/x/{id}", .handler = ok()});
  EXPECT_THROW(r.add({.method = "GET", .pattern = "/api/x/{other}", .handler = ok()}),
               std::logic_error);
  EXPECT_THROW(r.add({.method = "GET", .pattern = "api/y", .handler = ok()}), std::logic_error);
  EXPECT_THROW(r.add({.method = "GET", .pattern = "/api/y/a{b}", .handler = ok()}),
               std::logic_error);
  EXPECT_THROW(r.add({.method = "GET", .pattern = "/api/{a}/{a}", .handler = ok()}),
               std::logic_error);
  EXPECT_THROW(r.add({.method = "BREW", .pattern = "/api/z", .handler = ok()}), std::logic_error);
  EXPECT_THROW(r.add({.method = "GET", .pattern = "/api/z"}), std::logic_error);
  EXPECT_NO_THROW(r.add({.method = "POST", .pattern = "/api/x/{id}", .handler = ok()}));
}

}  // namespace
}  // namespace connhost::server
