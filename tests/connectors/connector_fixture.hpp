#pragma once

// A first-party connector loaded from the build's plugin folder exactly as the host loads it,
// configured against an in-process sandbox, and driven through plugin::Instance.

#include <gtest/gtest.h>
#include <connhost/sandbox/sandbox.hpp>

#include <map>
#include <memory>
#include <string>
#include <variant>

#include "http/client.hpp"
#include "log/logger.hpp"
#include "plugin/instance.hpp"
#include "plugin/registry.hpp"

namespace connhost::testing {

class ConnectorTest : public ::testing::Test {
 protected:
  // The plugin id to load ("tiktok", "meta", "google").
  explicit ConnectorTest(std::string plugin_id) : plugin_id_(std::move(plugin_id)) {}

  void SetUp() override {
    log::init(log::Level::off, log::Format::text);
    registry.load_directories({CONNHOST_BUILD_PLUGIN_DIR});
    plugin = nullptr;
    for (const auto& p : registry.plugins())
      if (p->id == plugin_id_) plugin = p;
    ASSERT_TRUE(plugin) << plugin_id_ << " plugin not found in " << CONNHOST_BUILD_PLUGIN_DIR;
    sandbox::Options o;
    o.seed = 42;
    o.today = "2026-11-20";
    customize(o);
    sandbox = std::make_unique<sandbox::Sandbox>(o);
    sandbox->start();
  }

  virtual void customize(sandbox::Options&) {}

  // Creates an instance with these non-secret settings and secrets; fails the test on error.
  std::unique_ptr<plugin::Instance> make(std::map<std::string, std::string> settings,
                                         std::map<std::string, std::string> secrets) {
    plugin::Instance::Settings s;
    s.connection = plugin_id_ + "_test";
    for (auto& [k, v] : settings) s.values.emplace_back(k, v);
    s.secret = [secrets](std::string_view key) -> std::optional<std::string> {
      auto it = secrets.find(std::string(key));
      if (it == secrets.end()) return std::nullopt;
      return it->second;
    };
    http::ClientOptions co;
    co.backoff_base = std::chrono::milliseconds(1);
    co.backoff_max = std::chrono::milliseconds(10);
    s.http = std::make_shared<http::Client>(co);
    auto [inst, err] = plugin::Instance::create(plugin, std::move(s));
    EXPECT_FALSE(err) << err->to_string();
    return std::move(inst);
  }

  static int64_t i64(const plugin::Row& r, uint32_t col) {
    return std::get<int64_t>(r.values[col]);
  }
  static double f64(const plugin::Row& r, uint32_t col) { return std::get<double>(r.values[col]); }
  static std::string str(const plugin::Row& r, uint32_t col) {
    return std::get<std::string>(r.values[col]);
  }
  static bool null(const plugin::Row& r, uint32_t col) {
    return std::holds_alternative<std::monostate>(r.values[col]);
  }

  std::string plugin_id_;
  plugin::Registry registry;
  std::shared_ptr<const plugin::LoadedPlugin> plugin;
  std::unique_ptr<sandbox::Sandbox> sandbox;
};

}  // namespace connhost::testing
