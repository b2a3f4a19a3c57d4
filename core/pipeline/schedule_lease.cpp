#include "pipeline/schedule_lease.hpp"

#include <soci/soci.h>
#include <charconv>
#include <cstdlib>
#include <stdexcept>

#include "config/secret.hpp"
#include "store/session.hpp"
#include "store/timestamp.hpp"

namespace connhost::pipeline {
namespace {

bool is_pg(store::Store& s) {
  return s.backend() == store::Backend::postgresql;
}

// The database's clock, as a value comparable with the slot's timestamps: PostgreSQL's
// clock_timestamp() (the statement's time, not the transaction's), SQLite's 'now' in the store's
// text format.
std::string now_sql(store::Store& s) {
  return is_pg(s) ? "clock_timestamp()" : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
}

// The database's clock plus `ttl`; the number is ours, not user text, so it goes in literally.
std::string lease_sql(store::Store& s, std::chrono::milliseconds ttl) {
  auto ms = std::to_string(ttl.count());
  if (is_pg(s)) return "clock_timestamp() + " + ms + " * INTERVAL '1 millisecond'";
  return "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+" + std::to_string(ttl.count() / 1000) + "." +
         std::to_string(1000 + ttl.count() % 1000).substr(1) + " seconds')";
}

// A bound timestamp in a SELECT list, where PostgreSQL cannot infer the parameter's type.
std::string ts_param(store::Store& s, const std::string& name) {
  return is_pg(s) ? "CAST(:" + name + " AS TIMESTAMPTZ)" : ":" + name;
}

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

}  // namespace

ScheduleLease::ScheduleLease(store::Store& store, std::string owner, std::chrono::milliseconds ttl)
    : store_(store), owner_(std::move(owner)), ttl_(ttl) {}

bool ScheduleLease::claim(const std::string& pipeline, SlotTime due_at) {
  // Exactly one host creates the row: the primary key (pipeline, due_at) admits one insert, and
  // ON CONFLICT DO NOTHING turns every other host's insert into "0 rows" instead of an error, on
  // both backends. The NOT EXISTS only keeps one pipeline's runs from overlapping across hosts
  // (two hosts with different keys could both pass it; that costs an overlap, never a slot run
  // twice).
  auto& sql = store_.session();
  std::string p = pipeline, p2 = pipeline, d = store::timestamp_at(due_at), o = owner_;
  std::string now = now_sql(store_);
  soci::statement st =
      (sql.prepare << "INSERT INTO schedule_slots (pipeline, due_at, state, owner, claimed_at, "
                      "lease_until, attempts) SELECT :p, " +
                          ts_param(store_, "d") + ", 'claimed', :o, " + now + ", " +
                          lease_sql(store_, ttl_) +
                          ", 1 WHERE NOT EXISTS (SELECT 1 FROM schedule_slots WHERE pipeline = "
                          ":p2 AND state = 'claimed' AND lease_until >= " +
                          now + ") ON CONFLICT (pipeline, due_at) DO NOTHING",
       soci::use(p), soci::use(d), soci::use(o), soci::use(p2));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

std::optional<Slot> ScheduleLease::take_over_expired(const std::vector<std::string>& pipelines) {
  if (pipelines.empty()) return std::nullopt;
  auto& sql = store_.session();
  std::string in;
  for (const auto& p : pipelines) in += (in.empty() ? "" : ", ") + quoted(p);
  std::string now = now_sql(store_);
  std::string select = "SELECT pipeline, " + store::timestamp_column(sql, "due_at") +
                       " FROM schedule_slots WHERE state = 'claimed' AND lease_until < " + now +
                       " AND pipeline IN (" + in + ") ORDER BY due_at LIMIT 8";
  // The takeover itself is the conditional UPDATE: it changes the row only while the lease is
  // still expired, so of two hosts racing for one slot the second finds the lease renewed by the
  // first and updates nothing (PostgreSQL re-checks the WHERE on the row's newest version after
  // waiting for the first writer, SQLite has one writer at a time). On PostgreSQL the candidates
  // are also locked with FOR UPDATE SKIP LOCKED: a row another host is taking over right now is
  // skipped rather than waited for, so hosts do not queue on each other
  // (https://www.postgresql.org/docs/15/sql-select.html#SQL-FOR-UPDATE-SHARE: "any rows that
  // cannot be immediately locked are skipped").
  std::string update =
      "UPDATE schedule_slots SET taken_over_from = owner, owner = :o, claimed_at = " + now +
      ", lease_until = " + lease_sql(store_, ttl_) +
      ", attempts = attempts + 1, run_id = NULL WHERE pipeline = :p AND due_at = "
      ":d AND state = 'claimed' AND lease_until < " +
      now;
  std::optional<soci::transaction> tx;
  if (is_pg(store_)) {
    tx.emplace(sql);
    select += " FOR UPDATE SKIP LOCKED";
  }
  std::vector<std::pair<std::string, std::string>> candidates;
  {
    std::string p, d;
    soci::statement st = (sql.prepare << select, soci::into(p), soci::into(d));
    st.execute();
    while (st.fetch()) candidates.emplace_back(p, d);
  }
  std::optional<Slot> out;
  for (auto& [p, d] : candidates) {
    std::string o = owner_, key = p, due = d;
    soci::statement st = (sql.prepare << update, soci::use(o), soci::use(key), soci::use(due));
    st.execute(true);
    if (st.get_affected_rows() != 1) continue;
    auto at = store::parse_timestamp(d);
    if (!at) throw std::runtime_error("schedule_slots: unreadable due_at '" + d + "'");
    Slot s{p, *at, 1, ""};
    long long attempts = 1;
    std::string from;
    soci::indicator from_ind = soci::i_null;
    sql << "SELECT attempts, taken_over_from FROM schedule_slots WHERE pipeline = :p AND due_at = "
           ":d",
        soci::use(key), soci::use(due), soci::into(attempts), soci::into(from, from_ind);
    s.attempts = static_cast<int>(attempts);
    if (from_ind == soci::i_ok) s.taken_over_from = from;
    out = std::move(s);
    break;
  }
  if (tx) tx->commit();
  return out;
}

bool ScheduleLease::renew(const Slot& slot) {
  auto& sql = store_.session();
  std::string p = slot.pipeline, d = store::timestamp_at(slot.due_at), o = owner_;
  soci::statement st =
      (sql.prepare << "UPDATE schedule_slots SET lease_until = " + lease_sql(store_, ttl_) +
                          " WHERE pipeline = :p AND due_at = :d AND owner = :o "
                          "AND state = 'claimed'",
       soci::use(p), soci::use(d), soci::use(o));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

void ScheduleLease::link_run(const Slot& slot, int64_t run_id) {
  auto& sql = store_.session();
  std::string p = slot.pipeline, d = store::timestamp_at(slot.due_at), d2 = d, o = owner_;
  long long id = run_id, id2 = run_id;
  sql << "UPDATE schedule_slots SET run_id = :r WHERE pipeline = :p AND due_at = :d AND owner = "
         ":o AND state = 'claimed'",
      soci::use(id), soci::use(p), soci::use(d), soci::use(o);
  sql << "UPDATE sync_runs SET slot_due_at = :d WHERE id = :id", soci::use(d2), soci::use(id2);
}

bool ScheduleLease::finish(const Slot& slot, std::optional<int64_t> run_id,
                           const std::string& note) {
  auto& sql = store_.session();
  std::string p = slot.pipeline, d = store::timestamp_at(slot.due_at), o = owner_, n = note;
  long long id = run_id.value_or(0);
  soci::indicator id_ind = run_id ? soci::i_ok : soci::i_null;
  soci::statement st =
      (sql.prepare << "UPDATE schedule_slots SET state = 'done', finished_at = " + now_sql(store_) +
                          ", run_id = COALESCE(:r, run_id), note = :n WHERE pipeline = :p AND "
                          "due_at = :d AND owner = :o AND state = 'claimed'",
       soci::use(id, id_ind), soci::use(n), soci::use(p), soci::use(d), soci::use(o));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

std::optional<SlotTime> ScheduleLease::latest_due(const std::string& pipeline) {
  auto& sql = store_.session();
  std::string p = pipeline, d;
  soci::indicator ind = soci::i_null;
  sql << "SELECT " + store::timestamp_column(sql, "MAX(due_at)") +
             " FROM schedule_slots WHERE pipeline = :p",
      soci::use(p), soci::into(d, ind);
  if (ind != soci::i_ok) return std::nullopt;
  auto at = store::parse_timestamp(d);
  if (!at) throw std::runtime_error("schedule_slots: unreadable due_at '" + d + "'");
  return *at;
}

}  // namespace connhost::pipeline
