// How fast the sandbox serves report pages: 1,000-row pages of each platform's report endpoint,
// fetched back to back over keep-alive by one client thread, with the sandbox on one server
// thread (so the figure is per core). Prints pages/s, rows/s and MB/s per platform.
//
//   build/bench/bench_sandbox [--seconds N]
#include <connhost/sandbox/sandbox.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include "http/client.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace json = boost::json;

// A benchmark that silently measured error pages would lie: stop on the first bad answer.
json::value parse_ok(const connhost::http::Response& r, const char* what) {
  if (r.status != 200) {
    std::fprintf(stderr, "%s answered %d: %.300s\n", what, r.status, r.body.c_str());
    std::exit(1);
  }
  return json::parse(r.body);
}

struct Figures {
  long pages = 0, rows = 0;
  double bytes = 0, seconds = 0;
};

// Calls `page(i)` until `seconds` have passed; `page` returns (rows, bytes) of one page.
Figures run(double seconds, const std::function<std::pair<long, size_t>(long)>& page) {
  Figures f;
  auto start = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    auto [rows, bytes] = page(f.pages);
    f.pages++;
    f.rows += rows;
    f.bytes += static_cast<double>(bytes);
  }
  f.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return f;
}

void print(const char* name, const Figures& f) {
  std::printf("%-28s %8.1f pages/s  %10.0f rows/s  %7.1f MB/s  (%ld pages, %.1f s)\n", name,
              f.pages / f.seconds, f.rows / f.seconds, f.bytes / f.seconds / 1e6, f.pages,
              f.seconds);
}

std::string enc(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.')
      out += static_cast<char>(c);
    else {
      char b[4];
      std::snprintf(b, sizeof b, "%%%02X", c);
      out += b;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5;
  for (int i = 1; i + 1 < argc; ++i)
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);

  connhost::sandbox::Options o;
  o.seed = 1;
  o.today = "2026-11-20";
  o.accounts_per_platform = 1;
  o.campaigns_per_account = 400;  // 400 campaigns x 30 days: several full 1,000-row pages
  o.days = 60;
  o.threads = 1;
  connhost::sandbox::Sandbox sb(o);
  sb.start();
  connhost::sandbox::Credentials creds;
  connhost::http::Client client;
  const std::string base = sb.base_url();
  std::printf("sandbox on one server thread, %d campaigns per account, 1,000-row pages\n",
              o.campaigns_per_account);
  std::fflush(stdout);

  // TikTok: report/integrated/get, 30 days of daily campaign rows, page_size 1000.
  auto tiktok_account = sb.accounts("tiktok")[0].id;
  auto tiktok = run(seconds, [&](long i) {
    std::string url =
        base +
        "/open_api/v1.3/report/integrated/get/?report_type=BASIC&data_level=AUCTION_CAMPAIGN"
        "&advertiser_id=" +
        tiktok_account + "&dimensions=" + enc(R"(["campaign_id","stat_time_day"])") + "&metrics=" +
        enc(R"(["spend","impressions","clicks","complete_payment","total_complete_payment_rate"])") +
        "&start_date=2026-10-01&end_date=2026-10-30&page_size=1000&page=" +
        std::to_string(1 + i % 5);
    auto r = client.send({"GET", url, {{"Access-Token", creds.tiktok_advertiser_token}}, "", {}});
    auto v = parse_ok(r, "tiktok");
    if (v.at("code").as_int64() != 0) {
      std::fprintf(stderr, "tiktok answered %s\n", r.body.substr(0, 300).c_str());
      std::exit(1);
    }
    long rows = static_cast<long>(v.at("data").at("list").as_array().size());
    return std::pair{rows, r.body.size()};
  });
  print("tiktok report/integrated/get", tiktok);

  // Meta: /act_{id}/insights, daily campaign rows, limit 1000, first page (20 days: the sandbox
  // refuses synchronous reads above 10,000 campaign-days, as Graph refuses "too much data").
  auto meta_account = sb.accounts("meta")[0].id;
  auto meta = run(seconds, [&](long) {
    std::string url =
        base + "/v26.0/act_" + meta_account +
        "/insights?level=campaign&time_increment=1&limit=1000"
        "&fields=campaign_id,spend,impressions,clicks,inline_link_clicks,actions,action_values"
        "&time_range=" +
        enc(R"({"since":"2026-10-01","until":"2026-10-20"})") +
        "&access_token=" + creds.meta_access_token;
    auto r = client.send({"GET", url, {}, "", {}});
    auto v = parse_ok(r, "meta");
    long rows = static_cast<long>(v.at("data").as_array().size());
    return std::pair{rows, r.body.size()};
  });
  print("meta act/insights", meta);

  // Google: googleAds:search (pages are fixed at 10,000 rows there, so count rows, not pages).
  std::string token;
  {
    auto r = client.send({"POST",
                          base + "/token",
                          {{"Content-Type", "application/x-www-form-urlencoded"}},
                          "grant_type=refresh_token&client_id=" + enc(creds.google_client_id) +
                              "&client_secret=" + enc(creds.google_client_secret) +
                              "&refresh_token=" + enc(creds.google_refresh_token),
                          {}});
    token = std::string(parse_ok(r, "google token").at("access_token").as_string());
  }
  auto google_account = sb.accounts("google")[0].id;
  auto google = run(seconds, [&](long) {
    std::string body =
        R"({"query":"SELECT campaign.id, segments.date, metrics.cost_micros, metrics.impressions, metrics.clicks, metrics.conversions, metrics.conversions_value FROM campaign WHERE segments.date BETWEEN '2026-10-28' AND '2026-10-30'"})";
    auto r =
        client.send({"POST",
                     base + "/v24/customers/" + google_account + "/googleAds:searchStream",
                     {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
                     body,
                     {}});
    auto v = parse_ok(r, "google");
    long rows = 0;
    for (const auto& batch : v.as_array())
      rows += static_cast<long>(batch.at("results").as_array().size());
    return std::pair{rows, r.body.size()};
  });
  print("google googleAds:searchStream", google);
  std::printf("(google rows/1000 = comparable pages/s: %.1f)\n",
              google.rows / google.seconds / 1000.0);
  return 0;
}
