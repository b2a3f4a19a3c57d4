// /api/openapi.json: an OpenAPI 3.0 document built from the route table at each request, so it
// describes exactly what is served, routes added by later modules included.

#include <boost/json.hpp>

#include <map>

#include "server/routes/routes.hpp"

#ifndef CONNHOST_VERSION
#define CONNHOST_VERSION "dev"
#endif

namespace connhost::server {
namespace {

namespace json = boost::json;

json::object schema_for(const QueryParam& p) {
  json::object s;
  if (p.type == "date") {
    s["type"] = "string";
    s["format"] = "date";
  } else {
    s["type"] = p.type;
  }
  if (!p.choices.empty()) {
    json::array e;
    for (const auto& c : p.choices) e.emplace_back(c);
    s["enum"] = std::move(e);
  }
  if (p.minimum) s["minimum"] = *p.minimum;
  if (p.maximum) s["maximum"] = *p.maximum;
  return s;
}

json::object error_response_ref(std::string_view description) {
  return {
      {"description", description},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

// Answers some routes give besides 200, 400, 401 and 503, which the route table does not carry.
struct ExtraResponse {
  std::string_view method, pattern, status, description;
};
constexpr ExtraResponse kExtraResponses[] = {
    {"GET", "/auth/{connection}", "302", "to the platform's consent page"},
    {"GET", "/auth/{connection}", "404", "unknown connection, or its login is disabled"},
    {"GET", "/auth/{connection}/callback", "404",
     "unknown connection, or its login is disabled (HTML)"},
    {"POST", "/api/grants/{id}/revoke", "404", "no such grant (not_found)"},
    {"POST", "/api/grants/{id}/revoke", "409", "the grant is already revoked (already_revoked)"},
    {"POST", "/api/grants/{id}/revoke", "502",
     "the platform could not revoke (platform_<category>): the tokens are kept"},
};

json::object operation(const Route& r) {
  json::object op{{"summary", r.summary},
                  {"operationId", r.method + r.pattern},
                  {"tags", json::array{json::value(r.tag.empty() ? "other" : r.tag)}}};
  if (!r.description.empty()) op["description"] = r.description;
  json::array params;
  for (const auto& seg : split_path(r.pattern)) {
    if (!seg.starts_with('{')) continue;
    params.push_back({{"name", seg.substr(1, seg.size() - 2)},
                      {"in", "path"},
                      {"required", true},
                      {"schema", {{"type", "string"}}}});
  }
  for (const auto& q : r.query) {
    json::object p{
        {"name", q.name}, {"in", "query"}, {"required", q.required}, {"schema", schema_for(q)}};
    if (!q.description.empty()) p["description"] = q.description;
    params.push_back(std::move(p));
  }
  bool has_params = !params.empty();
  if (has_params) op["parameters"] = std::move(params);
  json::object responses{{"200", {{"description", "OK"}}}};
  if (has_params) responses["400"] = error_response_ref("a parameter is invalid (bad_parameter)");
  if (r.pattern.starts_with("/api/"))
    responses["503"] = error_response_ref("the store is migrating (not_ready)");
  for (const auto& e : kExtraResponses) {
    if (e.method != r.method || e.pattern != r.pattern) continue;
    if (e.status.starts_with('2') || e.status.starts_with('3'))
      responses[e.status] = {{"description", e.description}};
    else
      responses[e.status] = error_response_ref(e.description);
  }
  if (r.pattern == "/api/grants/{id}/revoke")
    responses["503"] =
        error_response_ref("the store is migrating, or no vault (vault_unavailable)");
  if (!r.is_public) {
    responses["401"] = error_response_ref("missing or wrong API key, when one is required");
  } else {
    op["security"] = json::array{};  // public even when the server requires a key
  }
  op["responses"] = std::move(responses);
  return op;
}

json::object document(const Router& router) {
  // Methods in lower case under each path, paths in table order.
  json::object paths;
  for (const auto& r : router.routes()) {
    std::string method = r.method;
    for (char& c : method) c = static_cast<char>(c - 'A' + 'a');
    auto it = paths.find(r.pattern);
    if (it == paths.end()) it = paths.emplace(r.pattern, json::object{}).first;
    it->value().as_object()[method] = operation(r);
  }
  json::object error_schema{
      {"type", "object"},
      {"required", json::array{"error"}},
      {"properties",
       {{"error",
         {{"type", "object"},
          {"required", json::array{"code", "message"}},
          {"properties", {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}};
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "connhost API"},
            {"version", CONNHOST_VERSION},
            {"description",
             "The connhost host's HTTP API. Errors are always {\"error\": {\"code\", "
             "\"message\"}}. See docs/api.md."}}},
          {"paths", std::move(paths)},
          {"components",
           {{"schemas", {{"Error", std::move(error_schema)}}},
            {"securitySchemes", {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
          {"security", json::array{json::object{{"bearerAuth", json::array{}}}}}};
}

}  // namespace

void add_openapi_route(Router& router) {
  router.add(
      {.method = "GET",
       .pattern = "/api/openapi.json",
       .summary = "This API, as an OpenAPI 3.0 document",
       .description = "Generated from the server's route table: every route it serves.",
       .tag = "meta",
       .handler = [&router](const Request&) { return json_response(200, document(router)); }});
}

}  // namespace connhost::server
