// `connhost serve` as ops start it: its help, and the refusals that happen before it listens.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "cli/run_connhost.hpp"
#include "support/temp_dir.hpp"

using ::testing::HasSubstr;

namespace {

TEST(ServerCli, HelpDescribesTheCommandAndItsOptions) {
  auto r = connhost::testing::run_connhost("serve --help");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("--listen"));
  EXPECT_THAT(r.out, HasSubstr("--no-scheduler"));
  EXPECT_THAT(r.out, HasSubstr("/metrics"));
}

class ServerCliConfig : public ::testing::Test {
 protected:
  std::string config(const std::string& server_section) {
    auto file = dir.path() / "connhost.toml";
    std::ofstream(file) << "[store]\npath = \"store.db\"\n[server]\n" << server_section;
    return "--config " + file.string() + " ";
  }
  connhost::test::TempDir dir{"connhost-serve-cli"};
};

TEST_F(ServerCliConfig, NonLoopbackListenWithoutApiKeyIsAConfigError) {
  auto r = connhost::testing::run_connhost(config("listen = \"0.0.0.0:8007\"\n") + "serve");
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_THAT(r.out, HasSubstr("connhost.toml:4:10: server.listen: 0.0.0.0:8007 is not a loopback "
                               "address, so the API needs a key"));
  EXPECT_THAT(r.out, HasSubstr("api_key = \"${env:CONNHOST_API_KEY}\""));
}

TEST_F(ServerCliConfig, NonLoopbackListenOnTheCommandLineIsRefusedToo) {
  auto r = connhost::testing::run_connhost(config("") + "serve --listen [::]:0");
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_THAT(r.out, HasSubstr("[::]:0 is not a loopback address"));
}

TEST_F(ServerCliConfig, MalformedListenOptionIsAUsageError) {
  auto r = connhost::testing::run_connhost(config("") + "serve --listen nowhere");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_THAT(r.out, HasSubstr("--listen nowhere"));
}

TEST_F(ServerCliConfig, LiteralApiKeyIsRefused) {
  auto r = connhost::testing::run_connhost(config("api_key = \"plain-text\"\n") + "serve");
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_THAT(r.out, HasSubstr("server.api_key: the API key is a secret"));
  EXPECT_THAT(r.out, Not(HasSubstr("plain-text")));
}

}  // namespace
