// The Meta plugin's profile capability through plugin::Instance against the in-process sandbox:
// /me with id, name and picture, plus email when the grant lists the email scope (meta.md §2.5),
// checked against the login capability's user_info and the sandbox's own /me answer; a revoked
// token is auth.
#include <gmock/gmock.h>

#include <boost/json/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "connector_fixture.hpp"
#include "login_test_util.hpp"

namespace connhost::testing {
namespace {

constexpr const char* kRedirect = "http://localhost/cb";

class MetaProfileTest : public ConnectorTest {
 protected:
  MetaProfileTest() : ConnectorTest("meta") {}

  void SetUp() override {
    ConnectorTest::SetUp();
    inst = make({{"base_url", sandbox->base_url()},
                 {"dialog_url", sandbox->base_url() + "/v26.0/dialog/oauth"},
                 {"app_id", creds.meta_app_id}},
                {{"app_secret", creds.meta_app_secret}});
    ASSERT_TRUE(inst);
  }

  plugin::TokenRecord sign_in(std::vector<std::string> scopes) {
    plugin::AuthorizeRequest r;
    r.redirect_uri = kRedirect;
    r.state = "st";
    r.scopes = std::move(scopes);
    auto a = inst->authorize_url(r);
    EXPECT_FALSE(a.error) << a.error->to_string();
    auto location = click_through(a.url, "<a id=\"allow\"");
    auto cb = query_of(location.substr(0, location.find('#')));
    auto t = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
    EXPECT_FALSE(t.error) << t.error->to_string();
    return t.token;
  }

  // The sandbox's /me answer, asked directly.
  boost::json::object me_direct(const std::string& token, const std::string& fields) {
    http::Client c;
    auto r = c.send({"GET", sandbox->base_url() + "/v26.0/me?fields=" + fields + "&access_token=" +
                                boost::urls::encode(token, boost::urls::unreserved_chars)});
    EXPECT_EQ(r.status, 200) << r.body;
    return boost::json::parse(r.body).as_object();
  }

  sandbox::Credentials creds;
  std::unique_ptr<plugin::Instance> inst;
};

TEST_F(MetaProfileTest, MeGivesTheProfile) {
  auto t = sign_in({"public_profile", "email"});
  auto user = inst->user_info({{}, {}, {}, {}, t.access_token});
  ASSERT_FALSE(user.error) << user.error->to_string();

  auto p = inst->fetch_profile({t.access_token, t.platform_user_id, {"public_profile", "email"}});
  ASSERT_FALSE(p.error) << p.error->to_string();
  auto direct = me_direct(t.access_token, "id,name,email");
  EXPECT_EQ(p.profile.platform_user_id, user.user.platform_user_id);
  EXPECT_EQ(p.profile.platform_user_id, direct.at("id").as_string());
  EXPECT_EQ(p.profile.display_name, user.user.display_name);
  EXPECT_EQ(p.profile.display_name, direct.at("name").as_string());
  EXPECT_EQ(p.profile.avatar_url, user.user.avatar_url);
  EXPECT_FALSE(p.profile.avatar_url.empty());
  ASSERT_TRUE(direct.contains("email"));
  EXPECT_EQ(p.profile.extras["email"], direct.at("email").as_string());
  EXPECT_FALSE(p.profile.follower_count);
}

TEST_F(MetaProfileTest, NoEmailWithoutTheScope) {
  auto t = sign_in({"public_profile"});
  auto p = inst->fetch_profile({t.access_token, t.platform_user_id, {"public_profile"}});
  ASSERT_FALSE(p.error) << p.error->to_string();
  EXPECT_FALSE(p.profile.display_name.empty());
  EXPECT_EQ(p.profile.extras.count("email"), 0u);
}

TEST_F(MetaProfileTest, ARevokedTokenIsAuth) {
  auto t = sign_in({"public_profile"});
  http::Client c;
  auto r = c.send({"POST", sandbox->base_url() + "/_sandbox/tokens/revoke?token=" +
                               boost::urls::encode(t.access_token, boost::urls::unreserved_chars)});
  ASSERT_EQ(r.status, 200) << r.body;
  auto p = inst->fetch_profile({t.access_token, t.platform_user_id, {"public_profile"}});
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->category, CH_ERROR_AUTH) << p.error->to_string();
}

}  // namespace
}  // namespace connhost::testing
