#pragma once

// Schemas of made-up plugins, as a plugin's descriptor would declare them, for the config tests.

#include <connhost/abi.h>

#include "config/config.hpp"

namespace connhost::config::testing {

inline constexpr ch_config_field kTiktokFields[] = {
    {CH_STR("base_url"), CH_CONFIG_STRING, 0, CH_STR("https://business-api.tiktok.com"),
     CH_STR("API base URL")},
    {CH_STR("app_id"), CH_CONFIG_STRING, CH_CONFIG_REQUIRED, CH_STR_NULL, CH_STR("the app id")},
    {CH_STR("app_secret"), CH_CONFIG_STRING, CH_CONFIG_REQUIRED | CH_CONFIG_SECRET, CH_STR_NULL,
     CH_STR("the app secret")},
    {CH_STR("page_size"), CH_CONFIG_INT, 0, CH_STR("100"), CH_STR("rows per request")},
    {CH_STR("sample_rate"), CH_CONFIG_DOUBLE, 0, CH_STR("1.0"), CH_STR("share of rows kept")},
    {CH_STR("advertiser_ids"), CH_CONFIG_STRING_LIST, 0, CH_STR_NULL, CH_STR("accounts")},
    {CH_STR("verbose"), CH_CONFIG_BOOL, 0, CH_STR("false"), CH_STR("log more")},
    {CH_STR("region"), CH_CONFIG_STRING, 0, CH_STR_NULL, CH_STR("optional, no default")},
    // An optional secret: absent, it is simply not set (no default for secrets).
    {CH_STR("access_token"), CH_CONFIG_STRING, CH_CONFIG_SECRET, CH_STR("never-used-default"),
     CH_STR("long-lived token")},
};

inline constexpr ch_config_field kMetaFields[] = {
    {CH_STR("app_id"), CH_CONFIG_STRING, CH_CONFIG_REQUIRED, CH_STR_NULL, CH_STR("the app id")},
    {CH_STR("app_secret"), CH_CONFIG_STRING, CH_CONFIG_REQUIRED | CH_CONFIG_SECRET, CH_STR_NULL,
     CH_STR("the app secret")},
    {CH_STR("api_version"), CH_CONFIG_STRING, 0, CH_STR("v19.0"), CH_STR("Graph API version")},
    {CH_STR("sample_rate"), CH_CONFIG_DOUBLE, 0, CH_STR("1.0"), CH_STR("share of rows kept")},
};

inline constexpr ch_config_field kGoogleFields[] = {
    {CH_STR("customer_id"), CH_CONFIG_STRING, CH_CONFIG_REQUIRED, CH_STR_NULL, CH_STR("customer")},
};

// tiktok: reporting + login; meta: reporting + messaging; google: reporting.
inline SchemaLookup fake_plugins() {
  std::map<std::string, PluginSchema, std::less<>> plugins;
  plugins["tiktok"] = {
      kTiktokFields, CH_CAP_REPORTING | CH_CAP_LOGIN, {"campaign_daily", "ad_daily"}};
  plugins["meta"] = {kMetaFields, CH_CAP_REPORTING | CH_CAP_MESSAGING, {"ads_insights"}};
  plugins["google"] = {kGoogleFields, CH_CAP_REPORTING, {"campaign_stats"}};
  return SchemaLookup::over(std::move(plugins));
}

}  // namespace connhost::config::testing
