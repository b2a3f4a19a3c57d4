// What ops ask of a running host: which plugins loaded (and which were refused, and why), the
// configured connections without their secrets, and the pipelines with their last and next run.

#include <boost/json.hpp>

#include "config/schedule.hpp"
#include "pipeline/runner.hpp"
#include "pipeline/schedule_clock.hpp"
#include "server/routes/routes.hpp"
#include "server/runs_query.hpp"
#include "store/timestamp.hpp"

namespace connhost::server {
namespace {

namespace json = boost::json;
using TimePoint = std::chrono::system_clock::time_point;

json::array capabilities(uint32_t caps) {
  json::array out;
  std::string names = plugin::capability_names(caps);
  if (names == "-") return out;
  for (size_t i = 0; i <= names.size();) {
    size_t comma = std::min(names.find(',', i), names.size());
    out.emplace_back(names.substr(i, comma - i));
    i = comma + 1;
  }
  return out;
}

json::value plugins_json(const plugin::Registry& registry) {
  json::array loaded;
  for (const auto& p : registry.plugins()) {
    loaded.push_back({{"id", p->id},
                      {"name", p->display_name()},
                      {"version", p->version()},
                      {"platform", p->platform()},
                      {"abi", p->abi_version()},
                      {"capabilities", capabilities(p->capabilities)},
                      {"file", p->path.string()},
                      {"generation", p->generation},
                      {"loaded_at", store::timestamp_at(p->loaded_at)},
                      {"unload_safe", p->unload_safe()}});
  }
  json::array refused;
  for (const auto& r : registry.refused()) {
    json::object o{{"file", r.path.string()}, {"reason", r.reason}};
    if (!r.kept_id.empty()) o["kept"] = r.kept_id;
    refused.push_back(std::move(o));
  }
  return {{"plugins", std::move(loaded)}, {"refused", std::move(refused)}};
}

// A secret, or any setting written as a reference, shows only where its value lives ("env" or
// "file"): not the value, nor the variable or file name.
json::object setting_json(const config::Setting& s) {
  json::object o{{"key", s.key}, {"secret", s.is_secret}, {"default", s.is_default}};
  if (s.secret)
    o["reference"] = s.secret->kind == config::SecretRef::Kind::env    ? "env"
                     : s.secret->kind == config::SecretRef::Kind::file ? "file"
                                                                       : "grant";
  else
    o["value"] = s.value;
  return o;
}

json::value connections_json(const config::HostConfig& cfg) {
  json::array out;
  for (const auto& c : cfg.connections) {
    json::array settings;
    for (const auto& s : c.settings) settings.push_back(setting_json(s));
    json::object o{{"name", c.name},
                   {"plugin", c.plugin},
                   {"isolation", c.isolation},
                   {"settings", std::move(settings)}};
    if (!c.platform.empty()) o["platform"] = c.platform;
    out.push_back(std::move(o));
  }
  return {{"connections", std::move(out)}};
}

// As the scheduler counts: an interval from the last start (at once when it never ran), a cron
// line's next minute after now. Null without a schedule or when the cron line never matches.
json::value next_due_json(const config::Pipeline& p, const RunRow* last, TimePoint now) {
  if (p.schedule.empty()) return nullptr;
  auto parsed = config::parse_schedule(p.schedule);
  if (!parsed.schedule) return nullptr;
  std::optional<TimePoint> last_start;
  if (last) last_start = store::parse_timestamp(last->started_at);
  auto due = pipeline::next_due(*parsed.schedule, now, last_start);
  return due ? json::value(store::timestamp_at(*due)) : json::value(nullptr);
}

json::value pipelines_json(ServerContext& ctx) {
  std::map<std::string, RunRow> last;
  {
    auto lease = ctx.stores.acquire();
    last = last_runs(*lease);
  }
  auto now = ctx.now();
  json::array out;
  for (const auto& p : ctx.config.pipelines) {
    const config::Connection* conn = ctx.config.connection(p.connection);
    std::string plugin_id = conn ? conn->plugin : "";
    const plugin::LoadedPlugin* plugin = ctx.plugins.find(plugin_id);
    auto it = last.find(p.name);
    const RunRow* run = it == last.end() ? nullptr : &it->second;
    json::array streams;
    for (const auto& s : p.streams) streams.emplace_back(s);
    json::object o{
        {"name", p.name},
        {"connection", p.connection},
        {"plugin", plugin_id},
        {"capability", p.capability},
        {"streams", std::move(streams)},
        {"schedule", p.schedule.empty() ? json::value(nullptr) : json::value(p.schedule)},
        {"lookback", p.lookback.empty() ? json::value(nullptr) : json::value(p.lookback)},
        {"last_run", run ? json::value(run_json(*run)) : json::value(nullptr)},
        {"next_due", next_due_json(p, run, now)},
        {"scheduled", ctx.scheduler_enabled && p.capability == "reporting" && !p.schedule.empty()}};
    if (p.capability == "reporting")
      o["lookback_days"] =
          pipeline::lookback_days(p, plugin ? plugin->platform() : std::string_view{});
    out.push_back(std::move(o));
  }
  return {{"pipelines", std::move(out)}};
}

}  // namespace

void add_ops_routes(Router& router, ServerContext& ctx) {
  router.add({.method = "GET",
              .pattern = "/api/plugins",
              .summary = "Loaded plugins, and refused plugin files with the reason",
              .description = "Each plugin: id, name, version, platform, abi, capabilities, file. "
                             "Each refusal: file and the loader's one-line reason.",
              .tag = "ops",
              .handler = [&ctx](const Request&) {
                return json_response(200, plugins_json(ctx.plugins));
              }});
  router.add({.method = "GET",
              .pattern = "/api/connections",
              .summary = "Configured connections, secrets shown only as their reference kind",
              .description = "Each connection: name, plugin, isolation and its settings. A "
                             "setting written as a reference shows `reference` (env or file) "
                             "instead of a value.",
              .tag = "ops",
              .handler = [&ctx](const Request&) {
                return json_response(200, connections_json(ctx.config));
              }});
  router.add(
      {.method = "GET",
       .pattern = "/api/pipelines",
       .summary = "Configured pipelines with their last run and next due time",
       .description = "next_due follows the scheduler: an interval counts from the last "
                      "start (now when it never ran), a cron line is evaluated in UTC. "
                      "`scheduled` says whether this process runs the schedule.",
       .tag = "ops",
       .handler = [&ctx](const Request&) { return json_response(200, pipelines_json(ctx)); }});
  router.add(
      {.method = "POST",
       .pattern = "/api/reload",
       .summary = "Reload the configuration file: validated first, refused when it has errors",
       .description = "202 {status: restarting}: the file is valid, and the process starts "
                      "again in place with it once the requests and runs under way finish. "
                      "422 config_invalid with `errors` (FILE:LINE:COL: key: message): nothing "
                      "changes, the old configuration keeps running. `connhost reload` and "
                      "SIGHUP do the same.",
       .tag = "ops",
       .handler = [&ctx](const Request&) {
         if (!ctx.reload) return error_response(503, "not_available", "this server cannot reload");
         auto r = ctx.reload();
         if (r.accepted) return json_response(202, json::object{{"status", "restarting"}});
         json::array errors;
         for (auto& e : r.errors) errors.emplace_back(e);
         return json_response(
             422,
             json::object{{"error", json::object{{"code", "config_invalid"},
                                                 {"message",
                                                  "the configuration has errors; the old one keeps "
                                                  "running"},
                                                 {"errors", std::move(errors)}}}});
       }});
}

}  // namespace connhost::server
