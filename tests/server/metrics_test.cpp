// The metrics registry and /metrics: the text exposition format, and the request histogram.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "metrics/host_metrics.hpp"
#include "server_fixture.hpp"

using ::testing::HasSubstr;

namespace connhost::test {
namespace {

// Checks every line against the text format 0.0.4 and returns the samples by series
// ("name{labels}" -> value). HELP and TYPE must come before a family's samples.
std::map<std::string, double> parse_exposition(const std::string& text) {
  static const std::regex help(R"(# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*)");
  static const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram))");
  static const std::regex sample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? (\S+))");
  std::map<std::string, double> out;
  std::set<std::string> typed;
  std::istringstream in(text);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, type)) {
      typed.insert(m[1]);
    } else if (std::regex_match(line, m, sample)) {
      std::string name = m[1];
      for (auto suffix : {"_bucket", "_sum", "_count"})
        if (!typed.contains(name) && name.ends_with(suffix))
          name.resize(name.size() - std::string_view(suffix).size());
      EXPECT_TRUE(typed.contains(name)) << "sample before its TYPE: " << line;
      std::string v = m[m.size() - 1];
      out[line.substr(0, line.rfind(' '))] = v == "+Inf" ? INFINITY : std::stod(v);
    } else {
      EXPECT_TRUE(std::regex_match(line, help)) << "not in the text format: " << line;
    }
  }
  return out;
}

TEST(ServerMetrics, RendersCountersGaugesAndHistograms) {
  metrics::Registry r;
  r.counter("t_requests_total", "Requests.", {{"route", "/a"}}).inc();
  r.counter("t_requests_total", "Requests.", {{"route", "/a"}}).inc(2);
  r.gauge("t_open", "Open.").set(3);
  const double bounds[] = {0.1, 1};
  auto& h = r.histogram("t_seconds", "Time.", bounds, {{"path", "q\"uote\\d\nx"}});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(7);
  auto text = r.render();
  EXPECT_THAT(text,
              HasSubstr("# TYPE t_requests_total counter\nt_requests_total{route=\"/a\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("t_open 3\n"));
  EXPECT_THAT(text, HasSubstr(R"(t_seconds_bucket{path="q\"uote\\d\nx",le="0.1"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(t_seconds_bucket{path="q\"uote\\d\nx",le="1"} 2)"));
  EXPECT_THAT(text, HasSubstr(R"(t_seconds_bucket{path="q\"uote\\d\nx",le="+Inf"} 3)"));
  EXPECT_THAT(text, HasSubstr(R"(t_seconds_sum{path="q\"uote\\d\nx"} 7.55)"));
  EXPECT_THAT(text, HasSubstr(R"(t_seconds_count{path="q\"uote\\d\nx"} 3)"));
  parse_exposition(text);
}

TEST(ServerMetrics, RefusesATypeClashAndBadNames) {
  metrics::Registry r;
  r.counter("t_x", "X.");
  EXPECT_THROW(r.gauge("t_x", "X."), std::logic_error);
  EXPECT_THROW(r.counter("1bad", "X."), std::logic_error);
  EXPECT_THROW(r.counter("bad-name", "X."), std::logic_error);
}

TEST(ServerMetrics, CountersNeverGoDown) {
  metrics::Registry r;
  auto& c = r.counter("t_c", "C.");
  c.inc(5);
  c.inc(-3);
  EXPECT_EQ(c.value(), 5);
}

TEST(ServerMetrics, HostMetricsAreDeclaredBeforeTheirFirstSample) {
  metrics::declare_host_metrics();
  auto text = metrics::global().render();
  for (auto name : {"connhost_sync_rows_total", "connhost_sync_errors_total",
                    "connhost_plugin_load_failures_total", "connhost_rate_limit_waits_total",
                    "connhost_rate_limit_wait_seconds_total"})
    EXPECT_THAT(text, HasSubstr(std::string("# TYPE ") + name + " counter")) << name;
  // The registry is the process's: count from what it holds now.
  double rows = metrics::sync_rows("p1").value();
  double errors = metrics::sync_errors("p1", "quota").value();
  metrics::sync_rows("p1").inc(10);
  metrics::sync_errors("p1", "quota").inc();
  auto samples = parse_exposition(metrics::global().render());
  EXPECT_EQ(samples[R"(connhost_sync_rows_total{pipeline="p1"})"], rows + 10);
  EXPECT_EQ(samples[R"(connhost_sync_errors_total{pipeline="p1",category="quota"})"], errors + 1);
}

TEST_F(ServerTest, MetricsEndpointParsesAndCountsARequest) {
  start();
  ASSERT_EQ(get("/healthz").status, 200);
  ASSERT_EQ(get("/api/runs?limit=x").status, 400);
  auto r = get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  auto samples = parse_exposition(r.body);
  const std::string ok = R"({route="/healthz",method="GET",status_class="2xx")";
  EXPECT_EQ(samples["connhost_http_request_duration_seconds_count" + ok + "}"], 1);
  EXPECT_EQ(samples["connhost_http_request_duration_seconds_bucket" + ok + ",le=\"+Inf\"}"], 1);
  EXPECT_EQ(
      samples
          [R"(connhost_http_request_duration_seconds_count{route="/api/runs",method="GET",status_class="4xx"})"],
      1);
  EXPECT_EQ(samples[R"(connhost_http_requests_total{route="/healthz",method="GET",status="200"})"],
            1);
  EXPECT_GE(samples["connhost_http_open_connections"], 1);  // this scrape's own, at least
}

}  // namespace
}  // namespace connhost::test
