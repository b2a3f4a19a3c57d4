// The template connector: everything a reporting connector has, in one file. It generates
// deterministic campaign metrics instead of calling an API, so it runs anywhere; a real connector
// replaces generate_day() with call.http() requests to its platform and a parser of the answer.
#include <connhost/connector.hpp>

#include <cstdio>
#include <string>

namespace {

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil), so the
// template needs no date library.
long days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

std::string civil_from_days(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long y = static_cast<long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04ld-%02u-%02u", y + (m <= 2), m, d);
  return buf;
}

long parse_date(std::string_view s) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (s.size() != 10 || std::sscanf(std::string(s).c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3)
    throw connhost::Error::config("dates must be YYYY-MM-DD, got '" + std::string(s) + "'");
  return days_from_civil(y, m, d);
}

constexpr ch_column_def kDailyColumns[] = {
    connhost::column("date", CH_COL_DATE, CH_COLUMN_PRIMARY_KEY | CH_COLUMN_CURSOR,
                     "account-local day"),
    connhost::column("campaign_id", CH_COL_STRING, CH_COLUMN_PRIMARY_KEY),
    connhost::column("campaign_name", CH_COL_STRING),
    connhost::column("spend", CH_COL_MONEY, 0, "micros of currency"),
    connhost::column("currency", CH_COL_STRING),
    connhost::column("clicks", CH_COL_INT64),
    connhost::column("ctr", CH_COL_DOUBLE, CH_COLUMN_NULLABLE),
};

class ExampleConnector {
 public:
  static constexpr connhost::PluginInfo info{"example", "Example (template)", "0.1.0", "example"};
  static constexpr unsigned capabilities = connhost::kReporting;

  static constexpr ch_config_field config[] = {
      connhost::setting("base_url", CH_CONFIG_STRING, "API host", "https://api.example.test"),
      connhost::required_setting("account_id", CH_CONFIG_STRING, "Account to read"),
      connhost::setting("campaigns", CH_CONFIG_INT, "How many campaigns to generate", "3"),
      connhost::setting("currency", CH_CONFIG_STRING, "ISO 4217 code", "USD"),
      connhost::secret_setting("api_key", "API key (from ${env:...} or ${file:...})", false),
  };

  static constexpr ch_stream_def streams[] = {
      connhost::stream("daily_metrics", kDailyColumns, "spend and clicks per campaign and day"),
  };

  ExampleConnector(connhost::Call&, const connhost::Config& config)
      : account_(config.get_string("account_id")),
        currency_(config.get_string("currency", "USD")),
        campaigns_(config.get_int("campaigns", 3)) {
    if (campaigns_ < 1 || campaigns_ > 1000)
      throw connhost::Error::config("campaigns must be between 1 and 1000");
  }

  void check(connhost::Call& call) { call.info("example connector for account " + account_); }

  void read(connhost::Call& call, const connhost::ReadRequest& request) {
    if (request.stream != "daily_metrics")
      throw connhost::Error::config("unknown stream '" + std::string(request.stream) + "'");
    long first = parse_date(request.window_start), last = parse_date(request.window_end);
    if (!request.state.empty()) first = std::max(first, parse_date(request.state) + 1);
    for (long day = first; day <= last; ++day) {
      std::string date = civil_from_days(day);
      for (int64_t c = 1; c <= campaigns_; ++c) {
        int64_t clicks = (day * 7 + c * 13) % 97;
        auto row = call.row("daily_metrics");
        row.str(0, date).str(1, account_ + "-" + std::to_string(c));
        row.str(2, "Campaign " + std::to_string(c)).i64(3, clicks * 250'000).str(4, currency_);
        row.i64(5, clicks);
        if (clicks > 0)
          row.f64(6, clicks / 1000.0);
        else
          row.null(6);
        row.end();
      }
      call.checkpoint(date);  // rows of this day and the state move together
    }
  }

 private:
  std::string account_;
  std::string currency_;
  int64_t campaigns_;
};

}  // namespace

CONNHOST_CONNECTOR(ExampleConnector)
