// TikTok connector: Marketing API v1.3 (reporting, advertiser auth), Login Kit v2 (login, profile)
// and the Business Account API (messaging, profile). Wire format notes: shared/platforms/tiktok.md.
#include <connhost/ad_reporting.hpp>
#include <connhost/connector.hpp>

namespace {

class TikTokConnector {
 public:
  static constexpr connhost::PluginInfo info{"tiktok", "TikTok", "0.1.0", "tiktok"};
  static constexpr unsigned capabilities =
      connhost::kReporting | connhost::kLogin | connhost::kMessaging | connhost::kProfile;

  static constexpr ch_config_field config[] = {
      connhost::setting("base_url", CH_CONFIG_STRING,
                        "Marketing and Business API host (the sandbox's in tests)",
                        "https://business-api.tiktok.com"),
      connhost::setting("open_api_base_url", CH_CONFIG_STRING, "Login Kit v2 / Open API host",
                        "https://open.tiktokapis.com"),
      connhost::setting("auth_page_url", CH_CONFIG_STRING, "Login Kit authorize page",
                        "https://www.tiktok.com/v2/auth/authorize/"),
      connhost::setting("api_version", CH_CONFIG_STRING, "Marketing API version", "v1.3"),
      connhost::required_setting("app_id", CH_CONFIG_STRING, "Marketing API app id"),
      connhost::secret_setting("app_secret", "Marketing API app secret"),
      connhost::secret_setting(
          "access_token", "Advertiser access token, until the token vault provides one", false),
      connhost::setting("advertiser_ids", CH_CONFIG_STRING_LIST,
                        "Advertisers to read; empty: every advertiser the token authorizes"),
      connhost::setting("client_key", CH_CONFIG_STRING, "Login Kit client key"),
      connhost::secret_setting("client_secret", "Login Kit client secret", false),
      connhost::setting("rate_limit_qps", CH_CONFIG_DOUBLE,
                        "Requests per second for this connection (Basic tier: 10)", "10"),
  };

  static constexpr const ch_stream_def (&streams)[3] = connhost::ad_reporting::kStreams;

  TikTokConnector(connhost::Call&, const connhost::Config&) {}
};

}  // namespace

CONNHOST_CONNECTOR(TikTokConnector)
