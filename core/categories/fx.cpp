#include "categories/fx.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "store/data_generation.hpp"
#include "store/session.hpp"

namespace connhost::fx {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  for (size_t start = 0;;) {
    size_t comma = line.find(',', start);
    out.push_back(
        trim(line.substr(start, comma == std::string_view::npos ? comma : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

int digits(std::string_view s) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

constexpr std::string_view kHeader = "date,currency,reporting_currency,rate";

}  // namespace

bool valid_currency(std::string_view s) {
  if (s.size() != 3) return false;
  for (char c : s)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

bool valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y = digits(s.substr(0, 4)), m = digits(s.substr(5, 2)), d = digits(s.substr(8, 2));
  if (y < 1970 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

ParseResult parse_csv(std::string_view text, std::string_view label) {
  ParseResult out;
  auto err = [&](int line, const std::string& msg) {
    out.errors.push_back(std::string(label) + ":" + std::to_string(line) + ": " + msg);
  };
  std::map<std::tuple<std::string, std::string, std::string>, int> seen;
  bool header = false;
  int line_no = 0;
  for (size_t start = 0; start <= text.size();) {
    size_t nl = text.find('\n', start);
    std::string_view line =
        text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    start = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // a BOM
    if (trim(line).empty()) continue;
    auto f = split(line);
    if (!header) {
      std::string joined;
      for (size_t i = 0; i < f.size(); ++i) joined += (i ? "," : "") + std::string(f[i]);
      if (joined != kHeader) {
        err(line_no, "expected the header '" + std::string(kHeader) + "'");
        return out;
      }
      header = true;
      continue;
    }
    if (f.size() != 4) {
      err(line_no, "expected 4 fields (date,currency,reporting_currency,rate), got " +
                       std::to_string(f.size()));
      continue;
    }
    Rate r{std::string(f[0]), std::string(f[1]), std::string(f[2]), 0, line_no};
    bool ok = true;
    auto bad = [&](const std::string& msg) {
      err(line_no, msg);
      ok = false;
    };
    if (!valid_date(r.date)) bad("date '" + r.date + "': expected YYYY-MM-DD");
    if (!valid_currency(r.currency))
      bad("currency '" + r.currency + "': expected an ISO 4217 code such as EUR");
    if (!valid_currency(r.reporting_currency))
      bad("reporting_currency '" + r.reporting_currency +
          "': expected an ISO 4217 code such as USD");
    auto [ptr, ec] = std::from_chars(f[3].data(), f[3].data() + f[3].size(), r.rate);
    if (f[3].empty() || ec != std::errc{} || ptr != f[3].data() + f[3].size() ||
        !std::isfinite(r.rate) || r.rate <= 0)
      bad("rate '" + std::string(f[3]) + "': expected a positive number");
    if (ok && r.currency == r.reporting_currency && r.rate != 1)
      bad("a currency converts into itself at rate 1");
    if (!ok) continue;
    auto [it, fresh] = seen.emplace(std::tuple(r.date, r.currency, r.reporting_currency), line_no);
    if (!fresh) {
      err(line_no, "a second rate for " + r.date + " " + r.currency + "->" + r.reporting_currency +
                       " (first on line " + std::to_string(it->second) + ")");
      continue;
    }
    out.rates.push_back(std::move(r));
  }
  if (!header && out.errors.empty())
    err(1, "empty file: expected the header '" + std::string(kHeader) + "'");
  if (!out.errors.empty()) out.rates.clear();
  return out;
}

ParseResult read_csv(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    ParseResult out;
    out.errors.push_back(file.string() + ": cannot read the file");
    return out;
  }
  std::stringstream s;
  s << in.rdbuf();
  return parse_csv(s.str(), file.string());
}

int64_t load_rates(soci::session& sql, const std::vector<Rate>& rates) {
  soci::transaction tx(sql);
  Rate r;
  soci::statement st =
      (sql.prepare << "INSERT INTO fx_rates (date, currency, reporting_currency, rate) VALUES "
                      "(:d, :c, :rc, :r) ON CONFLICT (date, currency, reporting_currency) DO "
                      "UPDATE SET rate = excluded.rate",
       soci::use(r.date), soci::use(r.currency), soci::use(r.reporting_currency),
       soci::use(r.rate));
  for (const auto& x : rates) {
    r.date = x.date, r.currency = x.currency, r.reporting_currency = x.reporting_currency,
    r.rate = x.rate;
    st.execute(true);
  }
  store::bump_data_generation(sql);
  tx.commit();
  return static_cast<int64_t>(rates.size());
}

int64_t MonthlyReport::rows_without_rate() const {
  int64_t n = 0;
  for (const auto& m : missing) n += m.rows;
  return n;
}

MonthlyReport monthly_converted(soci::session& sql, const MonthlyQuery& q) {
  // The rate of each row's own day; a row already in the reporting currency converts at 1.
  const std::string rated =
      "(SELECT u.platform, u.month, u.category, u.date, u.currency, u.spend_micros, "
      "u.impressions, u.clicks, u.purchases, u.purchase_value_micros, CASE WHEN u.currency = :c1 "
      "THEN 1.0 ELSE r.rate END AS rate FROM unified_campaign_data u LEFT JOIN fx_rates r ON "
      "r.date = u.date AND r.currency = u.currency AND r.reporting_currency = :c2 "
      "WHERE (:p = '' OR u.platform = :p2) AND (:f = '' OR u.month >= :f2) AND "
      "(:t = '' OR u.month <= :t2)) x";
  std::string c = q.currency, p = q.platform, f = q.from_month, t = q.to_month;
  MonthlyReport out;
  {
    const std::string cat = q.by_category ? "category" : "''";
    const std::string sql_text =
        "SELECT month, platform, " + cat +
        ", CAST(COALESCE(SUM(CASE WHEN rate IS NOT NULL THEN CAST(ROUND(spend_micros * rate) AS "
        "BIGINT) END), 0) AS BIGINT), "
        "CAST(COALESCE(SUM(CASE WHEN rate IS NOT NULL THEN impressions END), 0) AS BIGINT), "
        "CAST(COALESCE(SUM(CASE WHEN rate IS NOT NULL THEN clicks END), 0) AS BIGINT), "
        "CAST(COALESCE(SUM(CASE WHEN rate IS NOT NULL THEN purchases END), 0) AS DOUBLE "
        "PRECISION), "
        "CAST(COALESCE(SUM(CASE WHEN rate IS NOT NULL THEN CAST(ROUND(purchase_value_micros * "
        "rate) AS BIGINT) END), 0) AS BIGINT), "
        "CAST(SUM(CASE WHEN rate IS NULL THEN 1 ELSE 0 END) AS BIGINT) FROM " +
        rated + " GROUP BY month, platform" + (q.by_category ? ", category" : "") +
        " ORDER BY month, platform" + (q.by_category ? ", category" : "");
    MonthlyRow row;
    soci::statement st =
        (sql.prepare << sql_text, soci::into(row.month), soci::into(row.platform),
         soci::into(row.category), soci::into(row.spend_micros), soci::into(row.impressions),
         soci::into(row.clicks), soci::into(row.purchases), soci::into(row.revenue_micros),
         soci::into(row.rows_without_rate), soci::use(c, "c1"), soci::use(c, "c2"),
         soci::use(p, "p"), soci::use(p, "p2"), soci::use(f, "f"), soci::use(f, "f2"),
         soci::use(t, "t"), soci::use(t, "t2"));
    st.execute();
    while (st.fetch()) out.rows.push_back(row);
  }
  {
    MissingRates m;
    soci::statement st =
        (sql.prepare << "SELECT currency, CAST(COUNT(*) AS BIGINT), MIN(date), MAX(date) FROM " +
                            rated + " WHERE rate IS NULL GROUP BY currency ORDER BY currency",
         soci::into(m.currency), soci::into(m.rows), soci::into(m.first_day),
         soci::into(m.last_day), soci::use(c, "c1"), soci::use(c, "c2"), soci::use(p, "p"),
         soci::use(p, "p2"), soci::use(f, "f"), soci::use(f, "f2"), soci::use(t, "t"),
         soci::use(t, "t2"));
    st.execute();
    while (st.fetch()) out.missing.push_back(m);
  }
  return out;
}

std::optional<double> cpa(const MonthlyRow& r) {
  if (r.purchases == 0) return std::nullopt;
  return static_cast<double>(r.spend_micros) / 1e6 / r.purchases;
}

std::optional<double> roas(const MonthlyRow& r) {
  if (r.spend_micros == 0) return std::nullopt;
  return static_cast<double>(r.revenue_micros) / static_cast<double>(r.spend_micros);
}

std::optional<double> cpc(const MonthlyRow& r) {
  if (r.clicks == 0) return std::nullopt;
  return static_cast<double>(r.spend_micros) / 1e6 / static_cast<double>(r.clicks);
}

}  // namespace connhost::fx
