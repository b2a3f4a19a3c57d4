// The Google plugin's profile capability through plugin::Instance against the in-process
// sandbox: OIDC userinfo as a profile (the sandbox user of docs/sandbox/google.md: sub
// 108314775601275932261, "Sandbox User", sandbox.user@example.com, locale "en", which has no
// region); a revoked grant is auth; required_scopes (ABI 1.2) is openid and profile, and a grant
// of only those gives the name and picture.
#include <gmock/gmock.h>

#include "connector_fixture.hpp"
#include "google_login.hpp"
#include "login_test_util.hpp"

namespace connhost::testing {
namespace {

constexpr const char* kVerifier = "sandbox-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
constexpr const char* kRedirect = "http://127.0.0.1:8765/callback";
constexpr const char* kSub = "108314775601275932261";  // docs/sandbox/google.md

std::vector<std::string> split_commas(const std::string& all) {
  std::vector<std::string> out;
  for (size_t start = 0; start <= all.size();) {
    size_t c = std::min(all.find(',', start), all.size());
    if (c > start) out.push_back(all.substr(start, c - start));
    start = c + 1;
  }
  return out;
}

class GoogleProfileTest : public ConnectorTest {
 protected:
  GoogleProfileTest() : ConnectorTest("google") {}

  void SetUp() override {
    ConnectorTest::SetUp();
    inst = make({{"base_url", sandbox->base_url()},
                 {"oauth_base_url", sandbox->base_url()},
                 {"auth_page_url", sandbox->base_url() + "/o/oauth2/v2/auth"},
                 {"userinfo_url", sandbox->base_url() + "/v1/userinfo"},
                 {"client_id", creds.google_client_id}},
                {{"client_secret", creds.google_client_secret}});
    ASSERT_TRUE(inst);
  }

  plugin::TokenRecord sign_in(std::vector<std::string> scopes = {"openid", "email", "profile"}) {
    plugin::AuthorizeRequest r;
    r.redirect_uri = kRedirect;
    r.state = "st";
    r.code_challenge = s256(kVerifier);
    r.code_challenge_method = "S256";
    r.scopes = std::move(scopes);
    auto a = inst->authorize_url(r);
    EXPECT_FALSE(a.error) << a.error->to_string();
    auto cb = query_of(click_through(a.url, "<a id=\"allow\""));
    auto t = inst->exchange_code({cb["code"], kRedirect, kVerifier, {}, {}});
    EXPECT_FALSE(t.error) << t.error->to_string();
    return t.token;
  }

  sandbox::Credentials creds;
  std::unique_ptr<plugin::Instance> inst;
};

TEST_F(GoogleProfileTest, UserinfoGivesTheProfile) {
  auto t = sign_in();
  auto user = inst->user_info({{}, {}, {}, {}, t.access_token});
  ASSERT_FALSE(user.error) << user.error->to_string();
  auto p =
      inst->fetch_profile({t.access_token, t.platform_user_id, {"openid", "email", "profile"}});
  ASSERT_FALSE(p.error) << p.error->to_string();
  EXPECT_EQ(p.profile.platform_user_id, kSub);
  EXPECT_EQ(p.profile.display_name, "Sandbox User");
  EXPECT_EQ(p.profile.display_name, user.user.display_name);
  EXPECT_EQ(p.profile.avatar_url, user.user.avatar_url);
  EXPECT_EQ(p.profile.extras["email"], "sandbox.user@example.com");
  EXPECT_EQ(p.profile.extras["locale"], "en");
  EXPECT_EQ(p.profile.region, "");  // "en" names no country
  EXPECT_FALSE(p.profile.follower_count);
}

TEST_F(GoogleProfileTest, RequiredScopesAreOpenidAndProfileAndEnough) {
  auto r = inst->profile_required_scopes();
  ASSERT_FALSE(r.error) << r.error->to_string();
  EXPECT_EQ(r.scopes, (std::vector<std::string>{"openid", "profile"}));

  auto t = sign_in(r.scopes);
  // The grant records the names asked for, so the host's comparison finds them.
  EXPECT_THAT(split_commas(t.scope), ::testing::IsSupersetOf(r.scopes)) << t.scope;
  auto p = inst->fetch_profile({t.access_token, t.platform_user_id, r.scopes});
  ASSERT_FALSE(p.error) << p.error->to_string();
  EXPECT_EQ(p.profile.platform_user_id, kSub);
  EXPECT_EQ(p.profile.display_name, "Sandbox User");
  EXPECT_FALSE(p.profile.avatar_url.empty());
  EXPECT_EQ(p.profile.extras.count("email"), 0u) << "no email without its scope";
  EXPECT_TRUE(p.businesses.empty());
}

TEST_F(GoogleProfileTest, WithoutProfileTheNameIsMissing) {
  // Why profile is required: openid alone gives userinfo's sub and nothing to show.
  auto t = sign_in({"openid"});
  auto p = inst->fetch_profile({t.access_token, t.platform_user_id, {"openid"}});
  ASSERT_FALSE(p.error) << p.error->to_string();
  EXPECT_EQ(p.profile.platform_user_id, kSub);
  EXPECT_TRUE(p.profile.display_name.empty());
  EXPECT_TRUE(p.profile.avatar_url.empty());
}

TEST(GoogleGrantScopes, LongOidcNamesAreRecordedAsTheShortOnes) {
  // Google answers `profile` and `email` with their userinfo URLs; other scopes stay as they are.
  auto g = google::login::parse_grant(
      R"({"access_token":"ya29.x","token_type":"Bearer","expires_in":3599,"scope":)"
      R"("https://www.googleapis.com/auth/userinfo.profile openid )"
      R"(https://www.googleapis.com/auth/adwords https://www.googleapis.com/auth/userinfo.email"})");
  EXPECT_EQ(split_commas(g.scope),
            (std::vector<std::string>{"profile", "openid",
                                      "https://www.googleapis.com/auth/adwords", "email"}));
}

TEST_F(GoogleProfileTest, ARevokedGrantIsAuth) {
  auto t = sign_in();
  ASSERT_FALSE(inst->revoke({{}, {}, {}, t.refresh_token, t.access_token}));
  auto p = inst->fetch_profile({t.access_token, t.platform_user_id, {}});
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->category, CH_ERROR_AUTH) << p.error->to_string();
}

}  // namespace
}  // namespace connhost::testing
