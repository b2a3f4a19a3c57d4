#include "tiktok/state.hpp"

#include <algorithm>

#include "server/crypto.hpp"

namespace connhost::sandbox::tiktok {
namespace {

std::string uuid_like(uint64_t h) {
  std::string x = hex_id(h, 32);
  return x.substr(0, 8) + "-" + x.substr(8, 4) + "-" + x.substr(12, 4) + "-" + x.substr(16, 4) +
         "-" + x.substr(20, 12);
}

std::vector<std::string> world_advertisers(World& w) {
  std::vector<std::string> ids;
  for (const auto& a : w.accounts(Platform::tiktok)) ids.push_back(a.id);
  return ids;
}

}  // namespace

State::State(Context& context)
    : ctx(context),
      advertiser_ids(world_advertisers(context.world)),
      business(context.world.options().seed, context.tokens.now(), advertiser_ids) {
  uint64_t h = mix(ctx.world.options().seed, 0x10917);
  user.open_id = uuid_like(mix(h, 1));
  user.union_id = uuid_like(mix(h, 2));
  user.display_name = "Sandbox Creator";
  user.username = "sandbox.creator";
  user.bio = "Testing things offline";
  user.deep_link = "https://vm.tiktok.com/ZM" + hex_id(mix(h, 3), 7) + "/";
  user.verified = false;
  user.followers = 1000 + static_cast<int64_t>(mix(h, 4) % 90000);
  user.following = static_cast<int64_t>(mix(h, 5) % 500);
  user.likes = user.followers * 7;
  user.videos = 10 + static_cast<int64_t>(mix(h, 6) % 300);

  // The preissued advertiser token (config/sandbox-credentials/tiktok_access_token): a
  // long-term token with no expiry (notes §1.4), for every advertiser of the world.
  Token t;
  t.value = creds().tiktok_advertiser_token;
  t.platform = "tiktok";
  t.kind = "access";
  t.family = kMarketing;
  t.subject = "sandbox-advertiser-user";
  t.client_id = creds().tiktok_app_id;
  t.scopes = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"};
  t.accounts = advertiser_ids;
  t.issued_at = now();
  tokens().put(std::move(t));
}

Token require_access_token(State& s, const Request& r, std::string_view family) {
  std::string value;
  if (auto h = r.header("Access-Token"); h && !h->empty()) {
    value = std::string(*h);
  } else if (auto q = text_param(r, "Access-Token")) {
    value = *q;
  } else if (auto q2 = text_param(r, "access_token")) {
    value = *q2;
  } else {
    // The observed message text (notes §1.2, 40104).
    throw ApiError{40104,
                   "Access token is null, you should set it in http header with key Access-Token."};
  }
  auto t = s.tokens().find(value);
  // A token of another family (a Login Kit or TikTok-account token on an advertiser endpoint,
  // or the reverse) is as unknown to the endpoint as a made-up one.
  bool usable = t && t->platform == "tiktok" && t->kind == "access" && t->family == family;
  if (!usable || t->revoked)
    throw ApiError{40105, "Access token is incorrect or has been revoked."};
  if (t->expires_at != 0 && t->expires_at <= s.now())
    throw ApiError{40102, "Access token has expired."};
  return *t;
}

void require_advertiser(const Token& t, const std::string& advertiser_id) {
  if (std::find(t.accounts.begin(), t.accounts.end(), advertiser_id) == t.accounts.end())
    throw ApiError{40001, "No permission to operate advertiser " + advertiser_id + "."};
}

Token require_bearer(State& s, const Request& r) {
  auto h = r.header("Authorization");
  std::string_view v = h.value_or("");
  constexpr std::string_view prefix = "Bearer ";
  if (v.size() <= prefix.size() || !iequals(v.substr(0, prefix.size()), prefix))
    throw V2Error{401, "access_token_invalid",
                  "The access token is invalid or not found in the request."};
  auto t = s.tokens().find(std::string(v.substr(prefix.size())));
  if (!t || t->platform != "tiktok" || t->kind != "access" || t->family != kLoginKit || t->revoked)
    throw V2Error{401, "access_token_invalid",
                  "The access token is invalid or not found in the request."};
  if (t->expires_at != 0 && t->expires_at <= s.now())
    throw V2Error{401, "access_token_invalid", "The access token has expired."};
  return *t;
}

std::string cdn_url(State& s, std::string_view kind, std::string_view id, int64_t expires) {
  std::string sig =
      hmac_sha256_hex(s.creds().tiktok_app_secret,
                      std::string(kind) + "/" + std::string(id) + "/" + std::to_string(expires))
          .substr(0, 24);
  return s.ctx.base_url() + "/tiktokcdn/" + std::string(kind) + "/" + std::string(id) +
         ".jpeg?x-expires=" + std::to_string(expires) + "&x-signature=" + sig;
}

bool cdn_signature_ok(State& s, std::string_view kind, std::string_view id, int64_t expires,
                      std::string_view signature) {
  std::string sig =
      hmac_sha256_hex(s.creds().tiktok_app_secret,
                      std::string(kind) + "/" + std::string(id) + "/" + std::to_string(expires))
          .substr(0, 24);
  return constant_time_equal(sig, signature);
}

}  // namespace connhost::sandbox::tiktok
