// Google connector: Google Ads REST (reporting) and Google OAuth 2.0 / OIDC (login, profile).
// Google Business Messages shut down in July 2024, so messaging is not declared.
// Wire format notes: shared/platforms/meta-google.md, sections 4 and 5.
#include <connhost/ad_reporting.hpp>
#include <connhost/connector.hpp>

namespace {

class GoogleConnector {
 public:
  static constexpr connhost::PluginInfo info{"google", "Google Ads", "0.1.0", "google"};
  static constexpr unsigned capabilities =
      connhost::kReporting | connhost::kLogin | connhost::kProfile;

  static constexpr ch_config_field config[] = {
      connhost::setting("base_url", CH_CONFIG_STRING,
                        "Google Ads API host (the sandbox's in tests)",
                        "https://googleads.googleapis.com"),
      connhost::setting("oauth_base_url", CH_CONFIG_STRING, "OAuth token and revoke host",
                        "https://oauth2.googleapis.com"),
      connhost::setting("auth_page_url", CH_CONFIG_STRING, "OAuth consent page",
                        "https://accounts.google.com/o/oauth2/v2/auth"),
      // The wire notes were checked against the v24 protos (google-ads-node 24.1.0).
      connhost::setting("api_version", CH_CONFIG_STRING, "Google Ads API version", "v24"),
      connhost::required_setting("client_id", CH_CONFIG_STRING, "OAuth client id"),
      connhost::secret_setting("client_secret", "OAuth client secret"),
      connhost::secret_setting("refresh_token",
                               "Offline refresh token, until the token vault provides one", false),
      connhost::setting("customer_ids", CH_CONFIG_STRING_LIST,
                        "Customers (10 digits); empty: listAccessibleCustomers"),
      connhost::setting("login_customer_id", CH_CONFIG_STRING,
                        "Manager account id, when reading clients through a manager"),
      connhost::setting("rate_limit_qps", CH_CONFIG_DOUBLE, "Requests per second", "5"),
  };

  static constexpr const ch_stream_def (&streams)[3] = connhost::ad_reporting::kStreams;

  GoogleConnector(connhost::Call&, const connhost::Config&) {}
};

}  // namespace

CONNHOST_CONNECTOR(GoogleConnector)
