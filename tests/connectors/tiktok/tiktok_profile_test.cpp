// The TikTok plugin's profile capability through plugin::Instance against the in-process
// sandbox: login_kit reads /v2/user/info/ with only the fields the granted scopes allow
// (tiktok.md §2.4), business reads business/get/ (§3.2), advertiser has no person's profile, and
// a revoked token is auth. Expected values come from separate paths: the login capability's
// user_info, and the sandbox's own answers fetched directly with the token.
#include <gmock/gmock.h>

#include <openssl/sha.h>

#include <boost/json/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <map>
#include <string>
#include <vector>

#include "connector_fixture.hpp"
#include "login_test_util.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kRedirect = "http://127.0.0.1:9000/cb";
constexpr const char* kVerifier = "sandbox-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";

// TikTok's desktop challenge: lower-case hex SHA-256 of the verifier (tiktok.md §2.1).
std::string hex_sha256(std::string_view s) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : d) out += {kHex[c >> 4], kHex[c & 15]};
  return out;
}

class TikTokProfileTest : public ConnectorTest {
 protected:
  TikTokProfileTest() : ConnectorTest("tiktok") {}

  std::unique_ptr<plugin::Instance> flow(const std::string& name) {
    return make(
        {{"base_url", sandbox->base_url()},
         {"open_api_base_url", sandbox->base_url()},
         {"auth_page_url", sandbox->base_url() + "/v2/auth/authorize/"},
         {"advertiser_auth_url", sandbox->base_url() + "/portal/auth"},
         {"app_id", creds.tiktok_app_id},
         {"client_key", creds.tiktok_client_key},
         {"login_flow", name}},
        {{"app_secret", creds.tiktok_app_secret}, {"client_secret", creds.tiktok_client_secret}});
  }

  // Signs in with `scopes` (the sandbox's sandbox_auto=1 answers the consent page at once).
  // Login Kit (a desktop app here) requires PKCE; the business flow takes none.
  plugin::TokenRecord sign_in(plugin::Instance& inst, std::vector<std::string> scopes,
                              bool pkce = true) {
    plugin::AuthorizeRequest r;
    if (pkce) r.code_challenge = hex_sha256(kVerifier), r.code_challenge_method = "S256";
    r.redirect_uri = kRedirect;
    r.state = "st";
    r.scopes = std::move(scopes);
    auto a = inst.authorize_url(r);
    EXPECT_FALSE(a.error) << a.error->to_string();
    http::Client c;
    auto resp = c.send({"GET", a.url + "&sandbox_auto=1"});
    EXPECT_EQ(resp.status, 302) << resp.body;
    auto cb = query_of(std::string(resp.header("Location").value_or("")));
    auto t = inst.exchange_code({cb["code"], kRedirect, pkce ? kVerifier : "", {}, {}});
    EXPECT_FALSE(t.error) << t.error->to_string();
    return t.token;
  }

  // The sandbox's /v2/user/info/ answer for `fields`, asked directly with the token.
  boost::json::object user_info_direct(const std::string& token, const std::string& fields) {
    http::Client c;
    http::Request req{"GET", sandbox->base_url() + "/v2/user/info/?fields=" + fields};
    req.headers = {{"Authorization", "Bearer " + token}};
    auto r = c.send(req);
    EXPECT_EQ(r.status, 200) << r.body;
    return boost::json::parse(r.body).at("data").at("user").as_object();
  }

  void sandbox_revoke(const std::string& token) {
    http::Client c;
    auto r = c.send({"POST", sandbox->base_url() + "/_sandbox/tokens/revoke?token=" +
                                 boost::urls::encode(token, boost::urls::unreserved_chars)});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  sandbox::Credentials creds;
};

TEST_F(TikTokProfileTest, LoginKitWithStatsGivesTheCounts) {
  auto inst = flow("login_kit");
  ASSERT_TRUE(inst);
  std::vector<std::string> scopes{"user.info.basic", "user.info.profile", "user.info.stats"};
  auto t = sign_in(*inst, scopes);
  auto user = inst->user_info({{}, {}, {}, {}, t.access_token});
  ASSERT_FALSE(user.error) << user.error->to_string();

  auto p = inst->fetch_profile({t.access_token, t.platform_user_id, scopes});
  ASSERT_FALSE(p.error) << p.error->to_string();
  EXPECT_EQ(p.profile.platform_user_id, t.platform_user_id);
  EXPECT_EQ(p.profile.display_name, user.user.display_name);
  EXPECT_FALSE(p.profile.display_name.empty());
  EXPECT_THAT(p.profile.avatar_url, StartsWith("http"));

  auto direct = user_info_direct(t.access_token,
                                 "follower_count,following_count,likes_count,username,is_verified");
  ASSERT_TRUE(p.profile.follower_count);
  ASSERT_TRUE(p.profile.following_count);
  EXPECT_EQ(*p.profile.follower_count, direct.at("follower_count").to_number<int64_t>());
  EXPECT_EQ(*p.profile.following_count, direct.at("following_count").to_number<int64_t>());
  EXPECT_EQ(p.profile.extras["likes_count"],
            std::to_string(direct.at("likes_count").to_number<int64_t>()));
  EXPECT_EQ(p.profile.extras["username"], direct.at("username").as_string());
  EXPECT_EQ(p.profile.extras["is_verified"], direct.at("is_verified").as_bool() ? "true" : "false");
  EXPECT_EQ(p.profile.extras.count("open_id"), 0u);
}

TEST_F(TikTokProfileTest, LoginKitWithBasicOnlyGivesNoCounts) {
  auto inst = flow("login_kit");
  ASSERT_TRUE(inst);
  auto t = sign_in(*inst, {"user.info.basic"});
  auto p = inst->fetch_profile({t.access_token, t.platform_user_id, {"user.info.basic"}});
  ASSERT_FALSE(p.error) << p.error->to_string();
  EXPECT_EQ(p.profile.platform_user_id, t.platform_user_id);
  EXPECT_FALSE(p.profile.display_name.empty());
  EXPECT_FALSE(p.profile.follower_count);
  EXPECT_FALSE(p.profile.following_count);
  EXPECT_EQ(p.profile.extras.count("username"), 0u);
}

TEST_F(TikTokProfileTest, BusinessReadsBusinessGet) {
  auto inst = flow("business");
  ASSERT_TRUE(inst);
  auto t = sign_in(*inst, {}, false);
  auto user = inst->user_info({{}, {}, {}, {}, t.access_token});
  ASSERT_FALSE(user.error) << user.error->to_string();

  // Without a platform_user_id the token's own account (token_info/get/) is read.
  for (std::string id : {t.platform_user_id, std::string()}) {
    auto p = inst->fetch_profile({t.access_token, id, {}});
    ASSERT_FALSE(p.error) << p.error->to_string();
    EXPECT_EQ(p.profile.platform_user_id, t.platform_user_id);
    EXPECT_EQ(p.profile.display_name, "Acme Store");  // as tiktok_flows_test's user_info
    EXPECT_EQ(p.profile.display_name, user.user.display_name);
    EXPECT_EQ(p.profile.extras["username"], "acme.store");
    EXPECT_THAT(p.profile.avatar_url, StartsWith("http"));
    EXPECT_TRUE(p.profile.follower_count);
    EXPECT_TRUE(p.profile.following_count);
    EXPECT_EQ(p.profile.extras["is_business_account"], "true");
    EXPECT_EQ(p.profile.extras.count("followers_count"), 0u);
    EXPECT_EQ(p.profile.extras.count("profile_image"), 0u);
  }
}

TEST_F(TikTokProfileTest, TheRequiredScopesAreEnoughForEachFlow) {
  // ABI 1.2: a grant of exactly what required_scopes names gives a profile with a name and an
  // avatar; business/get/ is asked only for the fields such a grant allows.
  for (std::string name : {"login_kit", "business"}) {
    auto inst = flow(name);
    ASSERT_TRUE(inst);
    auto req = inst->profile_required_scopes();
    ASSERT_FALSE(req.error) << name << ": " << req.error->to_string();
    ASSERT_FALSE(req.scopes.empty()) << name;
    auto t = sign_in(*inst, req.scopes, name == "login_kit");
    auto p = inst->fetch_profile({t.access_token, t.platform_user_id, req.scopes});
    ASSERT_FALSE(p.error) << name << ": " << p.error->to_string();
    EXPECT_EQ(p.profile.platform_user_id, t.platform_user_id) << name;
    EXPECT_FALSE(p.profile.display_name.empty()) << name;
    EXPECT_THAT(p.profile.avatar_url, StartsWith("http")) << name;
    EXPECT_FALSE(p.profile.follower_count) << name << ": counts need user.info.stats";
  }
}

TEST_F(TikTokProfileTest, AdvertiserHasNoPersonsProfile) {
  auto inst = flow("advertiser");
  ASSERT_TRUE(inst);
  auto p = inst->fetch_profile({"some-token", {}, {}});
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->category, CH_ERROR_CONFIG);
  EXPECT_THAT(p.error->message, HasSubstr("advertiser authorizations have no person's profile"));
}

TEST_F(TikTokProfileTest, ARevokedTokenIsAuth) {
  auto inst = flow("login_kit");
  ASSERT_TRUE(inst);
  auto t = sign_in(*inst, {"user.info.basic"});
  sandbox_revoke(t.access_token);
  auto p = inst->fetch_profile({t.access_token, t.platform_user_id, {"user.info.basic"}});
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->category, CH_ERROR_AUTH) << p.error->to_string();
}

}  // namespace
}  // namespace connhost::testing
