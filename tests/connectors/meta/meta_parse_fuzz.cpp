// libFuzzer entry point for the Meta response parser: any body through every parse function
// must either parse or throw connhost::Error of category data (or, for error bodies, a category
// error value); any other exception, crash or sanitizer report is a bug. Built as a fuzzer when
// the compiler is Clang (see CMakeLists.txt); the test binary also drives it with a fixed,
// deterministic corpus (MetaParseFuzz in meta_fuzz_test.cpp) so every build exercises it.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "meta_parse.hpp"
#include "meta_webhook.hpp"

namespace {

template <class F>
void expect_data_or_nothing(F f) {
  try {
    f();
  } catch (const connhost::Error& e) {
    if (e.category() != connhost::ErrorCategory::data) std::abort();
  }
}

// Messenger / Instagram webhooks (meta-google.md §3.1-§3.3). The input's first line is the
// X-Hub-Signature-256 header, the rest the raw body: any header is refused with auth or
// accepted; a body signed correctly is accepted and the same body with one byte changed is not;
// the input as a handshake query answers a challenge of safe characters or an auth error; any
// body parses into events that keep the promises of parse_webhook, or throws a data error.
void fuzz_webhook(std::string_view input) {
  namespace wh = meta::webhook;
  size_t nl = input.find('\n');
  std::string_view header = input.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
  auto auth_only = [](auto f) {
    try {
      f();
    } catch (const connhost::Error& e) {
      if (e.category() != connhost::ErrorCategory::auth) std::abort();
    }
  };
  auth_only([&] { wh::verify(header, body, "k"); });
  std::string signed_header = "sha256=" + wh::hmac_sha256_hex("k", body);
  try {
    wh::verify(signed_header, body, "k");
  } catch (...) {
    std::abort();
  }
  if (!body.empty()) {
    std::string changed(body);
    changed[changed.size() / 2] ^= 0x01;
    auth_only([&] {
      wh::verify(signed_header, changed, "k");
      std::abort();
    });
  }
  auth_only([&] {
    auto challenge = wh::handshake(input, "tok");
    if (challenge.empty() || challenge.size() > 256) std::abort();
    for (char c : challenge)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
        std::abort();
  });
  for (std::string_view v : {input, body}) {
    expect_data_or_nothing([&] {
      for (const auto& e : wh::parse_webhook(v)) {
        if (e.event_id.empty() || e.conversation_id.empty() || e.account_id.empty()) std::abort();
        if (e.direction != "in" && e.direction != "out") std::abort();
        static const char* types[] = {"text",    "image", "video",    "audio",       "file",
                                      "sticker", "share", "template", "unsupported", "read"};
        if (std::find(std::begin(types), std::end(types), e.type) == std::end(types)) std::abort();
      }
    });
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  static const std::vector<std::string> priority = {"omni_purchase", "purchase",
                                                    "offsite_conversion.fb_pixel_purchase"};
  expect_data_or_nothing([&] { meta::parse_insights_page(body, "F", priority, 0, 1'000'000); });
  expect_data_or_nothing([&] { meta::parse_accounts_page(body, "F"); });
  expect_data_or_nothing([&] { meta::parse_account(body, "F"); });
  expect_data_or_nothing([&] { meta::parse_campaigns_page(body, "F"); });
  expect_data_or_nothing([&] { meta::parse_report_run_id(body, "F"); });
  expect_data_or_nothing([&] { meta::parse_report_run(body, "F"); });
  expect_data_or_nothing([&] { meta::money_micros(body, "f", "F"); });
  expect_data_or_nothing([&] { meta::count(body, "f", "F"); });
  meta::day_number(body);
  meta::graph_time_ms(body);
  auto usage = meta::parse_usage({body, body, body, body});
  auto wait = meta::regain_after(usage, 95, std::chrono::milliseconds(1));
  if (wait.count() < 0) std::abort();
  meta::pace_for(usage, 75, 95, std::chrono::milliseconds(5000));
  for (int status : {200, 400, 500}) {
    auto e = meta::classify(status, body, usage, 95, std::chrono::minutes(5), "H", "fuzz");
    if (e.category() == connhost::ErrorCategory::quota &&
        (!e.retry_after() || e.retry_after()->count() < 0))
      std::abort();
  }
  fuzz_webhook(body);
  return 0;
}
