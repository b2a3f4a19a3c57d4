// The three TikTok OAuth flows end to end, with their failure answers: advertiser authorization
// (tiktok.md §1.4), Login Kit v2 with TikTok's hex PKCE (§2.1-§2.4), and TikTok-account tokens
// on the Business API (§3.1).
#include <set>

#include "tiktok_test_util.hpp"

namespace connhost::sandbox::testing {
namespace {

class TikTokOAuth : public TikTokTest {
 protected:
  const std::string redirect = "http://127.0.0.1:8123/callback";
  const std::string verifier = "sandbox-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";

  std::string advertiser_code() {
    auto r = get("/portal/auth" + query({{"app_id", kAppId},
                                         {"state", "s-1"},
                                         {"redirect_uri", redirect},
                                         {"sandbox_auto", "1"}}));
    EXPECT_EQ(r.status, 302);
    auto p = location_params(r);
    EXPECT_EQ(p["state"], "s-1");
    EXPECT_EQ(p["auth_code"], p["code"]);  // both carry the code (notes §1.4)
    return p["auth_code"];
  }
  ClientResponse exchange(const std::string& code, const std::string& secret = kAppSecret) {
    return v13_post("oauth2/access_token/",
                    {{"app_id", kAppId}, {"secret", secret}, {"auth_code", code}});
  }

  ClientResponse authorize(Params extra) {
    Params p{{"client_key", kClientKey},
             {"scope", "user.info.basic,user.info.profile"},
             {"response_type", "code"},
             {"redirect_uri", redirect},
             {"state", "st-9"},
             {"code_challenge", openssl_sha256_hex(verifier)},
             {"code_challenge_method", "S256"},
             {"sandbox_auto", "1"}};
    for (auto& e : extra) {
      bool replaced = false;
      for (auto& [k, v] : p)
        if (k == e.first) v = e.second, replaced = true;
      if (!replaced) p.push_back(e);
    }
    return get("/v2/auth/authorize/" + query(p));
  }
  std::string login_code(Params extra = {}) {
    auto r = authorize(std::move(extra));
    EXPECT_EQ(r.status, 302) << r.body;
    auto p = location_params(r);
    EXPECT_EQ(p["state"], "st-9");
    EXPECT_EQ(p["scopes"], "user.info.basic,user.info.profile");
    return p["code"];
  }
  ClientResponse token(const Params& form) {
    std::string body = query(form).substr(1);
    return post("/v2/oauth/token/", body, "application/x-www-form-urlencoded");
  }
  Params code_form(const std::string& code) {
    return {{"client_key", kClientKey},
            {"client_secret", kClientSecret},
            {"code", code},
            {"grant_type", "authorization_code"},
            {"redirect_uri", redirect},
            {"code_verifier", verifier}};
  }
  std::string oauth_error(const ClientResponse& r) {
    auto o = obj(r);
    EXPECT_TRUE(o.at("error_description").is_string());
    EXPECT_TRUE(o.at("log_id").is_string());
    return s_of(o, "error");
  }
};

TEST_F(TikTokOAuth, AdvertiserFlowEndToEnd) {
  // The consent page itself links to the same callback.
  auto page =
      get("/portal/auth" + query({{"app_id", kAppId}, {"state", "x"}, {"redirect_uri", redirect}}));
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("id=\"authorize\""), std::string::npos);
  EXPECT_NE(page.body.find("auth_code="), std::string::npos);

  auto data = data_of(exchange(advertiser_code()));
  std::string token = s_of(data, "access_token");
  std::set<std::string> ids;
  for (const auto& v : data.at("advertiser_ids").as_array()) ids.insert(std::string(v.as_string()));
  EXPECT_EQ(ids, std::set<std::string>(advertisers.begin(), advertisers.end()));
  ASSERT_FALSE(data.at("scope").as_array().empty());
  for (const auto& s : data.at("scope").as_array()) EXPECT_TRUE(s.is_int64());  // integer ids
  EXPECT_FALSE(data.contains("refresh_token"));                                 // long-term token

  auto use = [&] {
    return code_of(
        v13_get("advertiser/info/", {{"advertiser_ids", "[\"" + advertisers[0] + "\"]"}}, token));
  };
  EXPECT_EQ(use(), 0);
  // No timed expiry: a year later it still works.
  post("/_sandbox/clock?offset_s=31536000", "");
  EXPECT_EQ(use(), 0);
  post("/_sandbox/clock?offset_s=0", "");

  auto revoked =
      data_of(v13_post("oauth2/revoke_token/",
                       {{"app_id", kAppId}, {"secret", kAppSecret}, {"access_token", token}}));
  EXPECT_EQ(s_of(revoked, "app_id"), kAppId);
  EXPECT_EQ(revoked.at("advertiser_ids").as_array().size(), advertisers.size());
  EXPECT_EQ(use(), 40105);
}

TEST_F(TikTokOAuth, AdvertiserCodeFailures) {
  std::string code = advertiser_code();
  EXPECT_EQ(code_of(exchange(code, "wrong-secret")), 40101);
  EXPECT_EQ(code_of(exchange(code)), 0);
  EXPECT_EQ(code_of(exchange(code)), 40110);  // single use
  EXPECT_EQ(code_of(exchange("made-up")), 40110);
  std::string late = advertiser_code();
  post("/_sandbox/clock?offset_s=3601", "");  // codes live one hour
  EXPECT_EQ(code_of(exchange(late)), 40110);
  post("/_sandbox/clock?offset_s=0", "");
  EXPECT_EQ(code_of(v13_post("oauth2/access_token/", {{"app_id", kAppId}, {"secret", kAppSecret}})),
            40002);
  auto bad_app = get("/portal/auth" + query({{"app_id", "42"}, {"redirect_uri", redirect}}));
  EXPECT_EQ(bad_app.status, 400);
}

TEST_F(TikTokOAuth, LoginKitFlowEndToEnd) {
  auto r = token(code_form(login_code()));
  ASSERT_EQ(r.status, 200) << r.body;
  auto t = obj(r);  // flat: no data/error wrapper
  EXPECT_FALSE(t.contains("data"));
  EXPECT_EQ(s_of(t, "access_token").rfind("act.", 0), 0u);
  EXPECT_EQ(s_of(t, "refresh_token").rfind("rft.", 0), 0u);
  EXPECT_EQ(t.at("expires_in").as_int64(), 86400);
  EXPECT_EQ(t.at("refresh_expires_in").as_int64(), 31536000);
  EXPECT_EQ(s_of(t, "token_type"), "Bearer");
  EXPECT_EQ(s_of(t, "scope"), "user.info.basic,user.info.profile");
  std::string open_id = s_of(t, "open_id");

  auto info = [&](const std::string& access, const std::string& fields) {
    return get("/v2/user/info/?fields=" + fields, {{"Authorization", "Bearer " + access}});
  };
  auto ok = info(s_of(t, "access_token"), "open_id,display_name,is_verified,avatar_url");
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto body = obj(ok);
  const auto& user = body.at("data").at("user").as_object();
  EXPECT_EQ(user.size(), 4u);
  EXPECT_EQ(s_of(user, "open_id"), open_id);
  EXPECT_TRUE(user.at("is_verified").is_bool());
  EXPECT_EQ(s_of(body.at("error"), "code"), "ok");
  EXPECT_TRUE(body.at("error").as_object().at("log_id").is_string());

  auto denied = info(s_of(t, "access_token"), "follower_count");  // user.info.stats not granted
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(s_of(obj(denied).at("error"), "code"), "scope_not_authorized");
  auto unknown = info(s_of(t, "access_token"), "shoe_size");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(s_of(obj(unknown).at("error"), "code"), "invalid_params");
  auto anonymous = get("/v2/user/info/?fields=open_id");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(s_of(obj(anonymous).at("error"), "code"), "access_token_invalid");

  // Refresh tokens rotate: the old one stops working.
  auto refreshed = token({{"client_key", kClientKey},
                          {"client_secret", kClientSecret},
                          {"grant_type", "refresh_token"},
                          {"refresh_token", s_of(t, "refresh_token")}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  auto t2 = obj(refreshed);
  EXPECT_NE(s_of(t2, "refresh_token"), s_of(t, "refresh_token"));
  EXPECT_EQ(s_of(t2, "open_id"), open_id);
  auto again = token({{"client_key", kClientKey},
                      {"client_secret", kClientSecret},
                      {"grant_type", "refresh_token"},
                      {"refresh_token", s_of(t, "refresh_token")}});
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(oauth_error(again), "invalid_grant");
  EXPECT_EQ(info(s_of(t2, "access_token"), "open_id").status, 200);

  // Revoke: empty body; the user's tokens stop working.
  auto revoke = post("/v2/oauth/revoke/",
                     query({{"client_key", kClientKey},
                            {"client_secret", kClientSecret},
                            {"token", s_of(t2, "access_token")}})
                         .substr(1),
                     "application/x-www-form-urlencoded");
  EXPECT_EQ(revoke.status, 200);
  EXPECT_TRUE(revoke.body.empty());
  EXPECT_EQ(info(s_of(t2, "access_token"), "open_id").status, 401);
  auto dead_refresh = token({{"client_key", kClientKey},
                             {"client_secret", kClientSecret},
                             {"grant_type", "refresh_token"},
                             {"refresh_token", s_of(t2, "refresh_token")}});
  EXPECT_EQ(oauth_error(dead_refresh), "invalid_grant");
}

TEST_F(TikTokOAuth, LoginKitFailures) {
  // Bad secret.
  auto form = code_form(login_code());
  form[1].second = "wrong";
  auto bad = token(form);
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(oauth_error(bad), "invalid_client");

  // Wrong redirect_uri.
  form = code_form(login_code());
  form[4].second = "http://127.0.0.1:8123/other";
  EXPECT_EQ(oauth_error(token(form)), "invalid_grant");

  // PKCE mismatch, and the RFC 7636 base64url challenge TikTok does not use.
  form = code_form(login_code());
  form[5].second = verifier + "-other";
  EXPECT_EQ(oauth_error(token(form)), "invalid_grant");
  auto b64_code = login_code({{"code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}});
  EXPECT_EQ(oauth_error(token(code_form(b64_code))), "invalid_grant");

  // Reused and expired codes.
  std::string code = login_code();
  EXPECT_EQ(token(code_form(code)).status, 200);
  EXPECT_EQ(oauth_error(token(code_form(code))), "invalid_grant");
  std::string late = login_code();
  post("/_sandbox/clock?offset_s=601", "");
  EXPECT_EQ(oauth_error(token(code_form(late))), "invalid_grant");
  post("/_sandbox/clock?offset_s=0", "");

  // Form encoding only; and grant types.
  auto json_body = post("/v2/oauth/token/", "{\"client_key\":\"x\"}", "application/json");
  EXPECT_EQ(json_body.status, 400);
  EXPECT_EQ(oauth_error(json_body), "invalid_request");
  auto grant = token(
      {{"client_key", kClientKey}, {"client_secret", kClientSecret}, {"grant_type", "password"}});
  EXPECT_EQ(oauth_error(grant), "unsupported_grant_type");
}

TEST_F(TikTokOAuth, AuthorizePageRules) {
  // Desktop (loopback) clients must send a challenge; errors go back to the redirect_uri.
  auto no_pkce = get("/v2/auth/authorize/" + query({{"client_key", kClientKey},
                                                    {"scope", "user.info.basic"},
                                                    {"response_type", "code"},
                                                    {"redirect_uri", redirect},
                                                    {"state", "z"}}));
  EXPECT_EQ(no_pkce.status, 302);
  EXPECT_EQ(location_params(no_pkce)["error"], "invalid_request");
  EXPECT_EQ(location_params(authorize({{"scope", "user.info.basic,nope"}}))["error"],
            "invalid_scope");
  EXPECT_EQ(location_params(authorize({{"response_type", "token"}}))["error"],
            "unsupported_response_type");
  EXPECT_EQ(location_params(authorize({{"sandbox_auto", "deny"}}))["error"], "access_denied");
  // A web redirect must be https; an unknown client gets an error page, not a redirect.
  EXPECT_EQ(authorize({{"redirect_uri", "http://example.com/cb"}}).status, 400);
  EXPECT_EQ(authorize({{"client_key", "nobody"}}).status, 400);
  // The page without the automatic flag shows the consent links.
  auto page = authorize({{"sandbox_auto", "0"}});
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("class=\"authorize\""), std::string::npos);
  EXPECT_NE(page.body.find("id=\"deny\""), std::string::npos);
}

TEST_F(TikTokOAuth, BusinessAccountTokens) {
  auto data = business_login("user.info.basic,message.list.read");
  EXPECT_EQ(data.at("expires_in").as_int64(), 86400);
  EXPECT_EQ(data.at("refresh_token_expires_in").as_int64(), 31536000);
  EXPECT_FALSE(data.contains("refresh_expires_in"));  // v2's name, not this API's
  EXPECT_EQ(s_of(data, "scope"), "user.info.basic,message.list.read");
  std::string business_id = s_of(data, "open_id");
  auto profile = [&](const std::string& token) {
    return v13_get("business/get/", {{"business_id", business_id}}, token);
  };
  EXPECT_EQ(code_of(profile(s_of(data, "access_token"))), 0);

  auto refreshed = data_of(
      v13_post("tt_user/oauth2/refresh_token/", {{"client_id", kAppId},
                                                 {"client_secret", kAppSecret},
                                                 {"grant_type", "refresh_token"},
                                                 {"refresh_token", s_of(data, "refresh_token")}}));
  EXPECT_NE(s_of(refreshed, "access_token"), s_of(data, "access_token"));
  EXPECT_EQ(s_of(refreshed, "open_id"), business_id);
  EXPECT_EQ(code_of(v13_post("tt_user/oauth2/refresh_token/", {{"client_id", kAppId},
                                                               {"client_secret", kAppSecret},
                                                               {"grant_type", "refresh_token"},
                                                               {"refresh_token", kAdvToken}})),
            40107);
  EXPECT_EQ(code_of(v13_post("tt_user/oauth2/refresh_token/",
                             {{"client_id", kAppId},
                              {"client_secret", kAppSecret},
                              {"grant_type", "authorization_code"},
                              {"refresh_token", s_of(data, "refresh_token")}})),
            40108);
  // The advertiser token is no TikTok-account token, and vice versa.
  auto info =
      data_of(v13_post("tt_user/token_info/get/",
                       {{"app_id", kAppId}, {"access_token", s_of(refreshed, "access_token")}}));
  EXPECT_EQ(s_of(info, "creator_id"), business_id);
  EXPECT_EQ(s_of(info, "scope"), "user.info.basic,message.list.read");
  EXPECT_EQ(code_of(profile(kAdvToken)), 40105);
  EXPECT_EQ(code_of(v13_get("campaign/get/", {{"advertiser_id", advertisers[0]}},
                            s_of(refreshed, "access_token"))),
            40105);

  EXPECT_EQ(code_of(v13_post("tt_user/oauth2/revoke/",
                             {{"client_id", kAppId},
                              {"client_secret", kAppSecret},
                              {"access_token", s_of(refreshed, "access_token")}})),
            0);
  EXPECT_EQ(code_of(profile(s_of(refreshed, "access_token"))), 40105);
  EXPECT_EQ(code_of(profile(s_of(data, "access_token"))), 40105);
}

}  // namespace
}  // namespace connhost::sandbox::testing
