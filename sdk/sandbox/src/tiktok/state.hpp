#pragma once

// What every TikTok handler works on: the shared context (world, tokens, credentials), the
// emulator's own Business Account data, the Login Kit user, and the token checks of the three
// API families.

#include <atomic>
#include <string>
#include <string_view>
#include <vector>

#include "platform_api.hpp"
#include "tiktok/business_data.hpp"
#include "tiktok/wire.hpp"

namespace connhost::sandbox::tiktok {

// Token families in the TokenStore.
inline constexpr const char* kMarketing = "marketing";  // advertiser tokens (notes §1.4)
inline constexpr const char* kLoginKit = "login_kit";   // open.tiktokapis.com tokens (§2.2)
inline constexpr const char* kTtUser = "tt_user";       // TikTok account tokens (§3.1)

// The one TikTok user who signs in with Login Kit (notes §2.4 fields).
struct LoginUser {
  std::string open_id, union_id, display_name, username, bio, deep_link;
  bool verified = false;
  int64_t followers = 0, following = 0, likes = 0, videos = 0;
};

struct State {
  explicit State(Context& context);

  Context& ctx;
  World& world() { return ctx.world; }
  TokenStore& tokens() { return ctx.tokens; }
  const Credentials& creds() const { return ctx.credentials; }
  int64_t now() const { return ctx.tokens.now(); }

  std::vector<std::string> advertiser_ids;  // every TikTok account of the world
  LoginUser user;
  BusinessData business;
  std::atomic<uint64_t> webhook_counter{0};
};

// The token of a v1.3 request, from the Access-Token header (or, tolerated, the query: notes
// §1.1 CONFLICT), checked to be live and of `family`. Throws ApiError 40104 (none), 40105
// (unknown, revoked, wrong family) or 40102 (expired).
Token require_access_token(State& s, const Request& r, std::string_view family);
// The advertiser a marketing token may read, or 40001.
void require_advertiser(const Token& t, const std::string& advertiser_id);
// The Bearer token of a v2 request (notes §2.4); V2Error 401 access_token_invalid otherwise.
Token require_bearer(State& s, const Request& r);

// The URL of an image the sandbox serves in place of TikTok's CDN, with TikTok's `x-expires`
// (unix seconds) and a signature. `kind` is "avatar" or "im" (message media).
std::string cdn_url(State& s, std::string_view kind, std::string_view id, int64_t expires);
bool cdn_signature_ok(State& s, std::string_view kind, std::string_view id, int64_t expires,
                      std::string_view signature);

}  // namespace connhost::sandbox::tiktok
