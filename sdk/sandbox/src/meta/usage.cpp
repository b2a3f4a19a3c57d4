// The §1.7 usage headers: JSON inside headers, every value a percentage of a budget over a
// sliding window, so a client can slow down before it is throttled. The sandbox app is on the
// standard access tier:
// - X-App-Usage: calls in the last hour against 200 x DAU, with 50 daily users: 10,000 calls.
// - X-Ad-Account-Usage: the ad-account score, a read costing 1 point and a write 3, decaying
//   over 300 s, against the standard tier's 9,000.
// - X-Business-Use-Case-Usage: per ad account and use case, the hourly BUC quotas
//   (ads_insights 190,000, ads_management 100,000).
// Nothing throttles on these numbers by itself; throttling is a configured fault, and its
// answer shows the counters above 100 (errors.cpp).
#include <cmath>
#include <cstdio>

#include "meta/state.hpp"

namespace connhost::sandbox::meta {
namespace {

constexpr int64_t kHour = 3600;
constexpr int64_t kScoreDecay = 300;
constexpr double kAppCallsPerHour = 10000;
constexpr double kAccountMaxScore = 9000;

double buc_quota(const std::string& use_case) {
  return use_case == "ads_insights" ? 190000 : 100000;
}

std::string pct2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

// Hits within one second are merged, so a window holds at most one entry per second however
// hard a benchmark pushes.
void Usage::add(std::deque<Hit>& hits, int64_t now, int points) {
  if (!hits.empty() && hits.back().at == now)
    hits.back().points += points;
  else
    hits.push_back({now, points});
}

void Usage::prune(std::deque<Hit>& hits, int64_t now, int64_t window) {
  while (!hits.empty() && hits.front().at <= now - window) hits.pop_front();
}

double Usage::in_window(const std::deque<Hit>& hits, int64_t now, int64_t window) {
  double sum = 0;
  for (const auto& h : hits)
    if (h.at > now - window && h.at <= now) sum += h.points;
  return sum;
}

int64_t Usage::reset_in(const std::deque<Hit>& hits, int64_t now, int64_t window) {
  for (const auto& h : hits)
    if (h.at > now - window) return h.at + window - now;
  return 0;
}

void Usage::record(int64_t now, const std::string& account, const std::string& use_case,
                   int points) {
  std::lock_guard lock(mutex_);
  prune(app_, now, kHour);
  add(app_, now, 1);
  if (account.empty()) return;
  auto& acc = account_[account];
  prune(acc, now, kScoreDecay);
  add(acc, now, points);
  auto& buc = buc_[{account, use_case}];
  prune(buc, now, kHour);
  add(buc, now, 1);
}

Fields Usage::headers(int64_t now, const std::string& account, const std::string& use_case,
                      bool insights, bool over, int64_t regain_seconds) const {
  std::lock_guard lock(mutex_);
  Fields out;
  auto pct = [](double used, double budget) { return 100.0 * used / budget; };
  double app = pct(in_window(app_, now, kHour), kAppCallsPerHour);
  if (over) app = std::max(app, 103.0);
  long app_i = std::lround(std::floor(app));
  char buf[256];
  std::snprintf(buf, sizeof buf, R"({"call_count":%ld,"total_cputime":%ld,"total_time":%ld})",
                app_i, std::lround(std::floor(app * 0.6)), std::lround(std::floor(app * 0.8)));
  out.emplace_back("X-App-Usage", buf);
  if (account.empty()) return out;

  static const std::deque<Hit> none;
  auto a = account_.find(account);
  const auto& acc_hits = a == account_.end() ? none : a->second;
  double acc = pct(in_window(acc_hits, now, kScoreDecay), kAccountMaxScore);
  int64_t reset = reset_in(acc_hits, now, kScoreDecay);
  if (over) {
    acc = std::max(acc, 104.5);
    reset = std::max(reset, regain_seconds);
  }
  out.emplace_back("X-Ad-Account-Usage", "{\"acc_id_util_pct\":" + pct2(acc) +
                                             ",\"reset_time_duration\":" + std::to_string(reset) +
                                             ",\"ads_api_access_tier\":\"standard_access\"}");

  std::string entries;
  for (const std::string type : {"ads_insights", "ads_management"}) {
    auto b = buc_.find({account, type});
    const auto& hits = b == buc_.end() ? none : b->second;
    double used = pct(in_window(hits, now, kHour), buc_quota(type));
    int64_t regain = 0;
    if (over && type == use_case) {
      used = std::max(used, 102.0);
      regain = (std::max<int64_t>(regain_seconds, 60) + 59) / 60;  // minutes, §1.7
    }
    long u = std::lround(std::floor(used));
    std::snprintf(
        buf, sizeof buf,
        R"({"type":"%s","call_count":%ld,"total_cputime":%ld,"total_time":%ld,)"
        R"("estimated_time_to_regain_access":%lld,"ads_api_access_tier":"standard_access"})",
        type.c_str(), u, std::lround(std::floor(used * 0.6)), std::lround(std::floor(used * 0.8)),
        static_cast<long long>(regain));
    entries += (entries.empty() ? "" : ",") + std::string(buf);
  }
  out.emplace_back("X-Business-Use-Case-Usage", "{\"" + account + "\":[" + entries + "]}");
  if (insights) {
    out.emplace_back("X-FB-Ads-Insights-Throttle",
                     "{\"app_id_util_pct\":" + pct2(over ? std::max(app, 103.0) : app) +
                         ",\"acc_id_util_pct\":" + pct2(acc) +
                         ",\"ads_api_access_tier\":\"standard_access\"}");
  }
  return out;
}

}  // namespace connhost::sandbox::meta
