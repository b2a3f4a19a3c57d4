// The refresh lease on PostgreSQL, where several hosts share one database: two refreshers racing
// on one grant produce one refresh, and an expired token is refreshed transparently.

#include "login_fixture.hpp"
#include "support/on_postgres.hpp"

namespace connhost::testing {
namespace {

class LoginPostgresTest : public test::OnPostgres<LoginTest> {};

TEST_F(LoginPostgresTest, TwoHostsRacingProduceOneRefresh) {
  expect_one_refresh_per_race(sign_in("tt_login"), 2);
}

}  // namespace
}  // namespace connhost::testing
