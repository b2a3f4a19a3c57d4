#pragma once

// A migrated SQLite store in a temp folder, and fixture rows inserted directly.

#include <string>

#include "store/session.hpp"
#include "support/temp_dir.hpp"

namespace connhost::test {

class StoreFixture {
 public:
  StoreFixture() : store_(open(dir_)) { store_.migrate(); }

  soci::session& sql() { return store_.session(); }

  void account(const std::string& platform, const std::string& id, const std::string& currency) {
    std::string p = platform, a = id, c = currency;
    sql() << "INSERT INTO ad_accounts (platform, account_id, connection, name, currency, "
             "time_zone) VALUES (:p, :a, 'conn', 'acct', :c, 'UTC')",
        soci::use(p), soci::use(a), soci::use(c);
  }

  void campaign(const std::string& platform, const std::string& account, const std::string& id,
                const std::string& name, const std::string& objective = "OUTCOME_SALES") {
    std::string p = platform, a = account, i = id, n = name, o = objective;
    sql() << "INSERT INTO ad_campaigns (platform, account_id, campaign_id, name, status, "
             "objective) VALUES (:p, :a, :i, :n, 'ACTIVE', :o)",
        soci::use(p), soci::use(a), soci::use(i), soci::use(n), soci::use(o);
  }

  void day(const std::string& platform, const std::string& account, const std::string& campaign,
           const std::string& date, const std::string& currency, long long spend_micros,
           long long clicks, double purchases, long long value_micros,
           long long impressions = 1000) {
    std::string p = platform, a = account, c = campaign, d = date, cur = currency;
    sql() << "INSERT INTO campaign_daily (platform, account_id, campaign_id, date, currency, "
             "spend_micros, impressions, clicks, link_clicks, purchases, purchase_value_micros) "
             "VALUES (:p, :a, :c, :d, :cur, :s, :i, :cl, NULL, :pu, :v)",
        soci::use(p), soci::use(a), soci::use(c), soci::use(d), soci::use(cur),
        soci::use(spend_micros), soci::use(impressions), soci::use(clicks), soci::use(purchases),
        soci::use(value_micros);
  }

  void rate(const std::string& date, const std::string& currency, const std::string& reporting,
            double rate) {
    std::string d = date, c = currency, r = reporting;
    sql() << "INSERT INTO fx_rates (date, currency, reporting_currency, rate) VALUES (:d, :c, :r, "
             ":x)",
        soci::use(d), soci::use(c), soci::use(r), soci::use(rate);
  }

 private:
  static store::Store open(const TempDir& dir) {
    store::StoreOptions o;
    o.backend = store::Backend::sqlite;
    o.sqlite_path = dir.path() / "store.db";
    return store::Store::open(o);
  }

  TempDir dir_{"connhost-categories"};
  store::Store store_;
};

}  // namespace connhost::test
