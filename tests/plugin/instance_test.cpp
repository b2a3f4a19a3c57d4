// A plugin driven through the whole ABI: instance creation with validated settings, secrets,
// typed rows and checkpoints, errors with categories, and secrets masked in plugin log lines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "log/logger.hpp"
#include "log/secret_mask.hpp"
#include "plugin/instance.hpp"
#include "plugin/registry.hpp"

using connhost::plugin::Instance;
using connhost::plugin::Registry;
using ::testing::HasSubstr;

namespace {

class InstanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connhost::log::init(connhost::log::Level::off, connhost::log::Format::text);
    registry.load_directories({GOOD_PLUGIN_DIR});
    ASSERT_EQ(registry.plugins().size(), 1u);
    plugin = registry.plugins()[0];
  }
  std::unique_ptr<Instance> make(std::vector<std::pair<std::string, std::string>> values) {
    Instance::Settings s{"example_main", std::move(values),
                         [](std::string_view) { return std::optional<std::string>(); }};
    auto [inst, err] = Instance::create(plugin, std::move(s));
    EXPECT_FALSE(err) << err->to_string();
    return std::move(inst);
  }
  Registry registry;
  std::shared_ptr<const connhost::plugin::LoadedPlugin> plugin;
};

TEST_F(InstanceTest, ReadEmitsTypedRowsAndOneCheckpointPerDay) {
  auto inst = make({{"account_id", "acc"}, {"campaigns", "2"}, {"currency", "EUR"}});
  auto r = inst->read("daily_metrics", "2026-02-27", "2026-03-01", "");
  ASSERT_FALSE(r.error) << r.error->to_string();
  ASSERT_EQ(r.rows.size(), 6u);  // 3 days (2026 is not a leap year) x 2 campaigns
  EXPECT_EQ(std::get<std::string>(r.rows[0].values[0]), "2026-02-27");
  EXPECT_EQ(std::get<std::string>(r.rows[5].values[0]), "2026-03-01");
  EXPECT_EQ(std::get<std::string>(r.rows[5].values[1]), "acc-2");
  EXPECT_EQ(std::get<std::string>(r.rows[5].values[4]), "EUR");
  ASSERT_EQ(r.checkpoints.size(), 3u);
  EXPECT_EQ(r.checkpoints[2].state, "2026-03-01");
  EXPECT_EQ(r.checkpoints[2].rows_before, 6u);
}

TEST_F(InstanceTest, ResumedReadContinuesAfterTheState) {
  auto inst = make({{"account_id", "acc"}, {"campaigns", "1"}});
  auto r = inst->read("daily_metrics", "2026-01-01", "2026-01-10", "2026-01-08");
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(std::get<std::string>(r.rows[0].values[0]), "2026-01-09");
}

TEST_F(InstanceTest, PluginErrorsKeepTheirCategory) {
  auto inst = make({{"account_id", "acc"}});
  auto bad_stream = inst->read("hourly", "2026-01-01", "2026-01-02", "");
  ASSERT_TRUE(bad_stream.error);
  EXPECT_EQ(bad_stream.error->category, CH_ERROR_CONFIG);
  EXPECT_EQ(bad_stream.error->message, "unknown stream 'hourly'");

  auto bad_date = inst->read("daily_metrics", "yesterday", "2026-01-02", "");
  ASSERT_TRUE(bad_date.error);
  EXPECT_THAT(bad_date.error->message, HasSubstr("dates must be YYYY-MM-DD"));
}

TEST_F(InstanceTest, ConstructorFailureBecomesAConfigError) {
  Instance::Settings s{"x", {{"account_id", "acc"}, {"campaigns", "0"}}, {}};
  auto [inst, err] = Instance::create(plugin, std::move(s));
  EXPECT_EQ(inst, nullptr);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->category, CH_ERROR_CONFIG);
  EXPECT_EQ(err->message, "campaigns must be between 1 and 1000");
}

TEST_F(InstanceTest, CheckLogsThroughTheHostWithSecretsMasked) {
  connhost::log::init(connhost::log::Level::info, connhost::log::Format::json);
  auto capture = connhost::log::capture();
  capture.clear();
  connhost::log::register_secret("acc-secret-account");
  auto inst = make({{"account_id", "acc-secret-account"}});
  EXPECT_FALSE(inst->check());
  std::string text = capture.text();
  EXPECT_THAT(text,
              HasSubstr(R"("msg":"[example/example_main] example connector for account ****")"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("acc-secret-account")));
  connhost::log::clear_secrets();
  connhost::log::init(connhost::log::Level::off, connhost::log::Format::text);
}

}  // namespace
