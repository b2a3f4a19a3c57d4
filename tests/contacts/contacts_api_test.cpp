// The contacts API (/api/contacts..., the CSV export, erasure) in the in-process server, over rows
// inserted as the contact store writes them (migration 10), with two API keys: one without scopes
// (personal data masked) and one with the pii scope. Also the masking rules themselves and the
// [server.api_keys.NAME] configuration.
#include <gmock/gmock.h>

#include <soci/soci.h>

#include <fstream>
#include <sstream>

#include "cli/run_connhost.hpp"
#include "contacts/masking.hpp"
#include "contacts_seed.hpp"
#include "server/server_fixture.hpp"

namespace connhost::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
namespace json = boost::json;

constexpr const char* kReaderKey = "contacts-reader-key";
constexpr const char* kCrmKey = "contacts-crm-key";
const std::vector<std::pair<std::string, std::string>> kReader = {
    {"Authorization", std::string("Bearer ") + kReaderKey}};
const std::vector<std::pair<std::string, std::string>> kCrm = {
    {"Authorization", std::string("Bearer ") + kCrmKey}};

// RFC 4180 records, for checking what the export wrote (quoted fields may hold CR, LF, commas).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else {
      field += c;
    }
  }
  EXPECT_TRUE(field.empty() && row.empty()) << "the export does not end with CRLF";
  return rows;
}

class ContactsApiTest : public ServerTest {
 protected:
  void start_with_keys() {
    start({.keys = {server::ApiKey{.id = "reader", .secret = kReaderKey, .scopes = {}},
                    server::ApiKey{.id = "crm", .secret = kCrmKey, .scopes = {"pii"}}}});
    seed();
  }

  void seed() {
    auto store = open_store();
    seed_contacts(store.session());
  }

  static std::vector<int64_t> ids(const json::value& list) {
    std::vector<int64_t> out;
    for (const auto& c : list.at("contacts").as_array()) out.push_back(c.at("id").as_int64());
    return out;
  }

  static const json::object& attribute(const json::value& identity, std::string_view name) {
    for (const auto& a : identity.at("attributes").as_array())
      if (a.at("name").as_string() == name) return a.as_object();
    ADD_FAILURE() << "no attribute " << name;
    static const json::object none;
    return none;
  }
};

TEST(ContactsMasking, RulesPerKindOfValue) {
  using contacts::is_pii;
  using contacts::mask;
  EXPECT_TRUE(is_pii("display_name"));
  EXPECT_TRUE(is_pii("platform_user_id"));
  EXPECT_TRUE(is_pii("profile_deep_link"));
  EXPECT_TRUE(is_pii("phone"));  // an attribute nobody classified is personal
  EXPECT_FALSE(is_pii("follower_count"));
  EXPECT_FALSE(is_pii("business_category"));
  EXPECT_FALSE(is_pii("region"));
  EXPECT_FALSE(is_pii("is_verified"));

  EXPECT_EQ(mask("display_name", "Ada Lovelace"), "A…");
  EXPECT_EQ(mask("display_name", "Élodie"), "É…");  // a whole character, never half of one
  EXPECT_EQ(mask("username", "@ada"), "@…");
  EXPECT_EQ(mask("email", "ada@example.org"), "…@example.org");
  EXPECT_EQ(mask("email", "sha256:0123abcd"), "sha256:…");
  EXPECT_EQ(mask("avatar_url", "https://cdn.example/a.jpg"), "[masked]");
  EXPECT_EQ(mask("bio_description", "see https://me.example"), "s…");
  EXPECT_EQ(mask("website", "HTTPS://me.example"), "[masked]");
  EXPECT_EQ(mask("follower_count", "1200"), "1200");
  EXPECT_EQ(mask("region", "GB"), "GB");
  EXPECT_EQ(mask("display_name", ""), "");
}

TEST_F(ContactsApiTest, ListsSearchesAndFilters) {
  start_with_keys();
  auto all = get("/api/contacts", kCrm);
  ASSERT_EQ(all.status, 200) << all.body;
  auto v = json(all);
  EXPECT_EQ(v.at("total").as_int64(), 2);  // the erased contact is left out
  EXPECT_THAT(ids(v), ElementsAre(1, 2));
  const auto& ada = v.at("contacts").as_array()[0];
  EXPECT_EQ(ada.at("display_name").as_string(), "Ada Lovelace");
  EXPECT_EQ(ada.at("platforms").as_array(), (json::array{"meta", "tiktok"}));
  EXPECT_EQ(ada.at("updated_at").as_string(), "2026-11-04T10:00:00.000Z");
  EXPECT_FALSE(v.at("pii_masked").as_bool());

  EXPECT_THAT(ids(json(get("/api/contacts?search=LOVELACE", kCrm))), ElementsAre(1));
  EXPECT_THAT(ids(json(get("/api/contacts?search=g_78", kCrm))), ElementsAre(2));
  EXPECT_THAT(ids(json(get("/api/contacts?search=builder", kCrm))), ElementsAre(2));
  // LIKE's wildcards are searched for as themselves.
  EXPECT_THAT(ids(json(get("/api/contacts?search=%25", kCrm))), ElementsAre());
  EXPECT_THAT(ids(json(get("/api/contacts?platform=google", kCrm))), ElementsAre(2));
  EXPECT_THAT(ids(json(get("/api/contacts?platform=meta", kCrm))), ElementsAre(1));
  auto erased = json(get("/api/contacts?include_erased=true", kCrm));
  EXPECT_EQ(erased.at("total").as_int64(), 3);
  EXPECT_EQ(erased.at("contacts").as_array()[2].at("status").as_string(), "erased");
  auto page = json(get("/api/contacts?limit=1&offset=1", kCrm));
  EXPECT_THAT(ids(page), ElementsAre(2));
  EXPECT_EQ(page.at("total").as_int64(), 2);

  auto bad = get("/api/contacts?limit=0", kCrm);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(error_code(bad), "bad_parameter");
  EXPECT_EQ(get("/api/contacts").status, 401);
}

TEST_F(ContactsApiTest, OneContactWithItsIdentitiesAttributesAndSyncState) {
  start_with_keys();
  auto r = get("/api/contacts/1", kCrm);
  ASSERT_EQ(r.status, 200) << r.body;
  auto c = json(r).at("contact");
  EXPECT_EQ(c.at("user_id").as_int64(), 1);
  const auto& identities = c.at("identities").as_array();
  ASSERT_EQ(identities.size(), 2u);
  const auto& tiktok = identities[0];
  EXPECT_EQ(tiktok.at("platform").as_string(), "tiktok");
  EXPECT_EQ(tiktok.at("platform_user_id").as_string(), "tt_123");
  EXPECT_EQ(tiktok.at("grant_id").as_int64(), 1);
  EXPECT_EQ(tiktok.at("sync").at("status").as_string(), "ok");
  EXPECT_EQ(tiktok.at("sync").at("next_due_at").as_string(), "2026-11-05T10:00:00.000Z");
  const auto& avatar = attribute(tiktok, "avatar_url");
  EXPECT_EQ(avatar.at("value").as_string(), "https://cdn.example/ada.jpg?sig=1");
  EXPECT_EQ(avatar.at("source_platform").as_string(), "tiktok");
  EXPECT_EQ(avatar.at("fetched_at").as_string(), "2026-11-04T10:00:00.000Z");
  const auto& meta = identities[1];
  EXPECT_EQ(meta.at("status").as_string(), "frozen");
  EXPECT_TRUE(meta.at("sync").is_null());
  EXPECT_EQ(attribute(meta, "email").at("source_platform").as_string(), "meta");
  EXPECT_EQ(attribute(meta, "email").at("fetched_at").as_string(), "2026-11-02T10:00:00.000Z");

  EXPECT_EQ(get("/api/contacts/999", kCrm).status, 404);
  auto bad = get("/api/contacts/abc", kCrm);
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("id"));
}

TEST_F(ContactsApiTest, MasksPersonalDataWithoutThePiiScope) {
  start_with_keys();
  auto list = json(get("/api/contacts", kReader));
  EXPECT_TRUE(list.at("pii_masked").as_bool());
  EXPECT_EQ(list.at("contacts").as_array()[0].at("display_name").as_string(), "A…");
  EXPECT_EQ(list.at("contacts").as_array()[1].at("display_name").as_string(), "B…");

  auto r = get("/api/contacts/1", kReader);
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, Not(HasSubstr("Lovelace")));
  EXPECT_THAT(r.body, Not(HasSubstr("ada@")));
  EXPECT_THAT(r.body, Not(HasSubstr("tt_123")));
  EXPECT_THAT(r.body, Not(HasSubstr("0123456789abcdef")));
  auto c = json(r).at("contact");
  const auto& tiktok = c.at("identities").as_array()[0];
  const auto& meta = c.at("identities").as_array()[1];
  EXPECT_EQ(tiktok.at("platform_user_id").as_string(), "t…");
  EXPECT_EQ(attribute(tiktok, "display_name").at("value").as_string(), "A…");
  EXPECT_TRUE(attribute(tiktok, "display_name").at("masked").as_bool());
  EXPECT_EQ(attribute(tiktok, "username").at("value").as_string(), "a…");
  EXPECT_EQ(attribute(tiktok, "avatar_url").at("value").as_string(), "[masked]");
  EXPECT_EQ(attribute(tiktok, "follower_count").at("value").as_string(), "1200");
  EXPECT_FALSE(attribute(tiktok, "follower_count").at("masked").as_bool());
  EXPECT_EQ(attribute(tiktok, "region").at("value").as_string(), "GB");
  EXPECT_EQ(attribute(meta, "email").at("value").as_string(), "…@example.org");
  EXPECT_EQ(attribute(meta, "bio_description").at("value").as_string(), "sha256:…");
  EXPECT_EQ(attribute(meta, "business_category").at("value").as_string(), "Science, Maths");

  auto history = get("/api/contacts/1/history", kReader);
  ASSERT_EQ(history.status, 200);
  EXPECT_THAT(history.body, Not(HasSubstr("Ada")));
  EXPECT_THAT(history.body, Not(HasSubstr("ada@")));
  EXPECT_EQ(json(history).at("versions").as_array()[0].at("attributes").at("follower_count"),
            "1200");
}

TEST_F(ContactsApiTest, LoopbackWithoutKeysSeesEverything) {
  start();
  seed();
  auto c = json(get("/api/contacts/1")).at("contact");
  EXPECT_EQ(c.at("display_name").as_string(), "Ada Lovelace");
  EXPECT_EQ(c.at("identities").as_array()[0].at("platform_user_id").as_string(), "tt_123");
}

TEST_F(ContactsApiTest, HistoryNewestFirstAcrossIdentities) {
  start_with_keys();
  auto r = get("/api/contacts/1/history", kCrm);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = json(r);
  const auto& versions = body.at("versions").as_array();
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(versions[0].at("id").as_int64(), 1);
  EXPECT_EQ(versions[1].at("id").as_int64(), 3);
  EXPECT_EQ(versions[2].at("id").as_int64(), 2);
  EXPECT_EQ(versions[0].at("version").as_int64(), 2);
  EXPECT_EQ(versions[0].at("platform").as_string(), "tiktok");
  EXPECT_EQ(versions[0].at("attributes").at("display_name").as_string(), "Ada Lovelace");
  EXPECT_EQ(versions[0].at("changed").as_array(), (json::array{"display_name", "follower_count"}));
  EXPECT_EQ(versions[1].at("platform").as_string(), "meta");
  EXPECT_EQ(versions[1].at("connection").as_string(), "meta_login");
  EXPECT_EQ(versions[2].at("attributes").at("display_name").as_string(), "Ada L");

  EXPECT_TRUE(json(get("/api/contacts/2/history", kCrm)).at("versions").as_array().empty());
  EXPECT_EQ(get("/api/contacts/999/history", kCrm).status, 404);
}

TEST_F(ContactsApiTest, ConsentOfTheIdentitiesGrantsAndTheLocalUsersGrantsOldestFirst) {
  start_with_keys();
  auto r = get("/api/contacts/1/consent", kReader);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = json(r);
  const auto& events = body.at("consent").as_array();
  std::vector<int64_t> got;
  for (const auto& e : events) got.push_back(e.at("id").as_int64());
  // 3 and 1: grant 1 (the TikTok identity's); 2: grant 2 (user 1's); not 4 (user 2) nor 5.
  EXPECT_THAT(got, ElementsAre(3, 2, 1));
  EXPECT_EQ(events[2].at("event").as_string(), "changed");
  EXPECT_EQ(events[2].at("scopes").as_string(), "user.info.basic,user.info.stats");
  EXPECT_EQ(events[2].at("previous_scopes").as_string(), "user.info.basic");
  EXPECT_EQ(events[0].at("at").as_string(), "2026-11-01T10:00:00.000Z");

  EXPECT_TRUE(json(get("/api/contacts/2/consent", kCrm)).at("consent").as_array().empty());
  EXPECT_EQ(get("/api/contacts/999/consent", kCrm).status, 404);
}

TEST_F(ContactsApiTest, CsvExportUnmaskedWithPiiQuotedPerRfc4180) {
  start_with_keys();
  auto r = get("/api/contacts.csv", kCrm);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.header("Content-Type"), HasSubstr("text/csv"));
  EXPECT_THAT(r.header("Content-Disposition"), HasSubstr("attachment"));
  // The awkward name, quoted with its quotes doubled, its comma and newline inside the quotes.
  EXPECT_THAT(r.body, HasSubstr(",\"Bob, \"\"the builder\"\"\nJr\","));
  auto rows = parse_csv(r.body);
  ASSERT_EQ(rows.size(), 4u);  // the header, Ada's two identities, Bob's one; not the erased one
  EXPECT_THAT(rows[0], ElementsAre("contact_id", "display_name", "contact_status", "created_at",
                                   "updated_at", "identity_id", "platform", "platform_user_id",
                                   "connection", "identity_status", "fetched_at", "avatar_url",
                                   "follower_count", "following_count", "business_category",
                                   "shop_url", "region", "other_attributes"));
  for (const auto& row : rows) ASSERT_EQ(row.size(), rows[0].size());
  EXPECT_EQ(rows[1][0], "1");
  EXPECT_EQ(rows[1][1], "Ada Lovelace");
  EXPECT_EQ(rows[1][6], "tiktok");
  EXPECT_EQ(rows[1][7], "tt_123");
  EXPECT_EQ(rows[1][11], "https://cdn.example/ada.jpg?sig=1");
  EXPECT_EQ(rows[1][12], "1200");
  EXPECT_EQ(rows[1][16], "GB");
  auto other = json::parse(rows[1][17]);
  EXPECT_EQ(other.at("display_name").as_string(), "Ada Lovelace");
  EXPECT_EQ(other.at("username").as_string(), "ada_l");
  EXPECT_EQ(rows[2][6], "meta");
  EXPECT_EQ(rows[2][14], "Science, Maths");
  EXPECT_EQ(json::parse(rows[2][17]).at("email").as_string(), "ada@example.org");
  EXPECT_EQ(rows[3][1], kAwkwardName);
  EXPECT_EQ(rows[3][15], "https://shop.example/bob");
  EXPECT_THAT(r.body, Not(HasSubstr("tt_erased")));
}

TEST_F(ContactsApiTest, CsvExportMaskedWithoutPii) {
  start_with_keys();
  auto r = get("/api/contacts.csv", kReader);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, Not(HasSubstr("Lovelace")));
  EXPECT_THAT(r.body, Not(HasSubstr("builder")));
  EXPECT_THAT(r.body, Not(HasSubstr("ada@")));
  EXPECT_THAT(r.body, Not(HasSubstr("ada_l")));
  EXPECT_THAT(r.body, Not(HasSubstr("https://")));
  auto rows = parse_csv(r.body);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1][1], "A…");
  EXPECT_EQ(rows[1][7], "t…");
  EXPECT_EQ(rows[1][11], "[masked]");
  EXPECT_EQ(rows[1][12], "1200");
  EXPECT_EQ(json::parse(rows[2][17]).at("email").as_string(), "…@example.org");
  EXPECT_EQ(rows[2][14], "Science, Maths");
  EXPECT_EQ(rows[3][1], "B…");
}

TEST_F(ContactsApiTest, EraseNeedsThePiiScopeAndAKnownContact) {
  start_with_keys();
  auto denied = call(port, "DELETE", "/api/contacts/1", kReader);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(error_code(denied), "scope_required");
  EXPECT_THAT(denied.body, HasSubstr("pii"));
  auto unknown = call(port, "DELETE", "/api/contacts/999", kCrm);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(error_code(unknown), "not_found");
  // Nothing was erased by the refused request.
  EXPECT_EQ(json(get("/api/contacts/1", kCrm)).at("contact").at("status").as_string(), "active");
}

TEST_F(ContactsApiTest, EraseWithThePiiScopeRemovesThePersonAndRecordsWhoDidIt) {
  start_with_keys();
  auto r = call(port, "DELETE", "/api/contacts/1?reason=customer%20request", kCrm);
  ASSERT_EQ(r.status, 200) << r.body;
  auto erasure = json(r).at("erasure");
  EXPECT_EQ(erasure.at("contact_id").as_int64(), 1);
  EXPECT_FALSE(erasure.at("already_erased").as_bool());
  EXPECT_GT(erasure.at("audit_id").as_int64(), 0);
  EXPECT_EQ(erasure.at("counts").at("contact_identities").as_int64(), 2);
  EXPECT_EQ(erasure.at("counts").at("contact_attributes").as_int64(), 8);

  auto c = json(get("/api/contacts/1", kCrm)).at("contact");
  EXPECT_EQ(c.at("status").as_string(), "erased");
  EXPECT_TRUE(c.at("display_name").is_null());
  EXPECT_TRUE(c.at("identities").as_array().empty());
  EXPECT_THAT(ids(json(get("/api/contacts", kCrm))), ElementsAre(2));
  EXPECT_TRUE(json(get("/api/contacts/1/history", kCrm)).at("versions").as_array().empty());
  auto csv = get("/api/contacts.csv", kCrm);
  EXPECT_THAT(csv.body, Not(HasSubstr("Lovelace")));
  EXPECT_THAT(csv.body, Not(HasSubstr("tt_123")));

  auto store = open_store();
  std::string actor, reason;
  store.session() << "SELECT actor, reason FROM contact_erasures WHERE contact_id = 1",
      soci::into(actor), soci::into(reason);
  EXPECT_EQ(actor, "api:crm");
  EXPECT_EQ(reason, "customer request");

  auto again = call(port, "DELETE", "/api/contacts/1", kCrm);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(json(again).at("erasure").at("already_erased").as_bool());

  auto long_reason = call(port, "DELETE", "/api/contacts/2?reason=" + std::string(501, 'x'), kCrm);
  EXPECT_EQ(long_reason.status, 400);
  EXPECT_EQ(json(get("/api/contacts/2", kCrm)).at("contact").at("status").as_string(), "active");
}

// `connhost contacts ...` against the same rows: the terminal shows the store as it is; the export
// masks unless --pii; erasing from a script needs --yes.
class ContactsCliTest : public ContactsApiTest {
 protected:
  void SetUp() override {
    ContactsApiTest::SetUp();
    open_store().migrate();
    seed();
    config_file = dir.path() / "cli.toml";
    std::ofstream(config_file) << "[store]\npath = \"store.db\"\n";
  }
  testing::CliRun cli(const std::string& args) {
    return testing::run_connhost("--config " + config_file.string() + " " + args + " </dev/null");
  }
  static std::string read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::filesystem::path config_file;
};

TEST_F(ContactsCliTest, ListSearchShowHistoryConsent) {
  auto list = cli("contacts list");
  ASSERT_EQ(list.code, 0) << list.out;
  EXPECT_THAT(list.out, HasSubstr("Ada Lovelace"));
  EXPECT_THAT(list.out, HasSubstr("meta,tiktok"));
  EXPECT_THAT(list.out, Not(HasSubstr("erased")));
  auto search = cli("contacts list --search G_7 --platform google");
  ASSERT_EQ(search.code, 0) << search.out;
  EXPECT_THAT(search.out, HasSubstr("google"));
  EXPECT_THAT(search.out, Not(HasSubstr("Ada")));
  auto limited = cli("contacts list --limit 1");
  EXPECT_THAT(limited.out, HasSubstr("1 of 2 contacts"));

  auto show = cli("contacts show 1");
  ASSERT_EQ(show.code, 0) << show.out;
  EXPECT_THAT(show.out, HasSubstr("tiktok tt_123"));
  EXPECT_THAT(show.out, HasSubstr("https://cdn.example/ada.jpg?sig=1"));
  EXPECT_THAT(show.out, HasSubstr("sync ok"));
  EXPECT_EQ(cli("contacts show 999").code, 1);

  auto history = cli("contacts history 1");
  ASSERT_EQ(history.code, 0) << history.out;
  // Newest first.
  EXPECT_LT(history.out.find("2026-11-04"), history.out.find("2026-11-01"));
  auto consent = cli("contacts consent 1");
  ASSERT_EQ(consent.code, 0) << consent.out;
  EXPECT_THAT(consent.out, HasSubstr("changed"));
  EXPECT_THAT(consent.out, Not(HasSubstr("tt_other")));
}

TEST_F(ContactsCliTest, ExportMaskedUnlessPii) {
  auto masked_file = dir.path() / "masked.csv";
  auto run = cli("contacts export --output " + masked_file.string());
  ASSERT_EQ(run.code, 0) << run.out;
  auto masked = read(masked_file);
  EXPECT_THAT(masked, Not(HasSubstr("Lovelace")));
  EXPECT_THAT(masked, HasSubstr("A…"));
  EXPECT_EQ(parse_csv(masked).size(), 4u);

  auto full_file = dir.path() / "full.csv";
  ASSERT_EQ(cli("contacts export --pii --output " + full_file.string()).code, 0);
  auto full = read(full_file);
  EXPECT_THAT(full, HasSubstr("Ada Lovelace"));
  EXPECT_THAT(full, HasSubstr("\"Bob, \"\"the builder\"\"\nJr\""));
}

TEST_F(ContactsCliTest, EraseWithYes) {
  auto run = cli("contacts erase 2 --yes --reason 'asked by mail'");
  ASSERT_EQ(run.code, 0) << run.out;
  EXPECT_THAT(run.out, HasSubstr("erased contact 2"));
  EXPECT_THAT(run.out, Not(HasSubstr("builder")));
  auto store = open_store();
  std::string status, actor;
  store.session() << "SELECT status FROM contacts WHERE id = 2", soci::into(status);
  store.session() << "SELECT actor FROM contact_erasures WHERE contact_id = 2", soci::into(actor);
  EXPECT_EQ(status, "erased");
  EXPECT_EQ(actor, "cli");
  EXPECT_EQ(cli("contacts erase 999 --yes").code, 1);
}

TEST_F(ContactsCliTest, EraseFromAScriptNeedsYes) {
  auto run = cli("contacts erase 1");
  EXPECT_EQ(run.code, 2) << run.out;
  EXPECT_THAT(run.out, HasSubstr("--yes"));
  auto store = open_store();
  std::string status;
  store.session() << "SELECT status FROM contacts WHERE id = 1", soci::into(status);
  EXPECT_EQ(status, "active");
}

// [server.api_keys.NAME]: references only, known scopes only.
class ApiKeysConfigTest : public ::testing::Test {
 protected:
  config::LoadResult load(const std::string& toml) {
    return config::load_string(toml, dir.path() / "connhost.toml", {});
  }
  static std::string errors(const config::LoadResult& r) {
    std::string out;
    for (const auto& e : r.errors) out += e.to_string() + "\n";
    return out;
  }
  TempDir dir{"connhost-api-keys"};
};

TEST_F(ApiKeysConfigTest, KeysWithScopesBesideTheDefaultKey) {
  ::setenv("CONNHOST_TEST_MAIN_KEY", "main-key-value", 1);
  ::setenv("CONNHOST_TEST_CRM_KEY", "crm-key-value", 1);
  ::setenv("CONNHOST_TEST_MKT_KEY", "mkt-key-value", 1);
  auto r = load(R"(
[server]
api_key = "${env:CONNHOST_TEST_MAIN_KEY}"
[server.api_keys.crm]
key = "${env:CONNHOST_TEST_CRM_KEY}"
scopes = ["pii"]
[server.api_keys.marketing]
key = "${env:CONNHOST_TEST_MKT_KEY}"
)");
  ASSERT_TRUE(r.ok()) << errors(r);
  std::string error;
  auto keys = server::api_keys_from_config(*r.config, error);
  ASSERT_TRUE(keys) << error;
  ASSERT_EQ(keys->size(), 3u);
  EXPECT_EQ((*keys)[0].id, "default");
  EXPECT_TRUE((*keys)[0].has_scope("pii"));
  EXPECT_EQ((*keys)[1].id, "crm");
  EXPECT_EQ((*keys)[1].secret, "crm-key-value");
  EXPECT_TRUE((*keys)[1].has_scope("pii"));
  EXPECT_EQ((*keys)[2].id, "marketing");
  EXPECT_FALSE((*keys)[2].has_scope("pii"));
  server::Auth auth(*keys);
  const auto* k = auth.authenticate("Bearer mkt-key-value");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->id, "marketing");
}

TEST_F(ApiKeysConfigTest, ALiteralKeyIsAnError) {
  auto r = load(R"(
[server.api_keys.crm]
key = "literal-secret-value"
scopes = ["pii"]
)");
  ASSERT_FALSE(r.ok());
  auto text = errors(r);
  EXPECT_THAT(text, HasSubstr("server.api_keys.crm.key"));
  EXPECT_THAT(text, HasSubstr("reference"));
  EXPECT_THAT(text, Not(HasSubstr("literal-secret-value")));
}

TEST_F(ApiKeysConfigTest, AnUnknownScopeIsAnErrorWithASuggestion) {
  ::setenv("CONNHOST_TEST_CRM_KEY", "crm-key-value", 1);
  auto r = load(R"(
[server.api_keys.crm]
key = "${env:CONNHOST_TEST_CRM_KEY}"
scopes = ["pi"]
)");
  ASSERT_FALSE(r.ok());
  auto text = errors(r);
  EXPECT_THAT(text, HasSubstr("server.api_keys.crm.scopes[0]"));
  EXPECT_THAT(text, HasSubstr("unknown scope 'pi'"));
  EXPECT_THAT(text, HasSubstr("did you mean 'pii'?"));
}

TEST_F(ApiKeysConfigTest, AMissingKeyIsAnError) {
  auto r = load(R"(
[server.api_keys.crm]
scopes = ["pii"]
)");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(errors(r), HasSubstr("server.api_keys.crm.key: required"));
}

}  // namespace
}  // namespace connhost::test
