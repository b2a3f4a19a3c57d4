// The Google plugin's login capability (OAuth 2.0 with PKCE, OIDC userinfo) through
// plugin::Instance against the in-process sandbox: the consent URL, the consent page followed as
// a browser would, the code and refresh grants, revocation, the PKCE check, no token in the logs.
#include <gmock/gmock.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "connector_fixture.hpp"
#include "login_test_util.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kVerifier = "sandbox-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
constexpr const char* kRedirect = "http://127.0.0.1:8765/callback";
constexpr const char* kSub = "108314775601275932261";  // docs/sandbox/google.md

class GoogleLoginTest : public ConnectorTest {
 protected:
  GoogleLoginTest() : ConnectorTest("google") {}

  void SetUp() override {
    ConnectorTest::SetUp();
    log::init(log::Level::trace, log::Format::text);
    logs = log::capture();
    inst = make({{"base_url", sandbox->base_url()},
                 {"oauth_base_url", sandbox->base_url()},
                 {"auth_page_url", sandbox->base_url() + "/o/oauth2/v2/auth"},
                 {"userinfo_url", sandbox->base_url() + "/v1/userinfo"},
                 {"client_id", creds.google_client_id}},
                {{"client_secret", creds.google_client_secret}});
    ASSERT_TRUE(inst);
  }
  void TearDown() override { log::init(log::Level::off, log::Format::text); }

  std::string url(std::string state) {
    plugin::AuthorizeRequest r;
    r.redirect_uri = kRedirect;
    r.state = std::move(state);
    r.code_challenge = s256(kVerifier);
    r.code_challenge_method = "S256";
    r.scopes = {"openid", "email", "https://www.googleapis.com/auth/adwords"};
    auto out = inst->authorize_url(r);
    EXPECT_FALSE(out.error) << out.error->to_string();
    return out.url;
  }

  std::map<std::string, std::string> consent(const std::string& page) {
    auto location = click_through(page, "<a id=\"allow\"");
    EXPECT_THAT(location, ::testing::StartsWith(kRedirect));
    return query_of(location);
  }

  sandbox::Credentials creds;
  std::unique_ptr<plugin::Instance> inst;
  log::Capture logs;
};

TEST_F(GoogleLoginTest, ConsentUrlAsksForOfflineAccessWithPkce) {
  std::string text = url("state-g");
  auto u = boost::urls::parse_uri(text);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->path(), "/o/oauth2/v2/auth");
  auto q = query_of(text);
  EXPECT_EQ(q["client_id"], creds.google_client_id);
  EXPECT_EQ(q["redirect_uri"], kRedirect);
  EXPECT_EQ(q["response_type"], "code");
  EXPECT_EQ(q["scope"], "openid email https://www.googleapis.com/auth/adwords");
  EXPECT_EQ(q["state"], "state-g");
  EXPECT_EQ(q["access_type"], "offline");
  EXPECT_EQ(q["prompt"], "consent");
  EXPECT_EQ(q["code_challenge"], s256(kVerifier));
  EXPECT_EQ(q["code_challenge_method"], "S256");
}

TEST_F(GoogleLoginTest, WholeFlowRefreshesAndRevokes) {
  auto cb = consent(url("s-g"));
  ASSERT_EQ(cb["state"], "s-g");
  ASSERT_FALSE(cb["code"].empty());

  auto t = inst->exchange_code({cb["code"], kRedirect, kVerifier, {}, {}});
  ASSERT_FALSE(t.error) << t.error->to_string();
  EXPECT_THAT(t.token.access_token, ::testing::StartsWith("ya29."));
  EXPECT_FALSE(t.token.refresh_token.empty());
  EXPECT_EQ(t.token.expires_in, 3599);
  EXPECT_EQ(t.token.platform_user_id, kSub);
  EXPECT_THAT(t.token.scope, HasSubstr("https://www.googleapis.com/auth/adwords"));

  auto reused = inst->exchange_code({cb["code"], kRedirect, kVerifier, {}, {}});
  ASSERT_TRUE(reused.error);
  EXPECT_EQ(reused.error->category, CH_ERROR_AUTH) << reused.error->to_string();

  auto user = inst->user_info({{}, {}, {}, {}, t.token.access_token});
  ASSERT_FALSE(user.error) << user.error->to_string();
  EXPECT_EQ(user.user.platform_user_id, kSub);
  EXPECT_EQ(user.user.email, "sandbox.user@example.com");

  // Google does not rotate: a new access token and no refresh token.
  auto r = inst->refresh({{}, {}, {}, t.token.refresh_token, {}});
  ASSERT_FALSE(r.error) << r.error->to_string();
  EXPECT_NE(r.token.access_token, t.token.access_token);
  EXPECT_TRUE(r.token.refresh_token.empty());
  EXPECT_EQ(r.token.platform_user_id, kSub);

  // Revoking the refresh token revokes the whole grant.
  ASSERT_FALSE(inst->revoke({{}, {}, {}, t.token.refresh_token, r.token.access_token}));
  auto gone = inst->user_info({{}, {}, {}, {}, r.token.access_token});
  ASSERT_TRUE(gone.error);
  EXPECT_EQ(gone.error->category, CH_ERROR_AUTH) << gone.error->to_string();
  auto dead = inst->refresh({{}, {}, {}, t.token.refresh_token, {}});
  ASSERT_TRUE(dead.error);
  EXPECT_EQ(dead.error->category, CH_ERROR_AUTH) << dead.error->to_string();

  auto text = logs.text();
  EXPECT_FALSE(text.empty());
  for (const auto* tok : {&t.token.access_token, &t.token.refresh_token, &r.token.access_token})
    EXPECT_THAT(text, Not(HasSubstr(*tok)));
}

TEST_F(GoogleLoginTest, WrongVerifierIsRefused) {
  auto cb = consent(url("s-pkce"));
  auto wrong = inst->exchange_code(
      {cb["code"], kRedirect, "another-verifier-0123456789-abcdefghijklmnopqrstuvwxyz", {}, {}});
  ASSERT_TRUE(wrong.error);
  EXPECT_EQ(wrong.error->category, CH_ERROR_AUTH) << wrong.error->to_string();
  auto none = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  ASSERT_TRUE(none.error);
}

}  // namespace
}  // namespace connhost::testing
