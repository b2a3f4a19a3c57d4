// libFuzzer entry point for the Meta response parser: any body through every parse function
// must either parse or throw connhost::Error of category data (or, for error bodies, a category
// error value); any other exception, crash or sanitizer report is a bug. Built as a fuzzer when
// the compiler is Clang (see CMakeLists.txt); the test binary also drives it with a fixed,
// deterministic corpus (MetaParseFuzz in meta_fuzz_test.cpp) so every build exercises it.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "meta_parse.hpp"

namespace {

template <class F>
void expect_data_or_nothing(F f) {
  try {
    f();
  } catch (const connhost::Error& e) {
    if (e.category() != connhost::ErrorCategory::data) std::abort();
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
  return 0;
}
