#pragma once

// Profile sync against the in-process sandbox (tests/login's LoginTest, whose store is SQLite or,
// in a subclass, PostgreSQL): sign-ins through TikTok (Login Kit and business), Meta and Google,
// the contact model's tables read back, and the sandbox's request log to count platform calls.

#include <openssl/sha.h>

#include <boost/json/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "../login/login_fixture.hpp"
#include "contacts/profile_sync.hpp"

namespace connhost::testing {

// Kept beyond the standard attributes, so that the extras each platform gives can be checked.
// The grant's person, not the businesses the grant manages (their identities carry the grant too).
inline const std::string kPerson =
    "i.platform_user_id = (SELECT platform_user_id FROM grants WHERE id = i.grant_id)";

inline constexpr const char* kAllFields =
    "[contacts.fields]\ndisplay_name = \"keep\"\navatar_url = \"keep\"\nfollower_count = "
    "\"keep\"\nfollowing_count = \"keep\"\nregion = \"keep\"\nusername = \"keep\"\n"
    "business_category = \"keep\"\nshop_url = \"keep\"\n"
    "bio_description = \"keep\"\nemail = \"keep\"\nlikes_count = \"keep\"\n";

inline std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

inline std::string sha256_hex(std::string_view s) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : d) out += {kHex[c >> 4], kHex[c & 15]};
  return out;
}

class ProfileSyncTest : public LoginTest {
 protected:
  void SetUp() override {
    LoginTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(registry.find("meta"));
    load_config(kAllFields);
  }

  // The fixture's connections plus a TikTok business login, a Meta login and a profile pipeline;
  // `contacts` is the [contacts] part. Replaces the loaded configuration in place, so the
  // fixture's refresher keeps seeing it.
  void load_config(const std::string& contacts) {
    sandbox::Credentials c;
    std::ofstream(dir.path() / "meta_secret") << c.meta_app_secret;
    std::string b = sb->base_url(), u = "\"" + b + "\"";
    std::string t =
        "[store]\npath = \"store.db\"\n"
        "[vault]\nactive_key = \"t\"\n[vault.keys]\nt = \"${env:CONNHOST_LOGIN_TEST_VAULT_KEY}\"\n"
        "[connections.tt_login]\nplugin = \"tiktok\"\nbase_url = " +
        u + "\nopen_api_base_url = " + u + "\nauth_page_url = \"" + b +
        "/v2/auth/authorize/\"\napp_id = \"" + c.tiktok_app_id +
        "\"\napp_secret = \"${file:app_secret}\"\nclient_key = \"" + c.tiktok_client_key +
        "\"\nclient_secret = \"${file:client_secret}\"\n"
        "[connections.tt_biz]\nplugin = \"tiktok\"\nlogin_flow = \"business\"\nbase_url = " +
        u + "\nopen_api_base_url = " + u + "\nauth_page_url = \"" + b +
        "/v2/auth/authorize/\"\napp_id = \"" + c.tiktok_app_id +
        "\"\napp_secret = \"${file:app_secret}\"\nclient_key = \"" + c.tiktok_client_key +
        "\"\nclient_secret = \"${file:client_secret}\"\n"
        "[connections.meta_login]\nplugin = \"meta\"\nbase_url = " +
        u + "\ndialog_url = \"" + b + "/v26.0/dialog/oauth\"\napp_id = \"" + c.meta_app_id +
        "\"\napp_secret = \"${file:meta_secret}\"\n"
        "[connections.g_login]\nplugin = \"google\"\nbase_url = " +
        u + "\noauth_base_url = " + u + "\nauth_page_url = \"" + b +
        "/o/oauth2/v2/auth\"\nuserinfo_url = \"" + b + "/v1/userinfo\"\nclient_id = \"" +
        c.google_client_id + "\"\nclient_secret = \"${file:google_secret}\"\n" +
        "[pipelines.tt_profiles]\nconnection = \"tt_login\"\ncapability = \"profile\"\n"
        "schedule = \"every 1h\"\n" +
        "[contacts]\n" + contacts;
    auto loaded =
        config::load_string(t, dir.path() / "connhost.toml", pipeline::plugin_schemas(registry));
    std::string errors;
    for (const auto& e : loaded.errors) errors += e.to_string() + "\n";
    ASSERT_TRUE(loaded.ok()) << errors;
    *cfg = std::move(*loaded.config);
  }

  // Signs in through `connection` with `scopes` (empty: the connector's defaults), as a person
  // clicking "allow", and stores the grant for a new local user.
  int64_t sign_in_with(const std::string& connection, std::vector<std::string> scopes) {
    auto inst = instance(connection);
    const std::string platform(inst->plugin().platform());
    const bool business = connection == "tt_biz";
    std::string verifier = business ? "" : plugin::random_base64url();
    plugin::AuthorizeRequest r{kRedirect, "state-" + connection, "", "", std::move(scopes)};
    if (!business) {
      r.code_challenge = plugin::pkce_challenge(platform, verifier);
      r.code_challenge_method = "S256";
    }
    auto a = inst->authorize_url(r);
    EXPECT_FALSE(a.error) << a.error->to_string();
    std::string location;
    if (platform == "google" || platform == "meta") {
      location = click_through(a.url, "<a id=\"allow\"");
      location = location.substr(0, location.find('#'));
    } else {
      auto consent = http->send({"GET", a.url + "&sandbox_auto=1"});
      EXPECT_EQ(consent.status, 302) << consent.body;
      location = consent.header("Location").value_or("");
    }
    auto q = query_of(location);
    auto t = inst->exchange_code({q["code"], kRedirect, verifier, {}, {}});
    EXPECT_FALSE(t.error) << t.error->to_string();
    auto& sql = db->session();
    return vault::upsert_grant(sql, keyring,
                               login::grant_input(t.token, connection, vault::create_user(sql).id));
  }

  contacts::SyncServices services() {
    contacts::SyncServices s{*cfg, registry, http, keyring, refresher.get()};
    if (now) s.now = [this] { return *now; };
    return s;
  }
  contacts::GrantSync sync(int64_t grant) {
    return contacts::sync_grant(db->session(), services(), grant);
  }

  // The identity's attributes as stored.
  std::map<std::string, std::string> attributes(int64_t grant) {
    std::map<std::string, std::string> out;
    long long g = grant;
    std::string n, v;
    soci::statement st =
        (db->session().prepare << "SELECT a.name, a.value FROM contact_attributes a JOIN "
                                  "contact_identities i ON i.id = a.identity_id WHERE "
                                  "i.grant_id = :g AND " +
                                      kPerson,
         soci::use(g), soci::into(n), soci::into(v));
    st.execute();
    while (st.fetch()) out[n] = v;
    return out;
  }

  struct Version {
    long long version = 0;
    std::string attributes, changed;
  };
  std::vector<Version> versions(int64_t grant) {
    std::vector<Version> out;
    long long g = grant;
    Version v;
    soci::statement st =
        (db->session().prepare << "SELECT v.version, v.attributes_json, v.changed_json FROM "
                                  "contact_versions v JOIN contact_identities i ON i.id = "
                                  "v.identity_id WHERE i.grant_id = :g AND " +
                                      kPerson + " ORDER BY v.version",
         soci::use(g), soci::into(v.version), soci::into(v.attributes), soci::into(v.changed));
    st.execute();
    while (st.fetch()) out.push_back(v);
    return out;
  }

  std::string sync_status(int64_t grant) {
    long long g = grant;
    std::string s;
    db->session() << "SELECT status FROM profile_syncs WHERE grant_id = :g", soci::use(g),
        soci::into(s);
    return s;
  }

  // Requests the platforms got (not the control API's).
  size_t platform_requests() const {
    size_t n = 0;
    for (const auto& r : sb->requests())
      if (r.path.rfind("/_sandbox", 0) != 0) ++n;
    return n;
  }

  boost::json::object direct(const std::string& url, const std::string& token) {
    http::Request req{"GET", url};
    req.headers = {{"Authorization", "Bearer " + token}};
    auto r = http->send(req);
    EXPECT_EQ(r.status, 200) << r.body;
    return boost::json::parse(r.body).as_object();
  }

  std::optional<std::chrono::system_clock::time_point> now;
};

}  // namespace connhost::testing
