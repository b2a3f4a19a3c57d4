// Meta connector: Graph / Marketing API (reporting), Facebook Login (login, profile), Messenger
// and Instagram messaging. Wire format notes: shared/platforms/meta-google.md, section 1 to 3.
#include <connhost/ad_reporting.hpp>
#include <connhost/connector.hpp>

namespace {

class MetaConnector {
 public:
  static constexpr connhost::PluginInfo info{"meta", "Meta (Facebook, Instagram)", "0.1.0", "meta"};
  static constexpr unsigned capabilities =
      connhost::kReporting | connhost::kLogin | connhost::kMessaging | connhost::kProfile;

  static constexpr ch_config_field config[] = {
      connhost::setting("base_url", CH_CONFIG_STRING, "Graph API host (the sandbox's in tests)",
                        "https://graph.facebook.com"),
      connhost::setting("dialog_url", CH_CONFIG_STRING, "Facebook Login dialog",
                        "https://www.facebook.com/dialog/oauth"),
      // v26.0 is the newest Graph version (released 2026-07-29, Graph API changelog).
      connhost::setting("api_version", CH_CONFIG_STRING, "Graph API version in the path", "v26.0"),
      connhost::required_setting("app_id", CH_CONFIG_STRING, "Meta app id"),
      connhost::secret_setting("app_secret", "Meta app secret (also signs webhooks)"),
      connhost::secret_setting(
          "access_token", "System-user or long-lived token, until the vault provides one", false),
      connhost::setting("ad_account_ids", CH_CONFIG_STRING_LIST,
                        "Ad accounts (digits, without act_); empty: /me/adaccounts"),
      connhost::setting("purchase_action_types", CH_CONFIG_STRING_LIST,
                        "Action types counted as purchases, first present wins (never summed)",
                        "omni_purchase\npurchase\noffsite_conversion.fb_pixel_purchase"),
      connhost::secret_setting("webhook_verify_token", "hub.verify_token for the handshake", false),
      connhost::setting("rate_limit_qps", CH_CONFIG_DOUBLE, "Requests per second", "5"),
  };

  static constexpr const ch_stream_def (&streams)[3] = connhost::ad_reporting::kStreams;

  MetaConnector(connhost::Call&, const connhost::Config&) {}
};

}  // namespace

CONNHOST_CONNECTOR(MetaConnector)
