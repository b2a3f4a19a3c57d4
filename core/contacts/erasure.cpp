#include "contacts/erasure.hpp"

#include <soci/soci.h>
#include <boost/json.hpp>

#include <algorithm>
#include <set>

#include "log/logger.hpp"
#include "store/dynamic_query.hpp"
#include "store/session.hpp"
#include "store/timestamp.hpp"

namespace connhost::contacts {
namespace {

namespace json = boost::json;
using soci::into;
using soci::use;

// What replaces a raw webhook body: the row stays (its body_sha256 is the delivery's dedup key,
// inbox_writer.cpp) but no byte of what the platform sent about the person.
constexpr std::string_view kRedactedBody = "";
constexpr std::string_view kRedactedHeaders = "{}";

// The fields of an inbox event (inbox/event_json.cpp) that identify it and place it, and carry
// nothing the person wrote or is called: what a redacted event keeps. The text, the media, the
// reply and every extra (sender_name, profile fields, reasons) go.
constexpr std::string_view kKeptEventFields[] = {
    "event_id",  "event_type",   "account_id", "conversation_id", "message_id",
    "sender_id", "recipient_id", "direction",  "timestamp_ms",    "type"};

// Runs the statements of an erasure with SQLite's secure_delete on, then puts the connection's
// setting back: freed cells and pages are zeroed when they are freed, so turning it on only
// around the erasure's own statements is enough (https://www.sqlite.org/pragma.html
// #pragma_secure_delete). Some builds default it on (Debian's libsqlite3 is compiled with
// SQLITE_SECURE_DELETE), the upstream default is off: the erasure never relies on the build.
// PostgreSQL has no such thing: see erasure.hpp.
class SecureDelete {
 public:
  explicit SecureDelete(soci::session& sql) : sql_(sql), sqlite_(!store::is_postgresql(sql)) {
    if (!sqlite_) return;
    sql_ << "PRAGMA secure_delete", into(previous_);
    sql_ << "PRAGMA secure_delete = ON";
  }
  ~SecureDelete() {
    if (!sqlite_ || previous_ == 1) return;
    try {
      sql_ << ("PRAGMA secure_delete = " + std::to_string(previous_));
    } catch (const std::exception& e) {
      log::warn("contacts: restoring secure_delete failed: {}", e.what());
    }
  }
  SecureDelete(const SecureDelete&) = delete;
  SecureDelete& operator=(const SecureDelete&) = delete;

 private:
  soci::session& sql_;
  bool sqlite_;
  int previous_ = 0;
};

int64_t execute(soci::statement st) {
  st.execute(true);
  return static_cast<int64_t>(st.get_affected_rows());
}

// SQLite's instr and PostgreSQL's strpos: whether `column` holds `needle` as a substring.
std::string contains(soci::session& sql, std::string_view column) {
  return store::is_postgresql(sql) ? "strpos(" + std::string(column) + ", :n) > 0"
                                   : "instr(" + std::string(column) + ", :n) > 0";
}

struct Identity {
  long long id = 0;
  std::string platform, platform_user_id;
};
struct Conversation {
  long long id = 0;
  std::string connection, platform, account_id, thread_id, participant_id;
};

std::string field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// Whether a stored event (inbox/event_json.cpp) is about the person: one of their conversations,
// or sent by or to one of their platform ids.
bool event_is_theirs(const json::object& e, const std::string& connection,
                     const std::string& platform, const std::vector<Conversation>& conversations,
                     const std::vector<Identity>& identities) {
  std::string account = field(e, "account_id"), thread = field(e, "conversation_id"),
              sender = field(e, "sender_id"), recipient = field(e, "recipient_id");
  for (const auto& c : conversations) {
    if (c.connection != connection) continue;
    if (account == c.account_id && thread == c.thread_id) return true;
    if (!c.participant_id.empty() && (sender == c.participant_id || recipient == c.participant_id))
      return true;
  }
  for (const auto& i : identities) {
    if (i.platform != platform) continue;
    if (sender == i.platform_user_id || recipient == i.platform_user_id) return true;
  }
  return false;
}

std::string redacted_event(const json::object& e) {
  json::object out;
  for (auto key : kKeptEventFields)
    if (const json::value* v = e.if_contains(key)) out[key] = *v;
  out["text"] = "";
  out["media_id"] = "";
  out["reply_to"] = "";
  out["extras"] = json::object{{"redacted", "contact erased"}};
  return json::serialize(out);
}

// The raw webhook bodies and stored events about the person, redacted; the rows and their dedup
// keys stay. Candidates are found by substring (the conversation's thread id and participant id,
// the identities' platform ids, in the stored JSON or the raw body); an event is redacted when its
// parsed fields name one of them, and so is the delivery it came in. A raw body is redacted when
// it holds one of those ids: the body is the platform's own format, which the host does not parse
// here, so a delivery that also carried other people's events is redacted whole (its events were
// extracted already; only the raw copy for debugging is lost).
void redact_inbox(soci::session& sql, const std::vector<Conversation>& conversations,
                  const std::vector<Identity>& identities, std::map<std::string, int64_t>& counts) {
  struct Needle {
    std::string scope_column, scope, needle;
  };
  std::vector<Needle> needles;
  for (const auto& c : conversations) {
    needles.push_back({"connection", c.connection, c.thread_id});
    if (!c.participant_id.empty() && c.participant_id != c.thread_id)
      needles.push_back({"connection", c.connection, c.participant_id});
  }
  for (const auto& i : identities) needles.push_back({"platform", i.platform, i.platform_user_id});

  std::set<long long> deliveries;
  std::map<long long, std::string> events;  // id -> redacted JSON
  for (const auto& n : needles) {
    if (n.needle.empty()) continue;
    long long id = 0, delivery = 0;
    std::string connection, platform, event_json;
    soci::statement st =
        (sql.prepare << "SELECT id, delivery_id, connection, platform, event_json FROM "
                        "inbox_events WHERE " +
                            n.scope_column + " = :s AND " + contains(sql, "event_json"),
         use(n.scope), use(n.needle), into(id), into(delivery), into(connection), into(platform),
         into(event_json));
    st.execute();
    while (st.fetch()) {
      json::error_code ec;
      json::value v = json::parse(event_json, ec);
      if (ec || !v.is_object()) continue;
      const auto& o = v.as_object();
      if (!event_is_theirs(o, connection, platform, conversations, identities)) continue;
      std::string redacted = redacted_event(o);
      if (redacted != event_json) events[id] = std::move(redacted);
      deliveries.insert(delivery);
    }
    long long delivery_id = 0;
    soci::statement bodies =
        (sql.prepare << "SELECT id FROM webhook_deliveries WHERE " + n.scope_column + " = :s AND " +
                            contains(sql, "body"),
         use(n.scope), use(n.needle), into(delivery_id));
    bodies.execute();
    while (bodies.fetch()) deliveries.insert(delivery_id);
  }
  for (auto& [id, text] : events) {
    long long key = id;
    sql << "UPDATE inbox_events SET event_json = :j WHERE id = :id", use(text), use(key);
  }
  counts["inbox_events"] += static_cast<int64_t>(events.size());
  const std::string body(kRedactedBody), headers(kRedactedHeaders);
  for (long long id : deliveries)
    counts["webhook_deliveries"] += execute(
        (sql.prepare << "UPDATE webhook_deliveries SET body = :b, headers_json = :h, "
                        "parse_error = NULL WHERE id = :id AND (body <> :b2 OR headers_json <> :h2 "
                        "OR parse_error IS NOT NULL)",
         use(body), use(headers), use(id), use(body), use(headers)));
}

std::string counts_json(const std::map<std::string, int64_t>& counts) {
  json::object o;
  for (const auto& [table, n] : counts) o[table] = n;
  return json::serialize(o);
}

}  // namespace

void erase_identity_data(soci::session& sql, int64_t identity_id,
                         std::map<std::string, int64_t>& counts) {
  SecureDelete secure(sql);
  long long id = identity_id;
  counts["contact_attributes"] +=
      execute((sql.prepare << "DELETE FROM contact_attributes WHERE identity_id = :i", use(id)));
  counts["contact_versions"] +=
      execute((sql.prepare << "DELETE FROM contact_versions WHERE identity_id = :i", use(id)));
  counts["contact_identities"] +=
      execute((sql.prepare << "UPDATE contact_identities SET display_name = NULL WHERE id = :i "
                              "AND display_name IS NOT NULL",
               use(id)));
}

std::optional<ErasureReport> erase_contact_in(soci::session& sql, const ErasureRequest& request) {
  long long contact = request.contact_id;
  std::string status;
  sql << "SELECT status FROM contacts WHERE id = :c", use(contact), into(status);
  if (!sql.got_data()) return std::nullopt;

  SecureDelete secure(sql);
  ErasureReport report;
  report.contact_id = request.contact_id;
  report.already_erased = status == "erased";
  auto& counts = report.counts;

  std::vector<Identity> identities;
  {
    Identity i;
    soci::statement st = (sql.prepare << "SELECT id, platform, platform_user_id FROM "
                                         "contact_identities WHERE contact_id = :c ORDER BY id",
                          use(contact), into(i.id), into(i.platform), into(i.platform_user_id));
    st.execute();
    while (st.fetch()) identities.push_back(i);
  }
  std::vector<Conversation> conversations;
  {
    Conversation c;
    soci::statement st =
        (sql.prepare << "SELECT id, connection, platform, account_id, thread_id, participant_id "
                        "FROM conversations WHERE contact_id = :c ORDER BY id",
         use(contact), into(c.id), into(c.connection), into(c.platform), into(c.account_id),
         into(c.thread_id), into(c.participant_id));
    st.execute();
    while (st.fetch()) conversations.push_back(c);
  }
  std::set<std::string> platforms;
  for (const auto& i : identities) platforms.insert(i.platform);
  report.platforms.assign(platforms.begin(), platforms.end());

  // Before the identities go: their grants' profile sync stops, or the next sync would fetch the
  // profile again and bring the person back. A sync stopped already keeps its reason (a
  // revocation's).
  const std::string stopped = "contact erased";
  counts["profile_syncs"] += execute(
      (sql.prepare << "UPDATE profile_syncs SET status = 'stopped', error = :e WHERE "
                      "(grant_id IN (SELECT grant_id FROM contact_identities WHERE contact_id = :c "
                      "AND grant_id IS NOT NULL) OR identity_id IN (SELECT id FROM "
                      "contact_identities WHERE contact_id = :c2)) AND status <> 'stopped'",
       use(stopped), use(contact), use(contact)));

  redact_inbox(sql, conversations, identities, counts);

  // Explicit deletes rather than the cascades, so that the audit counts what went.
  for (const auto& i : identities) {
    counts["contact_attributes"] += execute(
        (sql.prepare << "DELETE FROM contact_attributes WHERE identity_id = :i", use(i.id)));
  }
  counts["contact_versions"] +=
      execute((sql.prepare << "DELETE FROM contact_versions WHERE contact_id = :c OR identity_id "
                              "IN (SELECT id FROM contact_identities WHERE contact_id = :c2)",
               use(contact), use(contact)));
  counts["contact_identities"] += execute(
      (sql.prepare << "DELETE FROM contact_identities WHERE contact_id = :c", use(contact)));

  // Sender names in the person's conversations, and anything they sent elsewhere on a platform
  // where they had an identity.
  counts["messages"] += execute(
      (sql.prepare << "UPDATE messages SET sender_name = NULL WHERE sender_name IS NOT NULL AND "
                      "conversation_id IN (SELECT id FROM conversations WHERE contact_id = :c)",
       use(contact)));
  for (const auto& i : identities)
    counts["messages"] += execute(
        (sql.prepare << "UPDATE messages SET sender_name = NULL WHERE sender_name IS NOT NULL AND "
                        "sender_id = :u AND conversation_id IN (SELECT id FROM conversations "
                        "WHERE platform = :p)",
         use(i.platform_user_id), use(i.platform)));

  const std::string now = store::now_timestamp();
  counts["contacts"] += execute(
      (sql.prepare << "UPDATE contacts SET display_name = NULL, user_id = NULL, status = 'erased', "
                      "erased_at = COALESCE(erased_at, :t), updated_at = :t2 WHERE id = :c AND "
                      "(status <> 'erased' OR display_name IS NOT NULL OR user_id IS NOT NULL)",
       use(now), use(now), use(contact)));

  int64_t changed = 0;
  for (const auto& [table, n] : counts) changed += n;
  if (report.already_erased && changed == 0) {
    long long audit = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT MAX(id) FROM contact_erasures WHERE contact_id = :c", use(contact),
        into(audit, ind);
    report.audit_id = ind == soci::i_ok ? audit : 0;
    return report;
  }

  // The audit record: who, why, when, which platforms and how many rows; no name, no platform id.
  std::string platform_list;
  for (const auto& p : report.platforms) platform_list += (platform_list.empty() ? "" : ",") + p;
  std::string reason = request.reason, counted = counts_json(counts);
  soci::indicator reason_ind = reason.empty() ? soci::i_null : soci::i_ok;
  long long audit = 0;
  sql << "INSERT INTO contact_erasures (contact_id, erased_at, actor, reason, platforms, "
         "counts_json) VALUES (:c, :t, :a, :r, :p, :n) RETURNING id",
      use(contact), use(now), use(request.actor), use(reason, reason_ind), use(platform_list),
      use(counted), into(audit);
  report.audit_id = audit;
  return report;
}

void checkpoint_after_erasure(soci::session& sql) {
  if (store::is_postgresql(sql)) return;
  // The result row says whether the checkpoint could finish (busy = 1 while another connection
  // reads an older snapshot); it is logged, not fatal: the erasure is committed either way, and
  // the next checkpoint moves the zeroed pages.
  int busy = 0, log_frames = 0, checkpointed = 0;
  sql << "PRAGMA wal_checkpoint(TRUNCATE)", into(busy), into(log_frames), into(checkpointed);
  if (busy != 0)
    log::warn(
        "contacts: the WAL checkpoint after an erasure could not finish (a reader holds it); "
        "the next checkpoint completes it");
}

std::optional<ErasureReport> erase_contact(store::Store& store, const ErasureRequest& request) {
  soci::session& sql = store.session();
  std::optional<ErasureReport> report;
  {
    soci::transaction tx(sql);
    report = erase_contact_in(sql, request);
    tx.commit();
  }
  if (!report) return report;
  checkpoint_after_erasure(sql);
  log::info("contacts: contact {} erased by {} (audit {}{})", report->contact_id, request.actor,
            report->audit_id, report->already_erased ? ", already erased" : "");
  return report;
}

}  // namespace connhost::contacts
