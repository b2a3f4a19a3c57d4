// The read side of the contact model and the CSV export on PostgreSQL (the API tests run them on
// SQLite): the same rows, the same answers, timestamps as the store's text.
#include <gmock/gmock.h>

#include "contacts/contact_query.hpp"
#include "contacts/csv_export.hpp"
#include "contacts_seed.hpp"
#include "store/store.hpp"
#include "support/postgres.hpp"

namespace connhost::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class ContactsQueryPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pg = std::make_unique<PgTestDatabase>();
    store::StoreOptions options;
    options.backend = store::Backend::postgresql;
    options.pg_connection = pg->conninfo();
    db.emplace(store::Store::open(options));
    db->migrate();
    seed_contacts(db->session());
  }
  void TearDown() override {
    db.reset();  // the connection closes before the database is dropped
    pg.reset();
  }
  std::vector<int64_t> list_ids(const contacts::ContactFilter& f) {
    std::vector<int64_t> out;
    for (const auto& c : contacts::list_contacts(db->session(), f).contacts) out.push_back(c.id);
    return out;
  }
  std::unique_ptr<PgTestDatabase> pg;
  std::optional<store::Store> db;
};

TEST_F(ContactsQueryPostgresTest, ListSearchAndFilters) {
  auto page = contacts::list_contacts(db->session(), {});
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.contacts.size(), 2u);
  EXPECT_EQ(page.contacts[0].display_name, "Ada Lovelace");
  EXPECT_EQ(page.contacts[0].updated_at, "2026-11-04T10:00:00.000Z");
  EXPECT_THAT(page.contacts[0].platforms, ElementsAre("meta", "tiktok"));
  EXPECT_THAT(list_ids({.search = "LOVE"}), ElementsAre(1));
  EXPECT_THAT(list_ids({.search = "g_78"}), ElementsAre(2));
  EXPECT_THAT(list_ids({.search = "_"}), ElementsAre(1, 2));  // literal: every id has one
  EXPECT_THAT(list_ids({.platform = "google"}), ElementsAre(2));
  EXPECT_THAT(list_ids({.include_erased = true}), ElementsAre(1, 2, 3));
  EXPECT_THAT(list_ids({.limit = 1, .offset = 1}), ElementsAre(2));
}

TEST_F(ContactsQueryPostgresTest, ContactHistoryAndConsent) {
  auto c = contacts::get_contact(db->session(), 1);
  ASSERT_TRUE(c);
  ASSERT_EQ(c->identities.size(), 2u);
  const auto& tiktok = c->identities[0];
  EXPECT_EQ(tiktok.platform_user_id, "tt_123");
  EXPECT_EQ(tiktok.grant_id, 1);
  EXPECT_EQ(tiktok.fetched_at, "2026-11-04T10:00:00.000Z");
  ASSERT_TRUE(tiktok.sync);
  EXPECT_EQ(tiktok.sync->status, "ok");
  ASSERT_EQ(tiktok.attributes.size(), 5u);
  EXPECT_EQ(tiktok.attributes[0].name, "avatar_url");  // by name
  EXPECT_EQ(tiktok.attributes[0].fetched_at, "2026-11-04T10:00:00.000Z");
  EXPECT_FALSE(contacts::get_contact(db->session(), 999));

  std::vector<int64_t> versions;
  for (const auto& v : contacts::contact_history(db->session(), 1)) versions.push_back(v.id);
  EXPECT_THAT(versions, ElementsAre(1, 3, 2));
  std::vector<int64_t> consent;
  for (const auto& e : contacts::contact_consent(db->session(), 1)) consent.push_back(e.id);
  EXPECT_THAT(consent, ElementsAre(3, 2, 1));
}

TEST_F(ContactsQueryPostgresTest, CsvExport) {
  std::string masked, full;
  contacts::export_csv(db->session(), false, [&](std::string_view c) { masked.append(c); });
  contacts::export_csv(db->session(), true, [&](std::string_view c) { full.append(c); });
  EXPECT_THAT(full, HasSubstr("\"Bob, \"\"the builder\"\"\nJr\""));
  EXPECT_THAT(full, HasSubstr("1,Ada Lovelace,active,2026-11-01T10:00:00.000Z,"));
  EXPECT_THAT(masked, Not(HasSubstr("Lovelace")));
  EXPECT_THAT(masked, HasSubstr("1,A…,active,"));
  EXPECT_THAT(full, Not(HasSubstr("tt_erased")));
}

}  // namespace
}  // namespace connhost::test
