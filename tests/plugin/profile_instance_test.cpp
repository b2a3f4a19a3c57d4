// The host's profile operations (core/plugin/instance_profile.cpp) against fake plugins through
// the real ABI: required_scopes (ABI 1.2) comes back as a list, and an older plugin (a 1.1 table)
// or a NULL pointer states none without being called; "business_profile" records come back as
// businesses, checked as the profile is; plugin errors keep their category.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "log/logger.hpp"
#include "plugin/instance.hpp"
#include "plugin/registry.hpp"

using connhost::plugin::Instance;
using connhost::plugin::Registry;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

namespace {

class ProfileInstanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connhost::log::init(connhost::log::Level::off, connhost::log::Format::text);
    registry.load_directories({PROFILE_PLUGIN_DIR, GOOD_PLUGIN_DIR});
    ASSERT_TRUE(registry.refused().empty()) << registry.refused()[0].reason;
  }
  std::unique_ptr<Instance> make(const std::string& id,
                                 std::vector<std::pair<std::string, std::string>> values = {}) {
    std::shared_ptr<const connhost::plugin::LoadedPlugin> plugin;
    for (const auto& p : registry.plugins())
      if (p->id == id) plugin = p;
    EXPECT_TRUE(plugin) << id;
    if (!plugin) return nullptr;
    if (id == "example") values.emplace_back("account_id", "acc");
    Instance::Settings s{id + "_main", std::move(values),
                         [](std::string_view) { return std::optional<std::string>(); }};
    auto [inst, err] = Instance::create(plugin, std::move(s));
    EXPECT_FALSE(err) << err->to_string();
    return std::move(inst);
  }
  Registry registry;
};

TEST_F(ProfileInstanceTest, RequiredScopesComeBackAsAList) {
  auto inst = make("fake_profile", {{"scopes", "user.read\npages.read\n\nuser.read"}});
  ASSERT_TRUE(inst);
  auto r = inst->profile_required_scopes();
  ASSERT_FALSE(r.error) << r.error->to_string();
  // Empty lines and repeats carry nothing.
  EXPECT_THAT(r.scopes, ElementsAre("user.read", "pages.read"));

  auto none = make("fake_profile")->profile_required_scopes();
  ASSERT_FALSE(none.error) << none.error->to_string();
  EXPECT_THAT(none.scopes, IsEmpty());
}

TEST_F(ProfileInstanceTest, RequiredScopesErrorsKeepTheirCategory) {
  auto failed = make("fake_profile", {{"mode", "scopes_fail"}})->profile_required_scopes();
  ASSERT_TRUE(failed.error);
  EXPECT_EQ(failed.error->category, CH_ERROR_CONFIG);
  EXPECT_THAT(failed.error->message, HasSubstr("flow is unknown"));
  EXPECT_THAT(failed.scopes, IsEmpty());

  auto threw = make("fake_profile", {{"mode", "scopes_throw"}})->profile_required_scopes();
  ASSERT_TRUE(threw.error);
  EXPECT_EQ(threw.error->category, CH_ERROR_INTERNAL);
  EXPECT_THAT(threw.error->message, HasSubstr("boom"));
}

TEST_F(ProfileInstanceTest, APluginWithoutRequiredScopesStatesNone) {
  // The 1.1 table's pointer past its struct_size aborts if called; the NULL one cannot be.
  for (const char* id : {"profile_abi11", "profile_null"}) {
    auto inst = make(id);
    ASSERT_TRUE(inst) << id;
    auto r = inst->profile_required_scopes();
    EXPECT_FALSE(r.error) << id << ": " << r.error->to_string();
    EXPECT_THAT(r.scopes, IsEmpty()) << id;
  }
}

TEST_F(ProfileInstanceTest, APluginWithoutTheProfileCapabilityIsNotImplemented) {
  auto inst = make("example");
  ASSERT_TRUE(inst);
  auto r = inst->profile_required_scopes();
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->category, CH_ERROR_NOT_IMPLEMENTED);
}

TEST_F(ProfileInstanceTest, BusinessProfilesComeBackBesideTheProfile) {
  auto inst = make("fake_profile");
  ASSERT_TRUE(inst);
  auto r = inst->fetch_profile({"tok", "person-1", {"user.read"}});
  ASSERT_FALSE(r.error) << r.error->to_string();
  EXPECT_EQ(r.profile.platform_user_id, "person-1");
  EXPECT_EQ(r.profile.display_name, "Person");
  EXPECT_EQ(r.profile.follower_count, 7);
  EXPECT_EQ(r.profile.region, "DE");
  EXPECT_EQ(r.profile.extras["username"], "person");

  ASSERT_EQ(r.businesses.size(), 2u) << "the note record is neither";
  const auto& page = r.businesses[0];
  EXPECT_EQ(page.platform_user_id, "page-1");
  EXPECT_EQ(page.display_name, "Page One");
  EXPECT_EQ(page.follower_count, 12);
  EXPECT_FALSE(page.following_count);
  EXPECT_EQ(page.business_category, "Shopping & Retail");
  EXPECT_EQ(page.shop_url, "https://one.example");
  EXPECT_EQ(page.extras.at("kind"), "facebook_page");
  EXPECT_EQ(page.extras.count("platform_user_id"), 0u);
  const auto& ig = r.businesses[1];
  EXPECT_EQ(ig.platform_user_id, "ig-2");
  EXPECT_EQ(ig.avatar_url, "https://cdn.example/ig2.jpg");
  EXPECT_FALSE(ig.follower_count);
  EXPECT_EQ(ig.following_count, 3);
  EXPECT_EQ(ig.extras.at("page_id"), "page-1");

  auto alone = make("fake_profile", {{"mode", "no_business"}})->fetch_profile({"tok", "p", {}});
  ASSERT_FALSE(alone.error) << alone.error->to_string();
  EXPECT_EQ(alone.profile.platform_user_id, "p");
  EXPECT_THAT(alone.businesses, IsEmpty());
}

TEST_F(ProfileInstanceTest, ABadBusinessRecordFailsTheFetch) {
  auto bad_count = make("fake_profile", {{"mode", "bad_count"}})->fetch_profile({"t", "p", {}});
  ASSERT_TRUE(bad_count.error);
  EXPECT_EQ(bad_count.error->category, CH_ERROR_INTERNAL);
  EXPECT_THAT(bad_count.error->message,
              HasSubstr("business_profile record has a non-integer follower_count"));
  EXPECT_THAT(bad_count.businesses, IsEmpty()) << "no partial list";

  auto no_id = make("fake_profile", {{"mode", "no_id"}})->fetch_profile({"t", "p", {}});
  ASSERT_TRUE(no_id.error);
  EXPECT_THAT(no_id.error->message, HasSubstr("business_profile record has no platform_user_id"));
  EXPECT_THAT(no_id.businesses, IsEmpty());
}

TEST_F(ProfileInstanceTest, AnOlderPluginsFetchStillReadsItsProfile) {
  // profile_abi11's fetch outputs nothing: the same "no profile record" as before 1.2.
  auto r = make("profile_abi11")->fetch_profile({"t", "p", {}});
  ASSERT_TRUE(r.error);
  EXPECT_THAT(r.error->message, HasSubstr("no profile record"));
}

}  // namespace
