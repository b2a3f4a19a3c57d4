// The due-run slots of schedule_slots on SQLite (the PostgreSQL side runs in tests/scaleout with
// three real hosts): one claim per slot, one pipeline's slot at a time, renewals and done only by
// the lease's holder, and an expired lease taken over by another owner.

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <thread>

#include "config/config.hpp"
#include "pipeline/schedule_lease.hpp"
#include "store/session.hpp"
#include "store/store.hpp"
#include "store/timestamp.hpp"
#include "support/temp_dir.hpp"

namespace connhost::testing {
namespace {

using namespace std::chrono_literals;
using pipeline::ScheduleLease;
using pipeline::Slot;

class ScheduleLeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions so;
    so.sqlite_path = dir.path() / "store.db";
    a_store.emplace(store::Store::open(so));
    a_store->migrate();
    b_store.emplace(store::Store::open(so));
  }

  std::string column(const std::string& name, const Slot& s) {
    std::string v;
    soci::indicator ind = soci::i_null;
    std::string p = s.pipeline, d = store::timestamp_at(s.due_at);
    a_store->session() << "SELECT CAST(" + name +
                              " AS TEXT) FROM schedule_slots WHERE pipeline = :p AND due_at = :d",
        soci::use(p), soci::use(d), soci::into(v, ind);
    return ind == soci::i_ok ? v : "<null>";
  }

  test::TempDir dir{"connhost-schedule-lease"};
  std::optional<store::Store> a_store, b_store;
  const pipeline::SlotTime due = pipeline::SlotTime(std::chrono::seconds(1'800'000'000));
};

TEST_F(ScheduleLeaseTest, ASlotIsClaimedOnceAndDoneOnceByItsHolder) {
  ScheduleLease a(*a_store, "host-a:1", 60s), b(*b_store, "host-b:2", 60s);
  EXPECT_TRUE(a.claim("p", due));
  EXPECT_FALSE(b.claim("p", due)) << "the slot is a's";
  EXPECT_FALSE(a.claim("p", due)) << "a claim is made once, also by its holder";
  EXPECT_FALSE(b.claim("p", due + 1s)) << "another slot of p while a's lease is live";
  EXPECT_TRUE(b.claim("q", due)) << "another pipeline's slot is free";

  Slot s{"p", due, 1, ""};
  EXPECT_FALSE(b.renew(s));
  EXPECT_TRUE(a.renew(s));
  EXPECT_FALSE(b.take_over_expired({"p", "q"})) << "no lease has expired";
  EXPECT_FALSE(b.finish(s, 7, "succeeded"));
  EXPECT_EQ(column("state", s), "claimed");
  EXPECT_TRUE(a.finish(s, 7, "succeeded"));
  EXPECT_FALSE(a.finish(s, 8, "succeeded")) << "done once";
  EXPECT_EQ(column("state", s), "done");
  EXPECT_EQ(column("run_id", s), "7");
  EXPECT_EQ(column("owner", s), "host-a:1");
  EXPECT_EQ(*a.latest_due("p"), due);
  EXPECT_FALSE(a.latest_due("never"));
  EXPECT_TRUE(b.claim("p", due + 1s)) << "p's slot is done: the next one is free";
}

TEST_F(ScheduleLeaseTest, AnExpiredLeaseIsTakenOverByOneOtherOwner) {
  ScheduleLease a(*a_store, "host-a:1", 1000ms), b(*b_store, "host-b:2", 60s);
  ASSERT_TRUE(a.claim("p", due));
  const std::string a_lease_until = column("lease_until", Slot{"p", due, 1, ""});
  // a stops renewing (as a killed host does): b takes the slot over once the lease ran out.
  std::optional<Slot> taken;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!taken && std::chrono::steady_clock::now() < deadline) {
    taken = b.take_over_expired({"p"});
    if (!taken) std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(taken) << "not taken over within 10 s";
  EXPECT_EQ(taken->pipeline, "p");
  EXPECT_EQ(taken->due_at, due);
  EXPECT_EQ(taken->attempts, 2);
  EXPECT_EQ(taken->taken_over_from, "host-a:1");
  EXPECT_GE(column("claimed_at", *taken), a_lease_until) << "taken over once a's lease ran out";
  EXPECT_FALSE(a.take_over_expired({"p"})) << "b's lease is live";
  EXPECT_FALSE(a.renew(*taken)) << "a lost it";
  EXPECT_FALSE(a.finish(*taken, 1, "succeeded")) << "a's late done is refused";
  EXPECT_TRUE(b.finish(*taken, 2, "succeeded"));
  EXPECT_EQ(column("owner", *taken), "host-b:2");
  EXPECT_EQ(column("run_id", *taken), "2");
  EXPECT_FALSE(b.take_over_expired({"p"})) << "a done slot is not taken over";
}

TEST_F(ScheduleLeaseTest, ARunIsLinkedToItsSlot) {
  ScheduleLease a(*a_store, "host-a:1", 60s);
  ASSERT_TRUE(a.claim("p", due));
  a_store->session() << "INSERT INTO sync_runs (id, pipeline, connection, origin, started_at, "
                        "status) VALUES (41, 'p', 'c', 'schedule', '2026-11-20T10:00:00.000Z', "
                        "'running')";
  Slot s{"p", due, 1, ""};
  a.link_run(s, 41);
  EXPECT_EQ(column("run_id", s), "41");
  std::string slot_due;
  a_store->session() << "SELECT slot_due_at FROM sync_runs WHERE id = 41", soci::into(slot_due);
  EXPECT_EQ(slot_due, store::timestamp_at(due));
  EXPECT_TRUE(a.finish(s, std::nullopt, "succeeded"));
  EXPECT_EQ(column("run_id", s), "41") << "a done without a run id keeps the linked one";
}

TEST(ScheduleLeaseTtl, FromHostScheduleLeaseSecondsOrSixtySeconds) {
  auto load = [](const std::string& host) {
    return config::load_string("[host]\n" + host, "/tmp/connhost-lease-test.toml", {});
  };
  auto dflt = load("");
  ASSERT_TRUE(dflt.ok());
  EXPECT_EQ(dflt.config->schedule_lease_seconds, 60);
  auto five = load("schedule_lease_seconds = 5\n");
  ASSERT_TRUE(five.ok());
  EXPECT_EQ(five.config->schedule_lease_seconds, 5);
  for (const char* bad : {"schedule_lease_seconds = 0\n", "schedule_lease_seconds = 0.5\n",
                          "schedule_lease_seconds = 86401\n"}) {
    auto r = load(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.errors[0].to_string().find("host.schedule_lease_seconds"), std::string::npos)
        << r.errors[0].to_string();
  }
}

}  // namespace
}  // namespace connhost::testing
