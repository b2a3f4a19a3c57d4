// Drives the libFuzzer entry point (meta_parse_fuzz.cpp) with a fixed corpus: the notes' bodies
// and deterministic mutations of them (cuts, byte flips, spliced JSON fragments). The entry
// aborts on anything but a data error, so this test fails by crashing or by an escaped exception.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

int feed(const std::string& s) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(MetaParseFuzz, SeedsAndDeterministicMutations) {
  const std::vector<std::string> seeds = {
      R"({"data":[{"campaign_id":"120210000000000001","spend":"123.45","impressions":"10234","clicks":"321","inline_link_clicks":"250","actions":[{"action_type":"omni_purchase","value":"7"}],"action_values":[{"action_type":"omni_purchase","value":"699.3"}],"date_start":"2026-09-01","date_stop":"2026-09-01","account_currency":"EUR"}],"paging":{"cursors":{"before":"MAZDZD","after":"MQZDZD"},"next":"https://graph.facebook.com/v26.0/act_1/insights?after=MQZDZD"}})",
      R"({"data":[{"id":"act_860883280037529","account_id":"860883280037529","name":"Acme","currency":"EUR","timezone_name":"Europe\/Berlin","account_status":1}]})",
      R"({"data":[{"id":"120210000000000001","name":"Spring Sale","objective":"OUTCOME_SALES","status":"ACTIVE","created_time":"2026-01-11T12:30:14+0000"}]})",
      R"({"id":"1128003977936306","async_status":"Job Completed","async_percent_completion":100,"error_code":2})",
      R"({"report_run_id":"6123456789"})",
      R"({"error":{"message":"limit","type":"OAuthException","code":80000,"error_subcode":1,"is_transient":true,"fbtrace_id":"X"}})",
      R"({"123":[{"type":"ads_insights","call_count":102,"estimated_time_to_regain_access":1e308}]})",
  };
  const std::vector<std::string> fragments = {"\"-\"",
                                              "-1",
                                              "1e999",
                                              "null",
                                              "[]",
                                              "{}",
                                              "\"\"",
                                              "\"9999999999999999999999\"",
                                              "true",
                                              "\"2026-02-30\"",
                                              "\"act_\"",
                                              "\\u0000",
                                              "\"1.0000001\"",
                                              "{\"error\":1}"};
  std::mt19937 rng(20261120);
  size_t runs = 0;
  for (const auto& s : seeds) {
    feed(s);
    for (size_t n = 0; n < s.size(); n += 3) feed(s.substr(0, n));
    for (int i = 0; i < 600; ++i) {
      std::string m = s;
      switch (rng() % 3) {
        case 0:
          m[rng() % m.size()] = char(rng() % 256);
          break;
        case 1: {
          size_t at = rng() % m.size();
          m.insert(at, fragments[rng() % fragments.size()]);
          break;
        }
        default: {
          // Replace one JSON value (after a ':') by a fragment.
          size_t colon = m.find(':', rng() % m.size());
          if (colon == std::string::npos) break;
          size_t end = m.find_first_of(",}]", colon + 1);
          if (end == std::string::npos) break;
          m.replace(colon + 1, end - colon - 1, fragments[rng() % fragments.size()]);
        }
      }
      EXPECT_EQ(feed(m), 0);
      ++runs;
    }
  }
  EXPECT_EQ(runs, seeds.size() * 600);
}

}  // namespace
