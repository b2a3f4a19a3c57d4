#include "contacts/contact_store.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "contacts/normalize.hpp"
#include "store/timestamp.hpp"

namespace connhost::contacts {
namespace {

using soci::into;
using soci::use;

struct Identity {
  long long id = 0;
  long long contact_id = 0;
  std::string status;
  std::string contact_status;
};

std::optional<Identity> find_identity(soci::session& sql, const std::string& platform,
                                      const std::string& user_id) {
  Identity i;
  sql << "SELECT i.id, i.contact_id, i.status, c.status FROM contact_identities i "
         "JOIN contacts c ON c.id = i.contact_id WHERE i.platform = :p AND i.platform_user_id = :u",
      use(platform), use(user_id), into(i.id), into(i.contact_id), into(i.status),
      into(i.contact_status);
  if (!sql.got_data()) return std::nullopt;
  return i;
}

// The contact that gathers a local user's identities: theirs if they have one (not erased).
std::optional<long long> contact_of_user(soci::session& sql, int64_t user) {
  long long u = user, id = 0;
  sql << "SELECT id FROM contacts WHERE user_id = :u AND status <> 'erased' ORDER BY id LIMIT 1",
      use(u), into(id);
  if (!sql.got_data()) return std::nullopt;
  return id;
}

std::string json_object(const Attributes& a) {
  boost::json::object o;
  for (const auto& [k, v] : a) o[k] = v;
  return boost::json::serialize(o);
}

std::string json_array(const std::vector<std::string>& names) {
  boost::json::array arr;
  for (const auto& n : names) arr.emplace_back(n);
  return boost::json::serialize(arr);
}

}  // namespace

WriteOutcome write_profile(soci::session& sql, const ProfileWrite& w) {
  WriteOutcome out;
  const std::string now = store::now_timestamp();
  const std::string& fetched = w.fetched_at.empty() ? now : w.fetched_at;
  std::string platform = w.platform, user_id = w.platform_user_id, connection = w.connection;
  long long grant = w.grant_id;
  soci::indicator grant_ind = w.grant_id > 0 ? soci::i_ok : soci::i_null;
  std::string name;
  soci::indicator name_ind = soci::i_null;
  if (auto it = w.attributes.find("display_name"); it != w.attributes.end())
    name = it->second, name_ind = soci::i_ok;

  auto identity = find_identity(sql, platform, user_id);
  if (identity && (identity->status == "frozen" || identity->contact_status == "erased")) {
    // Revoked consent froze it (or the person was erased): nothing more is learnt about them.
    out.contact_id = identity->contact_id;
    out.identity_id = identity->id;
    out.frozen = true;
    return out;
  }
  long long contact = 0, identity_id = 0;
  if (identity) {
    contact = identity->contact_id;
    identity_id = identity->id;
    if (w.user_id) {
      // An identity first seen without a local user (a message sender) now has one.
      long long u = *w.user_id;
      sql << "UPDATE contacts SET user_id = :u WHERE id = :c AND user_id IS NULL", use(u),
          use(contact);
    }
  } else {
    std::optional<long long> existing;
    if (w.user_id) existing = contact_of_user(sql, *w.user_id);
    if (existing) {
      contact = *existing;
    } else {
      long long u = w.user_id.value_or(0);
      soci::indicator u_ind = w.user_id ? soci::i_ok : soci::i_null;
      sql << "INSERT INTO contacts (display_name, user_id, status, created_at, updated_at) "
             "VALUES (:n, :u, 'active', :c, :t) RETURNING id",
          use(name, name_ind), use(u, u_ind), use(now), use(now), into(contact);
      out.created = true;
    }
    sql << "INSERT INTO contact_identities (contact_id, platform, platform_user_id, display_name, "
           "created_at, connection, grant_id, status, fetched_at) VALUES (:c, :p, :u, :n, :t, "
           ":conn, :g, 'active', :f) RETURNING id",
        use(contact), use(platform), use(user_id), use(name, name_ind), use(now), use(connection),
        use(grant, grant_ind), use(fetched), into(identity_id);
  }
  out.contact_id = contact;
  out.identity_id = identity_id;

  // What the identity had, to compare with.
  Attributes before;
  {
    std::string n, v;
    soci::statement st = (sql.prepare << "SELECT name, value FROM contact_attributes WHERE "
                                         "identity_id = :i",
                          use(identity_id), into(n), into(v));
    st.execute();
    while (st.fetch()) before.emplace(n, v);
  }
  std::vector<std::string> changed;
  for (const auto& [n, v] : w.attributes) {
    auto it = before.find(n);
    std::string attr = n, value = v;
    if (it == before.end()) {
      changed.push_back(n);
      sql << "INSERT INTO contact_attributes (identity_id, name, value, fetched_at) VALUES (:i, "
             ":n, :v, :f)",
          use(identity_id), use(attr), use(value), use(fetched);
      continue;
    }
    if (comparison_form(n, it->second) != comparison_form(n, v)) changed.push_back(n);
    // Also when it compares equal: a re-signed picture URL replaces the expired one.
    sql << "UPDATE contact_attributes SET value = :v, fetched_at = :f WHERE identity_id = :i AND "
           "name = :n",
        use(value), use(fetched), use(identity_id), use(attr);
  }
  for (const auto& [n, v] : before) {
    if (w.attributes.count(n)) continue;
    changed.push_back(n);
    std::string attr = n;
    sql << "DELETE FROM contact_attributes WHERE identity_id = :i AND name = :n", use(identity_id),
        use(attr);
  }
  std::sort(changed.begin(), changed.end());

  long long last = 0;
  soci::indicator last_ind = soci::i_null;
  sql << "SELECT MAX(version) FROM contact_versions WHERE identity_id = :i", use(identity_id),
      into(last, last_ind);
  const bool first = last_ind != soci::i_ok;
  if (first) last = 0;
  if (!changed.empty() || first) {
    long long version = last + 1;
    std::string attrs = json_object(w.attributes), names = json_array(changed);
    sql << "INSERT INTO contact_versions (contact_id, identity_id, version, attributes_json, "
           "changed_json, connection, fetched_at) VALUES (:c, :i, :v, :a, :n, :conn, :f)",
        use(contact), use(identity_id), use(version), use(attrs), use(names), use(connection),
        use(fetched);
    out.new_version = true;
    out.version = version;
    out.changed = changed;
  } else {
    out.version = last;
  }

  sql << "UPDATE contact_identities SET display_name = :n, connection = :conn, grant_id = :g, "
         "fetched_at = :f WHERE id = :i",
      use(name, name_ind), use(connection), use(grant, grant_ind), use(fetched), use(identity_id);

  // The contact's name is its most recently fetched identity's that has one; identities never
  // fetched (message senders) come last.
  std::string shown;
  soci::indicator shown_ind = soci::i_null;
  sql << "SELECT display_name FROM contact_identities WHERE contact_id = :c AND display_name IS "
         "NOT NULL ORDER BY CASE WHEN fetched_at IS NULL THEN 1 ELSE 0 END, fetched_at DESC, "
         "id DESC LIMIT 1",
      use(contact), into(shown, shown_ind);
  if (!sql.got_data()) shown_ind = soci::i_null;
  if (out.new_version) {
    sql << "UPDATE contacts SET display_name = :n, updated_at = :t WHERE id = :c",
        use(shown, shown_ind), use(now), use(contact);
  } else {
    sql << "UPDATE contacts SET display_name = :n WHERE id = :c", use(shown, shown_ind),
        use(contact);
  }
  return out;
}

}  // namespace connhost::contacts
