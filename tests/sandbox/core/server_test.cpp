// The sandbox's HTTP server seen from a client: routing of every request to the handler, keep-
// alive, limits, and the delivery faults (delay, reset, truncation, slow drip) on the wire.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <connhost/sandbox/http_client.hpp>

#include <atomic>
#include <chrono>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "server/http_server.hpp"

namespace connhost::sandbox {
namespace {

using ::testing::HasSubstr;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server = std::make_unique<HttpServer>([this](Request& r) {
      ++calls;
      last = r;
      Response resp = Response::json(200, std::string(4000, 'x'));
      if (r.path == "/reset") resp.delivery.reset = true;
      if (r.path == "/truncate") resp.delivery.truncate_at = 100;
      if (r.path == "/drip")
        resp.delivery.drip_chunk = 512, resp.delivery.drip_interval = std::chrono::milliseconds(1);
      if (r.path == "/delay") resp.delivery.delay = std::chrono::milliseconds(150);
      if (r.path == "/throw") throw std::runtime_error("boom");
      return resp;
    });
    ServerOptions o;
    o.body_limit = 1024;
    port = server->start(o);
    base = "http://127.0.0.1:" + std::to_string(port);
  }
  std::unique_ptr<HttpServer> server;
  uint16_t port = 0;
  std::string base;
  std::atomic<int> calls{0};
  Request last;
};

TEST_F(ServerTest, ParsesPathQueryHeadersAndBody) {
  auto r =
      http_request("POST", base + "/open_api/v1.3/x/?fields=%5B%22a%22%2C%22b%22%5D&q=a+b",
                   {{"Access-Token", "tok"}, {"Content-Type", "application/x-www-form-urlencoded"}},
                   "grant_type=refresh_token&refresh_token=r%2B1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(last.method, "POST");
  EXPECT_EQ(last.path, "/open_api/v1.3/x/");
  EXPECT_EQ(last.param("fields").value_or(""), R"(["a","b"])");
  EXPECT_EQ(last.param("q").value_or(""), "a b");
  EXPECT_EQ(last.header("access-token").value_or(""), "tok");
  auto form = last.form();
  ASSERT_EQ(form.size(), 2u);
  EXPECT_EQ(form[1].second, "r+1");
}

TEST_F(ServerTest, ResetIsSeenAsATransportError) {
  EXPECT_THROW(http_request("GET", base + "/reset"), std::runtime_error);
}

TEST_F(ServerTest, TruncatedBodyIsSeenAsATransportError) {
  EXPECT_THROW(http_request("GET", base + "/truncate"), std::runtime_error);
}

TEST_F(ServerTest, SlowDripStillDeliversTheWholeBody) {
  auto r = http_request("GET", base + "/drip");
  EXPECT_EQ(r.body.size(), 4000u);
}

TEST_F(ServerTest, DelayHoldsTheAnswerBack) {
  auto start = std::chrono::steady_clock::now();
  auto r = http_request("GET", base + "/delay");
  EXPECT_EQ(r.status, 200);
  // A lower bound only: the answer cannot come before the injected delay.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
}

TEST_F(ServerTest, AHandlerExceptionIsA500NotACrash) {
  auto r = http_request("GET", base + "/throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_THAT(r.body, HasSubstr("boom"));
  EXPECT_EQ(http_request("GET", base + "/ok").status, 200) << "the server died";
}

TEST_F(ServerTest, OversizedBodyIs413) {
  auto r = http_request("POST", base + "/x", {}, std::string(5000, 'a'));
  EXPECT_EQ(r.status, 413);
}

// Raw bytes on a socket: a well-behaved client library would refuse to send this target.
std::string raw_exchange(uint16_t port, const std::string& request) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(s, boost::asio::buffer(request));
  std::string out;
  boost::system::error_code ec;
  boost::asio::read(s, boost::asio::dynamic_buffer(out), ec);  // until the server closes
  return out;
}

TEST_F(ServerTest, MalformedTargetIs400) {
  auto answer = raw_exchange(port, "GET /x?a=%zz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(answer, ::testing::StartsWith("HTTP/1.1 400"));
  EXPECT_EQ(calls.load(), 0) << "a malformed target reached the handler";
}

TEST_F(ServerTest, ManyRequestsAllArrive) {
  for (int i = 0; i < 50; ++i) ASSERT_EQ(http_request("GET", base + "/n").status, 200);
  EXPECT_EQ(calls.load(), 50);
}

}  // namespace
}  // namespace connhost::sandbox
