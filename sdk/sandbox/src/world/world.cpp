#include "world/world.hpp"

#include <date/date.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

namespace connhost::sandbox {
namespace {

uint64_t mix(uint64_t x) {  // splitmix64: cheap, well-distributed, deterministic everywhere
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
uint64_t mix(uint64_t a, uint64_t b) {
  return mix(a ^ mix(b));
}
double unit(uint64_t h) {
  return static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
}

std::string digits(uint64_t h, int n) {
  std::string s;
  for (int i = 0; i < n; ++i, h = mix(h)) s += static_cast<char>('0' + h % 10);
  if (s[0] == '0') s[0] = '1';
  return s;
}

struct CurrencyInfo {
  const char* code;
  int decimals;
  double per_usd;  // rough exchange rate, for plausible magnitudes
};
constexpr CurrencyInfo kCurrencies[] = {{"USD", 2, 1.0},   {"EUR", 2, 0.92}, {"GBP", 2, 0.79},
                                        {"JPY", 0, 150.0}, {"BRL", 2, 5.0},  {"KRW", 0, 1350.0}};
constexpr const char* kZones[] = {"America/New_York",    "Europe/Berlin",     "Europe/London",
                                  "Asia/Tokyo",          "America/Sao_Paulo", "Asia/Seoul",
                                  "America/Los_Angeles", "Australia/Sydney"};

// Names in the styles media buyers use, so category rules have something to match.
constexpr const char* kNames[] = {"Brand | Search | {geo}",
                                  "RTG - Summer Sale",
                                  "TOF_Prospecting_Video",
                                  "Generic | Shopping | {geo}",
                                  "Retargeting - Cart Abandoners",
                                  "BOF_Catalog_Sales",
                                  "App Install | iOS | {geo}",
                                  "Awareness - Brand Video",
                                  "MOF_Engagement_Carousel",
                                  "Prospecting | Lookalike 1% | {geo}",
                                  "RTG - Black Friday",
                                  "Competitor | Search | {geo}",
                                  "TOF_Broad_UGC",
                                  "Brand Protection - Exact",
                                  "DPA - Past Purchasers",
                                  "Lead Gen | Webinar | {geo}"};
constexpr const char* kGeos[] = {"US", "DE", "UK", "FR", "JP", "BR", "ES", "CA"};

std::string objective_for(Platform p, uint64_t h) {
  static const char* tiktok[] = {"WEB_CONVERSIONS", "TRAFFIC",       "REACH",
                                 "VIDEO_VIEWS",     "PRODUCT_SALES", "APP_PROMOTION"};
  static const char* meta[] = {"OUTCOME_SALES",      "OUTCOME_TRAFFIC", "OUTCOME_AWARENESS",
                               "OUTCOME_ENGAGEMENT", "OUTCOME_LEADS",   "CONVERSIONS"};
  static const char* google[] = {"SEARCH",  "PERFORMANCE_MAX", "SHOPPING",
                                 "DISPLAY", "VIDEO",           "DEMAND_GEN"};
  // Pinterest's ObjectiveType values (API v5 reference, "ObjectiveType").
  static const char* pinterest[] = {"AWARENESS",      "CONSIDERATION", "VIDEO_VIEW",
                                    "WEB_CONVERSION", "CATALOG_SALES", "VIDEO_COMPLETION"};
  switch (p) {
    case Platform::tiktok:
      return tiktok[h % 6];
    case Platform::meta:
      return meta[h % 6];
    case Platform::google:
      return google[h % 6];
    case Platform::pinterest:
      return pinterest[h % 6];
  }
  return "";
}

std::string replace_geo(std::string name, std::string_view geo) {
  auto pos = name.find("{geo}");
  if (pos != std::string::npos) name.replace(pos, 5, geo);
  return name;
}

int64_t round_to_currency(double units, int decimals) {
  double scale = std::pow(10.0, decimals);
  return static_cast<int64_t>(std::llround(units * scale)) *
         (1'000'000 / static_cast<int64_t>(scale));
}

}  // namespace

std::string_view platform_name(Platform p) {
  switch (p) {
    case Platform::tiktok:
      return "tiktok";
    case Platform::meta:
      return "meta";
    case Platform::google:
      return "google";
    case Platform::pinterest:
      return "pinterest";
  }
  return "?";
}

std::optional<Platform> parse_platform(std::string_view s) {
  if (s == "tiktok") return Platform::tiktok;
  if (s == "meta") return Platform::meta;
  if (s == "google") return Platform::google;
  if (s == "pinterest") return Platform::pinterest;
  return std::nullopt;
}

DayMetrics& DayMetrics::operator+=(const DayMetrics& o) {
  spend_micros += o.spend_micros;
  impressions += o.impressions;
  clicks += o.clicks;
  link_clicks += o.link_clicks;
  purchases += o.purchases;
  purchase_value_micros += o.purchase_value_micros;
  return *this;
}

int64_t parse_day(std::string_view s) {
  int y = 0;
  unsigned m = 0, d = 0;
  auto num = [&](size_t pos, size_t len, auto& out) {
    out = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') throw std::invalid_argument("not a date: " + std::string(s));
      out = out * 10 + (s[i] - '0');
    }
  };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-')
    throw std::invalid_argument("not a date: " + std::string(s));
  num(0, 4, y), num(5, 2, m), num(8, 2, d);
  date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) throw std::invalid_argument("not a date: " + std::string(s));
  return date::sys_days(ymd).time_since_epoch().count();
}

std::string format_day(int64_t day) {
  return date::format("%F", date::sys_days(date::days(day)));
}

int World::settling_days(Platform p) {
  switch (p) {
    case Platform::meta:
      return 28;
    case Platform::google:
      return 14;
    case Platform::tiktok:
    case Platform::pinterest:
      return 7;
  }
  return 7;
}

World::World(WorldOptions o) : options_(std::move(o)) {
  if (options_.today.empty()) {
    auto now = std::chrono::floor<date::days>(std::chrono::system_clock::now());
    today_ = now.time_since_epoch().count();
  } else {
    today_ = parse_day(options_.today);
  }
  // Each platform draws from its own stream, mix(seed, platform + 1): adding a platform changes
  // nothing another one generates for the same seed.
  for (Platform p : {Platform::tiktok, Platform::meta, Platform::google, Platform::pinterest}) {
    uint64_t ph = mix(options_.seed, static_cast<uint64_t>(p) + 1);
    auto& accounts = accounts_[p];
    auto& campaigns = campaigns_[p];
    for (int a = 0; a < options_.accounts_per_platform; ++a) {
      uint64_t ah = mix(ph, a + 100);
      const auto& cur = kCurrencies[(a + static_cast<int>(p)) % std::size(kCurrencies)];
      Account acc;
      acc.platform = p;
      switch (p) {
        case Platform::tiktok:
          acc.id = "70" + digits(ah, 17);
          break;
        case Platform::meta:
          acc.id = digits(ah, 15);
          break;
        case Platform::google:
          acc.id = digits(ah, 10);
          break;
        case Platform::pinterest:
          // Ad account ids are 12 digits starting 549 in Pinterest's Ads Manager.
          acc.id = "549" + digits(ah, 9);
          break;
      }
      acc.name = std::string(p == Platform::google ? "Acme Store " : "Acme ") + cur.code + " " +
                 std::to_string(a + 1);
      acc.currency = cur.code;
      acc.currency_decimals = cur.decimals;
      // Pinterest's analytics dates are UTC days (campaigns_analytics, start_date "(UTC)"), and
      // its AdAccount carries no time zone: the account's days are UTC days.
      acc.time_zone = p == Platform::pinterest
                          ? "UTC"
                          : kZones[(a * 3 + static_cast<int>(p)) % std::size(kZones)];
      int64_t first = today_ - options_.days - 30;
      acc.created_unix = (first - static_cast<int64_t>(ah % 200)) * 86400;
      for (int c = 0; c < options_.campaigns_per_account; ++c) {
        uint64_t ch = mix(ah, c + 1000);
        Campaign camp;
        switch (p) {
          case Platform::tiktok:
            camp.id = "17" + digits(ch, 17);
            break;
          case Platform::meta:
            camp.id = "1202" + digits(ch, 14);
            break;
          case Platform::google:
            camp.id = digits(ch, 11);
            break;
          case Platform::pinterest:
            camp.id = "6267" + digits(ch, 8);
            break;
        }
        camp.account_id = acc.id;
        camp.name = replace_geo(kNames[(c + a * 5) % std::size(kNames)],
                                kGeos[(ch >> 8) % std::size(kGeos)]);
        if (c >= static_cast<int>(std::size(kNames))) camp.name += " #" + std::to_string(c + 1);
        // About one in eight is deleted and one in six paused, the rest deliver.
        double r = unit(mix(ch, 7));
        camp.state = r < 0.125  ? CampaignState::deleted
                     : r < 0.29 ? CampaignState::paused
                                : CampaignState::active;
        camp.objective = objective_for(p, mix(ch, 9));
        int64_t start = first + static_cast<int64_t>(mix(ch, 11) % 120);
        camp.created_unix = start * 86400 + static_cast<int64_t>(mix(ch, 12) % 86400);
        int64_t stop = camp.state == CampaignState::active
                           ? today_
                           : today_ - 5 - static_cast<int64_t>(mix(ch, 13) % 200);
        camp.modified_unix = camp.state == CampaignState::active
                                 ? (today_ - static_cast<int64_t>(mix(ch, 14) % 30)) * 86400 + 3600
                                 : stop * 86400 + 7200;
        double budget_usd = 20 + 480 * unit(mix(ch, 15));
        camp.daily_budget_micros = round_to_currency(budget_usd * cur.per_usd, cur.decimals);
        camp.salt = ch;
        camp.currency_decimals = cur.decimals;
        camp.per_usd = cur.per_usd;
        campaigns.push_back(std::move(camp));
      }
      accounts.push_back(std::move(acc));
    }
  }
}

const std::vector<Account>& World::accounts(Platform p) const {
  return accounts_.at(p);
}

const Account* World::account(Platform p, std::string_view id) const {
  for (const auto& a : accounts_.at(p))
    if (a.id == id) return &a;
  return nullptr;
}

std::vector<const Campaign*> World::campaigns(Platform p, std::string_view account_id) const {
  std::vector<const Campaign*> out;
  for (const auto& c : campaigns_.at(p))
    if (c.account_id == account_id) out.push_back(&c);
  return out;
}

const Campaign* World::campaign(Platform p, std::string_view id) const {
  for (const auto& c : campaigns_.at(p))
    if (c.id == id) return &c;
  return nullptr;
}

void World::restate(Platform p, std::string_view account_id) {
  std::lock_guard lock(mutex_);
  ++epochs_[{p, std::string(account_id)}];
}

int World::restatement_epoch(Platform p, std::string_view account_id) const {
  std::lock_guard lock(mutex_);
  auto it = epochs_.find({p, std::string(account_id)});
  return it == epochs_.end() ? 0 : it->second;
}

DayMetrics World::metrics(Platform p, const Campaign& c, int64_t day) const {
  DayMetrics m;
  int64_t created_day = c.created_unix / 86400, stop_day = c.modified_unix / 86400;
  if (day < first_day() || day > today_ || day < created_day) return m;
  if (c.state != CampaignState::active && day > stop_day) return m;
  uint64_t h = mix(c.salt, static_cast<uint64_t>(day));
  // Weekly rhythm and noise around the budget; some days the campaign under-delivers.
  double weekday = 0.85 + 0.3 * std::sin(static_cast<double>(day % 7));
  double pace = (0.55 + 0.45 * unit(h)) * weekday;
  if (unit(mix(h, 1)) < 0.04) return m;  // a dark day: no delivery at all
  double budget = static_cast<double>(c.daily_budget_micros) / 1e6;
  double spend_units = budget * pace;
  m.spend_micros = round_to_currency(spend_units, c.currency_decimals);
  const double per_usd = c.per_usd;
  double cpm_usd = 4 + 14 * unit(mix(h, 2));
  m.impressions = static_cast<int64_t>(spend_units / per_usd / cpm_usd * 1000.0);
  double ctr = 0.004 + 0.03 * unit(mix(h, 3));
  m.clicks = static_cast<int64_t>(static_cast<double>(m.impressions) * ctr);
  m.link_clicks =
      static_cast<int64_t>(static_cast<double>(m.clicks) * (0.6 + 0.35 * unit(mix(h, 4))));
  double cvr = 0.005 + 0.05 * unit(mix(h, 5));
  int64_t final_purchases = static_cast<int64_t>(static_cast<double>(m.clicks) * cvr);
  double aov_usd = 25 + 120 * unit(mix(h, 6));

  // Conversions of recent days arrive late: a day `age` days old with `epoch` reads behind it has
  // reached this share of its final count. Older than the settling window: final.
  int64_t age = today_ - day;
  int window = settling_days(p);
  int64_t purchases = final_purchases;
  if (age < window) {
    int epoch = restatement_epoch(p, c.account_id);
    double share = std::min(1.0, 0.55 + 0.45 * static_cast<double>(age + epoch) / window);
    purchases = static_cast<int64_t>(std::floor(static_cast<double>(final_purchases) * share));
  }
  m.purchases = purchases;
  m.purchase_value_micros =
      round_to_currency(static_cast<double>(purchases) * aov_usd * per_usd, c.currency_decimals);
  return m;
}

World::Truth World::truth(Platform p, std::string_view account_id, int64_t from, int64_t to) const {
  Truth t;
  for (const auto* c : campaigns(p, account_id)) {
    DayMetrics sum;
    for (int64_t d = from; d <= to; ++d) {
      DayMetrics m = metrics(p, *c, d);
      if (m.impressions > 0 || m.spend_micros > 0) ++t.rows;
      sum += m;
    }
    t.by_campaign[c->id] = sum;
    t.total += sum;
  }
  return t;
}

}  // namespace connhost::sandbox
