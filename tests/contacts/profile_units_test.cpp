// The pure parts of profile sync: normalization (docs/contacts.md, "Normalization"), the
// comparison that keeps re-signed picture URLs from making versions, the field policy's keep,
// hash and truncate, and write_profile's contact rules on a fresh SQLite store (businesses get
// contacts of their own, frozen identities are never written, the contact's name follows its most
// recently fetched identity, a removed attribute is a change).

#include <gmock/gmock.h>
#include <soci/soci.h>

#include "contacts/contact_store.hpp"
#include "contacts/field_policy.hpp"
#include "contacts/normalize.hpp"
#include "store/session.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

namespace connhost::testing {
namespace {

using contacts::Attributes;
using ::testing::ElementsAre;

TEST(ProfileNormalize, TrimsCollapsesAndDropsEmptyValues) {
  plugin::ProfileRecord p;
  p.platform_user_id = "u1";
  p.display_name = "  Jane \n\t  Doe  ";
  p.avatar_url = " https://cdn.example/a.jpg ";
  p.follower_count = 1200;
  p.following_count = 0;
  p.business_category = "   ";
  p.region = " us ";
  p.extras = {{"Email ", " jane@example.com "},
              {"bio_description", ""},
              {"platform_user_id", "u1"},
              {"Username", "jane.doe"}};
  Attributes a = contacts::normalize(p);
  EXPECT_EQ(a, (Attributes{{"avatar_url", "https://cdn.example/a.jpg"},
                           {"display_name", "Jane Doe"},
                           {"email", "jane@example.com"},
                           {"follower_count", "1200"},
                           {"following_count", "0"},
                           {"region", "US"},
                           {"username", "jane.doe"}}));
}

TEST(ProfileNormalize, RegionIsTwoLettersOrNothing) {
  for (const char* bad : {"USA", "u", "1A", "en-US", ""}) {
    plugin::ProfileRecord p;
    p.region = bad;
    EXPECT_EQ(contacts::normalize(p).count("region"), 0u) << bad;
  }
  plugin::ProfileRecord p;
  p.extras = {{"region", "de"}, {"follower_count", "1.2K"}};
  auto a = contacts::normalize(p);
  EXPECT_EQ(a["region"], "DE");
  EXPECT_EQ(a.count("follower_count"), 0u);  // not a decimal integer
}

TEST(ProfileNormalize, SignedPictureUrlsCompareWithoutTheirSignature) {
  // TikTok's CDN (tiktok.md §3.2) and Meta's: the same picture, signed twice.
  EXPECT_EQ(contacts::comparison_form(
                "avatar_url",
                "https://p16-sign-va.tiktokcdn.com/a~c5_168x168.jpeg?x-expires=1&x-signature=AA"),
            contacts::comparison_form(
                "avatar_url",
                "https://p16-sign-va.tiktokcdn.com/a~c5_168x168.jpeg?x-expires=2&x-signature=BB"));
  EXPECT_EQ(contacts::comparison_form("avatar_url",
                                      "https://scontent.xx.fbcdn.net/v/t1/123_n.jpg?oh=aa&oe=11"),
            contacts::comparison_form("avatar_url",
                                      "https://scontent.xx.fbcdn.net/v/t1/123_n.jpg?oh=bb&oe=22"));
  // Meta's lookaside picture URL names whose picture it is only in its query.
  EXPECT_EQ(contacts::comparison_form(
                "avatar_url",
                "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=1&ext=11&hash=Ab"),
            contacts::comparison_form(
                "avatar_url",
                "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=1&ext=22&hash=Cd"));
  EXPECT_NE(contacts::comparison_form(
                "avatar_url", "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=1"),
            contacts::comparison_form(
                "avatar_url", "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=2"));
  // Another picture is a change; so is any other attribute's query.
  EXPECT_NE(contacts::comparison_form("avatar_url", "https://cdn.example/a.jpg?x=1"),
            contacts::comparison_form("avatar_url", "https://cdn.example/b.jpg?x=1"));
  EXPECT_NE(contacts::comparison_form("shop_url", "https://shop.example/?id=1"),
            contacts::comparison_form("shop_url", "https://shop.example/?id=2"));
}

TEST(ProfileFieldPolicy, KeepsHashesTruncatesAndDropsTheRest) {
  config::ContactsSettings policy;
  policy.fields = {{"display_name", {config::FieldRule::Action::keep, 0}},
                   {"email", {config::FieldRule::Action::hash, 0}},
                   {"bio_description", {config::FieldRule::Action::truncate, 5}}};
  Attributes in{{"display_name", "Jane Doe"},
                {"email", "  Jane@Example.COM "},
                {"bio_description", "Testing things offline"},
                {"avatar_url", "https://cdn.example/a.jpg"},
                {"username", "jane"}};
  auto out = contacts::apply_policy(policy, in);
  // SHA-256("jane@example.com"), computed independently (sha256sum).
  EXPECT_EQ(out, (Attributes{
                     {"bio_description", "Testi"},
                     {"display_name", "Jane Doe"},
                     {"email",
                      "sha256:"
                      "8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d"},
                 }));
}

TEST(ProfileFieldPolicy, HashIsSha256OfTheTrimmedLowerCasedValue) {
  // FIPS 180-2's test vector for "abc".
  EXPECT_EQ(contacts::hash_value(" ABC\n"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(contacts::hash_value(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(ProfileFieldPolicy, TruncateCountsCodePoints) {
  EXPECT_EQ(contacts::truncate_value("héllo wörld", 2), "hé");
  EXPECT_EQ(contacts::truncate_value("日本語テキスト", 3), "日本語");
  EXPECT_EQ(contacts::truncate_value("a😀b", 2), "a😀");
  EXPECT_EQ(contacts::truncate_value("short", 80), "short");
  EXPECT_EQ(contacts::truncate_value("x", 0), "");
}

class ProfileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.sqlite_path = dir.path() / "store.db";
    db.emplace(store::Store::open(o));
    db->migrate();
    auto& sql = db->session();
    sql << "INSERT INTO users (created_at) VALUES ('2026-11-20T00:00:00.000Z')";
    sql << "SELECT MAX(id) FROM users", soci::into(user);
  }

  contacts::WriteOutcome write(std::string platform, std::string id, Attributes a,
                               std::optional<int64_t> user_id, std::string at) {
    contacts::ProfileWrite w;
    w.platform = std::move(platform);
    w.connection = "c";
    w.platform_user_id = std::move(id);
    w.attributes = std::move(a);
    w.user_id = user_id;
    w.fetched_at = std::move(at);
    return contacts::write_profile(db->session(), w);
  }

  std::string contact_name(int64_t contact) {
    std::string n;
    long long c = contact;
    db->session() << "SELECT display_name FROM contacts WHERE id = :c", soci::use(c), soci::into(n);
    return n;
  }

  test::TempDir dir;
  std::optional<store::Store> db;
  long long user = 0;
};

TEST_F(ProfileStoreTest, IdentitiesOfOneUserShareAContactAndBusinessesGetTheirOwn) {
  auto a = write("tiktok", "tt1", {{"display_name", "Jane T"}}, user, "2026-11-20T10:00:00.000Z");
  EXPECT_TRUE(a.created);
  EXPECT_TRUE(a.new_version);
  EXPECT_EQ(a.version, 1);
  EXPECT_THAT(a.changed, ElementsAre("display_name"));
  auto b = write("google", "g1", {{"display_name", "Jane G"}}, user, "2026-11-20T11:00:00.000Z");
  EXPECT_FALSE(b.created);
  EXPECT_EQ(b.contact_id, a.contact_id);
  // The most recently fetched identity names the contact.
  EXPECT_EQ(contact_name(a.contact_id), "Jane G");
  auto biz =
      write("meta", "page1", {{"display_name", "Acme"}}, std::nullopt, "2026-11-20T12:00:00.000Z");
  EXPECT_TRUE(biz.created);
  EXPECT_NE(biz.contact_id, a.contact_id);
  EXPECT_EQ(contact_name(a.contact_id), "Jane G");
}

TEST_F(ProfileStoreTest, ARemovedAttributeIsAChangeAndAnUnchangedOneIsNot) {
  Attributes full{{"display_name", "Jane"}, {"region", "US"}};
  write("tiktok", "tt1", full, user, "2026-11-20T10:00:00.000Z");
  auto same = write("tiktok", "tt1", full, user, "2026-11-20T11:00:00.000Z");
  EXPECT_FALSE(same.new_version);
  EXPECT_EQ(same.version, 1);
  auto less = write("tiktok", "tt1", {{"display_name", "Jane"}}, user, "2026-11-20T12:00:00.000Z");
  EXPECT_TRUE(less.new_version);
  EXPECT_EQ(less.version, 2);
  EXPECT_THAT(less.changed, ElementsAre("region"));
  long long rows = -1;
  db->session() << "SELECT COUNT(*) FROM contact_attributes WHERE name = 'region'",
      soci::into(rows);
  EXPECT_EQ(rows, 0);
}

TEST_F(ProfileStoreTest, AFrozenIdentityIsNeverWritten) {
  auto a = write("tiktok", "tt1", {{"display_name", "Jane"}}, user, "2026-11-20T10:00:00.000Z");
  long long i = a.identity_id;
  db->session() << "UPDATE contact_identities SET status = 'frozen' WHERE id = :i", soci::use(i);
  auto b = write("tiktok", "tt1", {{"display_name", "Janet"}}, user, "2026-11-20T11:00:00.000Z");
  EXPECT_TRUE(b.frozen);
  EXPECT_FALSE(b.new_version);
  std::string v;
  db->session() << "SELECT value FROM contact_attributes WHERE identity_id = :i AND name = "
                   "'display_name'",
      soci::use(i), soci::into(v);
  EXPECT_EQ(v, "Jane");
  EXPECT_EQ(contact_name(a.contact_id), "Jane");
}

}  // namespace
}  // namespace connhost::testing
