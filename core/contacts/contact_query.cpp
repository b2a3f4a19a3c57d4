#include "contacts/contact_query.hpp"

#include <soci/soci.h>

#include <boost/json.hpp>

#include <algorithm>
#include <map>

#include "store/dynamic_query.hpp"
#include "store/timestamp.hpp"

namespace connhost::contacts {
namespace {

namespace json = boost::json;

std::optional<int64_t> nullable_int_at(const soci::row& r, size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  return store::int_at(r, i);
}

std::string contact_columns(soci::session& sql) {
  return "c.id, c.display_name, c.user_id, c.status, " +
         store::timestamp_column(sql, "c.created_at") + ", " +
         store::timestamp_column(sql, "c.updated_at") + ", " +
         store::timestamp_column(sql, "c.erased_at");
}

ContactView contact_at(const soci::row& r) {
  return {.id = store::int_at(r, 0),
          .display_name = store::nullable_text_at(r, 1),
          .user_id = nullable_int_at(r, 2),
          .status = store::text_at(r, 3),
          .created_at = store::text_at(r, 4),
          .updated_at = store::text_at(r, 5),
          .erased_at = store::nullable_text_at(r, 6)};
}

void where(store::DynamicQuery& q, const ContactFilter& f) {
  q.sql(" FROM contacts c WHERE 1 = 1");
  if (!f.include_erased) q.sql(" AND c.status <> 'erased'");
  if (f.platform)
    q.sql(
         " AND EXISTS (SELECT 1 FROM contact_identities fp WHERE fp.contact_id = c.id AND "
         "fp.platform = ")
        .bind(*f.platform)
        .sql(")");
  if (!f.search.empty()) {
    auto p = store::like_pattern(f.search);
    q.sql(" AND (LOWER(COALESCE(c.display_name, '')) LIKE ")
        .bind(p)
        .sql(
            " ESCAPE '\\' OR EXISTS (SELECT 1 FROM contact_identities fs WHERE fs.contact_id = "
            "c.id AND LOWER(fs.platform_user_id) LIKE ")
        .bind(p)
        .sql(" ESCAPE '\\'))");
  }
}

std::vector<std::string> id_texts(const std::vector<int64_t>& ids) {
  std::vector<std::string> out;
  for (auto id : ids) out.push_back(std::to_string(id));
  return out;
}

}  // namespace

ContactPage list_contacts(soci::session& sql, const ContactFilter& filter) {
  ContactPage page;
  store::DynamicQuery count;
  count.sql("SELECT COUNT(*)");
  where(count, filter);
  page.total = count.scalar_int(sql);

  store::DynamicQuery q;
  q.sql("SELECT " + contact_columns(sql));
  where(q, filter);
  q.sql(" ORDER BY c.id LIMIT " + std::to_string(std::max<int64_t>(filter.limit, 0)) + " OFFSET " +
        std::to_string(std::max<int64_t>(filter.offset, 0)));
  q.each(sql, [&](const soci::row& r) { page.contacts.push_back(contact_at(r)); });
  if (page.contacts.empty()) return page;

  std::map<int64_t, ContactView*> by_id;
  std::vector<int64_t> ids;
  for (auto& c : page.contacts) {
    by_id[c.id] = &c;
    ids.push_back(c.id);
  }
  store::DynamicQuery pq;
  pq.sql("SELECT DISTINCT contact_id, platform FROM contact_identities WHERE contact_id IN ")
      .bind_list(id_texts(ids))
      .sql(" ORDER BY contact_id, platform");
  pq.each(sql, [&](const soci::row& r) {
    if (auto it = by_id.find(store::int_at(r, 0)); it != by_id.end())
      it->second->platforms.push_back(store::text_at(r, 1));
  });
  return page;
}

std::optional<ContactView> get_contact(soci::session& sql, int64_t id) {
  std::optional<ContactView> out;
  store::DynamicQuery q;
  q.sql("SELECT " + contact_columns(sql) + " FROM contacts c WHERE c.id = ")
      .bind(std::to_string(id));
  q.each(sql, [&](const soci::row& r) { out = contact_at(r); });
  if (!out) return out;

  store::DynamicQuery iq;
  iq.sql("SELECT i.id, i.platform, i.platform_user_id, i.connection, i.grant_id, i.status, " +
         store::timestamp_column(sql, "i.fetched_at") + ", s.status, " +
         store::timestamp_column(sql, "s.last_synced_at") + ", " +
         store::timestamp_column(sql, "s.next_due_at") +
         ", s.error FROM contact_identities i LEFT JOIN profile_syncs s ON s.grant_id = "
         "i.grant_id WHERE i.contact_id = ")
      .bind(std::to_string(id))
      .sql(" ORDER BY i.id");
  iq.each(sql, [&](const soci::row& r) {
    IdentityView v{.id = store::int_at(r, 0),
                   .platform = store::text_at(r, 1),
                   .platform_user_id = store::text_at(r, 2),
                   .connection = store::nullable_text_at(r, 3),
                   .grant_id = nullable_int_at(r, 4),
                   .status = store::text_at(r, 5),
                   .fetched_at = store::nullable_text_at(r, 6)};
    if (auto status = store::nullable_text_at(r, 7))
      v.sync = IdentityView::Sync{.status = *status,
                                  .last_synced_at = store::nullable_text_at(r, 8),
                                  .next_due_at = store::nullable_text_at(r, 9),
                                  .error = store::nullable_text_at(r, 10)};
    out->identities.push_back(std::move(v));
  });
  if (out->identities.empty()) return out;

  std::map<int64_t, IdentityView*> by_id;
  std::vector<int64_t> ids;
  for (auto& i : out->identities) {
    by_id[i.id] = &i;
    ids.push_back(i.id);
    if (std::find(out->platforms.begin(), out->platforms.end(), i.platform) == out->platforms.end())
      out->platforms.push_back(i.platform);
  }
  std::sort(out->platforms.begin(), out->platforms.end());
  store::DynamicQuery aq;
  aq.sql("SELECT identity_id, name, value, " + store::timestamp_column(sql, "fetched_at") +
         " FROM contact_attributes WHERE identity_id IN ")
      .bind_list(id_texts(ids))
      .sql(" ORDER BY identity_id, name");
  aq.each(sql, [&](const soci::row& r) {
    if (auto it = by_id.find(store::int_at(r, 0)); it != by_id.end())
      it->second->attributes.push_back(
          {store::text_at(r, 1), store::text_at(r, 2), store::text_at(r, 3)});
  });
  return out;
}

std::vector<VersionView> contact_history(soci::session& sql, int64_t contact_id) {
  std::vector<VersionView> out;
  store::DynamicQuery q;
  q.sql(
       "SELECT v.id, v.identity_id, i.platform, v.connection, v.version, v.attributes_json, "
       "v.changed_json, " +
       store::timestamp_column(sql, "v.fetched_at") +
       " FROM contact_versions v JOIN contact_identities i ON i.id = v.identity_id WHERE "
       "v.contact_id = ")
      .bind(std::to_string(contact_id))
      .sql(" ORDER BY v.fetched_at DESC, v.id DESC");
  q.each(sql, [&](const soci::row& r) {
    VersionView v{.id = store::int_at(r, 0),
                  .identity_id = store::int_at(r, 1),
                  .platform = store::text_at(r, 2),
                  .connection = store::text_at(r, 3),
                  .version = store::int_at(r, 4),
                  .fetched_at = store::text_at(r, 7)};
    // The write side stores text values; anything else is shown as its JSON rather than lost.
    boost::system::error_code ec;
    auto attrs = json::parse(store::text_at(r, 5), ec);
    if (!ec && attrs.is_object())
      for (const auto& [k, val] : attrs.as_object())
        v.attributes[std::string(k)] =
            val.is_string() ? std::string(val.as_string()) : json::serialize(val);
    auto changed = json::parse(store::text_at(r, 6), ec);
    if (!ec && changed.is_array())
      for (const auto& c : changed.as_array())
        if (c.is_string()) v.changed.emplace_back(c.as_string());
    out.push_back(std::move(v));
  });
  return out;
}

std::vector<ConsentView> contact_consent(soci::session& sql, int64_t contact_id) {
  std::vector<ConsentView> out;
  auto id = std::to_string(contact_id);
  store::DynamicQuery q;
  q.sql(
       "SELECT l.id, l.grant_id, l.connection, l.event, l.scopes, l.previous_scopes, l.source, "
       "l.detail, " +
       store::timestamp_column(sql, "l.at") +
       " FROM consent_log l WHERE l.grant_id IN (SELECT i.grant_id FROM contact_identities i "
       "WHERE i.grant_id IS NOT NULL AND i.contact_id = ")
      .bind(id)
      .sql(
          ") OR l.grant_id IN (SELECT g.id FROM grants g JOIN contacts c ON c.user_id = "
          "g.user_id WHERE c.id = ")
      .bind(id)
      .sql(") ORDER BY l.at, l.id");
  q.each(sql, [&](const soci::row& r) {
    out.push_back({.id = store::int_at(r, 0),
                   .grant_id = store::int_at(r, 1),
                   .connection = store::text_at(r, 2),
                   .event = store::text_at(r, 3),
                   .scopes = store::text_at(r, 4),
                   .previous_scopes = store::nullable_text_at(r, 5),
                   .source = store::text_at(r, 6),
                   .detail = store::nullable_text_at(r, 7),
                   .at = store::text_at(r, 8)});
  });
  return out;
}

}  // namespace connhost::contacts
