// The reporting API, for each of meta, google, tiktok and unified: dashboard, monthly pivot,
// categories, campaigns, "Sync now" and the connection test. The numbers come from
// core/reporting; this file maps requests onto it and errors onto HTTP.

#include <boost/json.hpp>

#include "categories/rule_store.hpp"
#include "http/client.hpp"
#include "pipeline/connection_setup.hpp"
#include "pipeline/launcher.hpp"
#include "plugin/instance.hpp"
#include "reporting/generation.hpp"
#include "reporting/reports.hpp"
#include "server/errors.hpp"
#include "server/report_cache.hpp"
#include "server/routes/routes.hpp"
#include "store/store.hpp"

namespace connhost::server {
namespace {

namespace json = boost::json;

// The platform a connection's plugin reports for ("meta", ...); empty when it is not loaded.
std::string platform_of(const ServerContext& ctx, const config::Connection& c) {
  for (const auto& p : ctx.plugins.plugins())
    if (p->id == c.plugin) return std::string(p->platform());
  return "";
}

// The configured reporting pipelines of a platform ("unified": of every platform).
std::vector<const config::Pipeline*> reporting_pipelines(const ServerContext& ctx,
                                                         const std::string& platform) {
  std::vector<const config::Pipeline*> out;
  for (const auto& p : ctx.config.pipelines) {
    if (p.capability != "reporting") continue;
    const auto* c = ctx.config.connection(p.connection);
    if (c && (platform == "unified" || platform_of(ctx, *c) == platform)) out.push_back(&p);
  }
  return out;
}

template <class F>
auto with_filter_errors(F f) {
  try {
    return f();
  } catch (const reporting::InvalidParameter& e) {
    // The reporting layer's messages already start with the parameter's name.
    throw HttpError(400, "bad_parameter", e.what());
  }
}

reporting::Filter read_filter(ServerContext& ctx, store::Store& store, const std::string& platform,
                              const Request& req, reporting::DefaultRange range) {
  auto& sql = store.session();
  auto known = reporting::known_categories(sql, categories::rule_categories(sql, ctx.config));
  return with_filter_errors([&] {
    return reporting::read_filter(
        sql, platform, [&](std::string_view name) { return req.query(name); },
        ctx.config.reporting.currency, known, range);
  });
}

// A report's answer, from the cache when the data it came from is unchanged (report_cache.hpp).
template <class Compute>
Response report(ServerContext& ctx, const Request& req, store::Store& store, Compute compute) {
  if (!ctx.reports) return json_response(200, compute());
  Response r;
  r.content_type = "application/json";
  r.body = ctx.reports->get(req.target, reporting::data_generation(store.session()),
                            [&] { return json::serialize(compute()); });
  return r;
}

std::vector<QueryParam> filter_params() {
  return {
      {.name = "start_date",
       .type = "date",
       .description = "first day (default: 30 days before end_date; monthly: 12 months)"},
      {.name = "end_date",
       .type = "date",
       .description = "last day (default: the latest day with data)"},
      {.name = "categories", .description = "comma-separated categories to include"},
      {.name = "campaign_type", .description = "only this campaign type"},
      {.name = "status", .description = "only campaigns in this platform status"},
      {.name = "search", .description = "case-insensitive part of the campaign's name or id"},
      {.name = "currency",
       .description = "ISO 4217 code to report money in (default: [reporting] currency)"},
  };
}

Response sync(ServerContext& ctx, const std::string& platform, const Request& req) {
  if (!ctx.launcher) throw HttpError(503, "not_ready", "syncing is not available yet");
  auto pipelines = reporting_pipelines(ctx, platform);
  if (pipelines.empty()) throw NotFound("no reporting pipeline is configured for " + platform);
  pipeline::RunOptions o;
  o.origin = "api";
  o.from = req.query("start_date").value_or("");
  o.to = req.query("end_date").value_or("");
  if (!o.from.empty() && !o.to.empty() && o.from > o.to)
    throw BadParameter("start_date", o.from + " is after end_date " + o.to);
  json::array runs;
  for (const auto* p : pipelines) {
    try {
      int64_t id = ctx.launcher->start(*p, o);
      runs.push_back(json::object{{"pipeline", p->name}, {"run_id", id}});
    } catch (const pipeline::AlreadyRunning& e) {
      // Runs already started for other pipelines go on; the client learns which one is busy.
      if (!runs.empty()) {
        runs.push_back(
            json::object{{"pipeline", p->name}, {"run_id", e.run_id()}, {"already_running", true}});
        continue;
      }
      throw HttpError(409, "already_running", e.what());
    } catch (const std::invalid_argument& e) {
      throw HttpError(400, "bad_parameter", e.what());
    }
  }
  return json_response(202, json::object{{"runs", std::move(runs)}});
}

Response test_connection(ServerContext& ctx, const std::string& platform) {
  json::array out;
  std::vector<std::string> seen;
  for (const auto* p : reporting_pipelines(ctx, platform)) {
    if (std::find(seen.begin(), seen.end(), p->connection) != seen.end()) continue;
    seen.push_back(p->connection);
    json::object r{{"connection", p->connection}};
    try {
      auto setup = pipeline::setup_connection(
          ctx.config, ctx.plugins, p->connection,
          ctx.http ? ctx.http : std::make_shared<http::Client>(), ctx.grants);
      r["plugin"] = setup.plugin->id;
      auto [instance, error] = plugin::Instance::create(setup.plugin, std::move(setup.settings));
      if (!error) error = instance->check();
      r["ok"] = !error;
      r["message"] = error ? error->message : "the connection works";
      r["category"] =
          error ? json::value(plugin::category_name(error->category)) : json::value(nullptr);
    } catch (const std::invalid_argument& e) {
      r["ok"] = false;
      r["message"] = e.what();
      r["category"] = "config";
    }
    out.push_back(std::move(r));
  }
  if (out.empty()) throw NotFound("no reporting pipeline is configured for " + platform);
  return json_response(200, json::object{{"platform", platform}, {"connections", std::move(out)}});
}

void add_platform(Router& router, ServerContext& ctx, const std::string& platform) {
  const std::string base = "/api/" + platform + "-reports/";
  const std::string tag = "reporting";
  const std::string who = platform == "unified" ? "all platforms" : platform;

  router.add({.method = "GET",
              .pattern = base + "dashboard",
              .summary = "Summary cards, per-category and per-platform sums and a daily series (" +
                         who + ")",
              .query = filter_params(),
              .tag = tag,
              .handler = [&ctx, platform](const Request& req) {
                auto lease = ctx.stores.acquire();
                return report(ctx, req, *lease, [&] {
                  auto f = read_filter(ctx, *lease, platform, req,
                                       reporting::DefaultRange::last_30_days);
                  return reporting::dashboard(lease->session(), f);
                });
              }});
  router.add({.method = "GET",
              .pattern = base + "monthly",
              .summary = "Month x category pivot with totals (" + who + ")",
              .query = filter_params(),
              .tag = tag,
              .handler = [&ctx, platform](const Request& req) {
                auto lease = ctx.stores.acquire();
                return report(ctx, req, *lease, [&] {
                  auto f = read_filter(ctx, *lease, platform, req,
                                       reporting::DefaultRange::last_12_months);
                  return reporting::monthly(lease->session(), f);
                });
              }});
  router.add({.method = "GET",
              .pattern = base + "categories",
              .summary = "Categories and how many campaigns each has (" + who + ")",
              .tag = tag,
              .handler = [&ctx, platform](const Request&) {
                auto lease = ctx.stores.acquire();
                auto& sql = lease->session();
                return json_response(
                    200, reporting::categories(sql, platform,
                                               categories::rule_categories(sql, ctx.config)));
              }});
  auto campaign_params = filter_params();
  campaign_params.push_back({.name = "sort",
                             .description = "column to sort by (default spend)",
                             .choices = reporting::campaign_sort_keys()});
  campaign_params.push_back(
      {.name = "order", .description = "asc or desc (default desc)", .choices = {"asc", "desc"}});
  campaign_params.push_back(
      {.name = "page", .type = "integer", .description = "1-based page (default 1)", .minimum = 1});
  campaign_params.push_back({.name = "page_size",
                             .type = "integer",
                             .description = "campaigns per page (default 50)",
                             .minimum = 1,
                             .maximum = 500});
  router.add(
      {.method = "GET",
       .pattern = base + "campaigns",
       .summary = "Campaigns with their metrics over the range, sorted and paged (" + who + ")",
       .query = campaign_params,
       .tag = tag,
       .handler = [&ctx, platform](const Request& req) {
         auto lease = ctx.stores.acquire();
         return report(ctx, req, *lease, [&] {
           auto f = read_filter(ctx, *lease, platform, req, reporting::DefaultRange::last_30_days);
           reporting::CampaignPage page;
           page.sort = req.query("sort").value_or("spend");
           page.descending = req.query("order").value_or("desc") == "desc";
           page.page = req.query_int("page").value_or(1);
           page.page_size = req.query_int("page_size").value_or(50);
           return with_filter_errors(
               [&] { return reporting::campaigns(lease->session(), f, page); });
         });
       }});
  router.add(
      {.method = "POST",
       .pattern = base + "sync",
       .summary = "Start a sync of " + who + "; follow it at /api/runs/{id}",
       .query = {{.name = "start_date", .type = "date", .description = "first day"},
                 {.name = "end_date", .type = "date", .description = "last day"}},
       .tag = tag,
       .handler = [&ctx, platform](const Request& req) { return sync(ctx, platform, req); }});
  router.add(
      {.method = "GET",
       .pattern = base + "test-connection",
       .summary = "Ask each connection's plugin whether it can reach its platform (" + who + ")",
       .tag = tag,
       .handler = [&ctx, platform](const Request&) { return test_connection(ctx, platform); }});
}

}  // namespace

void add_reporting_routes(Router& router, ServerContext& ctx) {
  for (std::string p : {"meta", "google", "tiktok", "unified"}) add_platform(router, ctx, p);
}

}  // namespace connhost::server
