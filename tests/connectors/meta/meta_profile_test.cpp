// The Meta plugin's profile capability through plugin::Instance against the in-process sandbox:
// /me with id, name and picture, plus email when the grant lists the email scope (meta.md §2.5),
// checked against the login capability's user_info and the sandbox's own /me answer; a revoked
// token is auth. ABI 1.2: required_scopes is public_profile, and with pages_show_list (and
// instagram_basic) the Pages of /me/accounts and their Instagram business accounts come back as
// business profiles, checked against the sandbox's own /me/accounts answer.
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

  // The sandbox's /me/accounts answer, asked directly.
  boost::json::array pages_direct(const std::string& token, const std::string& fields) {
    http::Client c;
    auto r = c.send(
        {"GET", sandbox->base_url() + "/v26.0/me/accounts?fields=" +
                    boost::urls::encode(fields, boost::urls::unreserved_chars) +
                    "&access_token=" + boost::urls::encode(token, boost::urls::unreserved_chars)});
    EXPECT_EQ(r.status, 200) << r.body;
    return boost::json::parse(r.body).as_object().at("data").as_array();
  }

  size_t accounts_requests() const {
    size_t n = 0;
    for (const auto& r : sandbox->requests())
      if (r.path.find("/me/accounts") != std::string::npos) ++n;
    return n;
  }

  sandbox::Credentials creds;
  std::unique_ptr<plugin::Instance> inst;
};

TEST_F(MetaProfileTest, RequiredScopesArePublicProfile) {
  auto r = inst->profile_required_scopes();
  ASSERT_FALSE(r.error) << r.error->to_string();
  EXPECT_EQ(r.scopes, std::vector<std::string>{"public_profile"});
  // And they are enough: a grant of exactly those gives the person's profile.
  auto t = sign_in(r.scopes);
  auto p = inst->fetch_profile({t.access_token, t.platform_user_id, r.scopes});
  ASSERT_FALSE(p.error) << p.error->to_string();
  EXPECT_FALSE(p.profile.display_name.empty());
  EXPECT_FALSE(p.profile.avatar_url.empty());
}

TEST_F(MetaProfileTest, PagesAndTheirInstagramAccountsAreBusinessProfiles) {
  std::vector<std::string> scopes{"public_profile", "pages_show_list", "instagram_basic"};
  auto t = sign_in(scopes);
  auto p = inst->fetch_profile({t.access_token, t.platform_user_id, scopes});
  ASSERT_FALSE(p.error) << p.error->to_string();
  EXPECT_EQ(p.profile.platform_user_id, t.platform_user_id);

  auto pages = pages_direct(
      t.access_token,
      "id,name,category,followers_count,fan_count,website,picture,"
      "instagram_business_account{id,username,name,followers_count,profile_picture_url}");
  ASSERT_FALSE(pages.empty());
  size_t expected = 0;
  for (const auto& v : pages)
    expected += v.as_object().contains("instagram_business_account") ? 2 : 1;
  ASSERT_EQ(p.businesses.size(), expected);

  size_t i = 0;
  for (const auto& v : pages) {
    const auto& page = v.as_object();
    const auto& b = p.businesses[i++];
    EXPECT_EQ(b.platform_user_id, page.at("id").as_string());
    EXPECT_EQ(b.display_name, page.at("name").as_string());
    EXPECT_EQ(b.business_category, page.at("category").as_string());
    EXPECT_EQ(b.shop_url, page.at("website").as_string());
    ASSERT_TRUE(b.follower_count);
    EXPECT_EQ(*b.follower_count, page.at("followers_count").to_number<int64_t>());
    EXPECT_EQ(b.extras.at("fan_count"), std::to_string(page.at("fan_count").to_number<int64_t>()));
    EXPECT_EQ(b.avatar_url, page.at("picture").at("data").at("url").as_string());
    EXPECT_EQ(b.extras.at("kind"), "facebook_page");
    if (!page.contains("instagram_business_account")) continue;
    const auto& ig = page.at("instagram_business_account").as_object();
    const auto& g = p.businesses[i++];
    EXPECT_EQ(g.platform_user_id, ig.at("id").as_string());
    EXPECT_EQ(g.display_name, ig.at("name").as_string());
    EXPECT_EQ(g.extras.at("username"), ig.at("username").as_string());
    EXPECT_EQ(g.avatar_url, ig.at("profile_picture_url").as_string());
    ASSERT_TRUE(g.follower_count);
    EXPECT_EQ(*g.follower_count, ig.at("followers_count").to_number<int64_t>());
    EXPECT_EQ(g.extras.at("kind"), "instagram_business_account");
    EXPECT_EQ(g.extras.at("page_id"), page.at("id").as_string());
    EXPECT_TRUE(g.business_category.empty()) << "an IG account has no category of its own";
  }
  // The person is not one of their businesses.
  for (const auto& b : p.businesses) EXPECT_NE(b.platform_user_id, p.profile.platform_user_id);
}

TEST_F(MetaProfileTest, PagesWithoutInstagramBasicHaveNoInstagramAccount) {
  std::vector<std::string> scopes{"public_profile", "pages_show_list"};
  auto t = sign_in(scopes);
  auto p = inst->fetch_profile({t.access_token, t.platform_user_id, scopes});
  ASSERT_FALSE(p.error) << p.error->to_string();
  auto pages = pages_direct(t.access_token, "id");
  ASSERT_EQ(p.businesses.size(), pages.size());
  for (const auto& b : p.businesses) EXPECT_EQ(b.extras.at("kind"), "facebook_page");
}

TEST_F(MetaProfileTest, NoPagesAreAskedForWithoutPagesShowList) {
  auto t = sign_in({"public_profile"});
  sandbox->clear_requests();
  auto p = inst->fetch_profile({t.access_token, t.platform_user_id, {"public_profile"}});
  ASSERT_FALSE(p.error) << p.error->to_string();
  EXPECT_TRUE(p.businesses.empty());
  EXPECT_EQ(accounts_requests(), 0u);
}

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
