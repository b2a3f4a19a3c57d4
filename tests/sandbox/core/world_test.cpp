// The seeded world: deterministic, plausible, consistent with its ground truth, and restated the
// way platforms restate recent days.
#include <gtest/gtest.h>

#include <set>

#include "world/world.hpp"

namespace connhost::sandbox {
namespace {

WorldOptions opts(uint64_t seed) {
  WorldOptions o;
  o.seed = seed;
  o.today = "2026-11-20";
  o.days = 120;
  return o;
}

TEST(World, SameSeedSameWorldOtherSeedOtherWorld) {
  World a(opts(7)), b(opts(7)), c(opts(8));
  for (Platform p : {Platform::tiktok, Platform::meta, Platform::google}) {
    ASSERT_EQ(a.accounts(p).size(), 2u);
    EXPECT_EQ(a.accounts(p)[0].id, b.accounts(p)[0].id);
    EXPECT_NE(a.accounts(p)[0].id, c.accounts(p)[0].id);
    const auto& acc = a.accounts(p)[0];
    auto ca = a.campaigns(p, acc.id), cb = b.campaigns(p, acc.id);
    ASSERT_EQ(ca.size(), 8u);
    for (size_t i = 0; i < ca.size(); ++i) {
      EXPECT_EQ(ca[i]->name, cb[i]->name);
      for (int64_t d = a.first_day(); d <= a.today(); d += 17)
        EXPECT_EQ(a.metrics(p, *ca[i], d).spend_micros, b.metrics(p, *cb[i], d).spend_micros);
    }
  }
}

TEST(World, IdsHaveEachPlatformsShape) {
  World w(opts(1));
  EXPECT_EQ(w.accounts(Platform::tiktok)[0].id.size(), 19u);
  EXPECT_EQ(w.accounts(Platform::google)[0].id.size(), 10u);
  for (char c : w.accounts(Platform::meta)[0].id) EXPECT_TRUE(std::isdigit(c));
  std::set<std::string> ids;
  for (Platform p : {Platform::tiktok, Platform::meta, Platform::google})
    for (const auto& a : w.accounts(p))
      for (const auto* c : w.campaigns(p, a.id)) EXPECT_TRUE(ids.insert(c->id).second) << c->id;
}

TEST(World, CampaignsMixStatesAndCategorizableNames) {
  WorldOptions o = opts(3);
  o.campaigns_per_account = 40;
  World w(o);
  int active = 0, paused = 0, deleted = 0, pipes = 0;
  for (const auto& a : w.accounts(Platform::meta)) {
    for (const auto* c : w.campaigns(Platform::meta, a.id)) {
      active += c->state == CampaignState::active;
      paused += c->state == CampaignState::paused;
      deleted += c->state == CampaignState::deleted;
      pipes += c->name.find(" | ") != std::string::npos;
    }
  }
  EXPECT_GT(active, paused);
  EXPECT_GT(paused, 0);
  EXPECT_GT(deleted, 0);
  EXPECT_GT(pipes, 0);
}

TEST(World, MetricsArePlausibleAndRespectCurrencyPrecision) {
  World w(opts(5));
  int delivering = 0;
  for (Platform p : {Platform::tiktok, Platform::meta, Platform::google}) {
    for (const auto& a : w.accounts(p)) {
      int64_t unit = a.currency_decimals == 0 ? 1'000'000 : 10'000;
      for (const auto* c : w.campaigns(p, a.id)) {
        for (int64_t d = w.first_day(); d <= w.today(); ++d) {
          auto m = w.metrics(p, *c, d);
          EXPECT_GE(m.impressions, m.clicks);
          EXPECT_GE(m.clicks, m.link_clicks);
          EXPECT_GE(m.clicks, m.purchases);
          EXPECT_EQ(m.spend_micros % unit, 0) << a.currency;
          EXPECT_EQ(m.purchase_value_micros % unit, 0) << a.currency;
          if (m.purchases == 0) {
            EXPECT_EQ(m.purchase_value_micros, 0);
          }
          delivering += m.spend_micros > 0;
          if (c->state != CampaignState::active && d > c->modified_unix / 86400) {
            EXPECT_EQ(m.spend_micros, 0) << "a stopped campaign still spends";
          }
        }
      }
    }
  }
  EXPECT_GT(delivering, 1000);
}

TEST(World, TruthIsTheSumOfTheDays) {
  World w(opts(9));
  const auto& acc = w.accounts(Platform::tiktok)[1];
  int64_t from = w.today() - 40, to = w.today() - 10;
  auto t = w.truth(Platform::tiktok, acc.id, from, to);
  DayMetrics sum;
  int64_t rows = 0;
  for (const auto* c : w.campaigns(Platform::tiktok, acc.id))
    for (int64_t d = from; d <= to; ++d) {
      auto m = w.metrics(Platform::tiktok, *c, d);
      sum += m;
      rows += m.impressions > 0 || m.spend_micros > 0;
    }
  EXPECT_EQ(t.total.spend_micros, sum.spend_micros);
  EXPECT_EQ(t.total.purchases, sum.purchases);
  EXPECT_EQ(t.rows, rows);
  EXPECT_GT(t.total.spend_micros, 0);
}

TEST(World, RecentDaysAreRestatedOlderDaysAreFinal) {
  World w(opts(11));
  const Platform p = Platform::meta;  // settles over 28 days
  const auto& acc = w.accounts(p)[0];
  int64_t recent = 0, old = 0;
  auto sum = [&](int64_t from, int64_t to) { return w.truth(p, acc.id, from, to).total.purchases; };
  recent = sum(w.today() - 5, w.today());
  old = sum(w.today() - 100, w.today() - 30);
  for (int i = 0; i < 30; ++i) w.restate(p, acc.id);
  EXPECT_GT(sum(w.today() - 5, w.today()), recent) << "late conversions never arrived";
  EXPECT_EQ(sum(w.today() - 100, w.today() - 30), old) << "a settled day changed";
  EXPECT_EQ(w.restatement_epoch(p, acc.id), 30);
  EXPECT_EQ(w.restatement_epoch(p, w.accounts(p)[1].id), 0);
}

TEST(World, DaysRoundTrip) {
  EXPECT_EQ(format_day(parse_day("2024-02-29")), "2024-02-29");
  EXPECT_EQ(parse_day("1970-01-02"), 1);
  EXPECT_THROW(parse_day("2026-02-30"), std::invalid_argument);
  EXPECT_THROW(parse_day("2026/02/01"), std::invalid_argument);
}

}  // namespace
}  // namespace connhost::sandbox
