// Profile sync on PostgreSQL (TIMESTAMPTZ columns, BIGINT ids): a TikTok Login Kit profile stored,
// an unchanged refresh with a re-signed picture makes no version, a policy change makes version 2,
// and a connection's second sync asks the platform nothing.

#include "profile_sync_fixture.hpp"
#include "support/on_postgres.hpp"

namespace connhost::testing {
namespace {

class ProfilePostgresTest : public test::OnPostgres<ProfileSyncTest> {};

TEST_F(ProfilePostgresTest, SyncVersionsAndIncrementalOnPostgres) {
  int64_t id = sign_in_with("tt_login", {"user.info.basic", "user.info.profile"});
  auto first = contacts::sync_connection(db->session(), services(), "tt_login");
  ASSERT_EQ(first.synced, 1) << (first.grants.empty() ? "" : first.grants[0].message);
  auto a = attributes(id);
  EXPECT_EQ(a["display_name"], "Sandbox Creator");  // the sandbox's fixture
  EXPECT_EQ(a["username"], "sandbox.creator");
  EXPECT_EQ(sync_status(id), "ok");

  sb->clear_requests();
  EXPECT_EQ(contacts::sync_connection(db->session(), services(), "tt_login").skipped, 1);
  EXPECT_EQ(platform_requests(), 0u);

  auto clock = http->send({"POST", sb->base_url() + "/_sandbox/clock?offset_s=3600"});
  ASSERT_EQ(clock.status, 200) << clock.body;
  auto forced = contacts::sync_connection(db->session(), services(), "tt_login", true);
  EXPECT_EQ(forced.unchanged, 1);
  EXPECT_EQ(versions(id).size(), 1u);

  cfg->contacts.fields.erase("username");
  auto changed = sync(id);
  EXPECT_EQ(changed.status, "ok") << changed.message;
  auto v = versions(id);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].changed, R"(["username"])");
}

}  // namespace
}  // namespace connhost::testing
