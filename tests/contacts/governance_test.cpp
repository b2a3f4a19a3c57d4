// Consent and erasure (issue #8, docs/contacts.md "Consent" and "Erasure"): the consent log the
// vault writes, what a revocation does to the profile (freeze, erase), a platform's
// deauthorization through the inbox processor, and the erasure of a person, proven on SQLite by
// searching the database file and its WAL for their bytes. Built twice: on SQLite, and with
// CONNHOST_GOVERNANCE_POSTGRES on the PostgreSQL of the ctest fixture `postgres` (the same rows;
// there the old row versions stay as dead tuples until VACUUM, so no file is searched).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <boost/json.hpp>

#include <fstream>
#include <iterator>

#include "../vault/consent_log_cases.hpp"
#include "config/config.hpp"
#include "contacts/erasure.hpp"
#include "contacts/revocation.hpp"
#include "inbox/processor.hpp"
#include "log/logger.hpp"
#include "plugin/registry.hpp"
#include "server/grant_revoke.hpp"
#include "store/session.hpp"
#include "store/timestamp.hpp"
#include "support/temp_dir.hpp"
#ifdef CONNHOST_GOVERNANCE_POSTGRES
#include "support/postgres.hpp"
#endif
#include "vault/consent_log.hpp"
#include "vault/grants.hpp"

namespace connhost::test {
namespace {

using soci::into;
using soci::use;
using OnRevoke = config::ContactsSettings::OnRevoke;

std::string bytes_of(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class GovernanceFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    log::init(log::Level::off, log::Format::text);
#ifdef CONNHOST_GOVERNANCE_POSTGRES
    pg = std::make_unique<PgTestDatabase>();
    db.emplace(store::Store::open(
        {.backend = store::Backend::postgresql, .pg_connection = pg->conninfo()}));
#else
    db.emplace(store::Store::open({.backend = store::Backend::sqlite, .sqlite_path = path()}));
#endif
    db->migrate();
    user = vault::create_user(sql()).id;
  }
  void TearDown() override {
    db.reset();  // the connection closes before the database is dropped
#ifdef CONNHOST_GOVERNANCE_POSTGRES
    pg.reset();
#endif
  }
  // As the inbox processor begins its transactions.
  void begin() {
    sql() << (db->backend() == store::Backend::sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  }

  std::filesystem::path path() const {
    return dir.path() / "store.db";
  }
  soci::session& sql() {
    return db->session();
  }

  int64_t grant(const std::string& connection, const std::string& platform_user,
                const std::string& scopes = "user.info.basic") {
    vault::GrantInput in;
    in.user_id = user;
    in.connection = connection;
    in.platform_user_id = platform_user;
    in.scopes = scopes;
    in.access_token = vault::SecretText(std::string("acc-") + platform_user);
    return vault::upsert_grant(sql(), keyring, in);
  }

  int64_t contact(const std::string& name) {
    std::string now = store::now_timestamp();
    long long id = 0, owner = user;
    sql() << "INSERT INTO contacts (display_name, user_id, created_at, updated_at) VALUES (:n, "
             ":u, :c, :t) RETURNING id",
        use(name), use(owner), use(now), use(now), into(id);
    return id;
  }

  // An identity with its attributes and one version per entry of `versions` (attributes JSON).
  int64_t identity(int64_t contact_id, const std::string& platform, const std::string& puid,
                   std::optional<int64_t> grant_id, const std::string& name,
                   const std::map<std::string, std::string>& attributes,
                   const std::vector<std::string>& versions) {
    std::string now = store::now_timestamp(), connection = platform + "_main";
    long long c = contact_id, g = grant_id.value_or(0), id = 0;
    soci::indicator g_ind = grant_id ? soci::i_ok : soci::i_null;
    sql()
        << "INSERT INTO contact_identities (contact_id, platform, platform_user_id, display_name, "
           "created_at, connection, grant_id, fetched_at) VALUES (:c, :p, :u, :n, :t, :cn, :g, "
           ":f) RETURNING id",
        use(c), use(platform), use(puid), use(name), use(now), use(connection), use(g, g_ind),
        use(now), into(id);
    for (const auto& [k, v] : attributes)
      sql() << "INSERT INTO contact_attributes (identity_id, name, value, fetched_at) VALUES (:i, "
               ":n, :v, :t)",
          use(id), use(k), use(v), use(now);
    long long version = 0;
    for (const auto& json : versions) {
      ++version;
      std::string changed = "[\"display_name\"]";
      sql() << "INSERT INTO contact_versions (contact_id, identity_id, version, attributes_json, "
               "changed_json, connection, fetched_at) VALUES (:c, :i, :v, :a, :ch, :cn, :t)",
          use(c), use(id), use(version), use(json), use(changed), use(connection), use(now);
    }
    return id;
  }

  void profile_sync(int64_t grant_id, int64_t identity_id, const std::string& connection) {
    long long g = grant_id, i = identity_id;
    std::string now = store::now_timestamp();
    sql() << "INSERT INTO profile_syncs (grant_id, connection, identity_id, status, "
             "last_synced_at) VALUES (:g, :c, :i, 'ok', :t)",
        use(g), use(connection), use(i), use(now);
  }

  std::string text(const std::string& query, int64_t id) {
    std::string out;
    soci::indicator ind = soci::i_null;
    long long key = id;
    sql() << query, use(key), into(out, ind);
    return ind == soci::i_ok ? out : "<null>";
  }
  long long count(const std::string& query, int64_t id) {
    long long n = -1, key = id;
    sql() << query, use(key), into(n);
    return n;
  }

  server::RevokeOutcome revoke_locally(int64_t grant_id, OnRevoke policy) {
    config::HostConfig cfg;
    cfg.contacts.on_revoke = policy;
    plugin::Registry none;
    return server::revoke_grant(sql(), nullptr, cfg, none, nullptr, grant_id, true, "cli");
  }

  TempDir dir{"connhost-governance"};
#ifdef CONNHOST_GOVERNANCE_POSTGRES
  std::unique_ptr<PgTestDatabase> pg;
#endif
  std::optional<store::Store> db;
  vault::Keyring keyring{"k1", {{"k1", vault::KeyBytes::random()}}};
  int64_t user = 0;
};

// One name per backend, so that ctest lists both.
#ifdef CONNHOST_GOVERNANCE_POSTGRES
using GovernancePostgresTest = GovernanceFixture;
#define GOVERNANCE_TEST GovernancePostgresTest
#else
using GovernanceTest = GovernanceFixture;
#define GOVERNANCE_TEST GovernanceTest
#endif

TEST_F(GOVERNANCE_TEST, ConsentLogFollowsTheGrant) {
  vault::testing::expect_consent_log_follows_the_grant(sql());
}
TEST_F(GOVERNANCE_TEST, ConsentAfterReauthIsGranted) {
  vault::testing::expect_consent_after_reauth_is_granted(sql());
}

TEST_F(GOVERNANCE_TEST, RevokeFreezesTheProfile) {
  int64_t g = grant("tiktok_main", "tt-freeze");
  int64_t c = contact("Frieda Frost");
  int64_t i = identity(c, "tiktok", "tt-freeze", g, "Frieda Frost",
                       {{"display_name", "Frieda Frost"}, {"region", "DE"}},
                       {R"({"display_name":"Frieda Frost","region":"DE"})"});
  profile_sync(g, i, "tiktok_main");

  auto out = revoke_locally(g, OnRevoke::freeze);
  ASSERT_EQ(out.result, server::RevokeOutcome::Result::revoked) << out.message;
  EXPECT_TRUE(out.profile.identity_found);
  EXPECT_TRUE(out.profile.frozen);
  EXPECT_FALSE(out.profile.erased);
  EXPECT_EQ(out.grant->status, vault::GrantStatus::revoked);

  EXPECT_EQ(text("SELECT status FROM contact_identities WHERE id = :i", i), "frozen");
  EXPECT_EQ(text("SELECT status FROM contacts WHERE id = :c", c), "frozen");
  // Frozen keeps the data as it was.
  EXPECT_EQ(text("SELECT display_name FROM contacts WHERE id = :c", c), "Frieda Frost");
  EXPECT_EQ(count("SELECT COUNT(*) FROM contact_attributes WHERE identity_id = :i", i), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contact_versions WHERE identity_id = :i", i), 1);
  EXPECT_EQ(text("SELECT status FROM profile_syncs WHERE grant_id = :g", g), "stopped");
  EXPECT_EQ(text("SELECT error FROM profile_syncs WHERE grant_id = :g", g),
            "consent revoked (cli)");

  auto log = vault::consent_log(sql(), g);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].record.event, vault::ConsentEvent::revoked);
  EXPECT_EQ(log[1].record.source, "cli");
}

TEST_F(GOVERNANCE_TEST, FreezingOneOfTwoIdentitiesLeavesTheContactActive) {
  int64_t g1 = grant("tiktok_main", "tt-one"), g2 = grant("google_main", "g-one");
  int64_t c = contact("Two Ways");
  int64_t i1 = identity(c, "tiktok", "tt-one", g1, "Two Ways", {{"region", "FR"}}, {});
  int64_t i2 = identity(c, "google", "g-one", g2, "Two Ways", {{"region", "FR"}}, {});

  ASSERT_EQ(revoke_locally(g1, OnRevoke::freeze).result, server::RevokeOutcome::Result::revoked);
  EXPECT_EQ(text("SELECT status FROM contact_identities WHERE id = :i", i1), "frozen");
  EXPECT_EQ(text("SELECT status FROM contact_identities WHERE id = :i", i2), "active");
  EXPECT_EQ(text("SELECT status FROM contacts WHERE id = :c", c), "active");
  // The grant had never been synced: its sync row is made, stopped.
  EXPECT_EQ(text("SELECT status FROM profile_syncs WHERE grant_id = :g", g1), "stopped");

  ASSERT_EQ(revoke_locally(g2, OnRevoke::freeze).result, server::RevokeOutcome::Result::revoked);
  EXPECT_EQ(text("SELECT status FROM contacts WHERE id = :c", c), "frozen");
}

TEST_F(GOVERNANCE_TEST, RevokeErasesTheIdentityThenTheContact) {
  int64_t g1 = grant("tiktok_main", "tt-erase"), g2 = grant("google_main", "g-erase");
  int64_t c = contact("Erna Eraser");
  int64_t i1 = identity(c, "tiktok", "tt-erase", g1, "Erna Eraser",
                        {{"display_name", "Erna Eraser"}, {"region", "AT"}},
                        {R"({"display_name":"Erna Eraser"})", R"({"display_name":"Erna E."})"});
  int64_t i2 = identity(c, "google", "g-erase", g2, "Erna G.", {{"display_name", "Erna G."}},
                        {R"({"display_name":"Erna G."})"});
  profile_sync(g1, i1, "tiktok_main");

  auto first = revoke_locally(g1, OnRevoke::erase);
  ASSERT_EQ(first.result, server::RevokeOutcome::Result::revoked) << first.message;
  EXPECT_TRUE(first.profile.erased);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contact_attributes WHERE identity_id = :i", i1), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contact_versions WHERE identity_id = :i", i1), 0);
  EXPECT_EQ(text("SELECT display_name FROM contact_identities WHERE id = :i", i1), "<null>");
  EXPECT_EQ(text("SELECT status FROM profile_syncs WHERE grant_id = :g", g1), "stopped");
  // The other identity keeps its data; the contact stays, named by what is left.
  EXPECT_EQ(count("SELECT COUNT(*) FROM contact_attributes WHERE identity_id = :i", i2), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contact_versions WHERE identity_id = :i", i2), 1);
  EXPECT_EQ(text("SELECT status FROM contacts WHERE id = :c", c), "active");
  EXPECT_EQ(text("SELECT display_name FROM contacts WHERE id = :c", c), "Erna G.");
  EXPECT_EQ(count("SELECT COUNT(*) FROM contact_erasures WHERE contact_id = :c", c), 0);

  auto second = revoke_locally(g2, OnRevoke::erase);
  ASSERT_EQ(second.result, server::RevokeOutcome::Result::revoked) << second.message;
  EXPECT_TRUE(second.profile.erased);
  EXPECT_EQ(text("SELECT status FROM contacts WHERE id = :c", c), "erased");
  EXPECT_EQ(text("SELECT display_name FROM contacts WHERE id = :c", c), "<null>");
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts WHERE id = :c AND user_id IS NULL AND "
                  "erased_at IS NOT NULL",
                  c),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contact_identities WHERE contact_id = :c", c), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contact_versions WHERE contact_id = :c", c), 0);
  EXPECT_EQ(text("SELECT actor FROM contact_erasures WHERE contact_id = :c", c),
            "consent:" + std::to_string(g2));
  // Each grant's sync keeps the reason it stopped for: its revocation.
  EXPECT_EQ(text("SELECT error FROM profile_syncs WHERE grant_id = :g", g1),
            "consent revoked (cli)");
  EXPECT_EQ(text("SELECT error FROM profile_syncs WHERE grant_id = :g", g2),
            "consent revoked (cli)");
}

TEST_F(GOVERNANCE_TEST, DeauthorizationEventRevokesTheGrant) {
  int64_t mine = grant("tiktok_main", "open-deauth");
  int64_t sibling = grant("tiktok_second", "open-deauth");
  int64_t other_platform = grant("google_main", "open-deauth");
  int64_t someone_else = grant("tiktok_main", "open-other");
  int64_t c = contact("Dee Authorized");
  int64_t i = identity(c, "tiktok", "open-deauth", mine, "Dee Authorized",
                       {{"display_name", "Dee Authorized"}}, {});

  plugin::MessageEvent e;
  e.event_id = "authorization.removed:open-deauth:1700000000";
  e.event_type = "authorization.removed";
  e.type = "deauthorized";
  e.sender_id = "open-deauth";
  e.timestamp_ms = 1700000000000;
  e.extras = {{"reason", "1"}, {"reason_text", "user disconnected"}};

  inbox::ApplyOptions options;
  options.contacts.on_revoke = OnRevoke::freeze;
  options.connection_platforms = {
      {"tiktok_main", "tiktok"}, {"tiktok_second", "tiktok"}, {"google_main", "google"}};
  begin();
  inbox::apply_event(*db, "tiktok_main", "tiktok", e, options);
  sql() << "COMMIT";

  auto status = [&](int64_t g) { return text("SELECT status FROM grants WHERE id = :g", g); };
  EXPECT_EQ(status(mine), "revoked");
  EXPECT_EQ(status(sibling), "revoked");  // same platform, same user, another connection
  EXPECT_EQ(status(other_platform), "active");
  EXPECT_EQ(status(someone_else), "active");
  EXPECT_EQ(count("SELECT COUNT(*) FROM grants WHERE id = :g AND access_token_enc IS NULL", mine),
            1);

  auto log = vault::consent_log(sql(), mine);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].record.event, vault::ConsentEvent::revoked);
  EXPECT_EQ(log[1].record.source, "webhook");
  EXPECT_EQ(log[1].record.detail, "user disconnected");
  EXPECT_EQ(text("SELECT status FROM contact_identities WHERE id = :i", i), "frozen");
  EXPECT_EQ(text("SELECT status FROM contacts WHERE id = :c", c), "frozen");
  EXPECT_EQ(text("SELECT status FROM profile_syncs WHERE grant_id = :g", mine), "stopped");

  // The same event again (a redelivery or a replay): nothing more is revoked or logged.
  begin();
  inbox::apply_event(*db, "tiktok_main", "tiktok", e, options);
  sql() << "COMMIT";
  EXPECT_EQ(vault::consent_log(sql(), mine).size(), 2u);

  // Without the connection map only the receiving connection's grants are revoked.
  int64_t lone = grant("tiktok_second", "open-lone"), lone_main = grant("tiktok_main", "open-lone");
  e.sender_id = "open-lone";
  begin();
  inbox::apply_event(*db, "tiktok_main", "tiktok", e);
  sql() << "COMMIT";
  EXPECT_EQ(status(lone_main), "revoked");
  EXPECT_EQ(status(lone), "active");
}

TEST_F(GOVERNANCE_TEST, DeauthorizationWithoutUserFails) {
  plugin::MessageEvent e;
  e.event_id = "x";
  e.type = "deauthorized";
  EXPECT_THROW(inbox::apply_event(*db, "tiktok_main", "tiktok", e), std::invalid_argument);
}

// The person of the erasure test, and someone who must stay.
constexpr std::string_view kName = "Zebulon Quillfeather", kEmail = "zebulon.q@pii-example.test",
                           kUsername = "zquill_pii_handle", kOtherName = "Ottilie Keepme";

TEST_F(GOVERNANCE_TEST, ErasureLeavesNoPiiBehind) {
  const bool sqlite = db->backend() == store::Backend::sqlite;
  const std::string name(kName), email(kEmail), username(kUsername), other(kOtherName);
  int64_t g = grant("meta_main", "ig-user-777");
  int64_t c = contact(name);
  std::string attrs = R"({"display_name":")" + name + R"(","email":")" + email +
                      R"(","username":")" + username + R"("})";
  int64_t i = identity(c, "meta", "ig-user-777", g, name,
                       {{"display_name", name}, {"email", email}, {"username", username}},
                       {attrs, "{\"display_name\":\"" + name + " (old)\"}"});
  profile_sync(g, i, "meta_main");
  int64_t keep = contact(other);
  identity(keep, "meta", "ig-user-888", std::nullopt, other, {{"display_name", other}}, {});

  // A conversation of each, with messages carrying the sender name, and the raw delivery and the
  // stored event they came in.
  auto conversation = [&](int64_t contact_id, const std::string& thread,
                          const std::string& participant, const std::string& sender_name) {
    std::string now = store::now_timestamp(), connection = "meta_main", platform = "meta",
                account = "page-1";
    long long id = 0, cid = contact_id;
    sql() << "INSERT INTO conversations (connection, platform, account_id, thread_id, "
             "participant_id, contact_id, last_activity_at, created_at) VALUES (:c, :p, :a, :t, "
             ":pa, :ct, :l, :n) RETURNING id",
        use(connection), use(platform), use(account), use(thread), use(participant), use(cid),
        use(now), use(now), into(id);
    for (int m = 0; m < 2; ++m) {
      std::string mid = thread + "-m" + std::to_string(m), body = "hello " + std::to_string(m);
      sql() << "INSERT INTO messages (conversation_id, platform_message_id, direction, type, "
               "text, sender_id, sender_name, sent_at, status, created_at, updated_at) VALUES "
               "(:c, :m, 'in', 'text', :x, :s, :sn, :t, 'received', :t2, :t3)",
          use(id), use(mid), use(body), use(participant), use(sender_name), use(now), use(now),
          use(now);
    }
    boost::json::object event{{"event_id", thread + "-m0"},
                              {"event_type", "message"},
                              {"account_id", account},
                              {"conversation_id", thread},
                              {"message_id", thread + "-m0"},
                              {"sender_id", participant},
                              {"recipient_id", account},
                              {"direction", "in"},
                              {"timestamp_ms", 1700000000000},
                              {"type", "text"},
                              {"text", "hello 0"},
                              {"extras", boost::json::object{{"sender_name", sender_name}}}};
    std::string body = R"({"object":"instagram","entry":[{"id":"page-1","messaging":[{"sender":)"
                       R"({"id":")" +
                       participant + R"(","name":")" + sender_name + R"("}}]}]})";
    std::string headers = R"({"x-sender-name":")" + sender_name + R"("})";
    std::string sha = "sha-" + thread, event_json = boost::json::serialize(event),
                event_id = thread + "-m0", event_type = "message";
    long long delivery = 0;
    sql() << "INSERT INTO webhook_deliveries (connection, platform, body_sha256, headers_json, "
             "body, received_at, parse_status) VALUES (:c, :p, :s, :h, :b, :t, 'parsed') "
             "RETURNING id",
        use(connection), use(platform), use(sha), use(headers), use(body), use(now), into(delivery);
    sql() << "INSERT INTO inbox_events (delivery_id, connection, platform, event_id, event_type, "
             "event_json, received_at, status) VALUES (:d, :c, :p, :e, :et, :j, :t, 'processed')",
        use(delivery), use(connection), use(platform), use(event_id), use(event_type),
        use(event_json), use(now);
  };
  conversation(c, "t-zq-1", "ig-user-777", name);
  conversation(keep, "t-ok-1", "ig-user-888", other);

  // The search finds what is there: every string is in the files before the erasure.
  auto files = [&] { return bytes_of(path()) + bytes_of(path().string() + "-wal"); };
  if (sqlite) {
    std::string before = files();
    for (auto s : {kName, kEmail, kUsername, kOtherName})
      ASSERT_NE(before.find(s), std::string::npos) << s << " is not in the files to begin with";
  }

  auto report = contacts::erase_contact(
      *db, {.contact_id = c, .actor = "cli", .reason = "data subject request"});
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->already_erased);
  EXPECT_EQ(report->platforms, std::vector<std::string>{"meta"});
  std::map<std::string, int64_t> expected{{"contacts", 1},           {"contact_identities", 1},
                                          {"contact_attributes", 3}, {"contact_versions", 2},
                                          {"messages", 2},           {"webhook_deliveries", 1},
                                          {"inbox_events", 1},       {"profile_syncs", 1}};
  EXPECT_EQ(report->counts, expected);

  // While the store is still open (the checkpoint truncated the WAL), and after it closed.
  auto expect_clean = [&](const std::string& when) {
    if (!sqlite) return;
    std::string after = files();
    for (auto s : {kName, kEmail, kUsername})
      EXPECT_EQ(after.find(s), std::string::npos) << s << " is still in the files " << when;
    EXPECT_NE(after.find(kOtherName), std::string::npos) << "the other contact was erased too";
  };
  expect_clean("after the erasure");

  // The rows that stay, and what they hold.
  EXPECT_EQ(text("SELECT status FROM contacts WHERE id = :c", c), "erased");
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages m JOIN conversations v ON v.id = "
                  "m.conversation_id WHERE v.contact_id = :c AND m.sender_name IS NULL",
                  c),
            2);
  EXPECT_EQ(text("SELECT status FROM profile_syncs WHERE grant_id = :g", g), "stopped");
  EXPECT_EQ(text("SELECT error FROM profile_syncs WHERE grant_id = :g", g), "contact erased");
  // The dedup keys stay, so a redelivery of the same body or event is still recognized.
  long long deliveries = 0, events = 0;
  sql() << "SELECT COUNT(*) FROM webhook_deliveries WHERE body_sha256 = 'sha-t-zq-1'",
      into(deliveries);
  sql() << "SELECT COUNT(*) FROM inbox_events WHERE event_id = 't-zq-1-m0'", into(events);
  EXPECT_EQ(deliveries, 1);
  EXPECT_EQ(events, 1);

  // The audit record: who, why, which platforms, how many rows; no name, no platform id.
  std::string actor, reason, platforms, counts;
  long long audit_contact = 0, audit_id = report->audit_id;
  sql() << "SELECT contact_id, actor, reason, platforms, counts_json FROM contact_erasures WHERE "
           "id = :id",
      use(audit_id), into(audit_contact), into(actor), into(reason), into(platforms), into(counts);
  ASSERT_TRUE(sql().got_data());
  EXPECT_EQ(audit_contact, c);
  EXPECT_EQ(actor, "cli");
  EXPECT_EQ(reason, "data subject request");
  EXPECT_EQ(platforms, "meta");
  auto parsed = boost::json::parse(counts).as_object();
  EXPECT_EQ(parsed.at("contact_attributes").as_int64(), 3);
  EXPECT_EQ(parsed.at("messages").as_int64(), 2);
  for (const auto& field : {actor, reason, platforms, counts})
    for (auto s : {kName, kEmail, kUsername, std::string_view("ig-user-777")})
      EXPECT_EQ(field.find(s), std::string::npos) << s << " in the audit record";

  // Again: already erased, nothing changed, no second audit row.
  auto again = contacts::erase_contact(*db, {.contact_id = c, .actor = "cli"});
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->already_erased);
  EXPECT_EQ(again->audit_id, report->audit_id);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contact_erasures WHERE contact_id = :c", c), 1);
  EXPECT_FALSE(contacts::erase_contact(*db, {.contact_id = 999999, .actor = "cli"}));

  db.reset();
  expect_clean("after the store closed");
}

}  // namespace
}  // namespace connhost::test
