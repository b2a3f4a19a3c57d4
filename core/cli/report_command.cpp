#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/store_open.hpp"
#include "cli/table.hpp"
#include "store/session.hpp"

namespace connhost::cli {
namespace {

std::string money(long long micros) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(micros) / 1e6);
  return buf;
}

// Derived metrics come from the sums and are "-" (not zero, not infinity) without a denominator.
std::string ratio(double num, double den, const char* fmt) {
  if (den == 0) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, fmt, num / den);
  return buf;
}

}  // namespace

int report_monthly(const GlobalOptions& options, const ReportOptions& r) {
  auto ctx = HostContext::open(options);
  if (!ctx.host) {
    std::cerr << "connhost: no configuration file " << options.config_file.string() << '\n';
    return kExitConfigInvalid;
  }
  try {
    auto store = open_store(*ctx.host);
    auto& sql = store.session();
    std::string q = "SELECT platform, month, currency, " +
                    std::string(r.by_category ? "category" : "''") +
                    ", CAST(SUM(spend_micros) AS BIGINT), CAST(SUM(impressions) AS BIGINT), "
                    "CAST(SUM(clicks) AS BIGINT), CAST(SUM(purchases) AS DOUBLE PRECISION), "
                    "CAST(SUM(purchase_value_micros) AS BIGINT) FROM unified_campaign_data "
                    "WHERE (:p = '' OR platform = :p2) AND (:f = '' OR month >= :f2) AND "
                    "(:t = '' OR month <= :t2) GROUP BY platform, month, currency" +
                    std::string(r.by_category ? ", category" : "") +
                    " ORDER BY month, platform, currency" + (r.by_category ? ", category" : "");
    std::string platform, month, currency, category;
    long long spend = 0, impressions = 0, clicks = 0, value = 0;
    double purchases = 0;
    std::string p = r.platform, f = r.from_month, t = r.to_month;
    soci::statement st =
        (sql.prepare << q, soci::into(platform), soci::into(month), soci::into(currency),
         soci::into(category), soci::into(spend), soci::into(impressions), soci::into(clicks),
         soci::into(purchases), soci::into(value), soci::use(p, "p"), soci::use(p, "p2"),
         soci::use(f, "f"), soci::use(f, "f2"), soci::use(t, "t"), soci::use(t, "t2"));
    st.execute();
    std::vector<std::string> header{"MONTH", "PLATFORM"};
    if (r.by_category) header.push_back("CATEGORY");
    for (const char* h : {"CURRENCY", "SPEND", "IMPRESSIONS", "CLICKS", "PURCHASES", "REVENUE",
                          "CPA", "ROAS", "CPC"})
      header.push_back(h);
    Table table(header);
    size_t n = 0;
    while (st.fetch()) {
      std::vector<std::string> row{month, platform};
      if (r.by_category) row.push_back(category);
      char purch[32];
      std::snprintf(purch, sizeof purch, "%.2f", purchases);
      for (auto cell : {currency, money(spend), std::to_string(impressions), std::to_string(clicks),
                        std::string(purch), money(value), ratio(spend / 1e6, purchases, "%.2f"),
                        ratio(static_cast<double>(value), static_cast<double>(spend), "%.2f"),
                        ratio(spend / 1e6, static_cast<double>(clicks), "%.2f")})
        row.push_back(cell);
      table.add(std::move(row));
      ++n;
    }
    if (n == 0) {
      std::cout << "no rows: run `connhost sync PIPELINE` first\n";
      return kExitOk;
    }
    table.print(std::cout);
  } catch (const std::exception& e) {
    std::cerr << "connhost: report failed: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace connhost::cli
