// The Meta plugin's login capability (Facebook Login) through plugin::Instance against the
// in-process sandbox: the dialog URL, the consent page followed as a browser would, the code
// exchange ending in a long-lived token, "refresh" as a new long-lived exchange, revocation
// through DELETE /me/permissions, the PKCE check, and no token in the logs.
#include <gmock/gmock.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "connector_fixture.hpp"
#include "login_test_util.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kVerifier = "sandbox-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
constexpr const char* kRedirect = "http://localhost/cb";

class MetaLoginTest : public ConnectorTest {
 protected:
  MetaLoginTest() : ConnectorTest("meta") {}

  void SetUp() override {
    ConnectorTest::SetUp();
    log::init(log::Level::trace, log::Format::text);
    logs = log::capture();
    inst = make({{"base_url", sandbox->base_url()},
                 {"dialog_url", sandbox->base_url() + "/v26.0/dialog/oauth"},
                 {"app_id", creds.meta_app_id}},
                {{"app_secret", creds.meta_app_secret}});
    ASSERT_TRUE(inst);
  }
  void TearDown() override { log::init(log::Level::off, log::Format::text); }

  std::string url(std::string state, bool pkce = false) {
    plugin::AuthorizeRequest r;
    r.redirect_uri = kRedirect;
    r.state = std::move(state);
    r.scopes = {"public_profile", "ads_read"};
    if (pkce) r.code_challenge = s256(kVerifier), r.code_challenge_method = "S256";
    auto out = inst->authorize_url(r);
    EXPECT_FALSE(out.error) << out.error->to_string();
    return out.url;
  }

  std::map<std::string, std::string> consent(const std::string& dialog) {
    auto location = click_through(dialog, "<a id=\"allow\"");
    EXPECT_THAT(location, ::testing::StartsWith(kRedirect));
    return query_of(location.substr(0, location.find('#')));  // Facebook appends #_=_
  }

  void expire(const std::string& token) {
    http::Client c;
    auto r = c.send({"POST", sandbox->base_url() + "/_sandbox/tokens/expire?platform=meta&token=" +
                                 boost::urls::encode(token, boost::urls::unreserved_chars)});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  sandbox::Credentials creds;
  std::unique_ptr<plugin::Instance> inst;
  log::Capture logs;
};

TEST_F(MetaLoginTest, DialogUrlCarriesFacebookLoginParameters) {
  std::string text = url("state-7");
  auto u = boost::urls::parse_uri(text);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->path(), "/v26.0/dialog/oauth");
  auto q = query_of(text);
  EXPECT_EQ(q["client_id"], creds.meta_app_id);
  EXPECT_EQ(q["redirect_uri"], kRedirect);
  EXPECT_EQ(q["state"], "state-7");
  EXPECT_EQ(q["response_type"], "code");
  EXPECT_EQ(q["scope"], "public_profile,ads_read");
  EXPECT_EQ(q.count("code_challenge"), 0u);
}

TEST_F(MetaLoginTest, WholeFlowGivesALongLivedTokenThenRevokes) {
  auto cb = consent(url("s-meta"));
  ASSERT_EQ(cb["state"], "s-meta");
  ASSERT_FALSE(cb["code"].empty());

  auto t = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  ASSERT_FALSE(t.error) << t.error->to_string();
  EXPECT_FALSE(t.token.access_token.empty());
  EXPECT_TRUE(t.token.refresh_token.empty());             // Meta has no refresh token
  EXPECT_GT(t.token.expires_in.value_or(0), 86400 * 50);  // long-lived: about 60 days
  EXPECT_EQ(t.token.platform_user_id, "10157106986155798");

  auto reused = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  ASSERT_TRUE(reused.error);
  EXPECT_EQ(reused.error->category, CH_ERROR_AUTH) << reused.error->to_string();

  auto user = inst->user_info({{}, {}, {}, {}, t.token.access_token});
  ASSERT_FALSE(user.error) << user.error->to_string();
  EXPECT_EQ(user.user.platform_user_id, "10157106986155798");
  EXPECT_FALSE(user.user.display_name.empty());

  // "Refresh" is a new long-lived exchange on the current token.
  auto r = inst->refresh({{}, {}, {}, {}, t.token.access_token});
  ASSERT_FALSE(r.error) << r.error->to_string();
  EXPECT_NE(r.token.access_token, t.token.access_token);
  EXPECT_EQ(r.token.platform_user_id, t.token.platform_user_id);

  ASSERT_FALSE(inst->revoke({{}, {}, {}, {}, r.token.access_token}));
  auto gone = inst->user_info({{}, {}, {}, {}, r.token.access_token});
  ASSERT_TRUE(gone.error);
  EXPECT_EQ(gone.error->category, CH_ERROR_AUTH) << gone.error->to_string();
  EXPECT_THAT(gone.error->message, HasSubstr("re-authorize"));

  auto text = logs.text();
  EXPECT_FALSE(text.empty());
  for (const auto* tok : {&t.token.access_token, &r.token.access_token})
    EXPECT_THAT(text, Not(HasSubstr(*tok)));
}

TEST_F(MetaLoginTest, AnExpiredTokenCannotBeExtended) {
  auto cb = consent(url("s-exp"));
  auto t = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  ASSERT_FALSE(t.error) << t.error->to_string();
  expire(t.token.access_token);
  auto r = inst->refresh({{}, {}, {}, {}, t.token.access_token});
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_AUTH) << r.error->to_string();
  EXPECT_THAT(r.error->message, HasSubstr("re-authorize"));
}

TEST_F(MetaLoginTest, PkceVerifierIsChecked) {
  auto text = url("s-pkce", true);
  EXPECT_EQ(query_of(text)["code_challenge"], s256(kVerifier));
  auto cb = consent(text);
  auto wrong = inst->exchange_code(
      {cb["code"], kRedirect, "another-verifier-0123456789-abcdefghijklmnopqrstuvwxyz", {}, {}});
  ASSERT_TRUE(wrong.error);
  EXPECT_EQ(wrong.error->category, CH_ERROR_AUTH) << wrong.error->to_string();
  // A failed attempt does not burn the code (docs/sandbox/meta.md): the right verifier works.
  auto right = inst->exchange_code({cb["code"], kRedirect, kVerifier, {}, {}});
  ASSERT_FALSE(right.error) << right.error->to_string();
}

}  // namespace
}  // namespace connhost::testing
