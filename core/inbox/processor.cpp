#include "inbox/processor.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <sstream>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "contacts/erasure.hpp"
#include "contacts/revocation.hpp"
#include "inbox/event_json.hpp"
#include "inbox/reply_window.hpp"
#include "log/logger.hpp"
#include "store/session.hpp"
#include "store/timestamp.hpp"
#include "vault/grants.hpp"

namespace connhost::inbox {
namespace {

using soci::into;
using soci::use;

constexpr std::array<std::string_view, 9> kMessageTypes = {
    "text", "image", "video", "audio", "file", "sticker", "share", "template", "unsupported"};
constexpr std::array<std::string_view, 6> kMediaTypes = {"image", "video",   "audio",
                                                         "file",  "sticker", "share"};

std::string at_ms(int64_t ms) {
  return store::timestamp_at(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

std::string extra(const plugin::MessageEvent& e, const char* key) {
  auto it = e.extras.find(key);
  return it == e.extras.end() ? std::string() : it->second;
}

std::optional<int64_t> extra_int(const plugin::MessageEvent& e, const char* key) {
  std::string v = extra(e, key);
  if (v.empty()) return std::nullopt;
  try {
    size_t used = 0;
    int64_t n = std::stoll(v, &used);
    if (used == v.size()) return n;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

bool is_url(std::string_view s) {
  return s.starts_with("http://") || s.starts_with("https://");
}

// SQLite: take the write lock at BEGIN. A deferred transaction that reads first and writes
// after the writer committed fails at once with SQLITE_BUSY (its snapshot is stale) instead of
// waiting on the busy timeout.
void begin(store::Store& s) {
  s.session() << (s.backend() == store::Backend::sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}
void commit(store::Store& s) {
  s.session() << "COMMIT";
}
void rollback(store::Store& s) noexcept {
  try {
    s.session() << "ROLLBACK";
  } catch (const std::exception&) {
  }
}

// The contact of a platform user, created with its identity on first sight; a display name seen
// later fills in (never blanks) the stored one.
std::optional<long long> contact_for(soci::session& sql, const std::string& platform,
                                     const std::string& user_id, const std::string& name,
                                     const std::string& now) {
  if (user_id.empty()) return std::nullopt;
  long long contact = 0;
  std::string known;
  soci::indicator known_ind = soci::i_null;
  sql << "SELECT contact_id, display_name FROM contact_identities WHERE platform = :p AND "
         "platform_user_id = :u",
      use(platform), use(user_id), into(contact), into(known, known_ind);
  soci::indicator name_ind = name.empty() ? soci::i_null : soci::i_ok;
  if (!sql.got_data()) {
    sql << "INSERT INTO contacts (display_name, created_at, updated_at) VALUES (:n, :c, :u) "
           "RETURNING id",
        use(name, name_ind), use(now), use(now), into(contact);
    sql << "INSERT INTO contact_identities (contact_id, platform, platform_user_id, display_name, "
           "created_at) VALUES (:c, :p, :u, :n, :t)",
        use(contact), use(platform), use(user_id), use(name, name_ind), use(now);
    return contact;
  }
  if (!name.empty() && (known_ind == soci::i_null || known != name)) {
    sql << "UPDATE contact_identities SET display_name = :n WHERE platform = :p AND "
           "platform_user_id = :u",
        use(name), use(platform), use(user_id);
    sql << "UPDATE contacts SET display_name = :n, updated_at = :t WHERE id = :c AND "
           "(display_name IS NULL OR display_name <> :n2)",
        use(name), use(now), use(contact), use(name);
  }
  return contact;
}

void apply_read(soci::session& sql, const std::string& connection, const plugin::MessageEvent& e,
                const std::string& now) {
  long long conversation = 0;
  sql << "SELECT id FROM conversations WHERE connection = :c AND account_id = :a AND thread_id = "
         ":t",
      use(connection), use(e.account_id), use(e.conversation_id), into(conversation);
  // A receipt for a conversation not seen yet marks nothing: there are no messages to mark.
  if (!sql.got_data()) return;
  std::string watermark;
  if (auto wm = extra_int(e, "watermark_ms")) {
    watermark = at_ms(*wm);
  } else if (std::string mid = extra(e, "read_mid"); !mid.empty()) {
    // Instagram names the last message read instead of a time.
    sql << "SELECT sent_at FROM messages WHERE conversation_id = :c AND platform_message_id = :m",
        use(conversation), use(mid), into(watermark);
    if (!sql.got_data()) return;
  } else {
    watermark = at_ms(e.timestamp_ms);
  }
  std::string read_at = at_ms(e.timestamp_ms);
  // The earliest receipt wins, so receipts applied in any order (or again) leave the same value.
  sql << "UPDATE messages SET read_at = :r, updated_at = :u WHERE conversation_id = :c AND "
         "direction = 'out' AND sent_at <= :w AND (read_at IS NULL OR read_at > :r2)",
      use(read_at), use(now), use(conversation), use(watermark), use(read_at);
}

// The platform removed the app for a user (TikTok authorization.removed, ../shared/platforms/
// tiktok.md §2.5; https://developers.tiktok.com/doc/webhooks-events): their grants are already
// dead at the platform, so they are revoked here only, and the profile policy applies. The
// webhook names the app (client_key), not a connection: any connection of the platform may hold
// the user's grant.
void apply_deauthorization(soci::session& sql, const std::string& connection,
                           const std::string& platform, const plugin::MessageEvent& e,
                           const ApplyOptions& options) {
  if (e.sender_id.empty()) throw std::invalid_argument("the deauthorization names no user");
  std::vector<std::string> connections{connection};
  for (const auto& [name, p] : options.connection_platforms)
    if (p == platform && name != connection) connections.push_back(name);
  std::string reason = extra(e, "reason_text");
  if (reason.empty()) reason = extra(e, "reason");
  std::optional<std::string> detail;
  if (!reason.empty()) detail = reason;

  std::vector<long long> grants;
  for (const auto& c : connections) {
    long long id = 0;
    soci::statement st =
        (sql.prepare << "SELECT id FROM grants WHERE connection = :c AND platform_user_id = :u "
                        "AND status IN ('active', 'reauth_required') ORDER BY id",
         use(c), use(e.sender_id), into(id));
    st.execute();
    while (st.fetch()) grants.push_back(id);
  }
  if (grants.empty()) {
    log::info("inbox: deauthorization on {} for a user without an active grant: nothing to revoke",
              connection);
    return;
  }
  const std::string why = "consent revoked at the platform" + (reason.empty() ? "" : ": " + reason);
  for (long long id : grants) {
    vault::revoke_grant(sql, id, "webhook", detail);
    auto outcome = contacts::apply_revocation(sql, options.contacts, id, why);
    log::info("inbox: grant {} revoked by the platform's deauthorization on {}; profile {}", id,
              connection,
              outcome.erased   ? "erased"
              : outcome.frozen ? "frozen"
                               : "not synced yet");
  }
}

}  // namespace

std::map<std::string, std::string, std::less<>> connection_platforms(
    const config::HostConfig& config, const plugin::Registry& plugins) {
  std::map<std::string, std::string, std::less<>> out;
  for (const auto& c : config.connections)
    if (const auto* p = plugins.find(c.plugin)) out[c.name] = std::string(p->platform());
  return out;
}

void apply_event(store::Store& store, const std::string& connection, const std::string& platform,
                 const plugin::MessageEvent& e, const ApplyOptions& options) {
  soci::session& sql = store.session();
  const std::string now = store::now_timestamp();
  if (e.type == "deauthorized") {
    apply_deauthorization(sql, connection, platform, e, options);
    return;
  }
  if (e.type == "read") {
    apply_read(sql, connection, e, now);
    return;
  }
  if (e.account_id.empty() || e.conversation_id.empty())
    throw std::invalid_argument("the event names no account or conversation");
  const bool inbound = e.direction == "in";
  const std::string sent_at = at_ms(e.timestamp_ms);
  std::string participant = inbound ? e.sender_id : e.recipient_id;
  if (participant.empty()) participant = e.conversation_id;
  const std::string sender_name = extra(e, "sender_name");
  auto contact = contact_for(sql, platform, participant, inbound ? sender_name : "", now);

  // Conversation: times only move forward, so deliveries out of order (or again) end the same.
  std::string last_inbound, window;
  soci::indicator inbound_ind = soci::i_null, window_ind = soci::i_null;
  if (inbound) {
    last_inbound = sent_at;
    inbound_ind = soci::i_ok;
    if (auto w = reply_window(platform)) {
      window =
          at_ms(e.timestamp_ms + std::chrono::duration_cast<std::chrono::milliseconds>(*w).count());
      window_ind = soci::i_ok;
    }
  }
  long long contact_id = contact.value_or(0);
  soci::indicator contact_ind = contact ? soci::i_ok : soci::i_null;
  long long conversation = 0;
  sql << "INSERT INTO conversations (connection, platform, account_id, thread_id, participant_id, "
         "contact_id, last_activity_at, last_inbound_at, window_closes_at, unread, created_at) "
         "VALUES (:c, :p, :a, :t, :pa, :ct, :la, :li, :w, 0, :n) "
         "ON CONFLICT (connection, account_id, thread_id) DO UPDATE SET "
         "last_activity_at = CASE WHEN excluded.last_activity_at > conversations.last_activity_at "
         "THEN excluded.last_activity_at ELSE conversations.last_activity_at END, "
         "last_inbound_at = CASE WHEN conversations.last_inbound_at IS NULL OR "
         "excluded.last_inbound_at > conversations.last_inbound_at THEN COALESCE("
         "excluded.last_inbound_at, conversations.last_inbound_at) ELSE "
         "conversations.last_inbound_at END, "
         "window_closes_at = CASE WHEN conversations.window_closes_at IS NULL OR "
         "excluded.window_closes_at > conversations.window_closes_at THEN COALESCE("
         "excluded.window_closes_at, conversations.window_closes_at) ELSE "
         "conversations.window_closes_at END, "
         "contact_id = COALESCE(conversations.contact_id, excluded.contact_id) "
         "RETURNING id",
      use(connection), use(platform), use(e.account_id), use(e.conversation_id), use(participant),
      use(contact_id, contact_ind), use(sent_at), use(last_inbound, inbound_ind),
      use(window, window_ind), use(now), into(conversation);

  std::string type = e.type;
  if (std::find(kMessageTypes.begin(), kMessageTypes.end(), type) == kMessageTypes.end())
    type = "unsupported";
  const std::string message_id = e.message_id.empty() ? e.event_id : e.message_id;
  const std::string status = inbound ? "received" : "sent";
  const std::string direction = inbound ? "in" : "out";
  const bool media_url = is_url(e.media_id);
  const std::string& media = e.media_id;
  soci::indicator text_ind = e.text.empty() ? soci::i_null : soci::i_ok;
  soci::indicator name_ind = sender_name.empty() ? soci::i_null : soci::i_ok;
  soci::indicator reply_ind = e.reply_to.empty() ? soci::i_null : soci::i_ok;
  soci::indicator media_ind = media.empty() || media_url ? soci::i_null : soci::i_ok;
  std::string sender = e.sender_id;
  long long message = 0;
  sql << "INSERT INTO messages (conversation_id, platform_message_id, direction, type, text, "
         "sender_id, sender_name, sent_at, reply_to, status, media_id, created_at, updated_at) "
         "VALUES (:c, :m, :d, :t, :x, :s, :sn, :at, :r, :st, :md, :n, :n2) "
         "ON CONFLICT (conversation_id, platform_message_id) DO NOTHING RETURNING id",
      use(conversation), use(message_id), use(direction), use(type), use(e.text, text_ind),
      use(sender), use(sender_name, name_ind), use(sent_at), use(e.reply_to, reply_ind),
      use(status), use(media, media_ind), use(now), use(now), into(message);
  if (!sql.got_data()) return;  // a redelivery, or the echo of a message the outbox stored

  if (inbound)
    sql << "UPDATE conversations SET unread = unread + 1 WHERE id = :c", use(conversation);
  if (media.empty() || std::find(kMediaTypes.begin(), kMediaTypes.end(), type) == kMediaTypes.end())
    return;
  std::vector<std::string> sources;
  if (std::string all = extra(e, "attachment_urls"); !all.empty()) {
    std::istringstream in(all);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) sources.push_back(line);
  }
  if (sources.empty()) sources.push_back(media);
  std::string mime = extra(e, "mime_type");
  std::string name = extra(e, "name");
  if (name.empty()) name = extra(e, "title");
  soci::indicator mime_ind = mime.empty() ? soci::i_null : soci::i_ok;
  soci::indicator file_ind = name.empty() ? soci::i_null : soci::i_ok;
  for (const auto& src : sources) {
    bool url = is_url(src);
    std::string media_id = url ? "" : src;
    std::string link = url ? src : "";
    soci::indicator id_ind = url ? soci::i_null : soci::i_ok;
    soci::indicator url_ind = url ? soci::i_ok : soci::i_null;
    sql << "INSERT INTO attachments (message_id, kind, media_id, url, mime_type, name) VALUES "
           "(:m, :k, :i, :u, :t, :n)",
        use(message), use(type), use(media_id, id_ind), use(link, url_ind), use(mime, mime_ind),
        use(name, file_ind);
  }
}

namespace {

struct Pending {
  long long id = 0;
  std::string connection, platform, event_json;
};

std::vector<Pending> next_pending(store::Store& store, size_t batch) {
  std::vector<Pending> out;
  Pending p;
  long long limit = static_cast<long long>(batch);
  soci::statement st =
      (store.session().prepare << "SELECT id, connection, platform, event_json FROM inbox_events "
                                  "WHERE status = 'pending' ORDER BY id LIMIT :n",
       use(limit), into(p.id), into(p.connection), into(p.platform), into(p.event_json));
  st.execute();
  while (st.fetch()) out.push_back(p);
  return out;
}

// True when the event may have erased a profile (a deauthorization under on_revoke = erase):
// after the commit the WAL is checkpointed, so the erased bytes leave it (contacts/erasure.hpp).
bool apply_one(store::Store& store, const Pending& p, const ApplyOptions& options) {
  auto event = event_from_json(p.event_json);
  apply_event(store, p.connection, p.platform, event, options);
  std::string now = store::now_timestamp();
  store.session() << "UPDATE inbox_events SET status = 'processed', attempts = attempts + 1, "
                     "processed_at = :t, error = NULL WHERE id = :id",
      use(now), use(p.id);
  return event.type == "deauthorized" &&
         options.contacts.on_revoke == config::ContactsSettings::OnRevoke::erase;
}

void checkpoint_if(store::Store& store, bool erased) {
  if (!erased) return;
  try {
    contacts::checkpoint_after_erasure(store.session());
  } catch (const std::exception& e) {
    log::warn("inbox: the WAL checkpoint after an erasure failed: {}", e.what());
  }
}

void mark_failed(store::Store& store, const Pending& p, const std::string& error) {
  begin(store);
  std::string now = store::now_timestamp();
  store.session() << "UPDATE inbox_events SET status = 'failed', attempts = attempts + 1, "
                     "processed_at = :t, error = :e WHERE id = :id",
      use(now), use(error), use(p.id);
  commit(store);
}

// One round: the batch in one transaction; when it fails, each event in its own, so one bad
// event is marked failed and the others go through.
ProcessCounts process_round(store::Store& store, const std::vector<Pending>& batch,
                            const ApplyOptions& options, WriteGate* gate = nullptr,
                            std::chrono::milliseconds max_yield = std::chrono::milliseconds(0)) {
  ProcessCounts c;
  struct Hold {
    WriteGate* g;
    Hold(WriteGate* gate, std::chrono::milliseconds yield) : g(gate) {
      if (g) g->lock_processor(yield);
    }
    ~Hold() {
      if (g) g->unlock();
    }
  } hold(gate, max_yield);
  try {
    begin(store);
    bool erased = false;
    for (const auto& p : batch) erased = apply_one(store, p, options) || erased;
    commit(store);
    checkpoint_if(store, erased);
    c.processed = static_cast<int64_t>(batch.size());
    return c;
  } catch (const std::exception&) {
    rollback(store);
  }
  for (const auto& p : batch) {
    std::string error;
    try {
      begin(store);
      bool erased = apply_one(store, p, options);
      commit(store);
      checkpoint_if(store, erased);
      ++c.processed;
      continue;
    } catch (const std::exception& e) {
      rollback(store);
      error = e.what();
    }
    log::warn("inbox: event {} of {} failed: {}", p.id, p.connection, error);
    mark_failed(store, p, error);  // throws when the store itself is failing: retried later
    ++c.failed;
  }
  return c;
}

}  // namespace

ProcessCounts process_pending(store::Store& store, size_t batch, const ApplyOptions& options) {
  ProcessCounts total;
  for (;;) {
    auto events = next_pending(store, batch);
    if (events.empty()) return total;
    auto c = process_round(store, events, options);
    total.processed += c.processed;
    total.failed += c.failed;
  }
}

Processor::Processor(std::function<store::Store()> open, Options options,
                     metrics::Registry& metrics)
    : open_(std::move(open)),
      options_(options),
      processed_(metrics.counter("connhost_inbox_events_processed_total",
                                 "Inbox events processed into conversations and messages")),
      failed_(metrics.counter("connhost_inbox_events_failed_total",
                              "Inbox events that could not be processed (see inbox status)")) {
  thread_ = std::thread([this] { run(); });
}

Processor::~Processor() {
  stop();
}

void Processor::notify() {
  {
    std::lock_guard lock(mutex_);
    pending_ = true;
    idle_ = false;
  }
  wake_.notify_one();
}

bool Processor::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_cv_.wait_for(lock, timeout, [this] { return idle_ && !pending_; });
}

void Processor::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Processor::run() {
  // Processing is catch-up work; the acknowledgements are what a platform times. On a busy
  // machine the scheduler should prefer the request threads and the writer (Linux: per thread).
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
  std::unique_ptr<store::Store> store;
  const ApplyOptions apply{.contacts = options_.contacts,
                           .connection_platforms = options_.connection_platforms};
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || pending_; });
      if (stopping_) return;
      pending_ = false;
    }
    bool failed = false;
    try {
      if (!store) store = std::make_unique<store::Store>(open_());
      for (;;) {
        auto events = next_pending(*store, options_.batch);
        if (events.empty()) break;
        auto c =
            process_round(*store, events, apply, options_.write_gate.get(), options_.max_yield);
        processed_.inc(static_cast<double>(c.processed));
        failed_.inc(static_cast<double>(c.failed));
        std::lock_guard lock(mutex_);
        if (stopping_) return;
      }
    } catch (const std::exception& e) {
      log::error("inbox: processing stopped, retrying in {} ms: {}", options_.retry_after.count(),
                 e.what());
      store.reset();
      failed = true;
    }
    std::unique_lock lock(mutex_);
    if (failed) {
      // The events stay pending; try again after a pause (or at the next commit).
      pending_ = true;
      wake_.wait_for(lock, options_.retry_after, [this] { return stopping_; });
      continue;
    }
    if (!pending_) {
      idle_ = true;
      idle_cv_.notify_all();
    }
  }
}

std::vector<StatusRow> inbox_status(store::Store& store) {
  std::vector<StatusRow> out;
  std::string connection, status;
  long long n = 0;
  soci::statement st =
      (store.session().prepare << "SELECT connection, status, COUNT(*) FROM inbox_events GROUP BY "
                                  "connection, status ORDER BY connection, status",
       into(connection), into(status), into(n));
  st.execute();
  while (st.fetch()) {
    if (out.empty() || out.back().connection != connection) out.push_back({connection});
    auto& r = out.back();
    (status == "pending" ? r.pending : status == "processed" ? r.processed : r.failed) = n;
  }
  for (auto& r : out) {
    if (r.pending == 0) continue;
    std::string oldest;
    soci::indicator ind = soci::i_null;
    store.session() << "SELECT MIN(received_at) FROM inbox_events WHERE connection = :c AND "
                       "status = 'pending'",
        use(r.connection), into(oldest, ind);
    if (ind == soci::i_ok) r.oldest_pending = oldest;
  }
  return out;
}

int64_t reset_events(store::Store& store, const ReplayFilter& f) {
  std::string sql = "UPDATE inbox_events SET status = 'pending', error = NULL WHERE ";
  sql += f.failed_only ? "status = 'failed'" : "status IN ('processed', 'failed')";
  std::string connection = f.connection.value_or("");
  std::string event_id = f.event_id.value_or("");
  if (f.connection) sql += " AND connection = :c";
  if (f.event_id) sql += " AND event_id = :e";
  soci::statement st(store.session());
  if (f.connection) st.exchange(use(connection));
  if (f.event_id) st.exchange(use(event_id));
  st.alloc();
  st.prepare(sql);
  st.define_and_bind();
  st.execute(true);
  return static_cast<int64_t>(st.get_affected_rows());
}

}  // namespace connhost::inbox
