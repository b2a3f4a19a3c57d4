// The host's HTTP client: keep-alive, retries with backoff on transport failures and 5xx for
// idempotent methods only, timeouts, truncated answers, size caps, clear errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <set>

#include "http/client.hpp"
#include "server/http_server.hpp"

namespace {

using connhost::http::Client;
using connhost::http::ClientOptions;
using connhost::http::Request;
using connhost::http::TransportError;
namespace sb = connhost::sandbox;
using ::testing::HasSubstr;

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server = std::make_unique<sb::HttpServer>([this](sb::Request& r) {
      std::lock_guard lock(m);
      ++calls;
      peers.insert(r.remote);
      last = r;
      return handler ? handler(r, calls) : sb::Response::json(200, R"({"ok":true})");
    });
    port = server->start({});
    base = "http://127.0.0.1:" + std::to_string(port);
    ClientOptions o;
    o.backoff_base = std::chrono::milliseconds(1);
    o.backoff_max = std::chrono::milliseconds(5);
    o.timeout = std::chrono::milliseconds(2000);
    client = std::make_unique<Client>(o);
  }
  std::unique_ptr<sb::HttpServer> server;
  std::unique_ptr<Client> client;
  uint16_t port = 0;
  std::string base;
  std::mutex m;
  int calls = 0;
  std::set<std::string> peers;
  sb::Request last;
  std::function<sb::Response(sb::Request&, int)> handler;
};

TEST_F(ClientTest, SendsMethodHeadersAndBodyAndReadsTheAnswer) {
  handler = [](sb::Request& r, int) {
    return sb::Response::json(201, "{\"echo\":\"" + r.body + "\"}").header("X-Thing", "42");
  };
  auto resp = client->send({"POST", base + "/a/b?x=%5B1%5D", {{"Access-Token", "t0k"}}, "hi", {}});
  EXPECT_EQ(resp.status, 201);
  EXPECT_EQ(resp.body, R"({"echo":"hi"})");
  EXPECT_EQ(resp.header("x-thing").value_or(""), "42");
  EXPECT_EQ(last.path, "/a/b");
  EXPECT_EQ(last.param("x").value_or(""), "[1]");
  EXPECT_EQ(last.header("Access-Token").value_or(""), "t0k");
}

TEST_F(ClientTest, ReusesConnections) {
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(client->send({"GET", base + "/x", {}, "", {}}).status, 200);
  EXPECT_EQ(peers.size(), 1u) << "every request opened a new connection";
}

TEST_F(ClientTest, RetriesA503OnGetUntilItSucceeds) {
  handler = [](sb::Request&, int n) {
    return n < 3 ? sb::Response::text(503, "busy") : sb::Response::json(200, "{}");
  };
  auto resp = client->send({"GET", base + "/x", {}, "", {}});
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.attempts, 3);
}

TEST_F(ClientTest, EveryAttemptPassesTheCallersHookFirst) {
  handler = [](sb::Request&, int n) {
    return n < 3 ? sb::Response::text(503, "busy") : sb::Response::json(200, "{}");
  };
  int hooked = 0, calls_seen_by_hook = -1;
  Request r{"GET", base + "/x", {}, "", {}};
  r.before_attempt = [&] {
    // Called before the attempt reaches the server: the server has seen one fewer.
    EXPECT_EQ(calls, hooked);
    calls_seen_by_hook = calls;
    ++hooked;
  };
  EXPECT_EQ(client->send(r).status, 200);
  EXPECT_EQ(hooked, 3);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(calls_seen_by_hook, 2);
}

TEST_F(ClientTest, DoesNotRetryAPost) {
  handler = [](sb::Request&, int) { return sb::Response::text(503, "busy"); };
  auto resp = client->send({"POST", base + "/token", {}, "code=1", {}});
  EXPECT_EQ(resp.status, 503);
  EXPECT_EQ(calls, 1) << "a POST may have been applied: it must not be repeated";
}

TEST_F(ClientTest, GivesUpAfterMaxRetriesOnResets) {
  handler = [](sb::Request&, int) {
    sb::Response r;
    r.delivery.reset = true;
    return r;
  };
  try {
    client->send({"GET", base + "/x", {}, "", {}});
    FAIL() << "no error";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("after 4 attempts"));
  }
  EXPECT_EQ(calls, 4);
}

TEST_F(ClientTest, TimesOut) {
  handler = [](sb::Request&, int) {
    auto r = sb::Response::json(200, "{}");
    r.delivery.delay = std::chrono::milliseconds(1500);
    return r;
  };
  try {
    client->send({"POST", base + "/slow", {}, "", std::chrono::milliseconds(100)});
    FAIL() << "no timeout";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("timed out"));
  }
}

TEST_F(ClientTest, ATruncatedAnswerIsAnError) {
  handler = [](sb::Request&, int) {
    auto r = sb::Response::json(200, std::string(1000, 'x'));
    r.delivery.truncate_at = 10;
    return r;
  };
  EXPECT_THROW(client->send({"POST", base + "/x", {}, "", {}}), TransportError);
}

TEST_F(ClientTest, CapsTheAnswerSize) {
  handler = [](sb::Request&, int) { return sb::Response::json(200, std::string(10'000, 'x')); };
  ClientOptions o;
  o.max_response_bytes = 1000;
  Client small(o);
  try {
    small.send({"POST", base + "/x", {}, "", {}});
    FAIL() << "no error";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("exceeds 1000 bytes"));
  }
}

TEST_F(ClientTest, RefusedConnectionNamesTheTarget) {
  server->stop();
  try {
    client->send({"POST", base + "/x", {}, "", {}});
    FAIL() << "no error";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot connect to 127.0.0.1:" + std::to_string(port)));
  }
}

TEST_F(ClientTest, RejectsUnusableUrls) {
  EXPECT_THROW(client->send({"GET", "ftp://example.test/x", {}, "", {}}), std::invalid_argument);
  EXPECT_THROW(client->send({"GET", "/relative/path", {}, "", {}}), std::invalid_argument);
}

TEST_F(ClientTest, SurvivesTheServerClosingAnIdleConnection) {
  ASSERT_EQ(client->send({"GET", base + "/x", {}, "", {}}).status, 200);
  handler = [](sb::Request&, int) {
    auto r = sb::Response::json(200, "{}");
    r.headers.emplace_back("Connection", "close");
    return r;
  };
  ASSERT_EQ(client->send({"POST", base + "/x", {}, "", {}}).status, 200);
  // The pooled connection is gone; the next request must open a fresh one without failing.
  EXPECT_EQ(client->send({"POST", base + "/x", {}, "", {}}).status, 200);
}

}  // namespace
