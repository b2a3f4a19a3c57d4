#include <cstdio>
#include <iostream>
#include <map>

#include "categories/fx.hpp"
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

std::string metric(std::optional<double> v) {
  if (!v) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f", *v);
  return buf;
}

// Every platform in one currency, plus an "all" row per month (and category) when more than one
// platform is reported: the unified total, its metrics again from the sums.
int report_converted(store::Store& store, const ReportOptions& r, const std::string& currency) {
  fx::MonthlyQuery q{currency, r.platform, r.from_month, r.to_month, r.by_category};
  auto rep = fx::monthly_converted(store.session(), q);
  if (rep.rows.empty()) {
    std::cout << "no rows: run `connhost sync PIPELINE` first\n";
    return kExitOk;
  }
  std::vector<std::string> header{"MONTH", "PLATFORM"};
  if (r.by_category) header.push_back("CATEGORY");
  for (const char* h : {"CURRENCY", "SPEND", "IMPRESSIONS", "CLICKS", "PURCHASES", "REVENUE", "CPA",
                        "ROAS", "CPC", "NO RATE"})
    header.push_back(h);
  Table table(header);
  auto add = [&](const fx::MonthlyRow& x) {
    std::vector<std::string> row{x.month, x.platform};
    if (r.by_category) row.push_back(x.category);
    char purch[32];
    std::snprintf(purch, sizeof purch, "%.2f", x.purchases);
    for (auto cell : {currency, money(x.spend_micros), std::to_string(x.impressions),
                      std::to_string(x.clicks), std::string(purch), money(x.revenue_micros),
                      metric(fx::cpa(x)), metric(fx::roas(x)), metric(fx::cpc(x)),
                      x.rows_without_rate ? std::to_string(x.rows_without_rate) : std::string()})
      row.push_back(cell);
    table.add(std::move(row));
  };
  std::map<std::string, std::vector<std::string>> platforms_by_month;
  for (const auto& x : rep.rows) {
    auto& ps = platforms_by_month[x.month];
    if (ps.empty() || ps.back() != x.platform) ps.push_back(x.platform);
  }
  std::map<std::string, fx::MonthlyRow> totals;  // by category, for the current month
  auto flush = [&](const std::string& month) {
    if (platforms_by_month[month].size() > 1)
      for (const auto& [cat, t] : totals) add(t);
    totals.clear();
  };
  for (size_t i = 0; i < rep.rows.size(); ++i) {
    const auto& x = rep.rows[i];
    if (i > 0 && rep.rows[i - 1].month != x.month) flush(rep.rows[i - 1].month);
    add(x);
    auto& t = totals[x.category];
    t.month = x.month, t.platform = "all", t.category = x.category;
    t.spend_micros += x.spend_micros, t.impressions += x.impressions, t.clicks += x.clicks;
    t.purchases += x.purchases, t.revenue_micros += x.revenue_micros;
    t.rows_without_rate += x.rows_without_rate;
  }
  flush(rep.rows.back().month);
  table.print(std::cout);
  if (auto n = rep.rows_without_rate()) {
    std::cout << "\n"
              << n << " row" << (n == 1 ? "" : "s") << " without a " << currency
              << " rate, left out of converted sums (`connhost fx load FILE` to add rates):\n";
    for (const auto& m : rep.missing)
      std::cout << "  " << m.currency << ": " << m.rows << " row" << (m.rows == 1 ? "" : "s")
                << ", days " << m.first_day << " to " << m.last_day << '\n';
  }
  return kExitOk;
}

}  // namespace

int report_monthly(const GlobalOptions& options, const ReportOptions& r) {
  auto ctx = HostContext::open(options);
  if (!ctx.host) {
    std::cerr << "connhost: no configuration file " << options.config_file.string() << '\n';
    return kExitConfigInvalid;
  }
  std::string currency;
  if (r.currency) {
    currency = r.currency->empty() ? ctx.host->reporting.currency : *r.currency;
    if (!fx::valid_currency(currency)) {
      std::cerr << "connhost: --currency " << currency
                << ": expected an ISO 4217 code of three capital letters, e.g. USD\n";
      return kExitUsage;
    }
  }
  try {
    auto store = open_store(*ctx.host);
    if (r.currency) return report_converted(store, r, currency);
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
