#include "meta_graph.hpp"

#include <cstdio>
#include <thread>

namespace meta {
using connhost::Error;

Graph::Graph(connhost::Call& call, const Settings& settings, const Urls& urls)
    : call_(call), settings_(settings), urls_(urls) {}

const std::string& Graph::token() {
  if (!token_) {
    token_ = call_.secret("access_token");
    if (token_->empty()) throw Error::config("secret setting 'access_token' is empty");
  }
  return *token_;
}

void Graph::pace(std::string_view what) {
  // The usage headers are checked before each request so that a sync slows down, and stops,
  // before Meta throttles the app or the ad account (section 1.7: throttling starts at 100).
  auto p = pace_for(usage_, settings_.usage_pace_pct, settings_.usage_stop_pct,
                    settings_.usage_pace_max);
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.1f%%", usage_.max_pct);
  if (p.stop) {
    auto wait = regain_after(usage_, settings_.usage_stop_pct, settings_.throttle_default_retry);
    throw Error::quota("Meta " + std::string(what) + ": usage counter " + usage_.max_counter +
                           " is at " + pct + " (usage_stop_pct " +
                           std::to_string(int(settings_.usage_stop_pct)) +
                           "); pausing before Graph throttles (retry in " +
                           std::to_string(wait.count() / 1000) + " s)",
                       wait);
  }
  if (p.sleep.count() > 0) {
    call_.info("Meta: usage counter " + usage_.max_counter + " at " + pct + ", pausing " +
               std::to_string(p.sleep.count()) + " ms before the next request");
    std::this_thread::sleep_for(p.sleep);
  }
}

Graph::Raw Graph::send(std::string_view method, const std::string& url, const std::string& body,
                       std::string_view what) {
  pace(what);
  connhost::HttpRequest req;
  req.method = std::string(method);
  req.url = Urls::authorize(url, token());
  if (!body.empty()) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = body;
  }
  auto resp = call_.http(req);
  Raw r;
  r.status = resp.status;
  r.body = std::string(resp.body);
  if (auto t = resp.header("x-fb-trace-id")) r.trace_id = std::string(*t);
  // Each header reports its own counters; one missing from this answer keeps its last value.
  auto keep = [&](std::optional<std::string>& slot, std::string_view name) {
    if (auto h = resp.header(name)) slot = std::string(*h);
  };
  keep(app_usage_, "X-App-Usage");
  keep(account_usage_, "X-Ad-Account-Usage");
  keep(buc_usage_, "X-Business-Use-Case-Usage");
  keep(insights_usage_, "X-FB-Ads-Insights-Throttle");
  auto view = [](const std::optional<std::string>& s) -> std::optional<std::string_view> {
    if (!s) return std::nullopt;
    return std::string_view(*s);
  };
  usage_ = parse_usage(
      {view(app_usage_), view(account_usage_), view(buc_usage_), view(insights_usage_)});

  bool success = r.status >= 200 && r.status < 300;
  if (success) {
    // A success body that is an error envelope all the same is treated as the error it is.
    auto start = r.body.find_first_not_of(" \t\r\n");
    if (start != std::string::npos && r.body.compare(start, 8, "{\"error\"") == 0) success = false;
  }
  if (!success) {
    r.error = error_envelope(r.body);
    if (r.error && !r.error->fbtrace_id.empty()) r.trace_id = r.error->fbtrace_id;
  }
  r.ok = success;
  return r;
}

Error Graph::fail(const Raw& r, std::string_view what) const {
  return classify(r.status, r.body, usage_, settings_.usage_stop_pct,
                  settings_.throttle_default_retry, r.trace_id, what);
}

Graph::Answer Graph::get(const std::string& url, std::string_view what) {
  auto r = send("GET", url, {}, what);
  if (!r.ok) throw fail(r, what);
  return {std::move(r.body), std::move(r.trace_id)};
}

Graph::Answer Graph::post_json(const std::string& url, const std::string& body,
                               std::string_view what) {
  auto r = send("POST", url, body, what);
  if (!r.ok) throw fail(r, what);
  return {std::move(r.body), std::move(r.trace_id)};
}

}  // namespace meta
