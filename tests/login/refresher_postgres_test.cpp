// The refresh lease on PostgreSQL, where several hosts share one database: two refreshers racing
// on one grant produce one refresh, and an expired token is refreshed transparently.

#include "login_fixture.hpp"
#include "support/postgres.hpp"

namespace connhost::testing {
namespace {

class LoginPostgresTest : public LoginTest {
 protected:
  void open_store() override {
    pg = std::make_unique<test::PgTestDatabase>();
    options.backend = store::Backend::postgresql;
    options.pg_connection = pg->conninfo();
    db.emplace(store::Store::open(options));
    db->migrate();
  }
  void TearDown() override {
    LoginTest::TearDown();  // every connection closes before the database is dropped
    pg.reset();
  }
  std::unique_ptr<test::PgTestDatabase> pg;
};

TEST_F(LoginPostgresTest, TwoHostsRacingProduceOneRefresh) {
  expect_one_refresh_per_race(sign_in("tt_login"), 2);
}

}  // namespace
}  // namespace connhost::testing
