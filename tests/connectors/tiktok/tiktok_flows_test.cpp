// The TikTok plugin's two other login flows through plugin::Instance against the in-process
// sandbox: login_flow=advertiser (Marketing API advertiser authorization, tiktok.md §1.4) and
// login_flow=business (TikTok-account tt_user authorization, §3.1), plus the pure request
// builders and answer readers of both with literal bodies.
#include <gmock/gmock.h>

#include <boost/json/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <map>
#include <string>

#include "connector_fixture.hpp"
#include "log/secret_mask.hpp"
#include "login_test_util.hpp"
#include "tiktok_advertiser_auth.hpp"
#include "tiktok_business_auth.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kRedirect = "http://127.0.0.1:9000/cb";
constexpr const char* kAdvertisers = "7017905763687197222,7032750394460526508";  // sorted

class TikTokFlowTest : public ConnectorTest {
 protected:
  TikTokFlowTest() : ConnectorTest("tiktok") {}

  void SetUp() override {
    ConnectorTest::SetUp();
    log::init(log::Level::trace, log::Format::text);
    logs = log::capture();
  }
  void TearDown() override { log::init(log::Level::off, log::Format::text); }

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

  std::string url(plugin::Instance& inst, std::string state, std::vector<std::string> scopes = {},
                  std::string challenge = {}) {
    plugin::AuthorizeRequest r;
    r.redirect_uri = kRedirect;
    r.state = std::move(state);
    r.scopes = std::move(scopes);
    if (!challenge.empty()) r.code_challenge = challenge, r.code_challenge_method = "S256";
    auto out = inst.authorize_url(r);
    EXPECT_FALSE(out.error) << out.error->to_string();
    return out.url;
  }

  // What the browser is sent back with, as the sandbox's sandbox_auto=1 answers at once.
  std::map<std::string, std::string> callback(const std::string& authorize) {
    http::Client c;
    auto r = c.send({"GET", authorize + "&sandbox_auto=1"});
    EXPECT_EQ(r.status, 302) << r.body;
    std::string location(r.header("Location").value_or(""));
    EXPECT_THAT(location, StartsWith(kRedirect));
    return query_of(location);
  }

  void sandbox_revoke(const std::string& token) {
    http::Client c;
    auto r = c.send({"POST", sandbox->base_url() + "/_sandbox/tokens/revoke?token=" +
                                 boost::urls::encode(token, boost::urls::unreserved_chars)});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  void expect_not_logged(const std::string& secret) {
    if (!secret.empty()) {
      EXPECT_THAT(logs.text(), Not(HasSubstr(secret)));
    }
  }

  sandbox::Credentials creds;
  log::Capture logs;
};

TEST_F(TikTokFlowTest, UnknownLoginFlowIsAConfigError) {
  plugin::Instance::Settings s;
  s.connection = "bad_flow";
  s.values = {{"app_id", creds.tiktok_app_id}, {"login_flow", "creator"}};
  s.secret = [](std::string_view) { return std::optional<std::string>("x"); };
  auto [i, err] = plugin::Instance::create(plugin, std::move(s));
  ASSERT_TRUE(err);
  EXPECT_EQ(err->category, CH_ERROR_CONFIG);
  EXPECT_THAT(err->message, HasSubstr("login_kit, advertiser, business"));
}

TEST_F(TikTokFlowTest, AdvertiserAuthorizeUrlIsThePortalWithoutPkce) {
  auto inst = flow("advertiser");
  ASSERT_TRUE(inst);
  auto text = url(*inst, "adv-1", {"user.info.basic"}, "0123456789abcdef");
  auto u = boost::urls::parse_uri(text);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->path(), "/portal/auth");
  auto q = query_of(text);
  EXPECT_EQ(q["app_id"], creds.tiktok_app_id);
  EXPECT_EQ(q["state"], "adv-1");
  EXPECT_EQ(q["redirect_uri"], kRedirect);
  EXPECT_EQ(q.count("code_challenge"), 0u);
  EXPECT_EQ(q.count("scope"), 0u);
  EXPECT_EQ(q.count("client_key"), 0u);
}

TEST_F(TikTokFlowTest, AdvertiserWholeFlow) {
  auto inst = flow("advertiser");
  ASSERT_TRUE(inst);
  auto cb = callback(url(*inst, "adv-flow"));
  ASSERT_EQ(cb["state"], "adv-flow");
  ASSERT_FALSE(cb["auth_code"].empty());
  EXPECT_EQ(cb["code"], cb["auth_code"]);

  auto t = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  ASSERT_FALSE(t.error) << t.error->to_string();
  EXPECT_FALSE(t.token.access_token.empty());
  EXPECT_EQ(t.token.platform_user_id, kAdvertisers);
  EXPECT_EQ(t.token.extras["advertiser_ids"], kAdvertisers);
  EXPECT_FALSE(t.token.expires_in);  // long-term (§1.4)
  EXPECT_FALSE(t.token.refresh_expires_in);
  EXPECT_TRUE(t.token.refresh_token.empty());
  EXPECT_EQ(t.token.scope, "1,2,3,4,5,6,7,8,9,10,11,12");

  // A code works once.
  auto reused = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  ASSERT_TRUE(reused.error);
  EXPECT_EQ(reused.error->category, CH_ERROR_AUTH) << reused.error->to_string();
  EXPECT_THAT(reused.error->message, HasSubstr("re-authorize"));
  EXPECT_THAT(reused.error->message, Not(HasSubstr(cb["code"])));

  auto user = inst->user_info({{}, {}, {}, {}, t.token.access_token});
  ASSERT_FALSE(user.error) << user.error->to_string();
  EXPECT_EQ(user.user.platform_user_id, kAdvertisers);
  EXPECT_FALSE(user.user.display_name.empty());
  EXPECT_THAT(user.user.display_name, HasSubstr(", "));

  auto refresh = inst->refresh({{}, {}, {}, "anything", t.token.access_token});
  ASSERT_TRUE(refresh.error);
  EXPECT_EQ(refresh.error->category, CH_ERROR_AUTH);
  EXPECT_THAT(refresh.error->message, HasSubstr("re-authorize"));

  ASSERT_FALSE(inst->revoke({{}, {}, {}, {}, t.token.access_token}));
  auto gone = inst->user_info({{}, {}, {}, {}, t.token.access_token});
  ASSERT_TRUE(gone.error);
  EXPECT_EQ(gone.error->category, CH_ERROR_AUTH) << gone.error->to_string();
  EXPECT_THAT(gone.error->message, HasSubstr("re-authorize"));

  expect_not_logged(t.token.access_token);
  expect_not_logged(creds.tiktok_app_secret);
}

TEST_F(TikTokFlowTest, AdvertiserWrongSecretIsAConfigError) {
  auto good = flow("advertiser");
  auto cb = callback(url(*good, "adv-secret"));
  auto bad = make({{"base_url", sandbox->base_url()},
                   {"app_id", creds.tiktok_app_id},
                   {"login_flow", "advertiser"}},
                  {{"app_secret", "not-the-secret"}});
  ASSERT_TRUE(bad);
  auto out = bad->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_CONFIG) << out.error->to_string();
  EXPECT_THAT(out.error->message, HasSubstr("40101"));
}

TEST_F(TikTokFlowTest, AdvertiserServerErrorsAndRateLimitsMapToCategories) {
  auto inst = flow("advertiser");
  auto cb = callback(url(*inst, "adv-faults"));
  sandbox->add_faults(
      R"({"platform":"tiktok","endpoint":"oauth2/access_token","kind":"server_error","times":1})");
  auto e5 = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  ASSERT_TRUE(e5.error);
  EXPECT_EQ(e5.error->category, CH_ERROR_TRANSIENT) << e5.error->to_string();
  sandbox->add_faults(
      R"({"platform":"tiktok","endpoint":"oauth2/access_token","kind":"rate_limit","times":1})");
  auto q = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  ASSERT_TRUE(q.error);
  EXPECT_EQ(q.error->category, CH_ERROR_QUOTA) << q.error->to_string();
  // Neither burnt the code.
  auto ok = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  EXPECT_FALSE(ok.error) << ok.error->to_string();
}

TEST_F(TikTokFlowTest, BusinessAuthorizeUrlUsesTheAppIdAsClientKey) {
  auto inst = flow("business");
  ASSERT_TRUE(inst);
  auto text = url(*inst, "biz-1");
  auto u = boost::urls::parse_uri(text);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->path(), "/v2/auth/authorize/");
  auto q = query_of(text);
  EXPECT_EQ(q["client_key"], creds.tiktok_app_id);
  EXPECT_EQ(q["scope"], tiktok::business::kDefaultScope);
  EXPECT_EQ(q["response_type"], "code");
  EXPECT_EQ(q["redirect_uri"], kRedirect);
  EXPECT_EQ(q["state"], "biz-1");
  EXPECT_EQ(query_of(url(*inst, "biz-2", {"user.info.basic", "message.list.read"}))["scope"],
            "user.info.basic,message.list.read");
}

TEST_F(TikTokFlowTest, BusinessWholeFlow) {
  auto inst = flow("business");
  ASSERT_TRUE(inst);
  auto cb = callback(url(*inst, "biz-flow"));
  ASSERT_EQ(cb["state"], "biz-flow");
  ASSERT_FALSE(cb["code"].empty());

  auto t = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  ASSERT_FALSE(t.error) << t.error->to_string();
  EXPECT_THAT(t.token.access_token, StartsWith("act."));
  EXPECT_THAT(t.token.refresh_token, StartsWith("rft."));
  EXPECT_EQ(t.token.expires_in, 86400);
  EXPECT_EQ(t.token.refresh_expires_in, 31536000);
  EXPECT_EQ(t.token.scope, tiktok::business::kDefaultScope);
  EXPECT_FALSE(t.token.platform_user_id.empty());

  auto reused = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  ASSERT_TRUE(reused.error);
  EXPECT_EQ(reused.error->category, CH_ERROR_AUTH) << reused.error->to_string();

  auto user = inst->user_info({{}, {}, {}, {}, t.token.access_token});
  ASSERT_FALSE(user.error) << user.error->to_string();
  EXPECT_EQ(user.user.platform_user_id, t.token.platform_user_id);
  EXPECT_EQ(user.user.display_name, "Acme Store");  // acme.store, the page's first account
  EXPECT_EQ(user.user.extras["username"], "acme.store");
  EXPECT_FALSE(user.user.avatar_url.empty());

  // §3.1: refresh gives a new access token and returns the same refresh token.
  auto r = inst->refresh({{}, {}, {}, t.token.refresh_token, {}});
  ASSERT_FALSE(r.error) << r.error->to_string();
  EXPECT_NE(r.token.access_token, t.token.access_token);
  EXPECT_EQ(r.token.refresh_token, t.token.refresh_token);
  EXPECT_EQ(r.token.platform_user_id, t.token.platform_user_id);
  EXPECT_EQ(r.token.expires_in, 86400);
  auto again = inst->user_info({{}, {}, {}, {}, r.token.access_token});
  ASSERT_FALSE(again.error) << again.error->to_string();

  // Revocation ends every token of the account for the app, the refresh token included.
  ASSERT_FALSE(inst->revoke({{}, {}, {}, {}, r.token.access_token}));
  auto gone = inst->user_info({{}, {}, {}, {}, r.token.access_token});
  ASSERT_TRUE(gone.error);
  EXPECT_EQ(gone.error->category, CH_ERROR_AUTH) << gone.error->to_string();
  auto dead = inst->refresh({{}, {}, {}, t.token.refresh_token, {}});
  ASSERT_TRUE(dead.error);
  EXPECT_EQ(dead.error->category, CH_ERROR_AUTH) << dead.error->to_string();
  EXPECT_THAT(dead.error->message, HasSubstr("re-authorize"));

  for (const auto* s : {&t.token.access_token, &t.token.refresh_token, &r.token.access_token})
    expect_not_logged(*s);
  expect_not_logged(creds.tiktok_app_secret);
}

TEST_F(TikTokFlowTest, BusinessRevokedRefreshTokenIsAuth) {
  auto inst = flow("business");
  auto cb = callback(url(*inst, "biz-rev"));
  auto t = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  ASSERT_FALSE(t.error) << t.error->to_string();
  sandbox_revoke(t.token.refresh_token);
  auto r = inst->refresh({{}, {}, {}, t.token.refresh_token, {}});
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_AUTH) << r.error->to_string();
  EXPECT_THAT(r.error->message, HasSubstr("re-authorize"));
  EXPECT_THAT(r.error->message, Not(HasSubstr(t.token.refresh_token)));
  auto unknown = inst->refresh({{}, {}, {}, "rft.not-a-token", {}});
  ASSERT_TRUE(unknown.error);
  EXPECT_EQ(unknown.error->category, CH_ERROR_AUTH);
}

TEST_F(TikTokFlowTest, BusinessRedirectMismatchIsRefused) {
  auto inst = flow("business");
  auto cb = callback(url(*inst, "biz-redirect"));
  auto out = inst->exchange_code({cb["code"], "http://127.0.0.1:9001/other", {}, {}, {}});
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_CONFIG) << out.error->to_string();
}

// --- the pure builders and readers -------------------------------------------------------------

namespace tt = connhost::tiktok;

tt::Api api() {
  return tt::Api::make("https://business-api.tiktok.com", "v1.3");
}

template <class F>
connhost::Error caught(F&& f) {
  try {
    f();
  } catch (const connhost::Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error thrown";
  return connhost::Error::data("no error thrown");
}

TEST(TikTokAdvertiserAuth, RequestsCarryTheAppCredentialsInAJsonBody) {
  auto r = tt::advertiser::access_token_request(api(), "7000", "s3cret", "c*0!");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://business-api.tiktok.com/open_api/v1.3/oauth2/access_token/");
  EXPECT_EQ(boost::json::parse(r.body),
            boost::json::parse(R"({"app_id":"7000","secret":"s3cret","auth_code":"c*0!"})"));
  auto v = tt::advertiser::revoke_request(api(), "7000", "s3cret", "tok");
  EXPECT_EQ(v.url, "https://business-api.tiktok.com/open_api/v1.3/oauth2/revoke_token/");
  EXPECT_EQ(boost::json::parse(v.body),
            boost::json::parse(R"({"app_id":"7000","secret":"s3cret","access_token":"tok"})"));
  EXPECT_EQ(tt::advertiser::authorize_url("https://x.test/portal/auth", "7000", "http://l/cb", "s"),
            "https://x.test/portal/auth?app_id=7000&state=s&redirect_uri=http%3A%2F%2Fl%2Fcb");
}

TEST(TikTokAdvertiserAuth, ParsesTheGrant) {
  auto g = tt::advertiser::parse_access_token(
      200,
      R"({"code":0,"message":"OK","request_id":"r1","data":{"access_token":"abc",
          "advertiser_ids":["72","71","72"],"scope":[4,5,6]}})",
      std::nullopt, {}, 0);
  EXPECT_EQ(g.access_token, "abc");
  EXPECT_EQ(g.advertiser_ids, (std::vector<std::string>{"71", "72"}));
  EXPECT_EQ(g.scope, "4,5,6");
}

TEST(TikTokAdvertiserAuth, EnvelopeErrorsMapToCategories) {
  auto body = [](int code, std::string msg) {
    return R"({"code":)" + std::to_string(code) + R"(,"message":")" + msg +
           R"(","request_id":"r2","data":{}})";
  };
  auto used = caught([&] {
    tt::advertiser::parse_access_token(200, body(40110, "Auth code c*0! is invalid."), {}, {"c*0!"},
                                       0);
  });
  EXPECT_EQ(used.category(), connhost::ErrorCategory::auth);
  EXPECT_THAT(used.what(), HasSubstr("re-authorize"));
  EXPECT_THAT(used.what(), Not(HasSubstr("c*0!")));
  EXPECT_THAT(used.what(), HasSubstr("r2"));
  auto client =
      caught([&] { tt::advertiser::parse_access_token(200, body(40101, "bad app"), {}, {}, 0); });
  EXPECT_EQ(client.category(), connhost::ErrorCategory::config);
  auto revoked =
      caught([&] { tt::advertiser::parse_advertisers(200, body(40105, "revoked"), {}, {}, 0); });
  EXPECT_EQ(revoked.category(), connhost::ErrorCategory::auth);
  auto empty =
      caught([&] { tt::advertiser::parse_advertisers(200, body(40104, "null"), {}, {}, 0); });
  EXPECT_EQ(empty.category(), connhost::ErrorCategory::auth);
  auto busy =
      caught([&] { tt::advertiser::parse_access_token(200, body(40100, "too many"), {}, {}, 0); });
  EXPECT_EQ(busy.category(), connhost::ErrorCategory::quota);
  auto down = caught([&] { tt::advertiser::parse_access_token(502, "<html>", {}, {}, 0); });
  EXPECT_EQ(down.category(), connhost::ErrorCategory::transient);
  auto junk = caught([&] { tt::advertiser::parse_access_token(200, "not json", {}, {}, 0); });
  EXPECT_EQ(junk.category(), connhost::ErrorCategory::data);
  auto no_ids = caught([&] {
    tt::advertiser::parse_access_token(
        200, R"({"code":0,"message":"OK","request_id":"r","data":{"access_token":"a"}})", {}, {},
        0);
  });
  EXPECT_EQ(no_ids.category(), connhost::ErrorCategory::data);
  EXPECT_THAT(no_ids.what(), Not(HasSubstr("\"a\"")));
}

TEST(TikTokAdvertiserAuth, AdvertisersAreSortedAndJoined) {
  auto a = tt::advertiser::parse_advertisers(
      200,
      R"({"code":0,"message":"OK","request_id":"r","data":{"list":[
          {"advertiser_id":"72","advertiser_name":"B"},{"advertiser_id":"71","advertiser_name":"A"}]}})",
      std::nullopt, {}, 0);
  EXPECT_EQ(a.ids, "71,72");
  EXPECT_EQ(a.names, "A, B");
}

TEST(TikTokBusinessAuth, RequestsFollowTheTtUserShapes) {
  auto t = tt::business::token_request(api(), "7000", "s3cret", "c*0!", "http://l/cb");
  EXPECT_EQ(t.url, "https://business-api.tiktok.com/open_api/v1.3/tt_user/oauth2/token/");
  EXPECT_EQ(boost::json::parse(t.body), boost::json::parse(R"({"client_id":"7000",
      "client_secret":"s3cret","grant_type":"authorization_code","auth_code":"c*0!",
      "redirect_uri":"http://l/cb"})"));
  auto r = tt::business::refresh_request(api(), "7000", "s3cret", "rft.1");
  EXPECT_EQ(r.url, "https://business-api.tiktok.com/open_api/v1.3/tt_user/oauth2/refresh_token/");
  EXPECT_EQ(boost::json::parse(r.body), boost::json::parse(R"({"client_id":"7000",
      "client_secret":"s3cret","grant_type":"refresh_token","refresh_token":"rft.1"})"));
  auto v = tt::business::revoke_request(api(), "7000", "s3cret", "act.1");
  EXPECT_EQ(v.url, "https://business-api.tiktok.com/open_api/v1.3/tt_user/oauth2/revoke/");
  auto i = tt::business::token_info_request(api(), "7000", "act.1");
  EXPECT_EQ(boost::json::parse(i.body),
            boost::json::parse(R"({"app_id":"7000","access_token":"act.1"})"));
  auto g = tt::business::business_get_request(api(), "-0001", "act.1");
  EXPECT_EQ(g.method, "GET");
  auto q = query_of(g.url);
  EXPECT_EQ(q["business_id"], "-0001");
  EXPECT_EQ(q["fields"], R"(["display_name","profile_image","username"])");
  EXPECT_THAT(g.url, Not(HasSubstr("act.1")));
}

TEST(TikTokBusinessAuth, ParsesTheTokenWithItsOwnFieldNames) {
  auto t = tt::business::parse_token(
      tt::business::kToken, 200,
      R"({"code":0,"message":"OK","request_id":"r","data":{"access_token":"act.1",
          "token_type":"Bearer","expires_in":86400,"refresh_token":"rft.1",
          "refresh_token_expires_in":31536000,"open_id":"-0001","scope":"user.info.basic,x"}})",
      std::nullopt, {}, 0);
  EXPECT_EQ(t.access_token, "act.1");
  EXPECT_EQ(t.refresh_token, "rft.1");
  EXPECT_EQ(t.expires_in, 86400);
  EXPECT_EQ(t.refresh_expires_in, 31536000);
  EXPECT_EQ(t.open_id, "-0001");
  EXPECT_EQ(t.scope, "user.info.basic,x");
  EXPECT_EQ(t.token_type, "Bearer");
}

TEST(TikTokBusinessAuth, RefreshErrorsSayToReauthorize) {
  for (int code : {40107, 40103, 40110}) {
    auto e = caught([&] {
      tt::business::parse_token(
          tt::business::kRefreshToken, 200,
          R"({"code":)" + std::to_string(code) +
              R"(,"message":"Invalid refresh token rft.9.","request_id":"r","data":{}})",
          std::nullopt, {"rft.9"}, 0);
    });
    EXPECT_EQ(e.category(), connhost::ErrorCategory::auth) << code;
    EXPECT_THAT(e.what(), HasSubstr("re-authorize"));
    EXPECT_THAT(e.what(), Not(HasSubstr("rft.9")));
  }
  auto no_open_id = caught([&] {
    tt::business::parse_token(
        tt::business::kToken, 200,
        R"({"code":0,"message":"OK","request_id":"r","data":{"access_token":"act.1"}})",
        std::nullopt, {}, 0);
  });
  EXPECT_EQ(no_open_id.category(), connhost::ErrorCategory::data);
}

TEST(TikTokBusinessAuth, TokenInfoAndProfile) {
  EXPECT_EQ(tt::business::parse_token_info(
                200,
                R"({"code":0,"message":"OK","request_id":"r","data":{"app_id":"7000",
                    "scope":"user.info.basic","creator_id":"-0001"}})",
                std::nullopt, {}, 0),
            "-0001");
  auto p = tt::business::parse_business(
      200,
      R"({"code":0,"message":"OK","request_id":"r","data":{"display_name":"Acme",
          "username":"acme","profile_image":"https://cdn/x.jpg"}})",
      std::nullopt, {}, 0);
  EXPECT_EQ(p.display_name, "Acme");
  EXPECT_EQ(p.username, "acme");
  EXPECT_EQ(p.profile_image, "https://cdn/x.jpg");
  auto scope = caught([&] {
    tt::business::parse_business(
        200, R"({"code":40001,"message":"No permission","request_id":"r","data":{}})", std::nullopt,
        {}, 0);
  });
  EXPECT_EQ(scope.category(), connhost::ErrorCategory::config);
  auto revoked = caught([&] {
    tt::business::parse_token_info(
        200, R"({"code":40105,"message":"revoked","request_id":"r","data":{}})", std::nullopt, {},
        0);
  });
  EXPECT_EQ(revoked.category(), connhost::ErrorCategory::auth);
}

}  // namespace
}  // namespace connhost::testing
