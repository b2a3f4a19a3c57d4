// The refresh lease on PostgreSQL, where several hosts share one database: two refreshers racing
// on one grant produce one refresh, and an expired token is refreshed transparently.

#include <latch>
#include <thread>

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
  int64_t id = sign_in("tt_login");
  auto a = make_refresher("host-a"), b = make_refresher("host-b");
  sb->add_faults(R"({"faults":[{"platform":"tiktok","endpoint":"v2/oauth/token","kind":"latency",)"
                 R"("latency_ms":300,"times":-1}]})");
  for (int round = 1; round <= 2; ++round) {
    expire(id);
    login::GrantTokens ta(*a, keyring, [this] { return store::Store::open(options); });
    login::GrantTokens tb(*b, keyring, [this] { return store::Store::open(options); });
    std::latch go(2);
    std::string got_a, got_b, error;
    std::mutex m;
    auto run = [&](login::GrantTokens& t, std::string& out) {
      go.arrive_and_wait();
      try {
        out = t.resolve(ref("tt_login"));
      } catch (const std::exception& e) {
        std::lock_guard lock(m);
        error += e.what();
      }
    };
    std::thread x(run, std::ref(ta), std::ref(got_a)), y(run, std::ref(tb), std::ref(got_b));
    x.join();
    y.join();
    ASSERT_EQ(error, "") << "round " << round;
    EXPECT_EQ(got_a, got_b);
    EXPECT_EQ(refresh_requests(), round);
    EXPECT_EQ(status_of(id), "active");
  }
}

}  // namespace
}  // namespace connhost::testing
