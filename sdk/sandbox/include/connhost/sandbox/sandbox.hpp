// connhost-sandbox as a library: an offline emulator of the Meta, Google and TikTok APIs on
// loopback, for tests, benchmarks, the demo and third-party connector authors.
//
//   connhost::sandbox::Sandbox sb({.seed = 7});
//   sb.start();                                  // an ephemeral port on 127.0.0.1
//   std::string url = sb.base_url();             // point a connector's base_url setting here
//   sb.add_faults(R"({"platform":"tiktok","endpoint":"report/integrated/get","kind":"rate_limit","times":1})");
//   auto truth = sb.truth("tiktok", account_id, "2026-09-01", "2026-09-30");
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::sandbox {

// The apps and preissued credentials the sandbox accepts. The defaults match the files in
// config/sandbox-credentials/; none of them opens anything but the sandbox.
struct Credentials {
  std::string tiktok_app_id = "7000000000000000001";
  std::string tiktok_app_secret = "sandbox-tiktok-app-secret";
  std::string tiktok_advertiser_token = "sandbox-tiktok-advertiser-token";
  std::string tiktok_client_key = "sbawsandboxclientkey";
  std::string tiktok_client_secret = "sandbox-tiktok-client-secret";
  std::string meta_app_id = "100000000000001";
  std::string meta_app_secret = "sandbox-meta-app-secret";
  std::string meta_access_token = "sandbox-meta-system-user-token";
  std::string meta_verify_token = "sandbox-meta-verify-token";
  std::string google_client_id = "sandbox-client.apps.googleusercontent.com";
  std::string google_client_secret = "sandbox-google-client-secret";
  std::string google_refresh_token = "sandbox-google-refresh-token";
};

struct Options {
  uint64_t seed = 42;
  int scale = 1;                  // multiplies accounts and campaigns
  int accounts_per_platform = 2;  // before scale
  int campaigns_per_account = 8;  // before scale
  int days = 400;                 // history ending today
  std::string today;              // "YYYY-MM-DD"; empty: the current UTC date
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: ephemeral
  int threads = 1;
  std::string faults_json;  // initial fault rules (the --faults file's content)
  // A folder of recorded exchanges (docs/replay.md): when set, requests are answered from it
  // instead of from the emulated platforms; fault rules still apply on top. A folder that cannot
  // be read or holds a bad file makes the constructor throw std::invalid_argument naming the file
  // and the JSON path.
  std::string replay_dir;
  Credentials credentials;
};

struct Totals {
  int64_t spend_micros = 0;
  int64_t impressions = 0;
  int64_t clicks = 0;
  int64_t purchases = 0;
  int64_t purchase_value_micros = 0;
};

struct Truth {
  std::string currency;
  Totals total;
  std::map<std::string, Totals> by_campaign;
  int64_t rows = 0;  // campaign-days with delivery
};

struct LoggedRequest {
  int64_t at_ms = 0;
  std::string platform;  // "" for the control API and unknown paths
  std::string endpoint;
  std::string method;
  std::string path;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int status = 0;
  std::string fault;  // the injected fault kind, if any
};

struct AccountInfo {
  std::string platform;
  std::string id;
  std::string name;
  std::string currency;
  std::string time_zone;
  std::vector<std::string> campaign_ids;
};

// Webhook deliveries posted to a target, signed as the platform signs them.
struct WebhookRequest {
  std::string platform;    // "tiktok" or "meta"
  std::string target_url;  // http://127.0.0.1:PORT/webhooks/conn
  std::string mode =
      "single";       // single | burst | duplicate | replayed | out_of_order | bad_signature
  int count = 1;      // deliveries for burst and out_of_order
  std::string event;  // platform event type; empty: the platform's inbound message
  std::string text = "hello from the sandbox";
};
struct WebhookResult {
  int sent = 0;
  std::vector<int> statuses;           // the target's answers, in send order
  std::vector<std::string> event_ids;  // the platform's event or message ids, in send order
};

class Sandbox {
 public:
  explicit Sandbox(Options options = {});
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  uint16_t start();  // returns the port; throws std::runtime_error when it cannot bind
  void stop();
  uint16_t port() const;
  // The base URL of every emulated host (one port serves all platforms).
  std::string base_url() const;

  const Options& options() const;
  std::vector<AccountInfo> accounts(std::string_view platform) const;
  Truth truth(std::string_view platform, std::string_view account, std::string_view from,
              std::string_view to) const;

  void add_faults(std::string_view json);  // throws std::invalid_argument
  void clear_faults();
  std::vector<LoggedRequest> requests() const;
  void clear_requests();

  WebhookResult send_webhooks(const WebhookRequest& request);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace connhost::sandbox
