// Facebook Login end to end (§2): dialog, code exchange and its failures, long-lived exchange,
// app tokens, debug_token, /me, permissions.
#include <boost/url.hpp>

#include "meta_test_util.hpp"

namespace connhost::sandbox::testing {
namespace {

class MetaOAuth : public MetaTest {
 protected:
  const std::string redirect = "http://127.0.0.1:9/callback";

  std::string dialog_url(const std::string& extra, const std::string& response_type = "code") {
    return "/v26.0/dialog/oauth?client_id=" + std::string(kAppId) +
           "&redirect_uri=" + boost::urls::encode(redirect, boost::urls::unreserved_chars) +
           "&state=st%2Fate-1&response_type=" + response_type + "&scope=ads_read,email" + extra;
  }
  // The query parameters of a redirect's Location.
  std::map<std::string, std::string> location_params(const ClientResponse& r) {
    auto loc = std::string(r.header("Location").value_or(""));
    auto u = boost::urls::parse_uri(loc);
    std::map<std::string, std::string> out;
    for (auto p : u->params()) out[p.key] = p.value;
    return out;
  }
  std::string code(const std::string& extra = "") {
    auto r = get(dialog_url("&sandbox_decision=allow" + extra));
    EXPECT_EQ(r.status, 302);
    return location_params(r)["code"];
  }
  ClientResponse exchange(const std::string& c, const std::string& redirect_uri,
                          const std::string& secret = kAppSecret, const std::string& extra = "") {
    return get("/v26.0/oauth/access_token?client_id=" + std::string(kAppId) +
               "&redirect_uri=" + boost::urls::encode(redirect_uri, boost::urls::unreserved_chars) +
               "&client_secret=" + secret + "&code=" + c + extra);
  }
};

TEST_F(MetaOAuth, DialogShowsConsentPageWithAllowAndDenyLinks) {
  auto r = get(dialog_url(""));
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(std::string(r.header("Content-Type").value_or("")).find("text/html"),
            std::string::npos);
  EXPECT_NE(r.body.find("sandbox_decision=allow"), std::string::npos);
  EXPECT_NE(r.body.find("sandbox_decision=deny"), std::string::npos);
  EXPECT_NE(r.body.find("ads_read"), std::string::npos);
  // Unversioned path works too; a wrong app id is refused.
  EXPECT_EQ(get("/dialog/oauth?client_id=1&redirect_uri=http%3A%2F%2Fx").status, 400);
}

TEST_F(MetaOAuth, AllowRedirectsWithCodeAndStateAndTheFragment) {
  auto r = get(dialog_url("&sandbox_decision=allow"));
  ASSERT_EQ(r.status, 302);
  std::string loc(r.header("Location").value_or(""));
  EXPECT_EQ(loc.rfind(redirect + "?code=", 0), 0u) << loc;
  EXPECT_EQ(loc.substr(loc.size() - 4), "#_=_");
  auto p = location_params(r);
  EXPECT_EQ(p["state"], "st/ate-1");
  EXPECT_FALSE(p["code"].empty());
}

TEST_F(MetaOAuth, DenyRedirectsWithUserDenied) {
  auto r = get(dialog_url("&sandbox_decision=deny"));
  ASSERT_EQ(r.status, 302);
  auto p = location_params(r);
  EXPECT_EQ(p["error_reason"], "user_denied");
  EXPECT_EQ(p["error"], "access_denied");
  EXPECT_EQ(p["error_description"], "Permissions error");
  EXPECT_EQ(p["state"], "st/ate-1");
  EXPECT_EQ(p.count("code"), 0u);
}

TEST_F(MetaOAuth, CodeExchangeGivesAWorkingTokenOnce) {
  std::string c = code();
  auto r = exchange(c, redirect);
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = body_json(r);
  EXPECT_EQ(str(v, "token_type"), "bearer");
  EXPECT_EQ(v.at("expires_in").as_int64(), 5183944);
  std::string token = str(v, "access_token");
  auto me = graph("/me", token);
  ASSERT_EQ(me.status, 200) << me.body;
  // The code is single use.
  auto again = exchange(c, redirect);
  auto e = graph_error(again);
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.code, 100);
  EXPECT_EQ(e.message, "This authorization code has been used.");
  EXPECT_NE(std::string(again.header("WWW-Authenticate").value_or("")).find("invalid_code"),
            std::string::npos);
}

TEST_F(MetaOAuth, CodeExchangeFailures) {
  std::string c = code();
  auto wrong_redirect = graph_error(exchange(c, redirect + "/other"));
  EXPECT_EQ(wrong_redirect.code, 100);
  EXPECT_NE(wrong_redirect.message.find("redirect_uri is identical"), std::string::npos);
  auto bad_secret = graph_error(exchange(c, redirect, "nope"));
  EXPECT_EQ(bad_secret.code, 1);
  EXPECT_EQ(bad_secret.message, "Error validating client secret.");
  auto bad_code = graph_error(exchange("AQnotacode", redirect));
  EXPECT_EQ(bad_code.code, 100);
  auto bad_app =
      graph_error(get("/v26.0/oauth/access_token?client_id=42&client_secret=x&code=" + c));
  EXPECT_EQ(bad_app.code, 101);
  // The failed attempts did not burn the code: the right request still works, and only once.
  EXPECT_EQ(exchange(c, redirect).status, 200);
  // An expired code (codes live ten minutes).
  std::string late = code();
  advance_clock(601);
  auto expired = graph_error(exchange(late, redirect));
  EXPECT_EQ(expired.code, 100);
  EXPECT_EQ(expired.message, "This authorization code has expired.");
}

TEST_F(MetaOAuth, PkceS256MustMatch) {
  std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  std::string challenge = openssl_sha256_b64url(verifier);
  std::string c1 = code("&code_challenge=" + challenge + "&code_challenge_method=S256");
  auto bad = graph_error(exchange(c1, redirect, kAppSecret, "&code_verifier=wrong-verifier"));
  EXPECT_EQ(bad.code, 100);
  auto missing = graph_error(exchange(c1, redirect));
  EXPECT_EQ(missing.code, 100);
  auto ok = exchange(c1, redirect, kAppSecret, "&code_verifier=" + verifier);
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(MetaOAuth, ExchangeForLongLivedAndClientCredentials) {
  // A short-lived token from the client-side flow, then the §2.3 exchange.
  auto r = get(dialog_url("&sandbox_decision=allow", "token"));
  ASSERT_EQ(r.status, 302);
  std::string loc(r.header("Location").value_or(""));
  auto frag = loc.substr(loc.find('#') + 1);
  auto at = frag.find("access_token=");
  ASSERT_NE(at, std::string::npos) << loc;
  std::string short_token = frag.substr(at + 13, frag.find('&', at) - at - 13);
  auto ll = get(
      "/v26.0/oauth/access_token?grant_type=fb_exchange_token&client_id=" + std::string(kAppId) +
      "&client_secret=" + kAppSecret + "&fb_exchange_token=" + short_token);
  ASSERT_EQ(ll.status, 200) << ll.body;
  auto v = body_json(ll);
  EXPECT_EQ(v.at("expires_in").as_int64(), 5183944);
  EXPECT_NE(str(v, "access_token"), short_token);
  // An expired short-lived token cannot be exchanged.
  advance_clock(7300);
  auto late = graph_error(get(
      "/v26.0/oauth/access_token?grant_type=fb_exchange_token&client_id=" + std::string(kAppId) +
      "&client_secret=" + kAppSecret + "&fb_exchange_token=" + short_token));
  EXPECT_EQ(late.code, 190);
  EXPECT_EQ(late.subcode, 463);

  auto app = get("/v26.0/oauth/access_token?grant_type=client_credentials&client_id=" +
                 std::string(kAppId) + "&client_secret=" + kAppSecret);
  ASSERT_EQ(app.status, 200);
  std::string app_token = str(body_json(app), "access_token");
  EXPECT_EQ(app_token.rfind(std::string(kAppId) + "|", 0), 0u);
  auto dbg = graph(
      "/debug_token?input_token=" + boost::urls::encode(app_token, boost::urls::unreserved_chars),
      std::string(kAppId) + "%7C" + kAppSecret);
  EXPECT_EQ(str(body_json(dbg).at("data"), "type"), "APP");
}

TEST_F(MetaOAuth, DebugTokenShapes) {
  std::string app = std::string(kAppId) + "%7C" + kAppSecret;
  auto r = get("/v26.0/debug_token?input_token=" + std::string(kToken) + "&access_token=" + app);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = body_json(r).at("data").as_object();
  EXPECT_EQ(d.at("app_id").as_string(), kAppId);
  EXPECT_EQ(d.at("type").as_string(), "USER");
  EXPECT_TRUE(d.at("is_valid").as_bool());
  EXPECT_TRUE(d.at("expires_at").is_int64());
  EXPECT_TRUE(d.at("issued_at").is_int64());
  EXPECT_TRUE(d.at("application").is_string());
  EXPECT_TRUE(d.at("user_id").is_string());
  bool ads_read = false;
  for (const auto& s : d.at("scopes").as_array()) ads_read |= s.as_string() == "ads_read";
  EXPECT_TRUE(ads_read);
  ASSERT_FALSE(d.at("granular_scopes").as_array().empty());
  EXPECT_TRUE(d.at("granular_scopes").as_array()[0].as_object().contains("scope"));

  auto bad = get("/v26.0/debug_token?input_token=garbage&access_token=" + app);
  ASSERT_EQ(bad.status, 200);
  auto bd = body_json(bad).at("data").as_object();
  EXPECT_FALSE(bd.at("is_valid").as_bool());
  EXPECT_EQ(bd.at("error").as_object().at("code").as_int64(), 190);

  // A top-level error means the calling token is bad.
  auto caller = graph_error(get("/v26.0/debug_token?input_token=x&access_token=garbage"));
  EXPECT_EQ(caller.code, 190);
}

TEST_F(MetaOAuth, MeReturnsOnlyIdUnlessFieldsAsk) {
  std::string token = str(body_json(exchange(code(), redirect)), "access_token");
  auto plain = body_json(graph("/me", token)).as_object();
  EXPECT_EQ(plain.size(), 1u);
  EXPECT_TRUE(plain.at("id").is_string());
  auto full = body_json(graph("/me?fields=id,name,email,picture.width(100).height(100)", token));
  const auto& o = full.as_object();
  EXPECT_EQ(o.at("id"), plain.at("id"));
  EXPECT_TRUE(o.at("name").is_string());
  EXPECT_TRUE(o.at("email").is_string());
  const auto& pic = o.at("picture").as_object().at("data").as_object();
  EXPECT_EQ(pic.at("width").as_int64(), 100);
  EXPECT_EQ(pic.at("is_silhouette").as_bool(), false);
  EXPECT_EQ(std::string(pic.at("url").as_string()).rfind("https://", 0), 0u);
  // Graph escapes '/' in bodies.
  EXPECT_NE(graph("/me?fields=picture", token).body.find("https:\\/\\/"), std::string::npos);
  auto unknown = graph_error(graph("/me?fields=shoe_size", token));
  EXPECT_EQ(unknown.code, 100);
}

TEST_F(MetaOAuth, PermissionsListAndRevoke) {
  std::string token = str(body_json(exchange(code(), redirect)), "access_token");
  auto perms = body_json(graph("/me/permissions", token));
  bool email = false;
  for (const auto& p : perms.at("data").as_array())
    if (p.at("permission").as_string() == "email") email = p.at("status").as_string() == "granted";
  EXPECT_TRUE(email);

  // Revoking one permission.
  auto one = http_request("DELETE", base + "/v26.0/me/permissions/email?access_token=" + token);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_TRUE(body_json(one).at("success").as_bool());
  auto after = body_json(graph("/me/permissions", token));
  for (const auto& p : after.at("data").as_array())
    if (p.at("permission").as_string() == "email") {
      EXPECT_EQ(p.at("status").as_string(), "declined");
    }

  // Revoking all: the token stops working with 190/458.
  auto all = http_request("DELETE", base + "/v26.0/me/permissions?access_token=" + token);
  ASSERT_EQ(all.status, 200);
  EXPECT_TRUE(body_json(all).at("success").as_bool());
  auto dead = graph("/me", token);
  auto e = graph_error(dead);
  EXPECT_EQ(e.code, 190);
  EXPECT_EQ(e.subcode, 458);
  EXPECT_NE(std::string(dead.header("WWW-Authenticate").value_or("")).find("\"invalid_token\""),
            std::string::npos);
}

}  // namespace
}  // namespace connhost::sandbox::testing
