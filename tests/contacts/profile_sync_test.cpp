// Profile sync (issue #8, docs/contacts.md "Sync") on SQLite against the in-process sandbox:
// people signed in through TikTok (Login Kit and business), Meta and Google become contacts whose
// attributes are the sandbox's own profile values, normalized; an unchanged refresh (even with a
// re-signed picture URL) makes no version, a changed one does; the field policy drops, hashes and
// truncates before anything is stored (the test reads the database file's bytes); a grant without
// the needed scope or revoked makes no platform call; a connection's sync is incremental; and a
// scheduled profile pipeline is recorded in sync_runs. Expected values come from the sandbox
// (its fixtures, or its answers asked directly with the grant's token), never from the code under
// test.

#include "contacts/erasure.hpp"
#include "pipeline/run_log.hpp"
#include "pipeline/runner.hpp"
#include "pipeline/scheduler.hpp"
#include "profile_sync_fixture.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST_F(ProfileSyncTest, TikTokLoginKitProfileBecomesAContact) {
  int64_t id =
      sign_in_with("tt_login", {"user.info.basic", "user.info.profile", "user.info.stats"});
  auto r = sync(id);
  ASSERT_EQ(r.status, "ok") << r.message;
  EXPECT_TRUE(r.new_version);

  auto token = std::string(grant(id).access_token->reveal());
  auto user = direct(sb->base_url() +
                         "/v2/user/info/?fields=display_name,username,bio_description,"
                         "follower_count,following_count,likes_count",
                     token)
                  .at("data")
                  .at("user")
                  .as_object();
  auto a = attributes(id);
  EXPECT_EQ(a["display_name"], std::string(user.at("display_name").as_string()));
  EXPECT_EQ(a["display_name"], "Sandbox Creator");  // the sandbox's fixture
  EXPECT_EQ(a["username"], std::string(user.at("username").as_string()));
  EXPECT_EQ(a["bio_description"], std::string(user.at("bio_description").as_string()));
  EXPECT_EQ(a["follower_count"], std::to_string(user.at("follower_count").to_number<int64_t>()));
  EXPECT_EQ(a["following_count"], std::to_string(user.at("following_count").to_number<int64_t>()));
  EXPECT_EQ(a["likes_count"], std::to_string(user.at("likes_count").to_number<int64_t>()));
  EXPECT_THAT(a["avatar_url"], StartsWith(sb->base_url() + "/tiktokcdn/avatar/"));
  EXPECT_EQ(a.count("region"), 0u);  // TikTok gave none
  EXPECT_EQ(a.count("open_id"), 0u);

  // The contact: the grant's local user's, named after the identity.
  auto g = grant(id);
  long long contact = 0, user_id = 0;
  std::string name, connection, platform, puid;
  db->session() << "SELECT c.id, c.user_id, c.display_name, i.connection, i.platform, "
                   "i.platform_user_id FROM contacts c JOIN contact_identities i ON "
                   "i.contact_id = c.id WHERE i.grant_id = :g AND " +
                       kPerson,
      soci::use(static_cast<long long>(id)), soci::into(contact), soci::into(user_id),
      soci::into(name), soci::into(connection), soci::into(platform), soci::into(puid);
  EXPECT_EQ(contact, *r.contact_id);
  EXPECT_EQ(user_id, g.info.user_id);
  EXPECT_EQ(name, "Sandbox Creator");
  EXPECT_EQ(connection, "tt_login");
  EXPECT_EQ(platform, "tiktok");
  EXPECT_EQ(puid, g.info.platform_user_id);

  auto v = versions(id);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].version, 1);
  EXPECT_THAT(v[0].changed, HasSubstr("\"display_name\""));
  EXPECT_EQ(sync_status(id), "ok");
}

TEST_F(ProfileSyncTest, TikTokBusinessProfile) {
  int64_t id = sign_in_with("tt_biz", {});
  auto r = sync(id);
  ASSERT_EQ(r.status, "ok") << r.message;
  auto a = attributes(id);
  EXPECT_EQ(a["display_name"], "Acme Store");  // the sandbox's business account
  EXPECT_EQ(a["username"], "acme.store");
  EXPECT_THAT(a["avatar_url"], StartsWith(sb->base_url() + "/tiktokcdn/avatar/"));
  ASSERT_TRUE(a.count("follower_count"));
  EXPECT_GT(std::stoll(a["follower_count"]), 0);
}

TEST_F(ProfileSyncTest, MetaProfileWithEmail) {
  int64_t id = sign_in_with("meta_login", {"public_profile", "email"});
  auto r = sync(id);
  ASSERT_EQ(r.status, "ok") << r.message;
  auto token = std::string(grant(id).access_token->reveal());
  auto me = direct(sb->base_url() + "/v26.0/me?fields=id,name,email&access_token=" +
                       boost::urls::encode(token, boost::urls::unreserved_chars),
                   token);
  auto a = attributes(id);
  EXPECT_EQ(a["display_name"], std::string(me.at("name").as_string()));
  EXPECT_EQ(a["display_name"], "Jane Sandbox");
  EXPECT_EQ(a["email"], "jane.sandbox@example.com");
  EXPECT_THAT(a["avatar_url"],
              StartsWith("https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=" +
                         std::string(me.at("id").as_string())));
  EXPECT_EQ(grant(id).info.platform_user_id, std::string(me.at("id").as_string()));
}

TEST_F(ProfileSyncTest, MetaPagesAndInstagramAccountsBecomeContactsOfTheirOwn) {
  int64_t id = sign_in_with("meta_login", {"public_profile", "pages_show_list", "instagram_basic"});
  auto r = sync(id);
  ASSERT_EQ(r.status, "ok") << r.message;
  // The sandbox's Page and its Instagram business account (docs/sandbox/meta.md, /me/accounts).
  struct Business {
    std::string id, name;
    std::map<std::string, std::string> expected;
  };
  for (const auto& b :
       {Business{"109876543210987",
                 "Acme Store Sandbox",
                 {{"business_category", "Shopping & Retail"},
                  {"shop_url", "https://acme-store.example"},
                  {"follower_count", "1318"}}},
        Business{"17841400000000001",
                 "Acme Store",
                 {{"username", "acmestore.sandbox"}, {"follower_count", "2875"}}}}) {
    long long contact = 0, user = 0;
    soci::indicator user_ind = soci::i_ok;
    std::string name, platform;
    db->session() << "SELECT c.id, c.user_id, c.display_name, i.platform FROM contacts c JOIN "
                     "contact_identities i ON i.contact_id = c.id WHERE i.platform_user_id = :p",
        soci::use(b.id), soci::into(contact), soci::into(user, user_ind), soci::into(name),
        soci::into(platform);
    ASSERT_TRUE(db->session().got_data()) << b.id;
    EXPECT_EQ(name, b.name);
    EXPECT_EQ(platform, "meta");
    EXPECT_NE(contact, *r.contact_id);  // not the person's contact
    EXPECT_EQ(user_ind, soci::i_null);  // a business, not the local user
    std::map<std::string, std::string> got;
    std::string n, v;
    soci::statement st =
        (db->session().prepare << "SELECT a.name, a.value FROM contact_attributes a JOIN "
                                  "contact_identities i ON i.id = a.identity_id WHERE "
                                  "i.platform_user_id = :p",
         soci::use(b.id), soci::into(n), soci::into(v));
    st.execute();
    while (st.fetch()) got[n] = v;
    for (const auto& [k, want] : b.expected) EXPECT_EQ(got[k], want) << b.id << " " << k;
  }
  EXPECT_EQ(attributes(id)["display_name"], "Jane Sandbox");
}

TEST_F(ProfileSyncTest, GoogleProfile) {
  int64_t id = sign_in("g_login");
  auto r = sync(id);
  ASSERT_EQ(r.status, "ok") << r.message;
  auto token = std::string(grant(id).access_token->reveal());
  auto info = direct(sb->base_url() + "/v1/userinfo", token);
  auto a = attributes(id);
  EXPECT_EQ(a["display_name"], std::string(info.at("name").as_string()));
  EXPECT_EQ(a["display_name"], "Sandbox User");
  EXPECT_EQ(a["email"], "sandbox.user@example.com");
  EXPECT_EQ(a["avatar_url"], "https://lh3.googleusercontent.com/a/default-user=s96-c");
  EXPECT_EQ(a.count("region"), 0u);  // the sandbox's locale is "en": no country in it
}

TEST_F(ProfileSyncTest, UnchangedRefreshMakesNoVersionEvenWithAResignedPicture) {
  int64_t id = sign_in_with("tt_login", {"user.info.basic", "user.info.stats"});
  ASSERT_EQ(sync(id).status, "ok");
  std::string first_avatar = attributes(id)["avatar_url"];
  // An hour later the sandbox's CDN signs the same picture with another expiry and signature.
  auto clock = http->send({"POST", sb->base_url() + "/_sandbox/clock?offset_s=3600"});
  ASSERT_EQ(clock.status, 200) << clock.body;

  auto again = contacts::sync_connection(db->session(), services(), "tt_login", true);
  ASSERT_EQ(again.grants.size(), 1u);
  EXPECT_EQ(again.grants[0].status, "unchanged") << again.grants[0].message;
  EXPECT_EQ(again.unchanged, 1);
  EXPECT_EQ(again.synced, 0);
  EXPECT_EQ(versions(id).size(), 1u);
  // The newest signed URL is what is kept: the old one expires.
  std::string second_avatar = attributes(id)["avatar_url"];
  EXPECT_NE(second_avatar, first_avatar);
  EXPECT_EQ(second_avatar.substr(0, second_avatar.find('?')),
            first_avatar.substr(0, first_avatar.find('?')));
}

TEST_F(ProfileSyncTest, AChangedProfileMakesVersionTwoWithTheChangedNames) {
  int64_t id = sign_in_with("tt_login", {"user.info.basic", "user.info.stats"});
  ASSERT_EQ(sync(id).status, "ok");
  // What is kept changes: the picture is no longer kept, the name is cut to 3 characters.
  cfg->contacts.fields.erase("avatar_url");
  cfg->contacts.fields["display_name"] = {config::FieldRule::Action::truncate, 3};
  auto r = sync(id);
  ASSERT_EQ(r.status, "ok") << r.message;
  auto v = versions(id);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].version, 2);
  EXPECT_EQ(v[1].changed, R"(["avatar_url","display_name"])");
  EXPECT_THAT(v[1].attributes, Not(HasSubstr("avatar_url")));
  EXPECT_THAT(v[1].attributes, HasSubstr(R"("display_name":"San")"));
  auto a = attributes(id);
  EXPECT_EQ(a.count("avatar_url"), 0u);
  EXPECT_EQ(a["display_name"], "San");
  std::string name;
  db->session() << "SELECT display_name FROM contacts WHERE id = :c",
      soci::use(static_cast<long long>(*r.contact_id)), soci::into(name);
  EXPECT_EQ(name, "San");
}

TEST_F(ProfileSyncTest, TheFieldPolicyDropsHashesAndTruncatesBeforeAnythingIsStored) {
  load_config(
      "[contacts.fields]\ndisplay_name = \"keep\"\nemail = \"hash\"\nbio_description = "
      "\"truncate:5\"\n");
  int64_t meta = sign_in_with("meta_login", {"public_profile", "email"});
  int64_t tt = sign_in_with("tt_login", {"user.info.basic", "user.info.profile"});
  ASSERT_EQ(sync(meta).status, "ok");
  ASSERT_EQ(sync(tt).status, "ok");

  auto m = attributes(meta);
  EXPECT_EQ(m["email"], "sha256:" + sha256_hex("jane.sandbox@example.com"));
  EXPECT_EQ(m.count("avatar_url"), 0u);
  auto t = attributes(tt);
  EXPECT_EQ(t["bio_description"], "Testi");  // the sandbox's bio: "Testing things offline"
  EXPECT_EQ(t.count("avatar_url"), 0u);
  EXPECT_EQ(t.count("username"), 0u);  // granted, fetched, not listed
  long long pictures = -1;
  db->session() << "SELECT COUNT(*) FROM contact_attributes WHERE name = 'avatar_url'",
      soci::into(pictures);
  EXPECT_EQ(pictures, 0);

  db.reset();  // closes the store: the WAL is checkpointed into the file
  std::string bytes = file_bytes(dir.path() / "store.db") + file_bytes(dir.path() / "store.db-wal");
  ASSERT_FALSE(bytes.empty());
  for (const char* raw : {"jane.sandbox@example.com", "Testing things offline", "sandbox.creator",
                          "platform-lookaside.fbsbx.com", "/tiktokcdn/avatar/"})
    EXPECT_EQ(bytes.find(raw), std::string::npos) << raw << " is in the database file";
  EXPECT_NE(bytes.find("sha256:" + sha256_hex("jane.sandbox@example.com")), std::string::npos);
}

TEST_F(ProfileSyncTest, AGrantWithoutTheNeededScopeIsRefusedWithoutAPlatformCall) {
  int64_t id = sign_in_with("tt_login", {"user.info.basic", "user.info.profile"});
  // As if the person had not allowed user.info.basic (Login Kit's profile needs it).
  db->session() << "UPDATE grants SET scopes = 'user.info.profile' WHERE id = :id",
      soci::use(static_cast<long long>(id));
  sb->clear_requests();
  auto r = sync(id);
  EXPECT_EQ(r.status, "needs_scope");
  EXPECT_THAT(r.message, HasSubstr("user.info.basic"));
  EXPECT_THAT(r.message, HasSubstr("/auth/tt_login"));
  EXPECT_EQ(platform_requests(), 0u);
  EXPECT_EQ(sync_status(id), "needs_scope");
  EXPECT_TRUE(attributes(id).empty());
}

TEST_F(ProfileSyncTest, ARevokedGrantStopsTheSync) {
  int64_t id = sign_in_with("tt_login", {"user.info.basic"});
  ASSERT_EQ(sync(id).status, "ok");
  ASSERT_TRUE(vault::revoke_grant(db->session(), id));
  sb->clear_requests();
  auto c = contacts::sync_connection(db->session(), services(), "tt_login");
  ASSERT_EQ(c.grants.size(), 1u);
  EXPECT_EQ(c.grants[0].status, "stopped");
  EXPECT_EQ(c.skipped, 1);
  EXPECT_EQ(sync_status(id), "stopped");
  // Asked directly too: still no platform call.
  EXPECT_EQ(sync(id).status, "stopped");
  EXPECT_EQ(platform_requests(), 0u);
  EXPECT_EQ(versions(id).size(), 1u);
}

// An erased person stays erased: neither the schedule nor --force brings their profile back while
// the grant is unchanged; only a new sign-in (fresh consent) does.
TEST_F(ProfileSyncTest, AnErasedContactIsNotSyncedBackUntilANewSignIn) {
  int64_t id = sign_in_with("tt_login", {"user.info.basic"});
  auto first = sync(id);
  ASSERT_EQ(first.status, "ok");
  ASSERT_TRUE(first.contact_id);
  auto report = contacts::erase_contact(*db, {.contact_id = *first.contact_id, .actor = "cli"});
  ASSERT_TRUE(report);

  sb->clear_requests();
  now = std::chrono::system_clock::now() + std::chrono::hours(cfg->contacts.refresh_after_hours) +
        std::chrono::minutes(1);
  auto forced = contacts::sync_connection(db->session(), services(), "tt_login", true);
  EXPECT_EQ(forced.skipped, 1);
  EXPECT_EQ(platform_requests(), 0u);
  int64_t live = -1;
  db->session() << "SELECT COUNT(*) FROM contacts WHERE status <> 'erased'", soci::into(live);
  EXPECT_EQ(live, 0);

  auto g = grant(id);
  vault::GrantInput again{g.info.user_id,    g.info.connection,        g.info.platform_user_id,
                          g.info.scopes,     *g.access_token,          g.refresh_token,
                          g.info.expires_at, g.info.refresh_expires_at};
  vault::upsert_grant(db->session(), keyring, again);
  auto resumed = contacts::sync_connection(db->session(), services(), "tt_login");
  EXPECT_EQ(resumed.synced, 1);
  db->session() << "SELECT COUNT(*) FROM contacts WHERE status <> 'erased'", soci::into(live);
  EXPECT_EQ(live, 1);
}

TEST_F(ProfileSyncTest, AConnectionsSyncIsIncremental) {
  int64_t id = sign_in_with("tt_login", {"user.info.basic"});
  auto first = contacts::sync_connection(db->session(), services(), "tt_login");
  EXPECT_EQ(first.synced, 1);

  sb->clear_requests();
  auto second = contacts::sync_connection(db->session(), services(), "tt_login");
  EXPECT_EQ(second.skipped, 1);
  ASSERT_EQ(second.grants.size(), 1u);
  EXPECT_EQ(second.grants[0].status, "not_due");
  EXPECT_EQ(platform_requests(), 0u);

  // The grant changes (a new sign-in stores it again): synced again.
  auto g = grant(id);
  vault::GrantInput again{g.info.user_id,    g.info.connection,        g.info.platform_user_id,
                          g.info.scopes,     *g.access_token,          g.refresh_token,
                          g.info.expires_at, g.info.refresh_expires_at};
  vault::upsert_grant(db->session(), keyring, again);
  auto third = contacts::sync_connection(db->session(), services(), "tt_login");
  EXPECT_EQ(third.unchanged, 1);
  EXPECT_GT(platform_requests(), 0u);

  sb->clear_requests();
  EXPECT_EQ(contacts::sync_connection(db->session(), services(), "tt_login").skipped, 1);
  EXPECT_EQ(platform_requests(), 0u);

  // Due again after refresh_after_hours.
  now = std::chrono::system_clock::now() + std::chrono::hours(cfg->contacts.refresh_after_hours) +
        std::chrono::minutes(1);
  auto due = contacts::sync_connection(db->session(), services(), "tt_login");
  EXPECT_EQ(due.unchanged, 1);
  EXPECT_GT(platform_requests(), 0u);
}

TEST_F(ProfileSyncTest, AScheduledProfilePipelineRunIsRecorded) {
  int64_t id = sign_in_with("tt_login", {"user.info.basic"});
  pipeline::Runner runner(*db, *cfg, registry, http);
  std::atomic<bool> stop{false};
  runner.set_profile_sync([&](const config::Pipeline& p, const pipeline::RunOptions& o) {
    auto store = store::Store::open(options);  // its own session, as the commands wire it
    auto c = contacts::sync_connection(store.session(), services(), p.connection, o.force);
    stop = true;  // one turn of the scheduler is enough
    pipeline::ProfileRunSummary s;
    s.synced = c.synced;
    s.unchanged = c.unchanged;
    s.failed = c.failed;
    s.skipped = c.skipped;
    return s;
  });
  pipeline::Scheduler scheduler(runner, *cfg);
  ASSERT_EQ(scheduler.plan().size(), 1u);
  EXPECT_EQ(scheduler.plan()[0].pipeline, "tt_profiles");
  EXPECT_EQ(scheduler.run(stop, std::chrono::milliseconds(10)), 1);

  std::string status, origin, connection;
  long long rows = -1;
  db->session() << "SELECT status, origin, connection, row_count FROM sync_runs WHERE pipeline = "
                   "'tt_profiles'",
      soci::into(status), soci::into(origin), soci::into(connection), soci::into(rows);
  EXPECT_EQ(status, "succeeded");
  EXPECT_EQ(origin, "schedule");
  EXPECT_EQ(connection, "tt_login");
  EXPECT_EQ(rows, 1);  // one profile got a new version
  EXPECT_EQ(versions(id).size(), 1u);
}

}  // namespace
}  // namespace connhost::testing
