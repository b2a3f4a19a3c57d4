// [alerts]: the URL, the signing key (a reference only), the intervals and each rule's kind and
// parameters, every mistake at FILE:LINE:COL.

#include <gtest/gtest.h>

#include <cstdlib>

#include "config/config.hpp"

namespace connhost::config {
namespace {

const char* kPretend = "/etc/connhost/connhost.toml";

class AlertsConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("CONNHOST_ALERT_SECRET_T", "k", 1); }
  void TearDown() override { ::unsetenv("CONNHOST_ALERT_SECRET_T"); }

  static LoadResult load(const std::string& text) { return load_string(text, kPretend, {}); }
  static std::string head(const std::string& secret = "\"${env:CONNHOST_ALERT_SECRET_T}\"") {
    return "[alerts]\nurl = \"https://ops.example.com/hooks/connhost\"\nsecret = " + secret + "\n";
  }
  static std::string all(const LoadResult& r) {
    std::string out;
    for (const auto& e : r.errors) out += e.to_string() + "\n";
    return out;
  }
};

TEST_F(AlertsConfigTest, ValidRulesWithDefaults) {
  auto r =
      load(head() +
           "min_interval_seconds = 600\n"
           "[alerts.rules.tokens]\nkind = \"refresh_failed\"\n"
           "[alerts.rules.down]\nkind = \"pipeline_failures\"\nthreshold = 3\n"
           "[alerts.rules.quota]\nkind = \"quota_wait\"\nminutes = 45\nseverity = \"warning\"\n"
           "[alerts.rules.hooks]\nkind = \"webhook_signature_failures\"\nthreshold = 20\n"
           "[alerts.rules.plugins]\nkind = \"plugin_refused\"\n");
  ASSERT_TRUE(r.ok()) << all(r);
  const auto& a = r.config->alerts;
  EXPECT_TRUE(a.configured());
  EXPECT_EQ(a.url, "https://ops.example.com/hooks/connhost");
  ASSERT_TRUE(a.secret);
  EXPECT_EQ(a.secret->to_string(), "${env:CONNHOST_ALERT_SECRET_T}");
  EXPECT_EQ(a.min_interval_seconds, 600);
  EXPECT_EQ(a.interval_seconds, 30);
  ASSERT_EQ(a.rules.size(), 5u);
  EXPECT_EQ(a.rules[0].name, "tokens");
  EXPECT_EQ(a.rules[0].failures, 3);
  EXPECT_EQ(a.rules[0].severity, "critical");
  EXPECT_EQ(a.rules[1].threshold, 3);
  EXPECT_EQ(a.rules[1].severity, "error");
  EXPECT_EQ(a.rules[2].minutes, 45);
  EXPECT_EQ(a.rules[2].severity, "warning");
  EXPECT_EQ(a.rules[3].window_seconds, 300);
  EXPECT_EQ(a.rules[4].kind, "plugin_refused");
}

TEST_F(AlertsConfigTest, NoAlertsSectionIsNotConfigured) {
  auto r = load("");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.config->alerts.configured());
}

TEST_F(AlertsConfigTest, ALiteralSecretIsRefusedAndNeverQuoted) {
  auto r = load(head("\"hunter2-literal\"") +
                "[alerts.rules.down]\nkind = \"pipeline_failures\"\nthreshold = 3\n");
  ASSERT_EQ(r.errors.size(), 1u) << all(r);
  EXPECT_EQ(r.errors[0].to_string(),
            std::string(kPretend) +
                ":3:10: alerts.secret: the alert signing key is a secret and is never written in "
                "the config file; use a reference instead, e.g. \"${env:CONNHOST_ALERT_SECRET}\" "
                "or \"${file:PATH}\"");
  EXPECT_EQ(all(r).find("hunter2"), std::string::npos);
}

TEST_F(AlertsConfigTest, UnknownKindWithSuggestion) {
  auto r = load(head() + "[alerts.rules.down]\nkind = \"pipeline_failure\"\nthreshold = 3\n");
  ASSERT_EQ(r.errors.size(), 1u) << all(r);
  EXPECT_EQ(r.errors[0].key_path, "alerts.rules.down.kind");
  EXPECT_EQ(r.errors[0].pos.line, 5);
  EXPECT_EQ(r.errors[0].pos.column, 8);
  EXPECT_NE(r.errors[0].message.find("pipeline_failures"), std::string::npos)
      << r.errors[0].message;
}

TEST_F(AlertsConfigTest, MissingThresholdAndMinutes) {
  auto r =
      load(head() +
           "[alerts.rules.down]\nkind = \"pipeline_failures\"\n"
           "[alerts.rules.quota]\nkind = \"quota_wait\"\n"
           "[alerts.rules.hooks]\nkind = \"webhook_signature_failures\"\nwindow_seconds = 60\n");
  ASSERT_EQ(r.errors.size(), 3u) << all(r);
  EXPECT_EQ(r.errors[0].key_path, "alerts.rules.down.threshold");
  EXPECT_EQ(r.errors[0].pos.line, 4);
  EXPECT_NE(r.errors[0].message.find("required by kind 'pipeline_failures'"), std::string::npos);
  EXPECT_EQ(r.errors[1].key_path, "alerts.rules.quota.minutes");
  EXPECT_EQ(r.errors[2].key_path, "alerts.rules.hooks.threshold");
}

TEST_F(AlertsConfigTest, ParametersAreCheckedPerKind) {
  auto r = load(head() +
                "min_interval_seconds = -1\n"
                "[alerts.rules.down]\nkind = \"pipeline_failures\"\nthreshold = 0\n"
                "[alerts.rules.plugins]\nkind = \"plugin_refused\"\nthreshold = 2\n"
                "[alerts.rules.tokens]\nkind = \"refresh_failed\"\nfailures = \"3\"\n"
                "[alerts.rules.loud]\nkind = \"plugin_refused\"\nseverity = \"page\"\n");
  ASSERT_EQ(r.errors.size(), 5u) << all(r);
  EXPECT_EQ(r.errors[0].to_string(),
            std::string(kPretend) +
                ":4:24: alerts.min_interval_seconds: expected seconds from 0 to 604800");
  EXPECT_EQ(r.errors[1].key_path, "alerts.rules.down.threshold");
  EXPECT_EQ(r.errors[2].key_path, "alerts.rules.plugins.threshold");  // unknown for the kind
  EXPECT_EQ(r.errors[3].key_path, "alerts.rules.tokens.failures");
  EXPECT_EQ(r.errors[4].key_path, "alerts.rules.loud.severity");
}

TEST_F(AlertsConfigTest, UrlAndSecretAreRequiredAndUrlIsChecked) {
  auto r = load(
      "[alerts]\nurl = \"ftp://ops.example.com/x\"\n"
      "[alerts.rules.p]\nkind = \"plugin_refused\"\n");
  ASSERT_EQ(r.errors.size(), 2u) << all(r);
  // In file order: the missing secret is reported at the [alerts] header.
  EXPECT_EQ(r.errors[0].key_path, "alerts.secret");
  EXPECT_EQ(r.errors[0].pos.line, 1);
  EXPECT_EQ(r.errors[1].key_path, "alerts.url");
  EXPECT_EQ(r.errors[1].pos.line, 2);

  r = load("[alerts]\nsecret = \"${env:CONNHOST_ALERT_SECRET_T}\"\n");
  ASSERT_EQ(r.errors.size(), 2u) << all(r);
  EXPECT_EQ(r.errors[0].key_path, "alerts.url");
  EXPECT_EQ(r.errors[1].key_path, "alerts.rules");
}

TEST_F(AlertsConfigTest, UrlMayBeAReferenceAndAnUnsetOneIsReported) {
  ::setenv("CONNHOST_ALERT_URL_T", "https://x.example.com/h", 1);
  auto r = load(
      "[alerts]\nurl = \"${env:CONNHOST_ALERT_URL_T}\"\n"
      "secret = \"${env:CONNHOST_ALERT_SECRET_T}\"\n"
      "[alerts.rules.p]\nkind = \"plugin_refused\"\n");
  ASSERT_TRUE(r.ok()) << all(r);
  ASSERT_TRUE(r.config->alerts.url_ref);
  EXPECT_TRUE(r.config->alerts.url.empty());
  ::unsetenv("CONNHOST_ALERT_URL_T");
  r = load(
      "[alerts]\nurl = \"${env:CONNHOST_ALERT_URL_T}\"\n"
      "secret = \"${env:CONNHOST_ALERT_SECRET_T}\"\n"
      "[alerts.rules.p]\nkind = \"plugin_refused\"\n");
  ASSERT_EQ(r.errors.size(), 1u) << all(r);
  EXPECT_EQ(r.errors[0].key_path, "alerts.url");
  EXPECT_NE(r.errors[0].message.find("CONNHOST_ALERT_URL_T"), std::string::npos);
}

TEST_F(AlertsConfigTest, UnknownKeyInAlertsWithSuggestion) {
  auto r = load(head() + "min_interval_second = 5\n[alerts.rules.p]\nkind = \"plugin_refused\"\n");
  ASSERT_EQ(r.errors.size(), 1u) << all(r);
  EXPECT_EQ(r.errors[0].key_path, "alerts.min_interval_second");
  EXPECT_NE(r.errors[0].message.find("min_interval_seconds"), std::string::npos);
}

}  // namespace
}  // namespace connhost::config
