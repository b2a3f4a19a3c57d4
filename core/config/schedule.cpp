#include "config/schedule.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <vector>

namespace connhost::config {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (size_t start = 0;;) {
    size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// A whole string of decimal digits, no sign, no overflow.
std::optional<int64_t> to_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

struct Field {
  const char* name;
  int min;
  int max;
  const std::string_view* names;  // names[i] spells value min + i; may be null
  size_t name_count;
};

constexpr std::array<std::string_view, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 8> kDayNames = {"sun", "mon", "tue", "wed",
                                                       "thu", "fri", "sat", "sun"};

const std::array<Field, 5> kFields = {{
    {"minute", 0, 59, nullptr, 0},
    {"hour", 0, 23, nullptr, 0},
    {"day-of-month", 1, 31, nullptr, 0},
    {"month", 1, 12, kMonthNames.data(), kMonthNames.size()},
    {"day-of-week", 0, 7, kDayNames.data(), kDayNames.size()},
}};

std::string field_error(const Field& f, const std::string& what) {
  return std::string("cron ") + f.name + " field: " + what;
}

std::optional<int> field_value(const Field& f, std::string_view s, std::string& error) {
  if (auto n = to_number(s)) {
    if (*n < f.min || *n > f.max) {
      error = field_error(f, "value " + std::string(s) + " is outside " + std::to_string(f.min) +
                                 "-" + std::to_string(f.max));
      return std::nullopt;
    }
    return static_cast<int>(*n);
  }
  for (size_t i = 0; i < f.name_count; ++i)
    if (iequals(s, f.names[i])) return f.min + static_cast<int>(i);
  error = field_error(f, "'" + std::string(s) + "' is not a number" +
                             (f.names ? std::string(" or a name") : std::string()));
  return std::nullopt;
}

// Parses one cron field into the set of values it allows (indexed by value).
bool parse_field(const Field& f, std::string_view text, std::vector<bool>& allowed, bool& any,
                 std::string& error) {
  allowed.assign(f.max + 1, false);
  any = text == "*";
  for (std::string_view item : split(text, ',')) {
    if (item.empty()) {
      error = field_error(f, "empty list item");
      return false;
    }
    std::string_view base = item;
    int step = 1;
    bool stepped = false;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      base = item.substr(0, slash);
      auto n = to_number(item.substr(slash + 1));
      if (!n || *n < 1 || *n > f.max - f.min + 1) {
        error =
            field_error(f, "step must be a number from 1 to " + std::to_string(f.max - f.min + 1));
        return false;
      }
      step = static_cast<int>(*n);
      stepped = true;
    }
    int lo, hi;
    if (base == "*") {
      lo = f.min;
      hi = f.max;
    } else if (size_t dash = base.find('-'); dash != std::string_view::npos) {
      auto a = field_value(f, base.substr(0, dash), error);
      if (!a) return false;
      auto b = field_value(f, base.substr(dash + 1), error);
      if (!b) return false;
      if (*a > *b) {
        error = field_error(f, "range " + std::string(base) + " runs backwards");
        return false;
      }
      lo = *a;
      hi = *b;
    } else {
      auto a = field_value(f, base, error);
      if (!a) return false;
      lo = *a;
      // "5/15" is read as "5-max/15", as Vixie cron does.
      hi = stepped ? f.max : *a;
    }
    for (int v = lo; v <= hi; v += step) allowed[v] = true;
  }
  return true;
}

template <size_t N>
void copy_bits(const std::vector<bool>& from, std::bitset<N>& to) {
  for (size_t i = 0; i < N && i < from.size(); ++i) to[i] = from[i];
}

ScheduleResult parse_cron(std::string_view text) {
  ScheduleResult out;
  auto words = split_words(text);
  if (words.size() != 5) {
    out.error = "a cron line has 5 fields (minute hour day-of-month month day-of-week), found " +
                std::to_string(words.size());
    return out;
  }
  Schedule s;
  s.kind = Schedule::Kind::cron;
  std::vector<bool> allowed;
  bool any = false;
  for (size_t i = 0; i < 5; ++i) {
    if (!parse_field(kFields[i], words[i], allowed, any, out.error)) return out;
    switch (i) {
      case 0:
        copy_bits(allowed, s.minutes);
        break;
      case 1:
        copy_bits(allowed, s.hours);
        break;
      case 2:
        copy_bits(allowed, s.days_of_month);
        s.day_of_month_any = any;
        break;
      case 3:
        copy_bits(allowed, s.months);
        break;
      case 4:
        if (allowed[7]) allowed[0] = true;  // 7 is Sunday too
        copy_bits(allowed, s.days_of_week);
        s.day_of_week_any = any;
        break;
    }
  }
  out.schedule = s;
  return out;
}

ScheduleResult parse_every(std::string_view rest) {
  ScheduleResult out;
  auto words = split_words(rest);
  const std::string usage = "expected \"every <N><s|m|h|d>\", e.g. \"every 5m\"";
  if (words.size() != 1 || words[0].size() < 2) {
    out.error = usage;
    return out;
  }
  std::string_view w = words[0];
  int64_t unit = 0;
  switch (w.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      out.error = usage;
      return out;
  }
  auto n = to_number(w.substr(0, w.size() - 1));
  if (!n) {
    out.error = usage;
    return out;
  }
  if (*n < 1) {
    out.error = "the interval must be at least 1";
    return out;
  }
  if (*n > std::numeric_limits<int64_t>::max() / unit) {
    out.error = "the interval is too large";
    return out;
  }
  Schedule s;
  s.kind = Schedule::Kind::every;
  s.interval = std::chrono::seconds(*n * unit);
  out.schedule = s;
  return out;
}

}  // namespace

ScheduleResult parse_schedule(std::string_view text) {
  auto words = split_words(text);
  if (words.empty()) return {std::nullopt, "empty schedule"};
  if (words[0] == "every") return parse_every(text.substr(text.find("every") + 5));
  if (words[0].starts_with("every")) return parse_every({});  // "every5m": say how it is spelled
  if (words[0].starts_with('@')) {
    if (words.size() != 1) return {std::nullopt, "a cron macro stands alone"};
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kMacros = {{
        {"@yearly", "0 0 1 1 *"},
        {"@annually", "0 0 1 1 *"},
        {"@monthly", "0 0 1 * *"},
        {"@weekly", "0 0 * * 0"},
        {"@daily", "0 0 * * *"},
        {"@midnight", "0 0 * * *"},
        {"@hourly", "0 * * * *"},
    }};
    for (auto [name, line] : kMacros)
      if (words[0] == name) return parse_cron(line);
    return {std::nullopt,
            "unknown cron macro; expected @yearly, @annually, @monthly, @weekly, @daily, "
            "@midnight or @hourly"};
  }
  return parse_cron(text);
}

LookbackResult parse_lookback(std::string_view text) {
  LookbackResult out;
  auto n = text.ends_with('d') ? to_number(text.substr(0, text.size() - 1)) : std::nullopt;
  if (!n || *n > std::numeric_limits<int>::max()) {
    out.error = "expected \"<N>d\", e.g. \"7d\"";
    return out;
  }
  if (*n < 1) {
    out.error = "the lookback must be at least 1d";
    return out;
  }
  out.days = static_cast<int>(*n);
  return out;
}

}  // namespace connhost::config
