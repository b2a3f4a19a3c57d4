// The history of pipeline runs (sync_runs), for the dashboard's run list and for following a
// sync started through the API.

#include <boost/json.hpp>

#include <charconv>

#include "pipeline/launcher.hpp"
#include "server/errors.hpp"
#include "server/routes/routes.hpp"
#include "server/runs_query.hpp"

namespace connhost::server {
namespace {

namespace json = boost::json;

constexpr int64_t kDefaultLimit = 50;
constexpr int64_t kMaxLimit = 500;

// An unknown name is more likely a typo than a pipeline that used to exist.
void check_pipeline(const config::HostConfig& cfg, const std::string& name) {
  std::string names;
  for (const auto& p : cfg.pipelines) {
    if (p.name == name) return;
    names += (names.empty() ? "" : ", ") + p.name;
  }
  throw BadParameter("pipeline", "unknown pipeline '" + name +
                                     "' (configured: " + (names.empty() ? "none" : names) + ")");
}

Response list(ServerContext& ctx, const Request& req) {
  RunFilter f;
  if (auto p = req.query("pipeline")) {
    check_pipeline(ctx.config, *p);
    f.pipeline = *p;
  }
  f.status = req.query("status").value_or("");
  f.limit = req.query_int("limit").value_or(kDefaultLimit);
  f.offset = req.query_int("offset").value_or(0);
  RunPage page;
  {
    auto lease = ctx.stores.acquire();
    page = list_runs(*lease, f);
  }
  json::array runs;
  for (const auto& r : page.runs) runs.push_back(run_json(r));
  return json_response(
      200,
      {{"runs", std::move(runs)}, {"total", page.total}, {"limit", f.limit}, {"offset", f.offset}});
}

Response one(ServerContext& ctx, const Request& req) {
  const std::string& text = req.param("id");
  int64_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || ptr != text.data() + text.size() || id < 1)
    throw BadParameter("id", "expected a run id, a positive integer");
  std::optional<RunRow> run;
  {
    auto lease = ctx.stores.acquire();
    run = find_run(*lease, id);
  }
  if (!run) throw NotFound("no run " + text);
  auto out = run_json(*run);
  // A run started through the API reports how far it got while it goes on.
  if (auto p = ctx.launcher ? ctx.launcher->progress(id) : std::nullopt)
    out["progress"] = json::object{{"accounts_total", p->accounts_total},
                                   {"accounts_done", p->accounts_done},
                                   {"days_total", p->days_total},
                                   {"days_done", p->days_done},
                                   {"rows", p->rows},
                                   {"requests", p->requests},
                                   {"elapsed_s", p->elapsed_s},
                                   {"message", p->message}};
  return json_response(200, out);
}

}  // namespace

void add_runs_routes(Router& router, ServerContext& ctx) {
  router.add({.method = "GET",
              .pattern = "/api/runs",
              .summary = "Pipeline runs, newest first",
              .description = "A page of sync_runs with the total number matching the filters.",
              .query = {{.name = "pipeline", .description = "only this configured pipeline's runs"},
                        {.name = "status",
                         .description = "only runs in this state",
                         .choices = {"running", "succeeded", "failed", "interrupted"}},
                        {.name = "limit",
                         .type = "integer",
                         .description = "page size, default 50",
                         .minimum = 1,
                         .maximum = kMaxLimit},
                        {.name = "offset",
                         .type = "integer",
                         .description = "runs to skip, default 0",
                         .minimum = 0}},
              .tag = "ops",
              .handler = [&ctx](const Request& req) { return list(ctx, req); }});
  router.add({.method = "GET",
              .pattern = "/api/runs/{id}",
              .summary = "One pipeline run",
              .description = "404 when there is no run with this id. A run in progress has status "
                             "running and no finished_at.",
              .tag = "ops",
              .handler = [&ctx](const Request& req) { return one(ctx, req); }});
}

}  // namespace connhost::server
