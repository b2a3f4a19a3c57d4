#pragma once

// A sandbox started in-process on an ephemeral loopback port, with a fixed "today" so that
// dates in tests are stable, and a plain HTTP client to talk to it.

#include <gtest/gtest.h>
#include <connhost/sandbox/http_client.hpp>
#include <connhost/sandbox/sandbox.hpp>

#include <memory>
#include <string>

namespace connhost::sandbox::testing {

inline constexpr const char* kToday = "2026-11-20";

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options o;
    o.seed = 42;
    o.today = kToday;
    customize(o);
    sandbox = std::make_unique<Sandbox>(o);
    sandbox->start();
    base = sandbox->base_url();
  }
  void TearDown() override { sandbox.reset(); }
  // Tests override this to change the world or credentials before start.
  virtual void customize(Options&) {}

  ClientResponse get(const std::string& path_and_query, const HeaderList& headers = {}) {
    return http_request("GET", base + path_and_query, headers);
  }
  ClientResponse post(const std::string& path, const std::string& body,
                      const std::string& content_type = "application/json",
                      HeaderList headers = {}) {
    headers.emplace_back("Content-Type", content_type);
    return http_request("POST", base + path, headers, body);
  }

  std::unique_ptr<Sandbox> sandbox;
  std::string base;
};

}  // namespace connhost::sandbox::testing
