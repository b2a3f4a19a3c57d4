// libFuzzer target for the TikTok response parsers: any body must parse or throw connhost::Error,
// never crash, hang or throw anything else, and what parses must satisfy the parsers' promises.
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I sdk/include \
//     -I connectors/tiktok tests/connectors/tiktok/tiktok_parse_fuzz.cpp \
//     connectors/tiktok/tiktok_{parse,errors,window,webhook}.cpp -lboost_json -lcrypto \
//     -o tiktok_parse_fuzz
//   ./tiktok_parse_fuzz -runs=200000
// (or configure with -DCONNHOST_FUZZ=ON and a clang compiler: target connector_tiktok_fuzz).
#include <connhost/connector.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tiktok_parse.hpp"
#include "tiktok_webhook.hpp"
#include "tiktok_window.hpp"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

bool is_category(const connhost::Error& e, connhost::ErrorCategory c) {
  return e.category() == c;
}

// Business webhooks (tiktok.md §3.4). The input's first line is the TikTok-Signature header, the
// rest the raw body: any header is refused with auth or accepted; a body signed correctly is
// accepted and the same body with one byte changed is not; any body parses into events that keep
// the promises of parse_webhook, or throws a data error.
void fuzz_webhook(std::string_view input) {
  namespace wh = connhost::tiktok::webhook;
  size_t nl = input.find('\n');
  std::string_view header = input.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
  try {
    wh::verify(header, body, "k", 1'763'830'000'000, 300'000);
  } catch (const connhost::Error& e) {
    require(is_category(e, connhost::ErrorCategory::auth));
  }
  std::string signed_header =
      "t=1763830000,s=" + wh::hmac_sha256_hex("k", "1763830000." + std::string(body));
  try {
    wh::verify(signed_header, body, "k", 1'763'830'000'000, 0);
  } catch (...) {
    std::abort();
  }
  if (!body.empty()) {
    std::string changed(body);
    changed[changed.size() / 2] ^= 0x01;
    try {
      wh::verify(signed_header, changed, "k", 1'763'830'000'000, 0);
      std::abort();
    } catch (const connhost::Error& e) {
      require(is_category(e, connhost::ErrorCategory::auth));
    }
  }
  for (std::string_view v : {input, body}) {
    try {
      for (const auto& e : wh::parse_webhook(v)) {
        require(!e.event_id.empty() && !e.conversation_id.empty());
        require(e.direction == "in" || e.direction == "out");
        require(e.type == "text" || e.type == "image" || e.type == "video" || e.type == "sticker" ||
                e.type == "share" || e.type == "template" || e.type == "unsupported" ||
                e.type == "read");
      }
    } catch (const connhost::Error& e) {
      require(is_category(e, connhost::ErrorCategory::data));
    }
  }
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
  fuzz_webhook(body);
  return 0;
}
