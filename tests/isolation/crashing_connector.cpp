// A reporting plugin that fails on purpose, for the crash-isolation tests: one account, one
// campaign, and one campaign_daily row per day of the window, each day checkpointed. After
// `crash_after` days of campaign_daily (or at once, for any stream, when the read's account is
// "crash:<mode>") it does what `mode` says:
//   ok        nothing: it finishes the read
//   segfault  writes through a null pointer (a real SIGSEGV, not raise())
//   abort     std::abort (SIGABRT)
//   memory    allocates until allocation fails
//   hang      sleeps forever
//   exit3     exits with status 3
// SDK only: it knows nothing of the host.
#include <connhost/ad_reporting.hpp>
#include <connhost/connector.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace ad = connhost::ad_reporting;

int64_t day_number(std::string_view d) {
  // Days since 1970-01-01 of a YYYY-MM-DD (Howard Hinnant's days_from_civil).
  int y = std::stoi(std::string(d.substr(0, 4)));
  unsigned m = static_cast<unsigned>(std::stoi(std::string(d.substr(5, 2))));
  unsigned dd = static_cast<unsigned>(std::stoi(std::string(d.substr(8, 2))));
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string day_text(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y + (m <= 2)), m, d);
  return buf;
}

std::vector<std::unique_ptr<char[]>> g_hoard;

[[noreturn]] void misbehave(const std::string& mode) {
  if (mode == "segfault") {
    static volatile uintptr_t nowhere = 0;
    *reinterpret_cast<volatile int*>(nowhere) = 1;
  } else if (mode == "abort") {
    std::abort();
  } else if (mode == "memory") {
    for (;;) g_hoard.emplace_back(new char[64u << 20]);
  } else if (mode == "hang") {
    for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
  } else if (mode == "exit3") {
    std::exit(3);
  }
  throw connhost::Error::config("unknown mode '" + mode + "'");
}

class Crashing {
 public:
  static constexpr connhost::PluginInfo info{"crashing", "Crashing (test)", "0.0.1", "test"};
  static constexpr unsigned capabilities = CH_CAP_REPORTING;
  static constexpr ch_config_field config[] = {
      connhost::setting("mode", CH_CONFIG_STRING, "ok | segfault | abort | memory | hang | exit3",
                        "ok"),
      connhost::setting("crash_after", CH_CONFIG_INT,
                        "campaign_daily days checkpointed before misbehaving", "0"),
      connhost::secret_setting("token", "check() wants \"sesame\"", false),
  };
  static constexpr const ch_stream_def (&streams)[3] = ad::kStreams;

  Crashing(connhost::Call&, const connhost::Config& c)
      : mode_(c.get_string("mode")), crash_after_(c.get_int("crash_after")) {}

  // Proves that secrets and log lines cross to the host and back.
  void check(connhost::Call& call) {
    call.info("check: mode " + mode_);
    if (call.secret("token") != "sesame") throw connhost::Error::auth("wrong token");
  }

  void read(connhost::Call& call, const connhost::ReadRequest& r) {
    if (r.account.substr(0, 6) == "crash:") misbehave(std::string(r.account.substr(6)));
    if (r.stream == "accounts") {
      call.row("accounts")
          .str(ad::kAccountId, "acc1")
          .str(ad::kAccountName, "Account 1")
          .str(ad::kAccountCurrency, "USD")
          .str(ad::kAccountTimeZone, "UTC")
          .null(ad::kAccountStatus)
          .end();
      call.checkpoint("");
      return;
    }
    if (r.stream == "campaigns") {
      call.row("campaigns")
          .str(ad::kCampaignAccountId, r.account)
          .str(ad::kCampaignId, "c1")
          .str(ad::kCampaignName, "Campaign 1")
          .str(ad::kCampaignStatus, "ACTIVE")
          .null(ad::kCampaignObjective)
          .null(ad::kCampaignCreatedTime)
          .null(ad::kCampaignModifiedTime)
          .end();
      call.checkpoint("");
      return;
    }
    call.info("campaign_daily " + std::string(r.window_start) + ".." + std::string(r.window_end));
    int64_t done = 0;
    for (int64_t d = day_number(r.window_start); d <= day_number(r.window_end); ++d) {
      if (mode_ != "ok" && done == crash_after_) misbehave(mode_);
      std::string day = day_text(d);
      call.row("campaign_daily")
          .str(ad::kDailyAccountId, r.account)
          .str(ad::kDailyDate, day)
          .str(ad::kDailyCampaignId, "c1")
          .i64(ad::kDailySpend, 1'000'000 * (d % 100 + 1))
          .i64(ad::kDailyImpressions, 1000 + d % 7)
          .i64(ad::kDailyClicks, 10 + d % 3)
          .null(ad::kDailyLinkClicks)
          .f64(ad::kDailyPurchases, 0.5)
          .i64(ad::kDailyPurchaseValue, 2'000'000)
          .str(ad::kDailyCurrency, "USD")
          .end();
      call.checkpoint(ad::daily_state(r.window_start, r.window_end, day));
      ++done;
    }
  }

 private:
  std::string mode_;
  int64_t crash_after_;
};

}  // namespace

CONNHOST_CONNECTOR(Crashing)
