#pragma once

// The sandbox's deterministic world: accounts, campaigns and daily metrics for each platform,
// generated from a seed. Everything a platform handler serves, and the ground truth tests
// compare against, comes from here. This is the sandbox's own model, shared with no connector.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::sandbox {

enum class Platform { tiktok, meta, google, pinterest };
std::string_view platform_name(Platform p);
std::optional<Platform> parse_platform(std::string_view s);

struct Account {
  Platform platform;
  std::string id;  // TikTok advertiser_id, Meta ad account id (digits, no act_), Google customer id
  std::string name;
  std::string currency;
  int currency_decimals;  // 2 for USD/EUR/GBP/BRL, 0 for JPY/KRW
  std::string time_zone;  // IANA name
  int64_t created_unix;
};

enum class CampaignState { active, paused, deleted };

struct Campaign {
  std::string id;
  std::string account_id;
  std::string name;
  CampaignState state;
  std::string
      objective;  // platform vocabulary (TikTok objective_type, Meta objective, Google channel)
  int64_t created_unix;
  int64_t modified_unix;  // for paused/deleted: when it stopped delivering
  int64_t daily_budget_micros;
  uint64_t salt;  // per-campaign randomness
  // The account's money, kept here because metrics() runs for every cell of every report page.
  int currency_decimals = 2;
  double per_usd = 1.0;
};

struct DayMetrics {
  int64_t spend_micros = 0;
  int64_t impressions = 0;
  int64_t clicks = 0;
  int64_t link_clicks = 0;
  int64_t purchases = 0;
  int64_t purchase_value_micros = 0;
  DayMetrics& operator+=(const DayMetrics& o);
};

struct WorldOptions {
  uint64_t seed = 42;
  int accounts_per_platform = 2;
  int campaigns_per_account = 8;
  int days = 400;     // days of history, ending today
  std::string today;  // "YYYY-MM-DD"; empty: the current UTC date
};

// Days since 1970-01-01 <-> "YYYY-MM-DD".
int64_t parse_day(std::string_view yyyy_mm_dd);  // throws std::invalid_argument
std::string format_day(int64_t day);

class World {
 public:
  explicit World(WorldOptions options);

  const WorldOptions& options() const { return options_; }
  int64_t today() const { return today_; }
  int64_t first_day() const { return today_ - options_.days + 1; }

  const std::vector<Account>& accounts(Platform p) const;
  const Account* account(Platform p, std::string_view id) const;
  std::vector<const Campaign*> campaigns(Platform p, std::string_view account_id) const;
  const Campaign* campaign(Platform p, std::string_view campaign_id) const;

  // Metrics of one campaign on one account-local day, as the platform reports them right now:
  // days inside the platform's settling window are still restated (conversions arrive late).
  DayMetrics metrics(Platform p, const Campaign& c, int64_t day) const;

  // A report read of an account starts: recent days move one step closer to their final values.
  void restate(Platform p, std::string_view account_id);
  int restatement_epoch(Platform p, std::string_view account_id) const;
  // The platform's settling window in days (Meta 28, Google 14, TikTok 7, Pinterest 7).
  static int settling_days(Platform p);

  struct Truth {
    DayMetrics total;
    std::map<std::string, DayMetrics> by_campaign;  // campaign id -> totals
    int64_t rows = 0;                               // campaign-days with delivery
  };
  Truth truth(Platform p, std::string_view account_id, int64_t from, int64_t to) const;

 private:
  WorldOptions options_;
  int64_t today_;
  std::map<Platform, std::vector<Account>> accounts_;
  std::map<Platform, std::vector<Campaign>> campaigns_;
  mutable std::mutex mutex_;
  std::map<std::pair<Platform, std::string>, int> epochs_;
};

}  // namespace connhost::sandbox
