// The dashboard's files: index for "/", content types, and no way out of the web root.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server_fixture.hpp"

using ::testing::HasSubstr;
using ::testing::Not;

namespace connhost::test {
namespace {

TEST_F(ServerTest, RootServesIndexHtml) {
  start();
  auto r = get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.body, "<html>index</html>");
}

TEST_F(ServerTest, StaticFilesCarryTheirContentType) {
  std::ofstream(web / "static" / "style.css") << "body{}";
  std::ofstream(web / "static" / "logo.svg") << "<svg/>";
  std::ofstream(web / "static" / "data.json") << "{}";
  start();
  EXPECT_EQ(get("/static/app.js").header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(get("/static/style.css").header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(get("/static/logo.svg").header("Content-Type"), "image/svg+xml");
  EXPECT_EQ(get("/static/data.json").header("Content-Type"), "application/json");
  auto missing = get("/static/missing.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_code(missing), "not_found");
}

TEST_F(ServerTest, TraversalOutOfTheWebRootIsRefused) {
  start();
  for (std::string target : {"/../secret.txt", "/static/../../secret.txt", "/%2e%2e/secret.txt",
                             "/static/%2E%2E/%2e%2e/secret.txt", "/static/..%2f..%2fsecret.txt",
                             "/%2e%2e%2fsecret.txt", "/static/./app.js", "/.hidden"}) {
    auto r = get(target);
    EXPECT_TRUE(r.status == 400 || r.status == 404) << target << " -> " << r.status;
    EXPECT_THAT(r.body, Not(HasSubstr("outside the web root"))) << target;
    EXPECT_EQ(r.header("Content-Type"), "application/json") << target;
  }
}

TEST_F(ServerTest, LinksLeavingTheWebRootAreNotFollowed) {
  std::filesystem::create_symlink(dir.path() / "secret.txt", web / "static" / "link.txt");
  start();
  auto r = get("/static/link.txt");
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.body, Not(HasSubstr("outside the web root")));
}

TEST_F(ServerTest, StaticFilesAreReadOnly) {
  start();
  auto r = call(port, "POST", "/static/app.js");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow"), "GET");
}

}  // namespace
}  // namespace connhost::test
