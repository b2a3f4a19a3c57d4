#include "server/timestamps.hpp"

#include <charconv>
#include <cstdio>

namespace connhost::server {
namespace {

bool number(std::string_view s, int& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc{} && ptr == s.data() + s.size();
}

}  // namespace

std::optional<TimePoint> parse_timestamp(std::string_view s) {
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

std::string format_timestamp(TimePoint t) {
  using namespace std::chrono;
  auto ms = floor<milliseconds>(t);
  auto day = floor<days>(ms);
  year_month_day ymd(day);
  hh_mm_ss hms(ms - day);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

}  // namespace connhost::server
