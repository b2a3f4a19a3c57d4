#pragma once

// The TikTok endpoint handlers, one file per area. Each may throw ApiError, V2Error or
// OAuthError (wire.hpp); the router turns them into the body style of the endpoint's family.

#include <optional>

#include "platform_api.hpp"
#include "tiktok/state.hpp"

namespace connhost::sandbox::tiktok {

// Advertiser OAuth (marketing_oauth.cpp, notes §1.4).
Response portal_auth(State& s, const Request& r);
Response oauth2_access_token(State& s, const Request& r);
Response oauth2_advertiser_get(State& s, const Request& r);
Response oauth2_revoke_token(State& s, const Request& r);

// Login Kit v2 (login_kit.cpp, notes §2). The authorize page also serves TikTok-account
// authorization for the Business API app (notes §3.1).
Response v2_authorize(State& s, const Request& r);
Response v2_oauth_token(State& s, const Request& r);
Response v2_oauth_revoke(State& s, const Request& r);
Response v2_user_info(State& s, const Request& r);

// TikTok-account tokens (tt_user.cpp, notes §3.1).
Response tt_user_token(State& s, const Request& r);
Response tt_user_refresh_token(State& s, const Request& r);
Response tt_user_revoke(State& s, const Request& r);
Response tt_user_token_info(State& s, const Request& r);

// Marketing API reads (accounts.cpp, campaigns.cpp, reports.cpp; notes §1.5, §1.6, §1.8).
Response advertiser_info(State& s, const Request& r);
Response campaign_get(State& s, const Request& r);
Response report_integrated_get(State& s, const Request& r);

// Business Account and Messaging (business.cpp, messaging.cpp, media.cpp; notes §3.2, §3.3).
Response business_get(State& s, const Request& r);
Response conversation_list(State& s, const Request& r);
Response content_list(State& s, const Request& r);
Response message_send(State& s, const Request& r);
Response media_upload(State& s, const Request& r);
Response media_download(State& s, const Request& r);
Response cdn_media(State& s, const Request& r);

// Webhook deliveries (webhooks.cpp, notes §2.5, §3.4).
std::optional<WebhookDelivery> make_webhook(State& s, const WebhookSpec& spec);

// How each family answers (faults.cpp).
enum class Style { envelope, v2_api, v2_oauth, html, cdn };
Response fault_answer(State& s, Style style, const FaultRule& fault, const Route& route,
                      const Request& r);

}  // namespace connhost::sandbox::tiktok
