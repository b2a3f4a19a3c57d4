// Google Business Messages was shut down on 31 July 2024 (meta-google.md §5.1), so the google
// plugin declares messaging unavailable, with that reason: `connhost plugins list` does not claim
// it, and every messaging operation on a google connection answers not_implemented naming why.
#include <gmock/gmock.h>

#include "connector_fixture.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;

class GoogleMessagingTest : public ConnectorTest {
 protected:
  GoogleMessagingTest() : ConnectorTest("google") {}
};

TEST_F(GoogleMessagingTest, MessagingIsUnavailableWithItsReasonAndEveryOperationSaysSo) {
  EXPECT_EQ(plugin->capabilities & CH_CAP_MESSAGING, 0u);
  ASSERT_EQ(plugin->unavailable.count(CH_CAP_MESSAGING), 1u);
  EXPECT_THAT(plugin->unavailable.at(CH_CAP_MESSAGING), HasSubstr("shut down on 31 July 2024"));
  EXPECT_EQ(plugin->descriptor.messaging, nullptr);
  EXPECT_EQ(plugin::capability_names(plugin->capabilities), "reporting,login,profile");
  sandbox::Credentials creds;
  auto inst = make({{"base_url", sandbox->base_url()},
                    {"oauth_base_url", sandbox->base_url()},
                    {"auth_page_url", sandbox->base_url() + "/o/oauth2/v2/auth"},
                    {"userinfo_url", sandbox->base_url() + "/v1/userinfo"},
                    {"client_id", creds.google_client_id}},
                   {{"client_secret", creds.google_client_secret}});
  ASSERT_TRUE(inst);
  plugin::WebhookRequest w;
  w.method = "POST";
  w.body = "{}";
  auto v = inst->verify(w);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->category, CH_ERROR_NOT_IMPLEMENTED);
  EXPECT_THAT(v->message, HasSubstr("plugin 'google' offers no messaging: Google Business "
                                    "Messages was shut down on 31 July 2024"));
  EXPECT_EQ(inst->handshake(w).error->category, CH_ERROR_NOT_IMPLEMENTED);
  EXPECT_EQ(inst->parse_events(w).error->category, CH_ERROR_NOT_IMPLEMENTED);
  EXPECT_EQ(inst->send({}).error->category, CH_ERROR_NOT_IMPLEMENTED);
  EXPECT_EQ(inst->media_url({}).error->category, CH_ERROR_NOT_IMPLEMENTED);
  // Nothing reached the platform.
  EXPECT_TRUE(sandbox->requests().empty());
}

}  // namespace
}  // namespace connhost::testing
