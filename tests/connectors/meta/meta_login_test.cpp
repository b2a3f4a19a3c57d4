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
#include "meta_login.hpp"

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

  void revoke(const std::string& token) {
    http::Client c;
    auto r = c.send({"POST", sandbox->base_url() + "/_sandbox/tokens/revoke?token=" +
                                 boost::urls::encode(token, boost::urls::unreserved_chars)});
    ASSERT_EQ(r.status, 200) << r.body;
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
  EXPECT_TRUE(t.token.refresh_token.empty());  // Meta has no refresh token
  // From debug_token's expires_at: a long-lived token lives about 60 days.
  ASSERT_TRUE(t.token.expires_in);
  EXPECT_NEAR(static_cast<double>(*t.token.expires_in), 60.0 * 86400, 3600.0);
  EXPECT_EQ(t.token.scope, "public_profile,ads_read");  // debug_token's scopes
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
  ASSERT_TRUE(r.token.expires_in);
  EXPECT_NEAR(static_cast<double>(*r.token.expires_in), 60.0 * 86400, 3600.0);
  EXPECT_EQ(r.token.scope, "public_profile,ads_read");

  ASSERT_FALSE(inst->revoke({{}, {}, {}, {}, r.token.access_token}));
  auto gone = inst->user_info({{}, {}, {}, {}, r.token.access_token});
  ASSERT_TRUE(gone.error);
  EXPECT_EQ(gone.error->category, CH_ERROR_AUTH) << gone.error->to_string();
  EXPECT_THAT(gone.error->message, HasSubstr("re-authorize"));

  // debug_token gets the new token in its query (a GET-only endpoint) before the token reaches
  // the mask; the host's request log redacts credential query parameters, so no line shows it.
  std::string text = logs.text();
  EXPECT_FALSE(text.empty());
  for (const auto* tok : {&t.token.access_token, &r.token.access_token})
    EXPECT_THAT(text, Not(HasSubstr(*tok)));
  EXPECT_THAT(logs.text(), Not(HasSubstr(creds.meta_app_secret)));
}

TEST_F(MetaLoginTest, NoTokenInTheRequestLog) {
  auto cb = consent(url("s-log"));
  auto t = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  ASSERT_FALSE(t.error) << t.error->to_string();
  EXPECT_THAT(logs.text(), Not(HasSubstr(t.token.access_token)));
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

TEST_F(MetaLoginTest, ARevokedTokenIsAuth) {
  auto cb = consent(url("s-rev"));
  auto t = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  ASSERT_FALSE(t.error) << t.error->to_string();
  revoke(t.token.access_token);
  auto user = inst->user_info({{}, {}, {}, {}, t.token.access_token});
  ASSERT_TRUE(user.error);
  EXPECT_EQ(user.error->category, CH_ERROR_AUTH) << user.error->to_string();
  EXPECT_THAT(user.error->message, HasSubstr("re-authorize"));
  auto r = inst->refresh({{}, {}, {}, {}, t.token.access_token});
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_AUTH) << r.error->to_string();
  EXPECT_THAT(r.error->message, HasSubstr("re-authorize"));
  EXPECT_THAT(r.error->message, Not(HasSubstr(t.token.access_token)));
  EXPECT_THAT(logs.text(), Not(HasSubstr(creds.meta_app_secret)));
}

TEST_F(MetaLoginTest, DebugTokenSeesARevokedTokenAsInvalid) {
  // What the plugin reads after the exchange, asked directly of the sandbox with the app token
  // in the Authorization header as the plugin sends it.
  auto cb = consent(url("s-dbg"));
  auto t = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  ASSERT_FALSE(t.error) << t.error->to_string();
  revoke(t.token.access_token);
  meta::Settings s;
  s.base_url = sandbox->base_url();
  s.api_version = "v26.0";
  auto req = meta::login::debug_token_request(s, t.token.access_token,
                                              creds.meta_app_id + "|" + creds.meta_app_secret);
  http::Request hr{req.method, req.url};
  for (auto& [k, v] : req.headers) hr.headers.emplace_back(k, v);
  auto resp = http::Client().send(hr);
  try {
    meta::login::parse_debug_token(resp.status, resp.body, s);
    ADD_FAILURE() << "a revoked token read as valid: " << resp.body;
  } catch (const connhost::Error& e) {
    EXPECT_EQ(e.category(), connhost::ErrorCategory::auth) << e.what();
    EXPECT_THAT(e.what(), HasSubstr("re-authorize"));
  }
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

// --- debug_token, read from literal bodies (meta-google.md §2.4) ------------------------------

meta::Settings settings() {
  meta::Settings s;
  s.base_url = "https://graph.facebook.com";
  s.api_version = "v26.0";
  return s;
}

connhost::Error debug_error(int status, std::string_view body) {
  try {
    meta::login::parse_debug_token(status, body, settings());
  } catch (const connhost::Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << body;
  return connhost::Error::data("no error thrown");
}

TEST(MetaDebugToken, RequestKeepsTheAppTokenOutOfTheUrl) {
  auto r = meta::login::debug_token_request(settings(), "EAA/x+y", "1|s3cret");
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, "https://graph.facebook.com/v26.0/debug_token?input_token=EAA%2Fx%2By");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].second, "Bearer 1|s3cret");
}

TEST(MetaDebugToken, ReadsExpiryScopesAndUser) {
  auto t = meta::login::parse_debug_token(
      200,
      R"({"data":{"app_id":"123","type":"USER","application":"My App",
          "data_access_expires_at":1633520017,"expires_at":1630920444,"is_valid":true,
          "issued_at":1625736444,"scopes":["email","ads_read"],
          "granular_scopes":[{"scope":"ads_read","target_ids":["act_1"]}],
          "user_id":"1193679667748350"}})",
      settings());
  EXPECT_EQ(t.expires_at, 1630920444);
  EXPECT_EQ(t.scopes, "email,ads_read");
  EXPECT_EQ(t.user_id, "1193679667748350");
  auto never = meta::login::parse_debug_token(
      200, R"({"data":{"expires_at":0,"is_valid":true,"scopes":[],"user_id":"1"}})", settings());
  EXPECT_EQ(never.expires_at, 0);  // 0: never expires
  EXPECT_EQ(never.scopes, "");
}

TEST(MetaDebugToken, InvalidTokensAndRefusedAppTokens) {
  auto unknown = debug_error(
      200,
      R"({"data":{"error":{"code":190,"message":"Invalid OAuth access token."},"is_valid":false,"scopes":[]}})");
  EXPECT_EQ(unknown.category(), connhost::ErrorCategory::auth);
  EXPECT_THAT(unknown.what(), HasSubstr("re-authorize"));
  EXPECT_THAT(unknown.what(), HasSubstr("Invalid OAuth access token"));
  auto revoked = debug_error(
      200,
      R"({"data":{"app_id":"1","type":"USER","expires_at":1,"is_valid":false,"scopes":["ads_read"],
          "user_id":"2","error":{"code":190,"message":"The session has been invalidated","subcode":460}}})");
  EXPECT_EQ(revoked.category(), connhost::ErrorCategory::auth);
  // A top-level error is about the calling app token: the app's settings, not the grant.
  auto app = debug_error(
      400,
      R"({"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190,"fbtrace_id":"A"}})");
  EXPECT_EQ(app.category(), connhost::ErrorCategory::config);
  EXPECT_THAT(app.what(), HasSubstr("app_secret"));
  auto down = debug_error(
      500,
      R"({"error":{"message":"An unknown error occurred","type":"OAuthException","code":1,"is_transient":true}})");
  EXPECT_EQ(down.category(), connhost::ErrorCategory::transient);
  auto no_data = debug_error(200, R"({"something":1})");
  EXPECT_EQ(no_data.category(), connhost::ErrorCategory::data);
  auto no_valid = debug_error(200, R"({"data":{"user_id":"1"}})");
  EXPECT_EQ(no_valid.category(), connhost::ErrorCategory::data);
}

}  // namespace
}  // namespace connhost::testing
