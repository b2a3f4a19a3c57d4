// Refreshing grants (issue #6, "Refresh") against the sandbox's OAuth servers, on SQLite: an
// expired access token refreshed transparently (TikTok rotates its refresh tokens), the stored
// refresh token kept when none comes back (Google), a revoked refresh token making the grant
// reauth_required, two refreshers racing producing one refresh, the lease itself, the refresh
// loop's pass, and a reporting pipeline that reads with a grant from the vault.

#include "login/refresh_loop.hpp"
#include "login_fixture.hpp"
#include "pipeline/runner.hpp"
#include "plugin/call.hpp"

namespace connhost::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Kind = login::RefreshOutcome::Kind;

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST_F(LoginTest, ExpiredAccessTokenIsRefreshedTransparently) {
  int64_t id = sign_in("tt_login");
  auto before = grant(id);
  expire(id);
  auto inst = instance("tt_login");
  auto dead = inst->user_info({{}, {}, {}, {}, before.access_token->reveal()});
  ASSERT_TRUE(dead.error);  // the platform no longer takes the old token

  std::string token = tokens->resolve(ref("tt_login"));
  EXPECT_NE(token, before.access_token->reveal());
  auto works = inst->user_info({{}, {}, {}, {}, token});
  EXPECT_FALSE(works.error) << works.error->to_string();
  EXPECT_EQ(refresh_requests(), 1);

  // TikTok rotated the refresh token: the new one is stored, and is what the reference gives.
  auto after = grant(id);
  ASSERT_TRUE(after.refresh_token && before.refresh_token);
  EXPECT_NE(after.refresh_token->reveal(), before.refresh_token->reveal());
  EXPECT_EQ(tokens->resolve(ref("tt_login", "refresh_token")), after.refresh_token->reveal());
  ASSERT_TRUE(after.info.expires_at);
  EXPECT_GT(*after.info.expires_at, store::now_timestamp());
  EXPECT_EQ(after.info.status, vault::GrantStatus::active);

  // Valid again: asking twice does not refresh twice.
  EXPECT_EQ(tokens->resolve(ref("tt_login")), token);
  EXPECT_EQ(refresh_requests(), 1);
  EXPECT_THAT(metrics.render(), HasSubstr("connhost_grant_refreshes_total{connection=\"tt_login\","
                                          "result=\"refreshed\"} 1"));
}

TEST_F(LoginTest, RefreshKeepsTheStoredRefreshTokenWhenNoneComesBack) {
  int64_t id = sign_in("g_login");
  auto before = grant(id);
  ASSERT_TRUE(before.refresh_token);
  auto outcome = refresher->refresh(db->session(), id, std::chrono::seconds(0), true);
  ASSERT_EQ(outcome.kind, Kind::refreshed) << outcome.message;
  auto after = grant(id);
  EXPECT_NE(after.access_token->reveal(), before.access_token->reveal());
  ASSERT_TRUE(after.refresh_token);
  EXPECT_EQ(after.refresh_token->reveal(), before.refresh_token->reveal());
  // ...and it still works: Google's refresh tokens do not rotate.
  auto again = refresher->refresh(db->session(), id, std::chrono::seconds(0), true);
  EXPECT_EQ(again.kind, Kind::refreshed) << again.message;
}

TEST_F(LoginTest, RevokedRefreshTokenMarksTheGrantReauthRequired) {
  int64_t id = sign_in("tt_login");
  auto g = grant(id);
  revoke_at_platform(g.refresh_token->reveal());
  expire(id);

  auto outcome = refresher->refresh(db->session(), id, std::chrono::seconds(120));
  EXPECT_EQ(outcome.kind, Kind::reauth_required) << outcome.message;
  EXPECT_THAT(outcome.message, HasSubstr("sign in again at /auth/tt_login"));
  EXPECT_EQ(status_of(id), "reauth_required");
  auto state = vault::refresh_state(db->session(), id);
  ASSERT_TRUE(state && state->last_error);
  EXPECT_EQ(state->failures, 1);
  EXPECT_THAT(metrics.render(), HasSubstr("connhost_grant_refreshes_total{connection=\"tt_login\","
                                          "result=\"reauth_required\"} 1"));
  EXPECT_THAT(logs.text(), HasSubstr("needs re-authorization"));

  // Pipelines on it fail as auth, saying what to do; nothing more is asked of the platform.
  int before = refresh_requests();
  try {
    tokens->resolve(ref("tt_login"));
    ADD_FAILURE() << "resolved a grant that needs re-authorization";
  } catch (const plugin::SecretError& e) {
    EXPECT_EQ(e.category(), CH_ERROR_AUTH);
    EXPECT_THAT(e.what(), HasSubstr("needs re-authorization"));
    EXPECT_THAT(e.what(), HasSubstr("/auth/tt_login"));
  }
  EXPECT_EQ(refresher->refresh(db->session(), id, std::chrono::seconds(120)).kind,
            Kind::unavailable);
  EXPECT_EQ(refresh_requests(), before);

  for (const auto* t : {&g.access_token->reveal(), &g.refresh_token->reveal()})
    EXPECT_THAT(logs.text(), Not(HasSubstr(*t)));
}

TEST_F(LoginTest, TwoRefreshersRacingProduceOneRefresh) {
  int64_t id = sign_in("tt_login");
  expect_one_refresh_per_race(id, 3);
  auto inst = instance("tt_login");
  auto works = inst->user_info({{}, {}, {}, {}, grant(id).access_token->reveal()});
  EXPECT_FALSE(works.error) << works.error->to_string();
}

TEST_F(LoginTest, LeaseIsExclusiveAndRunsOut) {
  int64_t id = sign_in("tt_login");
  auto& sql = db->session();
  using std::chrono::seconds;
  ASSERT_TRUE(vault::try_refresh_lease(sql, id, "a", seconds(60)));
  EXPECT_FALSE(vault::try_refresh_lease(sql, id, "b", seconds(60)));
  // Only the holder may store what a refresh brought.
  vault::RefreshedTokens t{vault::SecretText("not-stored"), std::nullopt, std::nullopt,
                           std::nullopt, std::nullopt};
  EXPECT_FALSE(vault::store_refreshed(sql, keyring, id, "b", t));
  EXPECT_NE(grant(id).access_token->reveal(), "not-stored");

  vault::release_refresh_lease(sql, id, "b");  // not b's: no effect
  EXPECT_FALSE(vault::try_refresh_lease(sql, id, "b", seconds(60)));
  vault::release_refresh_lease(sql, id, "a");
  ASSERT_TRUE(vault::try_refresh_lease(sql, id, "b", seconds(60)));

  // A back-off keeps everyone off until it ends.
  vault::release_refresh_lease(sql, id, "b", seconds(60));
  EXPECT_EQ(vault::refresh_state(sql, id)->owner, "backoff");
  EXPECT_FALSE(vault::try_refresh_lease(sql, id, "a", seconds(60)));
  EXPECT_EQ(refresher->refresh(sql, id, seconds(0), true).kind, Kind::backing_off);

  // A holder that died: its lease runs out and another takes over.
  long long key = id;
  sql << "UPDATE grants SET refresh_lease_until = '2001-01-01T00:00:00.000Z' WHERE id = :id",
      soci::use(key);
  EXPECT_TRUE(vault::try_refresh_lease(sql, id, "a", seconds(60)));
}

TEST_F(LoginTest, RefreshLoopPassRefreshesOnlyDueGrants) {
  int64_t tt = sign_in("tt_login");
  int64_t g = sign_in("g_login");  // an hour left: not due within the ten minutes looked at
  expire(tt);
  auto before_google = grant(g).access_token->reveal();
  auto report = login::RefreshLoop::pass(*refresher, *db, std::chrono::seconds(600), &metrics);
  EXPECT_EQ(report.refreshed, 1);
  EXPECT_EQ(report.failed + report.reauth_required + report.skipped, 0);
  EXPECT_EQ(refresh_requests(), 1);
  EXPECT_EQ(grant(g).access_token->reveal(), before_google);
  EXPECT_GT(*grant(tt).info.expires_at, store::now_timestamp());
  EXPECT_THAT(metrics.render(), HasSubstr("connhost_grants{status=\"active\"} 2"));

  // Nothing due: the next pass asks nothing.
  auto idle = login::RefreshLoop::pass(*refresher, *db, std::chrono::seconds(600), &metrics);
  EXPECT_EQ(idle.refreshed + idle.skipped, 0);
  EXPECT_EQ(refresh_requests(), 1);
}

TEST_F(LoginTest, PipelineReadsWithTheVaultsGrantAndFailsAsAuthWhenItNeedsSigningInAgain) {
  int64_t id = sign_in("tt_adv");
  EXPECT_FALSE(grant(id).info.expires_at);  // advertiser tokens do not expire
  pipeline::Runner runner(*db, *cfg, registry, http, tokens->resolver());
  pipeline::RunOptions o;
  o.from = "2026-11-01";
  o.to = "2026-11-07";
  o.backoff_base = std::chrono::milliseconds(1);
  auto ok = runner.run(cfg->pipelines.front(), o);
  EXPECT_EQ(ok.status, "succeeded") << (ok.error ? ok.error->to_string() : "");
  EXPECT_GT(ok.rows, 0);

  ASSERT_TRUE(vault::set_grant_status(db->session(), id, vault::GrantStatus::reauth_required));
  auto failed = runner.run(cfg->pipelines.front(), o);
  EXPECT_EQ(failed.status, "failed");
  ASSERT_TRUE(failed.error);
  EXPECT_EQ(failed.error->category, CH_ERROR_AUTH) << failed.error->to_string();
  EXPECT_THAT(failed.error->message, HasSubstr("needs re-authorization"));
  EXPECT_THAT(failed.error->message, HasSubstr("/auth/tt_adv"));

  // Without the vault the reference cannot be read, and the error says to configure it.
  pipeline::Runner no_vault(*db, *cfg, registry, http);
  auto unconfigured = no_vault.run(cfg->pipelines.front(), o);
  ASSERT_TRUE(unconfigured.error);
  EXPECT_EQ(unconfigured.error->category, CH_ERROR_CONFIG);
  EXPECT_THAT(unconfigured.error->message, HasSubstr("[vault]"));
}

TEST_F(LoginTest, NoTokenBytesInTheStoreFilesOrTheLog) {
  int64_t id = sign_in("tt_login");
  auto first = grant(id);
  expire(id);
  tokens->resolve(ref("tt_login"));
  auto second = grant(id);
  std::string bytes = file_bytes(options.sqlite_path) +
                      file_bytes(options.sqlite_path.string() + "-wal") + logs.text();
  ASSERT_FALSE(bytes.empty());
  for (const auto& g : {first, second})
    for (const auto* t : {&g.access_token->reveal(), &g.refresh_token->reveal()}) {
      ASSERT_GT(t->size(), 8u);
      EXPECT_EQ(bytes.find(*t), std::string::npos) << "a token is in the store or the log";
    }
}

}  // namespace
}  // namespace connhost::testing
