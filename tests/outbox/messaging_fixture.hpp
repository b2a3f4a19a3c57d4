#pragma once

// The in-process sandbox, the real TikTok and Meta plugins, a config with a connection to each,
// and a migrated SQLite store seeded with conversations as the inbound processor writes them.
// Shared by tests/outbox and tests/server/messaging_api_test.cpp.

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <connhost/sandbox/sandbox.hpp>

#include <boost/json.hpp>

#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "http/client.hpp"
#include "log/logger.hpp"
#include "outbox/enqueue.hpp"
#include "pipeline/connection_setup.hpp"
#include "pipeline/plugin_schemas.hpp"
#include "plugin/registry.hpp"
#include "store/dynamic_query.hpp"
#include "store/session.hpp"
#include "store/store.hpp"
#include "store/timestamp.hpp"
#include "support/temp_dir.hpp"
#include "webhook_capture.hpp"

namespace connhost::test {

// The sandbox's Messenger Page and the PSID of a single delivery of its webhook driver.
inline constexpr const char* kPage = "109876543210987";
inline constexpr const char* kPsid = "2490001000000001";

class MessagingFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    log::init(log::Level::off, log::Format::text);
    registry.load_directories({CONNHOST_BUILD_PLUGIN_DIR});
    sandbox::Options o;
    o.seed = 42;
    sandbox = std::make_unique<sandbox::Sandbox>(o);
    sandbox->start();
    ::setenv("CONNHOST_OUTBOX_TEST_META_SECRET", creds.meta_app_secret.c_str(), 1);
    ::setenv("CONNHOST_OUTBOX_TEST_META_TOKEN", creds.meta_access_token.c_str(), 1);
    ::setenv("CONNHOST_OUTBOX_TEST_TIKTOK_SECRET", creds.tiktok_app_secret.c_str(), 1);
    ::setenv("CONNHOST_OUTBOX_TEST_TIKTOK_TOKEN", "not-yet", 1);
  }

  // Loads the config: meta_sb (rate_limit_qps `meta_qps`), meta_slow (2 per second) and
  // tiktok_sb (a Business Account whose token is set by tiktok_grant()).
  void load_config(const std::string& meta_qps = "50") {
    std::string u = sandbox->base_url();
    std::string toml = "[store]\npath = \"store.db\"\n\n";
    for (auto [name, qps] :
         {std::pair{"meta_sb", meta_qps}, std::pair{"meta_slow", std::string("2")}})
      toml += std::string("[connections.") + name + "]\nplugin = \"meta\"\nbase_url = \"" + u +
              "\"\napp_id = \"" + creds.meta_app_id +
              "\"\napp_secret = \"${env:CONNHOST_OUTBOX_TEST_META_SECRET}\"\n"
              "access_token = \"${env:CONNHOST_OUTBOX_TEST_META_TOKEN}\"\npage_id = \"" +
              kPage + "\"\nrate_limit_qps = " + qps + "\n\n";
    toml += "[connections.tiktok_sb]\nplugin = \"tiktok\"\nbase_url = \"" + u +
            "\"\nopen_api_base_url = \"" + u + "\"\nauth_page_url = \"" + u +
            "/v2/auth/authorize/\"\napp_id = \"" + creds.tiktok_app_id +
            "\"\napp_secret = \"${env:CONNHOST_OUTBOX_TEST_TIKTOK_SECRET}\"\n"
            "access_token = \"${env:CONNHOST_OUTBOX_TEST_TIKTOK_TOKEN}\"\n"
            "login_flow = \"business\"\n";
    auto loaded =
        config::load_string(toml, dir.path() / "connhost.toml", pipeline::plugin_schemas(registry));
    ASSERT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
    cfg = std::move(loaded.config);
    store_options.sqlite_path = cfg->store.sqlite_path;
    if (store_backend) store_backend(store_options);
    open_store().migrate();
    db = std::make_unique<store::Store>(open_store());
  }

  store::Store open_store() { return store::Store::open(store_options); }
  soci::session& sql() { return db->session(); }

  // Opens Meta's 24-hour window for kPsid, as a user writing to the Page does.
  std::string meta_user_writes(const std::string& text = "hello from the sandbox") {
    sandbox::WebhookRequest spec;
    spec.platform = "meta";
    spec.text = text;
    sandbox::WebhookResult r;
    capture.drive(*sandbox, spec, 0, &r);
    EXPECT_EQ(r.event_ids.size(), 1u);
    return r.event_ids.empty() ? std::string() : r.event_ids[0];
  }

  // A tt_user grant for the sandbox's first Business Account through the browser-less consent,
  // its access token in the connection's access_token secret; returns the business id.
  std::string tiktok_grant() {
    auto setup =
        pipeline::setup_connection(*cfg, registry, "tiktok_sb", std::make_shared<http::Client>());
    auto [inst, err] = plugin::Instance::create(setup.plugin, setup.settings);
    EXPECT_FALSE(err);
    if (err) return {};
    plugin::AuthorizeRequest a;
    a.redirect_uri = "http://127.0.0.1:9000/cb";
    a.state = "s";
    auto url = inst->authorize_url(a);
    http::Client c;
    auto r = c.send({"GET", url.url + "&sandbox_auto=1"});
    std::string loc(r.header("Location").value_or(""));
    auto at = loc.find("code=");
    EXPECT_NE(at, std::string::npos) << loc;
    std::string code = loc.substr(at + 5, loc.find('&', at) - at - 5);
    auto t = inst->exchange_code({code, a.redirect_uri, {}, {}, {}});
    EXPECT_FALSE(t.error) << t.error->to_string();
    tiktok_token = t.token.access_token;
    ::setenv("CONNHOST_OUTBOX_TEST_TIKTOK_TOKEN", tiktok_token.c_str(), 1);
    return t.token.platform_user_id;
  }

  // A conversation row as the inbound processor writes one; `window` empty: unknown.
  int64_t conversation(const std::string& connection, const std::string& platform,
                       const std::string& account, const std::string& thread,
                       const std::string& participant, std::optional<outbox::TimePoint> window) {
    std::string now = store::timestamp_at(std::chrono::system_clock::now());
    std::string w = window ? store::timestamp_at(*window) : std::string();
    soci::indicator wi = window ? soci::i_ok : soci::i_null;
    long long id = 0;
    sql() << "INSERT INTO conversations (connection, platform, account_id, thread_id, "
             "participant_id, last_activity_at, last_inbound_at, window_closes_at, unread, "
             "created_at) VALUES (:c, :p, :a, :t, :u, :l, :li, :w, 1, :cr) RETURNING id",
        soci::use(connection), soci::use(platform), soci::use(account), soci::use(thread),
        soci::use(participant), soci::use(now), soci::use(now), soci::use(w, wi), soci::use(now),
        soci::into(id);
    return id;
  }

  int64_t meta_conversation(const std::string& connection = "meta_sb",
                            const std::string& psid = kPsid) {
    return conversation(connection, "meta", kPage, psid, psid,
                        std::chrono::system_clock::now() + std::chrono::hours(24));
  }

  // An inbound message row (and its attachment, when `media_id` is set).
  int64_t inbound(int64_t conversation, const std::string& platform_id, const std::string& text,
                  const std::string& media_id = {}, const std::string& mime = {}) {
    std::string now = store::timestamp_at(std::chrono::system_clock::now());
    long long id = 0, cid = conversation;
    std::string type = media_id.empty() ? "text" : "image";
    sql() << "INSERT INTO messages (conversation_id, platform_message_id, direction, type, text, "
             "sender_id, sender_name, sent_at, status, created_at, updated_at) VALUES (:c, :p, "
             "'in', :t, :x, 'user-1', 'Maya Lopez', :s, 'received', :cr, :u) RETURNING id",
        soci::use(cid), soci::use(platform_id), soci::use(type), soci::use(text), soci::use(now),
        soci::use(now), soci::use(now), soci::into(id);
    if (!media_id.empty())
      sql() << "INSERT INTO attachments (message_id, kind, media_id, mime_type) VALUES (:m, "
               "'image', :i, :t)",
          soci::use(id), soci::use(media_id), soci::use(mime);
    return id;
  }

  struct Row {
    std::string status, platform_message_id, error_category, error, next_attempt_at;
    int64_t attempts = 0;
  };
  Row row(int64_t id) {
    store::DynamicQuery q;
    q.sql("SELECT status, platform_message_id, error_category, error, attempts, " +
          store::timestamp_column(sql(), "next_attempt_at") + " FROM messages WHERE id = ")
        .bind(std::to_string(id));
    Row out;
    q.each(sql(), [&](const soci::row& r) {
      out.status = store::text_at(r, 0);
      out.platform_message_id = store::text_at(r, 1);
      out.error_category = store::text_at(r, 2);
      out.error = store::text_at(r, 3);
      out.attempts = store::int_at(r, 4);
      out.next_attempt_at = store::text_at(r, 5);
    });
    return out;
  }

  int64_t count(const std::string& where) {
    store::DynamicQuery q;
    q.sql("SELECT COUNT(*) FROM messages WHERE " + where);
    return q.scalar_int(sql());
  }

  // The sends that reached the sandbox (Meta's Send API or TikTok's message/send).
  std::vector<sandbox::LoggedRequest> sends() {
    std::vector<sandbox::LoggedRequest> out;
    for (auto& r : sandbox->requests())
      if (r.endpoint == "me/messages" || r.endpoint == "business/message/send") out.push_back(r);
    return out;
  }

  void sandbox_clock(int64_t offset_s) {
    http::Client c;
    auto r = c.send(
        {"POST", sandbox->base_url() + "/_sandbox/clock?offset_s=" + std::to_string(offset_s)});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // Set before load_config to use another database than the config's SQLite file.
  std::function<void(store::StoreOptions&)> store_backend;
  TempDir dir{"connhost-outbox"};
  sandbox::Credentials creds;
  plugin::Registry registry;
  std::unique_ptr<sandbox::Sandbox> sandbox;
  testing::WebhookCapture capture;
  std::optional<config::HostConfig> cfg;
  store::StoreOptions store_options;
  std::unique_ptr<store::Store> db;
  std::string tiktok_token;
};

}  // namespace connhost::test
