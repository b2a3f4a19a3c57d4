// libFuzzer target for the TikTok response parsers: any body must parse or throw connhost::Error,
// never crash, hang or throw anything else, and what parses must satisfy the parsers' promises.
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I sdk/include \
//     -I connectors/tiktok tests/connectors/tiktok/tiktok_parse_fuzz.cpp \
//     connectors/tiktok/tiktok_{parse,errors,window}.cpp -lboost_json -o tiktok_parse_fuzz
//   ./tiktok_parse_fuzz -runs=200000
// (or configure with -DCONNHOST_FUZZ=ON and a clang compiler: target connector_tiktok_fuzz).
#include <connhost/connector.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tiktok_parse.hpp"
#include "tiktok_window.hpp"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace connhost::tiktok;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    auto page = parse_report_body(body, 1'795'215'600'000);
    for (const auto& r : page.rows) {
      require(r.spend_micros >= 0 && r.impressions >= 0 && r.clicks >= 0);
      require(r.purchases >= 0 && r.purchase_value_micros >= 0);
      require(r.date.size() == 10 && parse_day(r.date).has_value());
      require(!r.campaign_id.empty());
    }
  } catch (const connhost::Error&) {
  }
  try {
    auto page = parse_campaigns_body(body, "1");
    for (const auto& c : page.campaigns) require(!c.id.empty() && !c.status.empty());
  } catch (const connhost::Error&) {
  }
  try {
    for (const auto& a : parse_advertiser_info_body(body))
      require(is_iso_currency(a.currency) && is_zone_name(a.time_zone));
  } catch (const connhost::Error&) {
  }
  try {
    parse_authorized_advertisers_body(body);
  } catch (const connhost::Error&) {
  }
  return 0;
}
