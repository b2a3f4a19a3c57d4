#include "store/timestamp.hpp"

#include <soci/soci.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace connhost::store {
namespace {

bool number(std::string_view s, int& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc{} && ptr == s.data() + s.size();
}

}  // namespace

std::string now_timestamp() {
  return timestamp_at(std::chrono::system_clock::now());
}

std::string timestamp_at(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view s) {
  using namespace std::chrono;
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':')
    return std::nullopt;
  int y, mo, d, h, mi, se;
  if (!number(s.substr(0, 4), y) || !number(s.substr(5, 2), mo) || !number(s.substr(8, 2), d) ||
      !number(s.substr(11, 2), h) || !number(s.substr(14, 2), mi) || !number(s.substr(17, 2), se))
    return std::nullopt;
  std::string_view rest = s.substr(19);
  int ms = 0;
  if (rest.starts_with('.')) {
    size_t n = 1;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
    std::string digits(rest.substr(1, n - 1));
    if (digits.empty()) return std::nullopt;
    digits.resize(3, '0');
    number(digits, ms);
    rest = rest.substr(n);
  }
  if (rest != "Z" && rest != "+00" && rest != "+00:00" && !rest.empty()) return std::nullopt;
  year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) return std::nullopt;
  return sys_days(ymd) + hours(h) + minutes(mi) + seconds(se) + milliseconds(ms);
}

bool is_postgresql(soci::session& sql) {
  return sql.get_backend() && sql.get_backend_name() == "postgresql";
}

std::string timestamp_column(soci::session& sql, std::string_view column) {
  if (!is_postgresql(sql)) return std::string(column);
  return "to_char(" + std::string(column) +
         " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

}  // namespace connhost::store
