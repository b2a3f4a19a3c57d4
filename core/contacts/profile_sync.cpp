#include "contacts/profile_sync.hpp"

#include <fmt/format.h>

#include <soci/soci.h>

#include <algorithm>
#include <set>

#include "contacts/contact_store.hpp"
#include "contacts/field_policy.hpp"
#include "contacts/normalize.hpp"
#include "log/logger.hpp"
#include "log/secret_mask.hpp"
#include "login/refresher.hpp"
#include "store/dynamic_query.hpp"
#include "store/timestamp.hpp"
#include "vault/grants.hpp"

namespace connhost::contacts {
namespace {

using Clock = std::chrono::system_clock;
using soci::use;

// A token this close to its expiry is refreshed before the fetch rather than sent to fail.
constexpr std::chrono::seconds kRefreshAhead{120};
// A failed fetch is retried after 5 minutes, doubling per failure in a row, at most after the
// profile's own refresh interval: a platform outage should not be hammered, nor a profile
// forgotten.
constexpr std::chrono::minutes kFirstBackoff{5};

// Scopes as login stores them: the platform's notation, comma-separated (TikTok, Meta) or
// space-separated (Google).
std::set<std::string, std::less<>> split_scopes(std::string_view text) {
  std::set<std::string, std::less<>> out;
  std::string cur;
  for (char c : text) {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n') {
      if (!cur.empty()) out.insert(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.insert(cur);
  return out;
}

struct SyncRow {
  std::optional<std::string> grant_updated_at, next_due_at;
  int64_t failures = 0;
  std::string status;
};

std::map<int64_t, SyncRow> sync_rows(soci::session& sql, std::string_view connection) {
  store::DynamicQuery q;
  q.sql("SELECT grant_id, " + store::timestamp_column(sql, "grant_updated_at") + ", " +
        store::timestamp_column(sql, "next_due_at") +
        ", failures, status FROM profile_syncs WHERE connection = ")
      .bind(std::string(connection));
  std::map<int64_t, SyncRow> out;
  q.each(sql, [&](const soci::row& r) {
    out[store::int_at(r, 0)] = {store::nullable_text_at(r, 1), store::nullable_text_at(r, 2),
                                store::int_at(r, 3), store::text_at(r, 4)};
  });
  return out;
}

std::optional<SyncRow> sync_row(soci::session& sql, int64_t grant_id) {
  store::DynamicQuery q;
  q.sql("SELECT failures FROM profile_syncs WHERE grant_id = ").bind(std::to_string(grant_id));
  std::optional<SyncRow> out;
  q.each(sql, [&](const soci::row& r) { out = SyncRow{{}, {}, store::int_at(r, 0)}; });
  return out;
}

// What one attempt leaves in profile_syncs. Fields left empty keep what the row had.
struct SyncState {
  std::string status;
  std::optional<int64_t> identity_id;
  std::string grant_updated_at;
  std::string attempt_at;
  std::optional<std::string> synced_at;
  std::optional<std::string> next_due_at;
  int64_t failures = 0;
  std::optional<std::string> error;
};

void record(soci::session& sql, int64_t grant_id, const std::string& connection,
            const SyncState& s) {
  long long grant = grant_id, identity = s.identity_id.value_or(0), failures = s.failures;
  soci::indicator identity_ind = s.identity_id ? soci::i_ok : soci::i_null;
  std::string status = s.status, updated = s.grant_updated_at, attempt = s.attempt_at,
              conn = connection, synced = s.synced_at.value_or(""),
              due = s.next_due_at.value_or(""), error = s.error.value_or("");
  soci::indicator synced_ind = s.synced_at ? soci::i_ok : soci::i_null,
                  due_ind = s.next_due_at ? soci::i_ok : soci::i_null,
                  error_ind = s.error ? soci::i_ok : soci::i_null;
  sql << "INSERT INTO profile_syncs (grant_id, connection, identity_id, status, grant_updated_at, "
         "last_attempt_at, last_synced_at, next_due_at, failures, error) VALUES (:g, :c, :i, :s, "
         ":u, :a, :l, :n, :f, :e) ON CONFLICT (grant_id) DO UPDATE SET connection = "
         "excluded.connection, identity_id = COALESCE(excluded.identity_id, "
         "profile_syncs.identity_id), status = excluded.status, grant_updated_at = "
         "excluded.grant_updated_at, last_attempt_at = excluded.last_attempt_at, last_synced_at = "
         "COALESCE(excluded.last_synced_at, profile_syncs.last_synced_at), next_due_at = "
         "excluded.next_due_at, failures = excluded.failures, error = excluded.error",
      use(grant), use(conn), use(identity, identity_ind), use(status), use(updated), use(attempt),
      use(synced, synced_ind), use(due, due_ind), use(failures), use(error, error_ind);
}

std::string at(Clock::time_point t) {
  return store::timestamp_at(t);
}

struct Attempt {
  GrantSync result;
  SyncState state;
};

Attempt attempt(soci::session& sql, const SyncServices& services, int64_t grant_id,
                std::string& connection) {
  Attempt a;
  GrantSync& out = a.result;
  SyncState& st = a.state;
  out.grant_id = grant_id;
  const auto now = services.now();
  const auto& policy = services.config.contacts;
  const auto refresh_every = std::chrono::hours(std::max<int64_t>(1, policy.refresh_after_hours));
  st.attempt_at = at(now);

  auto fail = [&](std::string status, std::string message,
                  std::optional<plugin::PluginError> error = std::nullopt) {
    out.status = std::move(status);
    out.message = log::mask_secrets(message);
    out.error = std::move(error);
    if (out.error) out.error->message = log::mask_secrets(out.error->message);
    st.status = out.status;
    st.error = out.message;
    if (out.status == "failed") {
      auto row = sync_row(sql, grant_id);
      st.failures = (row ? row->failures : 0) + 1;
      auto backoff = std::chrono::duration_cast<Clock::duration>(
          kFirstBackoff * (int64_t{1} << std::min<int64_t>(st.failures - 1, 10)));
      st.next_due_at = at(now + std::min<Clock::duration>(backoff, refresh_every));
    } else {
      // needs_scope, unsupported, stopped: only a new sign-in (which changes the grant) or a new
      // plugin mends these; look again when the profile would be due anyway.
      st.next_due_at = at(now + refresh_every);
    }
    return a;
  };

  auto grant = vault::load_grant(sql, services.keyring, grant_id);
  if (!grant) {
    out.status = "failed";
    out.message = "no grant " + std::to_string(grant_id);
    return a;
  }
  connection = grant->info.connection;
  st.grant_updated_at = grant->info.updated_at;
  const std::string id = std::to_string(grant_id);
  if (grant->info.status == vault::GrantStatus::revoked)
    return fail("stopped", "grant " + id + " is revoked: its profile is no longer synced");
  if (grant->info.status == vault::GrantStatus::reauth_required)
    return fail("stopped", "grant " + id + " needs a new sign-in at /auth/" + connection +
                               " before its profile can be synced");

  pipeline::ConnectionSetup setup;
  try {
    setup =
        pipeline::setup_connection(services.config, services.plugins, connection, services.http);
  } catch (const std::invalid_argument& e) {
    return fail("failed",
                "connection '" + connection + "' cannot be set up: " + std::string(e.what()),
                plugin::PluginError{CH_ERROR_CONFIG, std::nullopt, e.what()});
  }
  const std::string platform(setup.plugin->platform());
  auto [instance, create_error] = plugin::Instance::create(setup.plugin, std::move(setup.settings));
  if (create_error) return fail("failed", create_error->to_string(), create_error);

  auto unsupported = [](const plugin::PluginError& e) {
    return e.category == CH_ERROR_NOT_IMPLEMENTED || e.category == CH_ERROR_CONFIG;
  };
  auto required = instance->profile_required_scopes();
  if (required.error) {
    if (unsupported(*required.error))
      return fail("unsupported",
                  "connection '" + connection + "' has no profile: " + required.error->message,
                  required.error);
    return fail("failed", required.error->to_string(), required.error);
  }
  auto granted = split_scopes(grant->info.scopes);
  std::vector<std::string> missing;
  for (const auto& s : required.scopes)
    if (!granted.count(s)) missing.push_back(s);
  if (!missing.empty())
    return fail("needs_scope", "grant " + id + " lacks the scope" +
                                   (missing.size() > 1 ? "s " : " ") +
                                   fmt::format("{}", fmt::join(missing, ", ")) +
                                   " that the profile of connection '" + connection +
                                   "' needs: sign in again at /auth/" + connection + " and allow " +
                                   (missing.size() > 1 ? "them" : "it"));

  if (services.refresher && grant->info.expires_at) {
    auto expires = store::parse_timestamp(*grant->info.expires_at);
    if (expires && *expires - now < kRefreshAhead) {
      auto r = services.refresher->refresh(sql, grant_id, kRefreshAhead);
      if (r.kind == login::RefreshOutcome::Kind::reauth_required) return fail("stopped", r.message);
      if (r.kind == login::RefreshOutcome::Kind::refreshed) {
        grant = vault::load_grant(sql, services.keyring, grant_id);
        if (!grant) return fail("failed", "grant " + id + " disappeared during its refresh");
        st.grant_updated_at = grant->info.updated_at;
      }
    }
  }
  if (!grant->access_token) return fail("stopped", "grant " + id + " holds no access token");

  plugin::ProfileRequest request;
  request.access_token = std::string(grant->access_token->reveal());
  request.platform_user_id = grant->info.platform_user_id;
  request.scopes.assign(granted.begin(), granted.end());
  auto fetched = instance->fetch_profile(request);
  instance.reset();
  if (fetched.error) {
    if (unsupported(*fetched.error))
      return fail("unsupported",
                  "connection '" + connection + "' has no profile: " + fetched.error->message,
                  fetched.error);
    return fail("failed", "fetching the profile failed: " + fetched.error->to_string(),
                fetched.error);
  }

  const std::string fetched_at = at(now);
  auto to_write = [&](const plugin::ProfileRecord& p, std::optional<int64_t> user) {
    ProfileWrite w;
    w.platform = platform;
    w.connection = connection;
    w.grant_id = grant_id;
    w.user_id = user;
    w.platform_user_id =
        p.platform_user_id.empty() ? grant->info.platform_user_id : p.platform_user_id;
    w.attributes = apply_policy(policy, normalize(p));
    w.fetched_at = fetched_at;
    return w;
  };
  soci::transaction tx(sql);
  auto person = write_profile(sql, to_write(fetched.profile, grant->info.user_id));
  bool changed = person.new_version;
  for (const auto& b : fetched.businesses)
    changed = write_profile(sql, to_write(b, std::nullopt)).new_version || changed;
  out.contact_id = person.contact_id;
  out.new_version = changed;
  st.identity_id = person.identity_id;
  if (person.frozen) {
    out.status = "stopped";
    out.message = "the identity of grant " + id + " is frozen: its profile is not updated";
    st.status = "stopped";
    st.error = out.message;
    st.next_due_at = at(now + refresh_every);
  } else {
    out.status = changed ? "ok" : "unchanged";
    out.message = changed ? "profile stored (new version)" : "profile unchanged";
    st.status = "ok";
    st.synced_at = fetched_at;
    st.next_due_at = at(now + refresh_every);
  }
  record(sql, grant_id, connection, st);
  tx.commit();
  st.status.clear();  // recorded with the profile
  return a;
}

void log_result(const GrantSync& r, std::string_view connection) {
  // The message is ours or the plugin's error text, never a profile value.
  if (r.status == "ok" || r.status == "unchanged")
    log::info("profile sync: grant {} ({}): {}", r.grant_id, connection, r.status);
  else
    log::info("profile sync: grant {} ({}): {}: {}", r.grant_id, connection, r.status, r.message);
}

}  // namespace

GrantSync sync_grant(soci::session& sql, const SyncServices& services, int64_t grant_id) {
  std::string connection;
  Attempt a;
  try {
    a = attempt(sql, services, grant_id, connection);
  } catch (const std::exception& e) {
    // A database or vault failure: the row is written below if the grant is known.
    a.result.grant_id = grant_id;
    a.result.status = "failed";
    a.result.message = log::mask_secrets(std::string("profile sync failed: ") + e.what());
    a.state = {};
    a.state.status = "failed";
    a.state.attempt_at = at(services.now());
    a.state.error = a.result.message;
    try {
      auto row = sync_row(sql, grant_id);
      a.state.failures = (row ? row->failures : 0) + 1;
      a.state.next_due_at = at(services.now() + kFirstBackoff);
      for (const auto& g : vault::list_grants(sql))
        if (g.id == grant_id) a.state.grant_updated_at = g.updated_at, connection = g.connection;
    } catch (const std::exception&) {
      a.state.status.clear();
    }
  }
  if (!a.state.status.empty() && !connection.empty()) {
    try {
      record(sql, grant_id, connection, a.state);
    } catch (const std::exception& e) {
      log::error("profile sync: recording grant {} failed: {}", grant_id,
                 log::mask_secrets(e.what()));
    }
  }
  log_result(a.result, connection);
  return a.result;
}

ConnectionSync sync_connection(soci::session& sql, const SyncServices& services,
                               std::string_view connection, bool force) {
  ConnectionSync out;
  const auto now = services.now();
  auto rows = sync_rows(sql, connection);
  vault::GrantFilter filter;
  filter.connection = std::string(connection);
  for (const auto& g : vault::list_grants(sql, filter)) {
    auto row = rows.find(g.id);
    bool due = false;
    const bool changed = row == rows.end() || row->second.grant_updated_at != g.updated_at;
    if (g.status == vault::GrantStatus::active && !changed && row->second.status == "stopped") {
      // Stopped by an erasure, a revocation or a frozen identity: only a new sign-in (fresh
      // consent, which changes the grant) resumes it; not the schedule, not even --force, which
      // would otherwise bring an erased person's profile back.
      due = false;
    } else if (g.status == vault::GrantStatus::active) {
      due = force || changed;
      if (!due && row->second.next_due_at) {
        auto next = store::parse_timestamp(*row->second.next_due_at);
        due = !next || *next <= now;
      }
      if (!due && !row->second.next_due_at) due = true;
    } else {
      // A grant revoked or waiting for a new sign-in since its last sync: sync_grant records
      // that its sync stopped, without asking the platform. Grants never synced are left alone.
      due = row != rows.end() && row->second.grant_updated_at != g.updated_at;
    }
    if (!due) {
      GrantSync skipped;
      skipped.grant_id = g.id;
      skipped.status = "not_due";
      log::debug("profile sync: grant {} ({}): not due", g.id, g.connection);
      out.skipped++;
      out.grants.push_back(std::move(skipped));
      continue;
    }
    auto r = sync_grant(sql, services, g.id);
    if (r.status == "ok")
      out.synced++;
    else if (r.status == "unchanged")
      out.unchanged++;
    else if (r.status == "stopped" || r.status == "not_due")
      out.skipped++;
    else
      out.failed++;
    out.grants.push_back(std::move(r));
  }
  return out;
}

}  // namespace connhost::contacts
