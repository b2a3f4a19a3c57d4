// libFuzzer entry for the Google connector's response parsers: any bytes in, and each parser
// either returns or throws connhost::Error (category data); nothing else may escape, crash or
// hang. Built as its own fuzz binary with clang (-fsanitize=fuzzer), and also compiled into the
// unit tests, which feed it every prefix and byte flip of real bodies.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "google_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace connhost::google;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto guard = [](auto&& f) {
    try {
      f();
    } catch (const connhost::Error& e) {
      if (e.category() != connhost::ErrorCategory::data) __builtin_trap();
    }
  };
  guard([&] { parse_daily_stream(body, "2026-09-01", "2026-09-30", "fuzz"); });
  guard([&] { parse_campaign_page(body, "fuzz"); });
  guard([&] { parse_customer(body, "1234567890", "fuzz"); });
  guard([&] { parse_accessible_customers(body, "fuzz"); });
  guard([&] { parse_token(body); });
  (void)parse_oauth_error(body);
  (void)parse_api_error(400, body);
  (void)decimal_to_micros(body);
  (void)parse_duration(body);
  return 0;
}
