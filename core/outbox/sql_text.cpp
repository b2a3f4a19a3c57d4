#include "outbox/sql_text.hpp"

#include <soci/soci.h>

#include <cstdio>
#include <ctime>

#include "store/timestamp.hpp"

namespace connhost::outbox {

bool is_postgres(soci::session& sql) {
  return sql.get_backend() && sql.get_backend_name() == "postgresql";
}

std::string ts(soci::session& sql, std::string_view column) {
  if (!is_postgres(sql)) return std::string(column);
  return "to_char(" + std::string(column) +
         " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

std::optional<TimePoint> parse_time(std::string_view text) {
  if (text.size() < 20) return std::nullopt;
  std::string s(text);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%*c%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
    return std::nullopt;
  int ms = 0;
  size_t at = static_cast<size_t>(n);
  if (at < s.size() && s[at] == '.') {
    int digits = 0;
    for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, ++digits)
      if (digits < 3) ms = ms * 10 + (s[at] - '0');
    for (; digits < 3; ++digits) ms *= 10;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  std::time_t secs = timegm(&tm);
  return TimePoint(std::chrono::seconds(secs)) + std::chrono::milliseconds(ms);
}

std::string format_time(TimePoint t) {
  return store::timestamp_at(t);
}

}  // namespace connhost::outbox
