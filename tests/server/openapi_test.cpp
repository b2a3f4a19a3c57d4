// /api/openapi.json describes every route the router holds, including ones added later.
#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace connhost::test {
namespace {

TEST_F(ServerTest, OpenApiListsEveryRegisteredRoute) {
  router.add({.method = "POST",
              .pattern = "/api/test/{thing}/sync",
              .summary = "added by a test",
              .query = {{.name = "start_date", .type = "date", .required = true}},
              .tag = "test",
              .handler = [](auto&) { return server::json_response(200, nullptr); }});
  start();
  auto r = get("/api/openapi.json");
  ASSERT_EQ(r.status, 200);
  auto doc = json(r);
  EXPECT_EQ(doc.at("openapi"), "3.0.3");
  const auto& paths = doc.at("paths").as_object();
  ASSERT_GE(router.routes().size(), 9u);
  for (const auto& route : router.routes()) {
    std::string method = route.method;
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    ASSERT_TRUE(paths.contains(route.pattern)) << route.pattern;
    ASSERT_TRUE(paths.at(route.pattern).as_object().contains(method))
        << route.method << " " << route.pattern;
    EXPECT_EQ(paths.at(route.pattern).at(method).at("summary"), boost::json::value(route.summary));
  }
  const auto& op = paths.at("/api/test/{thing}/sync").at("post");
  const auto& params = op.at("parameters").as_array();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].at("name"), "thing");
  EXPECT_EQ(params[0].at("in"), "path");
  EXPECT_EQ(params[1].at("name"), "start_date");
  EXPECT_EQ(params[1].at("schema").at("format"), "date");
  EXPECT_EQ(params[1].at("required"), true);
  // Public routes opt out of the bearer requirement.
  EXPECT_TRUE(paths.at("/healthz").at("get").at("security").as_array().empty());
  EXPECT_FALSE(paths.at("/api/runs").at("get").as_object().contains("security"));
  EXPECT_EQ(paths.at("/api/runs").at("get").at("parameters").at(1).at("schema").at("enum").at(0),
            "running");
}

}  // namespace
}  // namespace connhost::test
