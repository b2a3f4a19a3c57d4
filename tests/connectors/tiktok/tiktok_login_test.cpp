// The TikTok plugin's login capability (Login Kit v2) through plugin::Instance against the
// in-process sandbox: the authorize URL, the consent page followed as a browser would, the code
// and refresh grants with rotation, revocation, the PKCE check, and no token in the logs.
#include <gmock/gmock.h>

#include <openssl/sha.h>

#include <boost/url/parse.hpp>

#include <map>
#include <string>

#include "connector_fixture.hpp"
#include "log/secret_mask.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kVerifier = "sandbox-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
constexpr const char* kRedirect = "http://127.0.0.1:9000/cb";

// TikTok's desktop challenge: lower-case hex SHA-256 of the verifier (tiktok.md §2.1).
std::string hex_sha256(std::string_view s) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : d) out += {kHex[c >> 4], kHex[c & 15]};
  return out;
}

std::map<std::string, std::string> query_of(std::string_view url) {
  auto u = boost::urls::parse_uri_reference(url);
  EXPECT_TRUE(u) << url;
  std::map<std::string, std::string> out;
  if (u)
    for (auto p : u->params()) out[p.key] = p.value;
  return out;
}

class TikTokLoginTest : public ConnectorTest {
 protected:
  TikTokLoginTest() : ConnectorTest("tiktok") {}

  void SetUp() override {
    ConnectorTest::SetUp();
    log::init(log::Level::trace, log::Format::text);
    logs = log::capture();
    inst = make(
        {{"base_url", sandbox->base_url()},
         {"open_api_base_url", sandbox->base_url()},
         {"auth_page_url", sandbox->base_url() + "/v2/auth/authorize/"},
         {"app_id", creds.tiktok_app_id},
         {"client_key", creds.tiktok_client_key}},
        {{"app_secret", creds.tiktok_app_secret}, {"client_secret", creds.tiktok_client_secret}});
    ASSERT_TRUE(inst);
  }
  void TearDown() override { log::init(log::Level::off, log::Format::text); }

  std::string url(std::string state = "st-1") {
    plugin::AuthorizeRequest r;
    r.redirect_uri = kRedirect;
    r.state = std::move(state);
    r.code_challenge = hex_sha256(kVerifier);
    r.code_challenge_method = "S256";
    r.scopes = {"user.info.basic", "user.info.profile"};
    auto out = inst->authorize_url(r);
    EXPECT_FALSE(out.error) << out.error->to_string();
    return out.url;
  }

  // The consent page as a browser sees it: its Allow link (<a class="authorize">) leads to the
  // callback with the code, as a click would. Returns the callback's query.
  std::map<std::string, std::string> consent(const std::string& authorize) {
    http::Client c;
    auto page = c.send({"GET", authorize});
    EXPECT_EQ(page.status, 200) << page.body;
    auto at = page.body.find("class=\"authorize\" href=\"");
    if (at == std::string::npos) {
      ADD_FAILURE() << "no Allow link in " << page.body;
      return {};
    }
    at += std::string_view("class=\"authorize\" href=\"").size();
    std::string link = page.body.substr(at, page.body.find('"', at) - at);
    for (size_t p; (p = link.find("&amp;")) != std::string::npos;) link.replace(p, 5, "&");
    EXPECT_THAT(link, ::testing::StartsWith(kRedirect));
    return query_of(link);
  }

  plugin::TokenRecord exchange(const std::string& code, std::string verifier = kVerifier) {
    auto out = inst->exchange_code({code, kRedirect, verifier, {}, {}});
    EXPECT_FALSE(out.error) << out.error->to_string();
    return out.token;
  }

  void expect_no_token_in_logs(const plugin::TokenRecord& t) {
    auto text = logs.text();
    EXPECT_FALSE(text.empty());
    EXPECT_THAT(text, ::testing::Not(HasSubstr(t.access_token)));
    if (!t.refresh_token.empty()) {
      EXPECT_THAT(text, ::testing::Not(HasSubstr(t.refresh_token)));
    }
  }

  sandbox::Credentials creds;
  std::unique_ptr<plugin::Instance> inst;
  log::Capture logs;
};

TEST_F(TikTokLoginTest, AuthorizeUrlCarriesLoginKitParameters) {
  std::string text = url("state-42");
  auto u = boost::urls::parse_uri(text);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->path(), "/v2/auth/authorize/");
  auto q = query_of(u->buffer());
  EXPECT_EQ(q["client_key"], creds.tiktok_client_key);
  EXPECT_EQ(q["scope"], "user.info.basic,user.info.profile");
  EXPECT_EQ(q["response_type"], "code");
  EXPECT_EQ(q["redirect_uri"], kRedirect);
  EXPECT_EQ(q["state"], "state-42");
  EXPECT_EQ(q["code_challenge"], hex_sha256(kVerifier));
  EXPECT_EQ(q["code_challenge_method"], "S256");
}

TEST_F(TikTokLoginTest, WholeFlowRotatesRefreshesAndRevokes) {
  auto cb = consent(url("s-flow"));
  ASSERT_EQ(cb["state"], "s-flow");
  ASSERT_FALSE(cb["code"].empty());

  auto t = exchange(cb["code"]);
  EXPECT_THAT(t.access_token, ::testing::StartsWith("act."));
  EXPECT_THAT(t.refresh_token, ::testing::StartsWith("rft."));
  EXPECT_EQ(t.expires_in, 86400);
  EXPECT_EQ(t.refresh_expires_in, 31536000);
  EXPECT_FALSE(t.platform_user_id.empty());
  EXPECT_EQ(t.token_type, "Bearer");
  EXPECT_THAT(t.scope, HasSubstr("user.info.basic"));

  // A code works once.
  auto again = inst->exchange_code({cb["code"], kRedirect, kVerifier, {}, {}});
  ASSERT_TRUE(again.error);
  EXPECT_EQ(again.error->category, CH_ERROR_AUTH) << again.error->to_string();
  EXPECT_THAT(again.error->message, HasSubstr("re-authorize"));

  auto user = inst->user_info({{}, {}, {}, {}, t.access_token});
  ASSERT_FALSE(user.error) << user.error->to_string();
  EXPECT_EQ(user.user.platform_user_id, t.platform_user_id);
  EXPECT_FALSE(user.user.display_name.empty());

  // Refresh rotates: a new refresh token, and the old one is dead.
  auto r = inst->refresh({{}, {}, {}, t.refresh_token, {}});
  ASSERT_FALSE(r.error) << r.error->to_string();
  EXPECT_FALSE(r.token.refresh_token.empty());
  EXPECT_NE(r.token.refresh_token, t.refresh_token);
  EXPECT_NE(r.token.access_token, t.access_token);
  auto old = inst->refresh({{}, {}, {}, t.refresh_token, {}});
  ASSERT_TRUE(old.error);
  EXPECT_EQ(old.error->category, CH_ERROR_AUTH);
  EXPECT_THAT(old.error->message, HasSubstr("re-authorize"));

  ASSERT_FALSE(inst->revoke({{}, {}, {}, {}, r.token.access_token}));
  auto gone = inst->user_info({{}, {}, {}, {}, r.token.access_token});
  ASSERT_TRUE(gone.error);
  EXPECT_EQ(gone.error->category, CH_ERROR_AUTH) << gone.error->to_string();
  auto dead = inst->refresh({{}, {}, {}, r.token.refresh_token, {}});
  ASSERT_TRUE(dead.error);
  EXPECT_EQ(dead.error->category, CH_ERROR_AUTH);

  expect_no_token_in_logs(t);
  expect_no_token_in_logs(r.token);
}

TEST_F(TikTokLoginTest, WrongVerifierIsRefused) {
  auto cb = consent(url());
  auto out = inst->exchange_code(
      {cb["code"], kRedirect, "another-verifier-0123456789-abcdefghijklmnopqrstuvwxyz", {}, {}});
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_AUTH) << out.error->to_string();
  // Leaving the verifier out is no way around the check either.
  auto none = inst->exchange_code({cb["code"], kRedirect, {}, {}, {}});
  ASSERT_TRUE(none.error);
}

TEST_F(TikTokLoginTest, ServerErrorsAndRateLimitsMapToCategories) {
  auto cb = consent(url());
  sandbox->add_faults(
      R"({"platform":"tiktok","endpoint":"v2/oauth/token","kind":"server_error","times":1})");
  auto e5 = inst->exchange_code({cb["code"], kRedirect, kVerifier, {}, {}});
  ASSERT_TRUE(e5.error);
  EXPECT_EQ(e5.error->category, CH_ERROR_TRANSIENT) << e5.error->to_string();
  sandbox->add_faults(
      R"({"platform":"tiktok","endpoint":"v2/oauth/token","kind":"rate_limit","times":1})");
  auto q = inst->exchange_code({cb["code"], kRedirect, kVerifier, {}, {}});
  ASSERT_TRUE(q.error);
  EXPECT_EQ(q.error->category, CH_ERROR_QUOTA) << q.error->to_string();
}

TEST_F(TikTokLoginTest, PluginWithoutLoginIsAConfigError) {
  // Every first-party plugin has login; the host's refusal is checked on a plugin that lacks it
  // by clearing the capability on a copy of the descriptor.
  auto copy = std::make_shared<plugin::LoadedPlugin>(*plugin);
  copy->capabilities &= ~CH_CAP_LOGIN;
  plugin::Instance::Settings s;
  s.connection = "no_login";
  s.values = {{"app_id", creds.tiktok_app_id}};
  s.secret = [](std::string_view) { return std::optional<std::string>("x"); };
  auto [i, err] = plugin::Instance::create(copy, std::move(s));
  ASSERT_FALSE(err) << err->to_string();
  auto out = i->authorize_url({});
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->category, CH_ERROR_CONFIG);
  EXPECT_THAT(out.error->message, HasSubstr("no login"));
}

}  // namespace
}  // namespace connhost::testing
