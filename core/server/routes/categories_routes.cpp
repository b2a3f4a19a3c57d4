// Category rules and overrides through the API. Every change recategorizes the campaigns at
// once (cheap: one row per campaign), so the reports show it on the next request.

#include <boost/json.hpp>

#include "categories/recategorize.hpp"
#include "categories/rule_store.hpp"
#include "reporting/filter.hpp"
#include "server/errors.hpp"
#include "server/report_cache.hpp"
#include "server/routes/routes.hpp"
#include "store/store.hpp"

namespace connhost::server {
namespace {

namespace json = boost::json;

json::object body_object(const Request& req) {
  boost::system::error_code ec;
  auto v = json::parse(req.body, ec);
  if (ec || !v.is_object()) throw HttpError(400, "bad_body", "body: expected a JSON object");
  return v.as_object();
}

std::optional<std::string> string_field(const json::object& o, const char* key, bool required) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) throw BadParameter(key, "required");
    return std::nullopt;
  }
  if (!v->is_string()) throw BadParameter(key, "must be a string");
  return std::string(v->as_string());
}

config::CategoryRule rule_from(const json::object& o) {
  config::CategoryRule r;
  r.category = *string_field(o, "category", true);
  r.match = string_field(o, "match", false).value_or("contains");
  r.pattern = *string_field(o, "pattern", true);
  r.platform = string_field(o, "platform", false).value_or("");
  r.campaign_type = string_field(o, "campaign_type", false);
  return r;
}

std::optional<int64_t> position_from(const json::object& o) {
  const auto* v = o.if_contains("position");
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_int64()) throw BadParameter("position", "must be an integer");
  return v->as_int64();
}

json::object rule_json(const config::CategoryRule& r) {
  return {
      {"category", r.category},
      {"match", r.match},
      {"pattern", r.pattern},
      {"platform", r.platform.empty() ? json::value(nullptr) : json::value(r.platform)},
      {"campaign_type", r.campaign_type ? json::value(*r.campaign_type) : json::value(nullptr)}};
}

json::object stored_json(const categories::StoredRule& s) {
  auto o = rule_json(s.rule);
  o["id"] = s.id;
  o["position"] = s.position;
  o["source"] = "api";
  o["updated_at"] = s.updated_at;
  return o;
}

json::object applied_json(const categories::RecategorizeResult& r) {
  return {{"campaigns", r.campaigns},
          {"by_override", r.by_override},
          {"by_rule", r.by_rule},
          {"by_fallback", r.by_fallback}};
}

categories::RecategorizeResult apply(ServerContext& ctx, store::Store& store) {
  auto& sql = store.session();
  auto result = categories::recategorize(sql, categories::rules_in_force(sql, ctx.config));
  // The change shows in the next report at once, whatever the cache's generation saw.
  if (ctx.reports) ctx.reports->clear();
  return result;
}

int64_t id_param(const Request& req) {
  try {
    size_t used = 0;
    int64_t id = std::stoll(req.param("id"), &used);
    if (used == req.param("id").size() && id > 0) return id;
  } catch (const std::exception&) {
  }
  throw BadParameter("id", "expected a rule id, a positive integer");
}

template <class F>
auto rule_errors(F f) {
  try {
    return f();
  } catch (const categories::InvalidRule& e) {
    throw HttpError(400, "bad_parameter", e.what());
  }
}

Response no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

void check_platform(const std::string& p) {
  if (!reporting::valid_platform(p) || p == "unified")
    throw BadParameter("platform", "'" + p.substr(0, 40) + "' is not meta, google or tiktok");
}

}  // namespace

void add_categories_routes(Router& router, ServerContext& ctx) {
  const std::string tag = "categories";
  router.add({.method = "GET",
              .pattern = "/api/categories/rules",
              .summary = "Category rules in force: the API's (editable) first, then the file's",
              .tag = tag,
              .handler = [&ctx](const Request&) {
                auto lease = ctx.stores.acquire();
                auto& sql = lease->session();
                json::array rules;
                for (const auto& s : categories::list_stored_rules(sql))
                  rules.push_back(stored_json(s));
                if (!ctx.config.reporting.categories_file.empty())
                  for (const auto& r :
                       categories::read_rules_file(ctx.config.reporting.categories_file)) {
                    auto o = rule_json(r);
                    o["id"] = nullptr;
                    o["source"] = "file";
                    rules.push_back(std::move(o));
                  }
                return json_response(200, json::object{{"rules", std::move(rules)}});
              }});
  router.add({.method = "POST",
              .pattern = "/api/categories/rules",
              .summary = "Add a category rule (JSON body) and recategorize",
              .tag = tag,
              .handler = [&ctx](const Request& req) {
                auto body = body_object(req);
                auto lease = ctx.stores.acquire();
                auto stored = rule_errors([&] {
                  return categories::add_stored_rule(lease->session(), rule_from(body),
                                                     position_from(body));
                });
                auto out = stored_json(stored);
                out["applied"] = applied_json(apply(ctx, *lease));
                return json_response(201, out);
              }});
  router.add({.method = "PUT",
              .pattern = "/api/categories/rules/{id}",
              .summary = "Replace a category rule added through the API and recategorize",
              .tag = tag,
              .handler = [&ctx](const Request& req) {
                int64_t id = id_param(req);
                auto body = body_object(req);
                auto lease = ctx.stores.acquire();
                bool found = rule_errors([&] {
                  return categories::update_stored_rule(lease->session(), id, rule_from(body),
                                                        position_from(body));
                });
                if (!found) throw NotFound("no category rule " + std::to_string(id));
                auto out = stored_json(*categories::find_stored_rule(lease->session(), id));
                out["applied"] = applied_json(apply(ctx, *lease));
                return json_response(200, out);
              }});
  router.add({.method = "DELETE",
              .pattern = "/api/categories/rules/{id}",
              .summary = "Delete a category rule added through the API and recategorize",
              .tag = tag,
              .handler = [&ctx](const Request& req) {
                int64_t id = id_param(req);
                auto lease = ctx.stores.acquire();
                if (!categories::delete_stored_rule(lease->session(), id))
                  throw NotFound("no category rule " + std::to_string(id));
                apply(ctx, *lease);
                return no_content();
              }});
  router.add({.method = "GET",
              .pattern = "/api/categories/overrides",
              .summary = "Per-campaign category overrides",
              .tag = tag,
              .handler = [&ctx](const Request&) {
                auto lease = ctx.stores.acquire();
                json::array list;
                for (const auto& o : categories::list_overrides(lease->session()))
                  list.push_back(json::object{
                      {"platform", o.platform},
                      {"campaign_id", o.campaign_id},
                      {"category", o.category},
                      {"campaign_type", o.campaign_type.empty() ? json::value(nullptr)
                                                                : json::value(o.campaign_type)},
                      {"updated_at", o.updated_at}});
                return json_response(200, json::object{{"overrides", std::move(list)}});
              }});
  router.add({.method = "PUT",
              .pattern = "/api/categories/overrides/{platform}/{campaign_id}",
              .summary = "Set a campaign's category (JSON body {category, campaign_type?})",
              .tag = tag,
              .handler = [&ctx](const Request& req) {
                categories::Override o;
                o.platform = req.param("platform");
                check_platform(o.platform);
                o.campaign_id = req.param("campaign_id");
                auto body = body_object(req);
                o.category = *string_field(body, "category", true);
                if (o.category.empty() || o.category.size() > 200)
                  throw BadParameter("category", "must be 1 to 200 characters");
                o.campaign_type = string_field(body, "campaign_type", false).value_or("");
                auto lease = ctx.stores.acquire();
                categories::set_override(lease->session(), o);
                auto r = apply(ctx, *lease);
                return json_response(200, json::object{{"platform", o.platform},
                                                       {"campaign_id", o.campaign_id},
                                                       {"category", o.category},
                                                       {"applied", applied_json(r)}});
              }});
  router.add({.method = "DELETE",
              .pattern = "/api/categories/overrides/{platform}/{campaign_id}",
              .summary = "Remove a campaign's category override and recategorize",
              .tag = tag,
              .handler = [&ctx](const Request& req) {
                check_platform(req.param("platform"));
                auto lease = ctx.stores.acquire();
                if (!categories::delete_override(lease->session(), req.param("platform"),
                                                 req.param("campaign_id")))
                  throw NotFound("no override for " + req.param("platform") + " campaign " +
                                 req.param("campaign_id"));
                apply(ctx, *lease);
                return no_content();
              }});
}

}  // namespace connhost::server
