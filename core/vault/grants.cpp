#include "vault/grants.hpp"

#include <soci/soci.h>

#include "log/secret_mask.hpp"
#include "store/dynamic_query.hpp"
#include "store/timestamp.hpp"
#include "vault/consent_log.hpp"

namespace connhost::vault {
namespace {

constexpr std::string_view kAccess = "access_token", kRefresh = "refresh_token";

// Where a sealed token lives: the associated data that ties it to its row and field.
std::string place(int64_t id, std::string_view field) {
  return "grant:" + std::to_string(id) + ":" + std::string(field);
}

std::string ts(soci::session& sql, std::string_view column) {
  return store::timestamp_column(sql, column);
}

std::string info_columns(soci::session& sql) {
  return "id, user_id, connection, platform_user_id, scopes, key_id, " + ts(sql, "expires_at") +
         ", " + ts(sql, "refresh_expires_at") +
         ", status, CASE WHEN access_token_enc IS NULL THEN 0 ELSE 1 END, "
         "CASE WHEN refresh_token_enc IS NULL THEN 0 ELSE 1 END, " +
         ts(sql, "created_at") + ", " + ts(sql, "updated_at");
}
constexpr size_t kInfoColumns = 13;

GrantInfo info_at(const soci::row& r) {
  GrantInfo g;
  g.id = store::int_at(r, 0);
  g.user_id = store::int_at(r, 1);
  g.connection = store::text_at(r, 2);
  g.platform_user_id = store::text_at(r, 3);
  g.scopes = store::text_at(r, 4);
  g.key_id = store::text_at(r, 5);
  g.expires_at = store::nullable_text_at(r, 6);
  g.refresh_expires_at = store::nullable_text_at(r, 7);
  auto status = store::text_at(r, 8);
  if (auto s = parse_grant_status(status))
    g.status = *s;
  else
    throw VaultError("grant " + std::to_string(g.id) + " has an unknown status \"" + status + "\"");
  g.has_access_token = store::int_at(r, 9) != 0;
  g.has_refresh_token = store::int_at(r, 10) != 0;
  g.created_at = store::text_at(r, 11);
  g.updated_at = store::text_at(r, 12);
  return g;
}

std::optional<SecretText> open_token(const Keyring& keyring,
                                     const std::optional<std::string>& sealed, int64_t id,
                                     std::string_view field) {
  if (!sealed) return std::nullopt;
  try {
    SecretText t = keyring.decrypt(*sealed, place(id, field));
    log::register_secret(t.reveal());
    return t;
  } catch (const VaultUnavailable&) {
    throw;
  } catch (const VaultError& e) {
    throw VaultError("grant " + std::to_string(id) + " " + std::string(field) + ": " + e.what());
  }
}

// An integer column of the grant of (connection, platform_user_id).
std::optional<int64_t> grant_column(soci::session& sql, std::string_view column,
                                    std::string_view connection,
                                    std::string_view platform_user_id) {
  store::DynamicQuery q;
  q.sql("SELECT " + std::string(column) + " FROM grants WHERE connection = ")
      .bind(std::string(connection))
      .sql(" AND platform_user_id = ")
      .bind(std::string(platform_user_id));
  std::optional<int64_t> out;
  q.each(sql, [&](const soci::row& r) { out = store::int_at(r, 0); });
  return out;
}

}  // namespace

std::string_view to_string(GrantStatus status) {
  switch (status) {
    case GrantStatus::active:
      return "active";
    case GrantStatus::reauth_required:
      return "reauth_required";
    case GrantStatus::revoked:
      return "revoked";
  }
  return "active";
}

std::optional<GrantStatus> parse_grant_status(std::string_view text) {
  for (auto s : {GrantStatus::active, GrantStatus::reauth_required, GrantStatus::revoked})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

User create_user(soci::session& sql) {
  User u;
  u.created_at = store::now_timestamp();
  long long id = 0;
  sql << "INSERT INTO users (created_at) VALUES (:c) RETURNING id", soci::use(u.created_at),
      soci::into(id);
  u.id = id;
  return u;
}

std::optional<User> find_user(soci::session& sql, int64_t id) {
  store::DynamicQuery q;
  q.sql("SELECT id, " + ts(sql, "created_at") + " FROM users WHERE id = ").bind(std::to_string(id));
  std::optional<User> out;
  q.each(sql, [&](const soci::row& r) { out = User{store::int_at(r, 0), store::text_at(r, 1)}; });
  return out;
}

std::optional<int64_t> find_grant_id(soci::session& sql, std::string_view connection,
                                     std::string_view platform_user_id) {
  return grant_column(sql, "id", connection, platform_user_id);
}

std::optional<int64_t> find_grant_user(soci::session& sql, std::string_view connection,
                                       std::string_view platform_user_id) {
  return grant_column(sql, "user_id", connection, platform_user_id);
}

int64_t upsert_grant(soci::session& sql, const Keyring& keyring, const GrantInput& g) {
  // Before any write: without a key nothing may be stored, not even a row without tokens.
  if (!keyring.available()) throw VaultUnavailable(std::string(kNoVaultMessage));
  std::string now = store::now_timestamp(), key_id = keyring.active_id(), scopes = g.scopes;
  std::string connection = g.connection, platform_user = g.platform_user_id;
  long long user = g.user_id;

  soci::transaction tx(sql);
  struct Stored {
    long long id;
    std::string status, scopes;
  };
  std::optional<Stored> existing;
  {
    store::DynamicQuery q;
    q.sql("SELECT id, status, scopes FROM grants WHERE connection = ")
        .bind(connection)
        .sql(" AND platform_user_id = ")
        .bind(platform_user);
    q.each(sql, [&](const soci::row& r) {
      existing = Stored{store::int_at(r, 0), store::text_at(r, 1), store::text_at(r, 2)};
    });
  }
  long long id = existing ? existing->id : 0;
  if (!existing) {
    // The row first, without tokens: the id is part of what each token is sealed for.
    sql << "INSERT INTO grants (user_id, connection, platform_user_id, scopes, key_id, status, "
           "created_at, updated_at) VALUES (:u, :c, :p, :s, :k, 'active', :t, :t2) RETURNING id",
        soci::use(user), soci::use(connection), soci::use(platform_user), soci::use(scopes),
        soci::use(key_id), soci::use(now), soci::use(now), soci::into(id);
  }
  std::string access = keyring.encrypt(g.access_token.reveal(), place(id, kAccess));
  std::string refresh =
      g.refresh_token ? keyring.encrypt(g.refresh_token->reveal(), place(id, kRefresh)) : "";
  soci::indicator refresh_ind = g.refresh_token ? soci::i_ok : soci::i_null;
  std::string expires = g.expires_at.value_or(""),
              refresh_expires = g.refresh_expires_at.value_or("");
  soci::indicator expires_ind = g.expires_at ? soci::i_ok : soci::i_null,
                  refresh_expires_ind = g.refresh_expires_at ? soci::i_ok : soci::i_null;
  sql << "UPDATE grants SET user_id = :u, scopes = :s, access_token_enc = :a, "
         "refresh_token_enc = :r, key_id = :k, expires_at = :e, refresh_expires_at = :re, "
         "status = 'active', updated_at = :t WHERE id = :id",
      soci::use(user), soci::use(scopes), soci::use(access), soci::use(refresh, refresh_ind),
      soci::use(key_id), soci::use(expires, expires_ind),
      soci::use(refresh_expires, refresh_expires_ind), soci::use(now), soci::use(id);

  ConsentRecord consent{
      .grant_id = id, .connection = connection, .scopes = scopes, .source = g.consent_source};
  if (!existing || existing->status != to_string(GrantStatus::active)) {
    consent.event = ConsentEvent::granted;
    record_consent(sql, consent);
  } else if (!same_scopes(existing->scopes, scopes)) {
    consent.event = ConsentEvent::changed;
    consent.previous_scopes = existing->scopes;
    record_consent(sql, consent);
  }
  // A sign-in again with the same scopes on an active grant logs nothing. The log answers an
  // auditor's question "which scopes did this person consent to, from when to when": the
  // 'granted' entry opened that period and nothing in it changed. The sign-in is not a fresh act
  // of consent either: Google and TikTok skip the consent screen for an app already authorized,
  // so an entry would claim a consent the person was never asked for (and every sign-in would
  // bury the real changes). Sign-ins have their own record: the grant's updated_at.
  tx.commit();
  return id;
}

std::optional<Grant> load_grant(soci::session& sql, const Keyring& keyring, int64_t id) {
  store::DynamicQuery q;
  q.sql("SELECT " + info_columns(sql) + ", access_token_enc, refresh_token_enc FROM grants " +
        "WHERE id = ")
      .bind(std::to_string(id));
  std::optional<GrantInfo> info;
  std::optional<std::string> access, refresh;
  q.each(sql, [&](const soci::row& r) {
    info = info_at(r);
    access = store::nullable_text_at(r, kInfoColumns);
    refresh = store::nullable_text_at(r, kInfoColumns + 1);
  });
  if (!info) return std::nullopt;
  Grant out;
  out.access_token = open_token(keyring, access, id, kAccess);
  out.refresh_token = open_token(keyring, refresh, id, kRefresh);
  out.info = std::move(*info);
  return out;
}

std::vector<GrantInfo> list_grants(soci::session& sql, const GrantFilter& filter) {
  store::DynamicQuery q;
  q.sql("SELECT " + info_columns(sql) + " FROM grants WHERE 1 = 1");
  if (filter.user_id) q.sql(" AND user_id = ").bind(std::to_string(*filter.user_id));
  if (filter.connection) q.sql(" AND connection = ").bind(*filter.connection);
  if (filter.status) q.sql(" AND status = ").bind(std::string(to_string(*filter.status)));
  q.sql(" ORDER BY id");
  std::vector<GrantInfo> out;
  q.each(sql, [&](const soci::row& r) { out.push_back(info_at(r)); });
  return out;
}

bool set_grant_status(soci::session& sql, int64_t id, GrantStatus status) {
  std::string s(to_string(status)), now = store::now_timestamp();
  long long key = id;
  soci::statement st = (sql.prepare << "UPDATE grants SET status = :s, updated_at = :t "
                                       "WHERE id = :id",
                        soci::use(s), soci::use(now), soci::use(key));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

bool revoke_grant(soci::session& sql, int64_t id, std::string_view source,
                  std::optional<std::string> detail) {
  std::optional<ConsentRecord> consent;
  {
    store::DynamicQuery q;
    q.sql("SELECT connection, scopes, status FROM grants WHERE id = ").bind(std::to_string(id));
    q.each(sql, [&](const soci::row& r) {
      if (store::text_at(r, 2) == to_string(GrantStatus::revoked)) return;
      consent = ConsentRecord{.grant_id = id,
                              .connection = store::text_at(r, 0),
                              .event = ConsentEvent::revoked,
                              .scopes = store::text_at(r, 1),
                              .source = std::string(source),
                              .detail = detail};
    });
  }
  std::string now = store::now_timestamp();
  long long key = id;
  soci::statement st =
      (sql.prepare << "UPDATE grants SET access_token_enc = NULL, refresh_token_enc = NULL, "
                      "status = 'revoked', updated_at = :t WHERE id = :id",
       soci::use(now), soci::use(key));
  st.execute(true);
  bool found = st.get_affected_rows() > 0;
  // Revoking a revoked grant again (a second webhook, a retried API call) is no new event.
  if (found && consent) record_consent(sql, *consent);
  return found;
}

bool try_refresh_lease(soci::session& sql, int64_t id, std::string_view owner,
                       std::chrono::seconds ttl) {
  auto now = std::chrono::system_clock::now();
  std::string now_text = store::timestamp_at(now), until = store::timestamp_at(now + ttl),
              who(owner);
  long long key = id;
  soci::statement st =
      (sql.prepare << "UPDATE grants SET refresh_owner = :o, refresh_lease_until = :u "
                      "WHERE id = :id AND (refresh_lease_until IS NULL OR "
                      "refresh_lease_until < :now)",
       soci::use(who), soci::use(until), soci::use(key), soci::use(now_text));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

void release_refresh_lease(soci::session& sql, int64_t id, std::string_view owner,
                           std::optional<std::chrono::seconds> backoff) {
  std::string who(owner);
  long long key = id;
  if (backoff) {
    std::string until = store::timestamp_at(std::chrono::system_clock::now() + *backoff),
                marker = "backoff";
    sql << "UPDATE grants SET refresh_owner = :m, refresh_lease_until = :u WHERE id = :id AND "
           "refresh_owner = :o",
        soci::use(marker), soci::use(until), soci::use(key), soci::use(who);
    return;
  }
  sql << "UPDATE grants SET refresh_owner = NULL, refresh_lease_until = NULL WHERE id = :id AND "
         "refresh_owner = :o",
      soci::use(key), soci::use(who);
}

std::optional<RefreshState> refresh_state(soci::session& sql, int64_t id) {
  store::DynamicQuery q;
  q.sql("SELECT refresh_owner, " + ts(sql, "refresh_lease_until") + ", " + ts(sql, "refreshed_at") +
        ", refresh_failures, last_refresh_error FROM grants WHERE id = ")
      .bind(std::to_string(id));
  std::optional<RefreshState> out;
  q.each(sql, [&](const soci::row& r) {
    out = RefreshState{store::nullable_text_at(r, 0), store::nullable_text_at(r, 1),
                       store::nullable_text_at(r, 2), store::int_at(r, 3),
                       store::nullable_text_at(r, 4)};
  });
  return out;
}

bool store_refreshed(soci::session& sql, const Keyring& keyring, int64_t id, std::string_view owner,
                     const RefreshedTokens& t) {
  if (!keyring.available()) throw VaultUnavailable(std::string(kNoVaultMessage));
  std::string now = store::now_timestamp(), key_id = keyring.active_id(), who(owner);
  long long key = id;
  soci::transaction tx(sql);
  // The stored refresh token is kept (and re-sealed, since the key may have changed) when the
  // platform sent none: Google's refresh answers never carry one.
  std::optional<std::string> stored_refresh;
  std::string stored_scopes, connection;
  store::DynamicQuery q;
  q.sql("SELECT refresh_token_enc, scopes, connection FROM grants WHERE id = ")
      .bind(std::to_string(id));
  q.each(sql, [&](const soci::row& r) {
    stored_refresh = store::nullable_text_at(r, 0);
    stored_scopes = store::text_at(r, 1);
    connection = store::text_at(r, 2);
  });
  std::optional<SecretText> refresh = t.refresh_token;
  if (!refresh) refresh = open_token(keyring, stored_refresh, id, kRefresh);

  std::string access = keyring.encrypt(t.access_token.reveal(), place(id, kAccess));
  std::string sealed_refresh =
      refresh ? keyring.encrypt(refresh->reveal(), place(id, kRefresh)) : "";
  soci::indicator refresh_ind = refresh ? soci::i_ok : soci::i_null;
  std::string expires = t.expires_at.value_or("");
  soci::indicator expires_ind = t.expires_at ? soci::i_ok : soci::i_null;
  std::string refresh_expires = t.refresh_expires_at.value_or(""), scopes = t.scopes.value_or("");
  soci::indicator refresh_expires_ind = t.refresh_expires_at ? soci::i_ok : soci::i_null,
                  scopes_ind = t.scopes ? soci::i_ok : soci::i_null;
  soci::statement st =
      (sql.prepare << "UPDATE grants SET access_token_enc = :a, refresh_token_enc = :r, "
                      "key_id = :k, expires_at = :e, refreshed_at = :t, updated_at = :t2, "
                      "refresh_failures = 0, last_refresh_error = NULL, "
                      "refresh_expires_at = COALESCE(:re, refresh_expires_at), "
                      "scopes = COALESCE(:s, scopes) "
                      "WHERE id = :id AND refresh_owner = :o AND status = 'active'",
       soci::use(access), soci::use(sealed_refresh, refresh_ind), soci::use(key_id),
       soci::use(expires, expires_ind), soci::use(now), soci::use(now),
       soci::use(refresh_expires, refresh_expires_ind), soci::use(scopes, scopes_ind),
       soci::use(key), soci::use(who));
  st.execute(true);
  bool written = st.get_affected_rows() > 0;
  if (written && t.scopes && !same_scopes(stored_scopes, *t.scopes))
    record_consent(sql, ConsentRecord{.grant_id = id,
                                      .connection = connection,
                                      .event = ConsentEvent::changed,
                                      .scopes = *t.scopes,
                                      .previous_scopes = stored_scopes,
                                      .source = "refresh"});
  tx.commit();
  return written;
}

void record_refresh_failure(soci::session& sql, int64_t id, std::string_view message, bool reauth) {
  std::string now = store::now_timestamp(), text = log::mask_secrets(message);
  long long key = id;
  if (reauth)
    sql << "UPDATE grants SET refresh_failures = refresh_failures + 1, last_refresh_error = :m, "
           "status = 'reauth_required', updated_at = :t WHERE id = :id AND status = 'active'",
        soci::use(text), soci::use(now), soci::use(key);
  else
    sql << "UPDATE grants SET refresh_failures = refresh_failures + 1, last_refresh_error = :m "
           "WHERE id = :id",
        soci::use(text), soci::use(key);
}

std::vector<GrantInfo> grants_expiring(soci::session& sql, std::string_view before) {
  store::DynamicQuery q;
  q.sql("SELECT " + info_columns(sql) +
        " FROM grants WHERE status = 'active' AND access_token_enc IS NOT NULL AND "
        "expires_at IS NOT NULL AND expires_at <= ")
      .bind(std::string(before))
      .sql(" ORDER BY expires_at, id");
  std::vector<GrantInfo> out;
  q.each(sql, [&](const soci::row& r) { out.push_back(info_at(r)); });
  return out;
}

RotateReport rotate(soci::session& sql, const Keyring& keyring, int batch) {
  if (!keyring.available()) throw VaultUnavailable(std::string(kNoVaultMessage));
  if (batch < 1) batch = 1;
  RotateReport report;
  int64_t after = 0;  // ids only grow: each grant is looked at once, even if it cannot be moved
  for (;;) {
    store::DynamicQuery q;
    q.sql("SELECT id, key_id, access_token_enc, refresh_token_enc FROM grants WHERE id > ")
        .bind(std::to_string(after))
        .sql(" AND key_id <> ")
        .bind(keyring.active_id())
        .sql(
            " AND (access_token_enc IS NOT NULL OR refresh_token_enc IS NOT NULL) ORDER BY id "
            "LIMIT " +
            std::to_string(batch));
    struct Row {
      long long id;
      std::string key_id;
      std::optional<std::string> access, refresh;
    };
    std::vector<Row> rows;
    q.each(sql, [&](const soci::row& r) {
      rows.push_back({store::int_at(r, 0), store::text_at(r, 1), store::nullable_text_at(r, 2),
                      store::nullable_text_at(r, 3)});
    });
    if (rows.empty()) break;
    after = rows.back().id;

    soci::transaction tx(sql);
    for (auto& row : rows) {
      auto reseal = [&](const std::optional<std::string>& sealed,
                        std::string_view field) -> std::optional<std::string> {
        auto plain = open_token(keyring, sealed, row.id, field);
        if (!plain) return std::nullopt;
        return keyring.encrypt(plain->reveal(), place(row.id, field));
      };
      auto access = reseal(row.access, kAccess), refresh = reseal(row.refresh, kRefresh);
      std::string new_access = access.value_or(""), new_refresh = refresh.value_or(""),
                  old_access = row.access.value_or(""), old_refresh = row.refresh.value_or(""),
                  active = keyring.active_id();
      soci::indicator access_ind = access ? soci::i_ok : soci::i_null,
                      refresh_ind = refresh ? soci::i_ok : soci::i_null;
      // Only if the row still holds what was read: a refresh that wrote new tokens meanwhile
      // wins, and its tokens are already under the active key.
      soci::statement st =
          (sql.prepare << "UPDATE grants SET access_token_enc = :a, refresh_token_enc = :r, "
                          "key_id = :k WHERE id = :id AND COALESCE(access_token_enc, '') = :oa "
                          "AND COALESCE(refresh_token_enc, '') = :or_",
           soci::use(new_access, access_ind), soci::use(new_refresh, refresh_ind),
           soci::use(active), soci::use(row.id), soci::use(old_access), soci::use(old_refresh));
      st.execute(true);
      if (st.get_affected_rows() > 0) ++report.rotated;
    }
    tx.commit();
  }
  store::DynamicQuery total;
  total.sql("SELECT COUNT(*) FROM grants");
  report.unchanged = total.scalar_int(sql) - report.rotated;
  return report;
}

VaultCounts count_grants(soci::session& sql) {
  VaultCounts c;
  store::DynamicQuery by_key;
  by_key.sql(
      "SELECT key_id, COUNT(*) FROM grants WHERE access_token_enc IS NOT NULL OR "
      "refresh_token_enc IS NOT NULL GROUP BY key_id ORDER BY key_id");
  by_key.each(sql,
              [&](const soci::row& r) { c.by_key_id[store::text_at(r, 0)] = store::int_at(r, 1); });
  store::DynamicQuery by_status;
  by_status.sql("SELECT status, COUNT(*) FROM grants GROUP BY status ORDER BY status");
  by_status.each(
      sql, [&](const soci::row& r) { c.by_status[store::text_at(r, 0)] = store::int_at(r, 1); });
  return c;
}

}  // namespace connhost::vault
