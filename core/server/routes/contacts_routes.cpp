// The contacts API (docs/api.md, "Contacts"): the contact list with search, one contact with its
// identities and attributes, its version history and consent record, the CSV export, and erasure.
// Personal data is masked (contacts/masking.hpp) unless the request's key has the pii scope;
// erasing needs that scope, since it is the PII owner's operation.

#include <boost/json.hpp>

#include "contacts/contact_query.hpp"
#include "contacts/csv_export.hpp"
#include "contacts/erasure.hpp"
#include "contacts/masking.hpp"
#include "server/auth.hpp"
#include "server/errors.hpp"
#include "server/routes/routes.hpp"
#include "store/session.hpp"

namespace connhost::server {
namespace {

namespace json = boost::json;

// A free-text reason is stored in the audit record; a page of text there is a mistake.
constexpr size_t kMaxReasonChars = 500;

json::value nullable(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

json::value nullable(const std::optional<int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

int64_t contact_id(const Request& req) {
  const std::string& raw = req.param("id");
  try {
    size_t used = 0;
    int64_t id = std::stoll(raw, &used);
    if (used == raw.size() && id > 0) return id;
  } catch (const std::exception&) {
  }
  throw BadParameter("id", "must be a contact id (a positive integer)");
}

// What a reader sees of one value.
struct Masker {
  bool pii = false;
  std::string operator()(std::string_view attribute, const std::string& value) const {
    return pii ? value : contacts::mask(attribute, value);
  }
  json::value operator()(std::string_view attribute, const std::optional<std::string>& v) const {
    return v ? json::value((*this)(attribute, *v)) : json::value(nullptr);
  }
};

json::array strings(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

json::object contact_summary(const contacts::ContactView& c, const Masker& m) {
  return {{"id", c.id},
          {"display_name", m("display_name", c.display_name)},
          {"user_id", nullable(c.user_id)},
          {"status", c.status},
          {"platforms", strings(c.platforms)},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at},
          {"erased_at", nullable(c.erased_at)}};
}

json::object identity_json(const contacts::IdentityView& i, const Masker& m) {
  json::array attributes;
  for (const auto& a : i.attributes)
    attributes.push_back({{"name", a.name},
                          {"value", m(a.name, a.value)},
                          {"masked", !m.pii && contacts::is_pii(a.name)},
                          {"source_platform", i.platform},
                          {"connection", nullable(i.connection)},
                          {"fetched_at", a.fetched_at}});
  json::value sync = nullptr;
  if (i.sync)
    sync = json::object{{"status", i.sync->status},
                        {"last_synced_at", nullable(i.sync->last_synced_at)},
                        {"next_due_at", nullable(i.sync->next_due_at)},
                        {"error", nullable(i.sync->error)}};
  return {{"id", i.id},
          {"platform", i.platform},
          {"platform_user_id", m("platform_user_id", i.platform_user_id)},
          {"connection", nullable(i.connection)},
          {"grant_id", nullable(i.grant_id)},
          {"status", i.status},
          {"fetched_at", nullable(i.fetched_at)},
          {"sync", std::move(sync)},
          {"attributes", std::move(attributes)}};
}

struct ContactsRoutes {
  ServerContext& ctx;

  static Masker masker(const Request& req) { return Masker{may_see_pii(req)}; }

  Response list(const Request& req) const {
    contacts::ContactFilter f;
    f.search = req.query("search").value_or("");
    if (auto p = req.query("platform"); p && !p->empty()) f.platform = *p;
    f.include_erased = req.query("include_erased").value_or("false") == "true";
    f.limit = req.query_int("limit").value_or(50);
    f.offset = req.query_int("offset").value_or(0);
    auto m = masker(req);
    auto lease = ctx.stores.acquire();
    auto page = contacts::list_contacts(lease->session(), f);
    json::array items;
    for (const auto& c : page.contacts) items.push_back(contact_summary(c, m));
    return json_response(200, json::object{{"contacts", std::move(items)},
                                           {"total", page.total},
                                           {"limit", f.limit},
                                           {"offset", f.offset},
                                           {"pii_masked", !m.pii}});
  }

  Response get(const Request& req) const {
    int64_t id = contact_id(req);
    auto m = masker(req);
    auto lease = ctx.stores.acquire();
    auto c = contacts::get_contact(lease->session(), id);
    if (!c) throw NotFound("no contact " + std::to_string(id));
    auto out = contact_summary(*c, m);
    json::array identities;
    for (const auto& i : c->identities) identities.push_back(identity_json(i, m));
    out["identities"] = std::move(identities);
    return json_response(200, json::object{{"contact", std::move(out)}, {"pii_masked", !m.pii}});
  }

  // 404 for an unknown contact, so that an empty history and a wrong id read differently.
  static void require_contact(soci::session& sql, int64_t id) {
    if (!contacts::get_contact(sql, id)) throw NotFound("no contact " + std::to_string(id));
  }

  Response history(const Request& req) const {
    int64_t id = contact_id(req);
    auto m = masker(req);
    auto lease = ctx.stores.acquire();
    auto& sql = lease->session();
    require_contact(sql, id);
    json::array versions;
    for (const auto& v : contacts::contact_history(sql, id)) {
      json::object attrs;
      for (const auto& [name, value] : v.attributes) attrs[name] = m(name, value);
      versions.push_back({{"id", v.id},
                          {"identity_id", v.identity_id},
                          {"platform", v.platform},
                          {"connection", v.connection},
                          {"version", v.version},
                          {"attributes", std::move(attrs)},
                          {"changed", strings(v.changed)},
                          {"fetched_at", v.fetched_at}});
    }
    return json_response(
        200, json::object{
                 {"contact_id", id}, {"versions", std::move(versions)}, {"pii_masked", !m.pii}});
  }

  Response consent(const Request& req) const {
    int64_t id = contact_id(req);
    auto lease = ctx.stores.acquire();
    auto& sql = lease->session();
    require_contact(sql, id);
    json::array events;
    for (const auto& e : contacts::contact_consent(sql, id))
      events.push_back({{"id", e.id},
                        {"grant_id", e.grant_id},
                        {"connection", e.connection},
                        {"event", e.event},
                        {"scopes", e.scopes},
                        {"previous_scopes", nullable(e.previous_scopes)},
                        {"source", e.source},
                        {"detail", nullable(e.detail)},
                        {"at", e.at}});
    return json_response(200, json::object{{"contact_id", id}, {"consent", std::move(events)}});
  }

  Response csv(const Request& req) const {
    Response out;
    out.content_type = "text/csv; charset=utf-8";
    out.headers = {{"Content-Disposition", "attachment; filename=\"contacts.csv\""},
                   {"X-Content-Type-Options", "nosniff"}};
    auto lease = ctx.stores.acquire();
    contacts::export_csv(lease->session(), may_see_pii(req),
                         [&](std::string_view chunk) { out.body.append(chunk); });
    return out;
  }

  Response erase(const Request& req) const {
    int64_t id = contact_id(req);
    if (!may_see_pii(req))
      return error_response(403, "scope_required",
                            "erasing a contact needs an API key with the pii scope");
    contacts::ErasureRequest er{.contact_id = id,
                                .actor = req.api_key_id.empty() ? "api" : "api:" + req.api_key_id,
                                .reason = req.query("reason").value_or("")};
    if (er.reason.size() > kMaxReasonChars)
      throw BadParameter("reason",
                         "must be at most " + std::to_string(kMaxReasonChars) + " characters");
    auto lease = ctx.stores.acquire();
    require_contact(lease->session(), id);
    auto report = contacts::erase_contact(*lease, er);
    if (!report) throw NotFound("no contact " + std::to_string(id));
    json::object counts;
    for (const auto& [table, n] : report->counts) counts[table] = n;
    return json_response(200,
                         json::object{{"erasure", json::object{
                                                      {"contact_id", report->contact_id},
                                                      {"audit_id", report->audit_id},
                                                      {"already_erased", report->already_erased},
                                                      {"platforms", strings(report->platforms)},
                                                      {"counts", std::move(counts)},
                                                  }}});
  }
};

}  // namespace

void add_contacts_routes(Router& router, ServerContext& ctx) {
  auto routes = std::make_shared<ContactsRoutes>(ContactsRoutes{ctx});
  const std::string tag = "contacts";
  const std::string masking =
      " Personal data (names, handles, user ids, e-mail addresses, URLs, hashed values) is "
      "masked unless the API key has the pii scope: pii_masked says which.";
  router.add({.method = "GET",
              .pattern = "/api/contacts",
              .summary = "Contacts, by id, with search",
              .description = "{\"contacts\": [{id, display_name, user_id, status, platforms, "
                             "created_at, updated_at, erased_at}], total, limit, offset, "
                             "pii_masked}. status: active | frozen | erased." +
                             masking,
              .query = {{.name = "search",
                         .description = "case-insensitive substring of the display name or a "
                                        "platform user id"},
                        {.name = "platform", .description = "only contacts with an identity here"},
                        {.name = "include_erased",
                         .type = "boolean",
                         .description = "also erased contacts (default false)"},
                        {.name = "limit",
                         .type = "integer",
                         .description = "default 50",
                         .minimum = 1,
                         .maximum = 500},
                        {.name = "offset", .type = "integer", .minimum = 0}},
              .tag = tag,
              .handler = [routes](const Request& r) { return routes->list(r); }});
  router.add({.method = "GET",
              .pattern = "/api/contacts.csv",
              .summary = "Every contact that is not erased, as CSV",
              .description = "text/csv, one row per contact and identity (columns: "
                             "contacts/csv_export.hpp), RFC 4180 quoting, sent as an "
                             "attachment." +
                             masking,
              .tag = tag,
              .handler = [routes](const Request& r) { return routes->csv(r); }});
  router.add({.method = "GET",
              .pattern = "/api/contacts/{id}",
              .summary = "One contact with its identities and attributes",
              .description = "{\"contact\": {id, display_name, user_id, status, platforms, "
                             "created_at, updated_at, erased_at, identities: [{id, platform, "
                             "platform_user_id, connection, grant_id, status, fetched_at, sync: "
                             "{status, last_synced_at, next_due_at, error} or null, attributes: "
                             "[{name, value, masked, source_platform, connection, fetched_at}]}]}, "
                             "pii_masked}." +
                             masking,
              .tag = tag,
              .handler = [routes](const Request& r) { return routes->get(r); }});
  router.add({.method = "GET",
              .pattern = "/api/contacts/{id}/history",
              .summary = "A contact's profile versions, newest first",
              .description = "{\"contact_id\", \"versions\": [{id, identity_id, platform, "
                             "connection, version, attributes: {name: value}, changed: [names], "
                             "fetched_at}], pii_masked}: a version per change of an identity's "
                             "kept attributes." +
                             masking,
              .tag = tag,
              .handler = [routes](const Request& r) { return routes->history(r); }});
  router.add({.method = "GET",
              .pattern = "/api/contacts/{id}/consent",
              .summary = "The consent record of a contact's grants, oldest first",
              .description = "{\"contact_id\", \"consent\": [{id, grant_id, connection, event "
                             "(granted | changed | revoked), scopes, previous_scopes, source, "
                             "detail, at}]}",
              .tag = tag,
              .handler = [routes](const Request& r) { return routes->consent(r); }});
  router.add({.method = "DELETE",
              .pattern = "/api/contacts/{id}",
              .summary = "Erase a contact's personal data",
              .description = "Needs an API key with the pii scope (403 scope_required "
                             "otherwise). Removes the person's PII from the contact, its "
                             "identities, attributes, versions, message sender names and the raw "
                             "webhook bodies, and records who erased it (actor api:<key id>) in "
                             "an audit record without PII: {\"erasure\": {contact_id, audit_id, "
                             "already_erased, platforms, counts: {table: rows}}}.",
              .query = {{.name = "reason",
                         .description = "why, for the audit record; must hold no personal data"}},
              .tag = tag,
              .handler = [routes](const Request& r) { return routes->erase(r); }});
}

}  // namespace connhost::server
