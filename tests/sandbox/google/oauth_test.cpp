// Google OAuth 2.0 / OIDC against the platform notes §4.1 and the checklist in §6: the consent
// page, the code and refresh grants with S256 PKCE, refresh tokens only on the first offline
// consent, revocation, userinfo filtered by scope.
#include "google_support.hpp"

namespace connhost::sandbox::testing {
namespace {

const std::string kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-sandbox-verifier";

class GoogleOAuth : public GoogleTest {
 protected:
  // Consents and returns the code.
  std::string code_for(const std::string& scope, const std::string& access_type = "offline",
                       const std::string& prompt = "") {
    auto loc = consent(auth_params(scope, access_type, s256(kVerifier), prompt));
    auto q = query_of(loc);
    EXPECT_EQ(q["state"], "st-123");
    return q["code"];
  }
  json::value exchange(const std::string& code, int* status,
                       const std::string& verifier = kVerifier,
                       const std::string& redirect = kRedirect,
                       const std::string& secret = kClientSecret) {
    return parse(token_post({{"code", code},
                             {"client_id", kClientId},
                             {"client_secret", secret},
                             {"redirect_uri", redirect},
                             {"grant_type", "authorization_code"},
                             {"code_verifier", verifier}},
                            status));
  }
  static void expect_oauth_error(const json::value& body, const std::string& error) {
    ASSERT_TRUE(body.is_object());
    EXPECT_EQ(body.at("error").as_string(), error) << json::serialize(body);
    EXPECT_TRUE(body.at("error_description").is_string());
  }
};

TEST_F(GoogleOAuth, ConsentPageIsHtmlWithAllowAndDeny) {
  auto r = get("/o/oauth2/v2/auth?" +
               form(auth_params(std::string(kAdwords), "offline", s256(kVerifier))));
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.header("Content-Type").value_or("").find("text/html"), std::string_view::npos);
  EXPECT_NE(r.body.find("sandbox_decision=allow"), std::string::npos);
  EXPECT_NE(r.body.find("sandbox_decision=deny"), std::string::npos);
  EXPECT_NE(r.body.find(kAdwords), std::string::npos);
}

TEST_F(GoogleOAuth, CodeFlowWithPkceReturnsGoogleTokenResponse) {
  int status = 0;
  auto loc = consent(
      auth_params("openid email profile " + std::string(kAdwords), "offline", s256(kVerifier)),
      "allow", &status);
  EXPECT_EQ(status, 302);
  ASSERT_EQ(loc.rfind(kRedirect, 0), 0u) << loc;
  auto q = query_of(loc);
  EXPECT_EQ(q["state"], "st-123");
  EXPECT_FALSE(q["code"].empty());
  EXPECT_EQ(q["scope"], "openid email profile " + std::string(kAdwords));

  auto body = exchange(q["code"], &status);
  ASSERT_EQ(status, 200) << json::serialize(body);
  const auto& o = body.as_object();
  EXPECT_TRUE(o.at("access_token").is_string());
  ASSERT_TRUE(o.at("expires_in").is_int64());
  EXPECT_EQ(o.at("expires_in").as_int64(), 3599);
  EXPECT_EQ(o.at("token_type").as_string(), "Bearer");
  EXPECT_EQ(o.at("scope").as_string(), "openid email profile " + std::string(kAdwords));
  EXPECT_TRUE(o.at("refresh_token").is_string());  // first offline consent
  // The id_token is an unsecured JWT whose claims name the client and the user.
  std::string id = std::string(o.at("id_token").as_string());
  auto d1 = id.find('.'), d2 = id.find('.', d1 + 1);
  ASSERT_NE(d2, std::string::npos);
  auto header = parse(b64url_decode(id.substr(0, d1)));
  EXPECT_EQ(header.at("alg").as_string(), "none");
  auto claims = parse(b64url_decode(id.substr(d1 + 1, d2 - d1 - 1)));
  EXPECT_EQ(claims.at("aud").as_string(), kClientId);
  EXPECT_EQ(claims.at("iss").as_string(), "https://accounts.google.com");
  EXPECT_EQ(claims.at("email").as_string(), "sandbox.user@example.com");

  // The new access token opens the Ads API.
  auto list = get("/v24/customers:listAccessibleCustomers",
                  {{"Authorization", "Bearer " + std::string(o.at("access_token").as_string())}});
  EXPECT_EQ(list.status, 200) << list.body;
}

TEST_F(GoogleOAuth, RefreshTokenOnlyOnFirstOfflineConsentOrWithPromptConsent) {
  int status = 0;
  auto first = exchange(code_for(kAdwords), &status);
  ASSERT_EQ(status, 200);
  EXPECT_TRUE(first.as_object().contains("refresh_token"));
  auto again = exchange(code_for(kAdwords), &status);
  ASSERT_EQ(status, 200);
  EXPECT_FALSE(again.as_object().contains("refresh_token")) << json::serialize(again);
  auto forced = exchange(code_for(kAdwords, "offline", "consent"), &status);
  ASSERT_EQ(status, 200);
  ASSERT_TRUE(forced.as_object().contains("refresh_token"));
  EXPECT_NE(forced.at("refresh_token"), first.at("refresh_token"));
}

TEST_F(GoogleOAuth, OnlineAccessGivesNoRefreshTokenAndNoIdTokenWithoutOpenid) {
  int status = 0;
  auto body = exchange(code_for(kAdwords, "online"), &status);
  ASSERT_EQ(status, 200);
  EXPECT_FALSE(body.as_object().contains("refresh_token"));
  EXPECT_FALSE(body.as_object().contains("id_token"));
}

TEST_F(GoogleOAuth, RefreshGrantKeepsTheRefreshToken) {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> f{{"grant_type", "refresh_token"},
                                                     {"client_id", kClientId},
                                                     {"client_secret", kClientSecret},
                                                     {"refresh_token", kPreissuedRefresh}};
  auto a = parse(token_post(f, &status));
  ASSERT_EQ(status, 200);
  auto b = parse(token_post(f, &status));
  ASSERT_EQ(status, 200) << "Google does not rotate refresh tokens";
  EXPECT_FALSE(a.as_object().contains("refresh_token"));
  EXPECT_NE(a.at("access_token"), b.at("access_token"));
  EXPECT_EQ(a.at("expires_in").as_int64(), 3599);
  EXPECT_EQ(a.at("token_type").as_string(), "Bearer");
  EXPECT_TRUE(a.at("scope").is_string());
}

TEST_F(GoogleOAuth, ClientMayAuthenticateWithHttpBasic) {
  int status = 0;
  std::string creds = std::string(kClientId) + ":" + kClientSecret;
  std::string basic = b64url(reinterpret_cast<const unsigned char*>(creds.data()), creds.size());
  for (auto& c : basic) c = c == '-' ? '+' : c == '_' ? '/' : c;  // standard alphabet
  while (basic.size() % 4) basic.push_back('=');
  auto body = token_post({{"grant_type", "refresh_token"}, {"refresh_token", kPreissuedRefresh}},
                         &status, {{"Authorization", "Basic " + basic}});
  EXPECT_EQ(status, 200) << body;
}

TEST_F(GoogleOAuth, PreissuedRefreshTokenReachesEveryCustomer) {
  auto r = get("/v24/customers:listAccessibleCustomers",
               {{"Authorization", "Bearer " + access_token()}});
  ASSERT_EQ(r.status, 200);
  std::vector<std::string> got;
  auto body = parse(r.body);
  for (const auto& n : body.at("resourceNames").as_array()) got.emplace_back(n.as_string());
  std::vector<std::string> want;
  for (const auto& a : sandbox->accounts("google")) want.push_back("customers/" + a.id);
  EXPECT_EQ(got, want);
}

TEST_F(GoogleOAuth, TokenEndpointFailureAnswers) {
  int status = 0;
  // Bad secret and unknown client: invalid_client with 401.
  auto body = exchange(code_for(kAdwords), &status, kVerifier, kRedirect, "wrong-secret");
  EXPECT_EQ(status, 401);
  expect_oauth_error(body, "invalid_client");
  body = parse(token_post({{"grant_type", "refresh_token"},
                           {"client_id", "other.apps.googleusercontent.com"},
                           {"client_secret", kClientSecret},
                           {"refresh_token", kPreissuedRefresh}},
                          &status));
  EXPECT_EQ(status, 401);
  expect_oauth_error(body, "invalid_client");

  // A code is single use.
  std::string code = code_for(kAdwords);
  exchange(code, &status);
  ASSERT_EQ(status, 200);
  body = exchange(code, &status);
  EXPECT_EQ(status, 400);
  expect_oauth_error(body, "invalid_grant");

  // The redirect_uri must be the one the code was issued for.
  body = exchange(code_for(kAdwords), &status, kVerifier, "http://127.0.0.1:9/other");
  EXPECT_EQ(status, 400);
  expect_oauth_error(body, "redirect_uri_mismatch");

  // PKCE: a wrong or missing verifier.
  body = exchange(code_for(kAdwords), &status, "not-the-verifier-but-long-enough-to-look-real-000");
  EXPECT_EQ(status, 400);
  expect_oauth_error(body, "invalid_grant");
  EXPECT_EQ(body.at("error_description").as_string(), "Invalid code verifier.");
  body = exchange(code_for(kAdwords), &status, "");
  EXPECT_EQ(status, 400);
  expect_oauth_error(body, "invalid_grant");

  // An unknown refresh token, an unknown grant type.
  body = parse(token_post({{"grant_type", "refresh_token"},
                           {"client_id", kClientId},
                           {"client_secret", kClientSecret},
                           {"refresh_token", "1//nope"}},
                          &status));
  EXPECT_EQ(status, 400);
  expect_oauth_error(body, "invalid_grant");
  body = parse(token_post(
      {{"grant_type", "password"}, {"client_id", kClientId}, {"client_secret", kClientSecret}},
      &status));
  EXPECT_EQ(status, 400);
  expect_oauth_error(body, "unsupported_grant_type");
}

TEST_F(GoogleOAuth, ExpiredCodeIsRejected) {
  std::string code = code_for(kAdwords);
  // Google's codes live about ten minutes; move the sandbox clock past that.
  auto clock = post("/_sandbox/clock?offset_s=601", "", "application/json");
  ASSERT_EQ(clock.status, 200);
  int status = 0;
  auto body = exchange(code, &status);
  EXPECT_EQ(status, 400);
  expect_oauth_error(body, "invalid_grant");
}

TEST_F(GoogleOAuth, DenialRedirectsWithAccessDenied) {
  int status = 0;
  auto loc = consent(auth_params(kAdwords, "offline", s256(kVerifier)), "deny", &status);
  EXPECT_EQ(status, 302);
  auto q = query_of(loc);
  EXPECT_EQ(q["error"], "access_denied");
  EXPECT_EQ(q["state"], "st-123");
  EXPECT_EQ(q.count("code"), 0u);
}

TEST_F(GoogleOAuth, UntrustedRequestsGetAnErrorPageNotARedirect) {
  auto p = auth_params(kAdwords, "offline", "");
  p[0].second = "unknown.apps.googleusercontent.com";
  int status = 0;
  EXPECT_EQ(consent(p, "allow", &status), "");
  EXPECT_EQ(status, 401);

  p = auth_params(kAdwords, "offline", "");
  p[1].second = "https://evil.example.com/cb";
  EXPECT_EQ(consent(p, "allow", &status), "");
  EXPECT_EQ(status, 400);

  p = auth_params("https://www.googleapis.com/auth/not-a-scope", "offline", "");
  auto r = get("/o/oauth2/v2/auth?" + form(p));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("invalid_scope"), std::string::npos);
}

TEST_F(GoogleOAuth, PromptNoneNeedsAnEarlierConsent) {
  auto q = query_of(consent(auth_params(kAdwords, "online", "", "none")));
  EXPECT_EQ(q["error"], "consent_required");
  code_for(kAdwords, "online");
  q = query_of(consent(auth_params(kAdwords, "online", "", "none")));
  EXPECT_FALSE(q["code"].empty());
}

TEST_F(GoogleOAuth, RevokingARefreshTokenRevokesTheWholeGrant) {
  int status = 0;
  auto body = exchange(code_for(kAdwords), &status);
  ASSERT_EQ(status, 200);
  std::string refresh(body.at("refresh_token").as_string());
  std::string access(body.at("access_token").as_string());

  auto r = post("/revoke", form({{"token", refresh}}), "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 200);
  auto again = parse(token_post({{"grant_type", "refresh_token"},
                                 {"client_id", kClientId},
                                 {"client_secret", kClientSecret},
                                 {"refresh_token", refresh}},
                                &status));
  EXPECT_EQ(status, 400);
  expect_oauth_error(again, "invalid_grant");
  auto ads = get("/v24/customers:listAccessibleCustomers", {{"Authorization", "Bearer " + access}});
  EXPECT_EQ(ads.status, 401);
  EXPECT_EQ(ads_error(parse(ads.body)).at("errorCode").at("authenticationError").as_string(),
            "OAUTH_TOKEN_REVOKED");
  // Revoking it again: 400 invalid_token. The token may also come in the query.
  r = post("/revoke?token=" + pct(refresh), "", "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 400);
  expect_oauth_error(parse(r.body), "invalid_token");
}

TEST_F(GoogleOAuth, UserinfoFiltersClaimsByScope) {
  int status = 0;
  auto body = exchange(code_for("openid email profile"), &status);
  ASSERT_EQ(status, 200);
  std::string full(body.at("access_token").as_string());
  for (const char* path : {"/v1/userinfo", "/oauth2/v3/userinfo"}) {
    auto r = get(path, {{"Authorization", "Bearer " + full}});
    ASSERT_EQ(r.status, 200) << path;
    auto u = parse(r.body).as_object();
    EXPECT_TRUE(u.at("sub").is_string());
    EXPECT_EQ(u.at("email").as_string(), "sandbox.user@example.com");
    EXPECT_TRUE(u.at("email_verified").is_bool());
    for (const char* k : {"name", "given_name", "family_name", "picture", "locale"})
      EXPECT_TRUE(u.at(k).is_string()) << k;
  }
  body = exchange(code_for("openid"), &status);
  auto r = get("/v1/userinfo",
               {{"Authorization", "Bearer " + std::string(body.at("access_token").as_string())}});
  ASSERT_EQ(r.status, 200);
  auto u = parse(r.body).as_object();
  EXPECT_EQ(u.size(), 1u) << r.body;
  EXPECT_TRUE(u.contains("sub"));

  r = get("/v1/userinfo", {{"Authorization", "Bearer ya29.not-a-token"}});
  EXPECT_EQ(r.status, 401);
  expect_oauth_error(parse(r.body), "invalid_request");
  EXPECT_TRUE(r.header("WWW-Authenticate").has_value());
}

TEST_F(GoogleOAuth, TokeninfoAnswersStrings) {
  std::string token = access_token();
  auto r = get("/tokeninfo?access_token=" + pct(token));
  ASSERT_EQ(r.status, 200);
  auto o = parse(r.body).as_object();
  EXPECT_EQ(o.at("aud").as_string(), kClientId);
  EXPECT_TRUE(o.at("exp").is_string());
  EXPECT_TRUE(o.at("expires_in").is_string());
  EXPECT_EQ(o.at("access_type").as_string(), "offline");
  EXPECT_NE(std::string(o.at("scope").as_string()).find(kAdwords), std::string::npos);
  EXPECT_EQ(get("/tokeninfo?access_token=junk").status, 400);
}

TEST_F(GoogleOAuth, DiscoveryPointsAtTheSandbox) {
  auto r = get("/.well-known/openid-configuration");
  ASSERT_EQ(r.status, 200);
  auto o = parse(r.body).as_object();
  EXPECT_EQ(o.at("token_endpoint").as_string(), base + "/token");
  EXPECT_EQ(o.at("userinfo_endpoint").as_string(), base + "/v1/userinfo");
  EXPECT_EQ(o.at("authorization_endpoint").as_string(), base + "/o/oauth2/v2/auth");
  EXPECT_EQ(o.at("issuer").as_string(), "https://accounts.google.com");
  auto certs = get("/oauth2/v3/certs");
  ASSERT_EQ(certs.status, 200);
  EXPECT_TRUE(parse(certs.body).at("keys").as_array().empty());
}

TEST_F(GoogleOAuth, OlderTokenPathIsTheSameEndpoint) {
  auto r = post("/oauth2/v4/token",
                form({{"grant_type", "refresh_token"},
                      {"client_id", kClientId},
                      {"client_secret", kClientSecret},
                      {"refresh_token", kPreissuedRefresh}}),
                "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Cache-Control").value_or("").find("no-store") != std::string_view::npos,
            true);
}

TEST_F(GoogleOAuth, GoogleSendsNoWebhooksSinceBusinessMessagesShutDown) {
  WebhookRequest w;
  w.platform = "google";
  w.target_url = base + "/nowhere";
  EXPECT_THROW(sandbox->send_webhooks(w), std::invalid_argument);
}

}  // namespace
}  // namespace connhost::sandbox::testing
