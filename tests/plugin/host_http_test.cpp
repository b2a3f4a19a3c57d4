// The host's HTTP service as a plugin sees it through the ABI: requests go out with the plugin's
// headers, answers come back with status, headers and body, transport failures arrive as
// transient errors, and secrets stay out of the logs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "log/logger.hpp"
#include "log/secret_mask.hpp"
#include "plugin/instance.hpp"
#include "plugin/registry.hpp"
#include "server/http_server.hpp"

namespace {

using connhost::plugin::Instance;
namespace sb = connhost::sandbox;
using ::testing::HasSubstr;

class HostHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connhost::log::init(connhost::log::Level::off, connhost::log::Format::text);
    registry.load_directories({PROBE_PLUGIN_DIR});
    ASSERT_EQ(registry.plugins().size(), 1u);
    server = std::make_unique<sb::HttpServer>([this](sb::Request& r) {
      last = r;
      return answer;
    });
    port = server->start({});
  }
  std::unique_ptr<Instance> make(std::string base) {
    Instance::Settings s{
        "probe_main",
        {{"base_url", std::move(base)}},
        [](std::string_view) { return std::optional<std::string>("probe-secret-123"); },
        std::make_shared<connhost::http::Client>(),
        nullptr};
    auto [inst, err] = Instance::create(registry.plugins()[0], std::move(s));
    EXPECT_FALSE(err);
    return std::move(inst);
  }
  connhost::plugin::Registry registry;
  std::unique_ptr<sb::HttpServer> server;
  uint16_t port = 0;
  sb::Request last;
  sb::Response answer = sb::Response::json(200, "{}").header("X-Probe", "yes");
};

TEST_F(HostHttpTest, RequestsCarryThePluginsHeadersAndAnswersComeBack) {
  auto inst = make("http://127.0.0.1:" + std::to_string(port));
  EXPECT_FALSE(inst->check());
  EXPECT_EQ(last.path, "/probe");
  EXPECT_EQ(last.header("Access-Token").value_or(""), "probe-secret-123");
}

TEST_F(HostHttpTest, AnErrorStatusIsThePluginsToJudge) {
  answer = sb::Response::json(403, R"({"error":"no"})");
  auto inst = make("http://127.0.0.1:" + std::to_string(port));
  auto err = inst->check();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->category, CH_ERROR_TRANSIENT);
  EXPECT_EQ(err->message, R"(probe answered 403: {"error":"no"})");
}

TEST_F(HostHttpTest, ARefusedConnectionIsTransient) {
  server->stop();
  auto inst = make("http://127.0.0.1:" + std::to_string(port));
  auto err = inst->check();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->category, CH_ERROR_TRANSIENT);
  EXPECT_THAT(err->message, HasSubstr("cannot connect to 127.0.0.1"));
}

TEST_F(HostHttpTest, ABadUrlIsAConfigError) {
  auto inst = make("ftp://nowhere");
  auto err = inst->check();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->category, CH_ERROR_CONFIG);
}

TEST_F(HostHttpTest, TheSecretNeverReachesTheLog) {
  connhost::log::init(connhost::log::Level::debug, connhost::log::Format::text);
  auto capture = connhost::log::capture();
  capture.clear();
  auto inst = make("http://127.0.0.1:" + std::to_string(port));
  EXPECT_FALSE(inst->check());
  std::string text = capture.text();
  EXPECT_THAT(text, HasSubstr("[probe_main] GET http://127.0.0.1:"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("probe-secret-123")));
  connhost::log::clear_secrets();
  connhost::log::init(connhost::log::Level::off, connhost::log::Format::text);
}

}  // namespace
