#include "outbox/sender.hpp"

#include <soci/soci.h>

#include <algorithm>

#include "http/client.hpp"
#include "log/logger.hpp"
#include "metrics/metrics.hpp"
#include "outbox/enqueue.hpp"
#include "plugin/call.hpp"
#include "plugin/instance.hpp"
#include "store/dynamic_query.hpp"
#include "store/session.hpp"
#include "store/timestamp.hpp"

namespace connhost::outbox {

struct Sender::Connection {
  pipeline::ConnectionSetup setup;
  std::unique_ptr<plugin::Instance> instance;
};

struct Sender::Message {
  int64_t id = 0;
  std::string type, text, media_id, image_url, reply_to;
  int64_t attempts = 0;
  Conversation conversation;
};

namespace {

constexpr std::string_view kSentHelp =
    "Outbound messages by what their send attempt ended in: sent, retried (queued again after a "
    "transient or quota error) or dead.";

bool retryable(ch_error_category c) {
  return c == CH_ERROR_TRANSIENT || c == CH_ERROR_QUOTA;
}

}  // namespace

Sender::Sender(const config::HostConfig& config, const plugin::Registry& plugins,
               std::function<store::Store()> open_store, std::shared_ptr<http::Client> http,
               pipeline::GrantResolver grants, metrics::Registry& metrics, SenderOptions options)
    : config_(config),
      plugins_(plugins),
      open_store_(std::move(open_store)),
      http_(http ? std::move(http) : std::make_shared<http::Client>()),
      grants_(std::move(grants)),
      metrics_(metrics),
      options_(std::move(options)),
      rng_(options_.seed) {
  metrics_.declare("connhost_messages_sent_total", kSentHelp, metrics::Registry::Type::counter);
}

Sender::~Sender() {
  stop();
}

void Sender::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void Sender::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Sender::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Sender::loop() {
  while (true) {
    std::chrono::milliseconds wait = options_.idle_rescan;
    try {
      auto r = run_once();
      if (r.next_due) {
        auto until =
            std::chrono::duration_cast<std::chrono::milliseconds>(*r.next_due - options_.now());
        wait = std::clamp(until, std::chrono::milliseconds(0), wait);
      }
    } catch (const std::exception& e) {
      // A lost database connection: open a new one on the next pass, a little later.
      log::warn("outbox: send pass failed: {}", e.what());
      std::lock_guard pass(pass_mutex_);
      store_.reset();
      wait = std::min(wait, std::chrono::milliseconds(5'000));
    }
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, wait, [this] { return woken_ || stopping_; });
    if (stopping_) return;
    woken_ = false;
  }
}

store::Store& Sender::store() {
  if (!store_) store_ = std::make_unique<store::Store>(open_store_());
  return *store_;
}

void Sender::count(const std::string& connection, const std::string& result) {
  metrics_
      .counter("connhost_messages_sent_total", kSentHelp,
               {{"connection", connection}, {"result", result}})
      .inc();
}

std::chrono::milliseconds Sender::backoff(int attempts,
                                          std::optional<std::chrono::milliseconds> hint) {
  // Full jitter (uniform in [0, cap]) spreads the retries of a burst that failed together.
  int64_t cap = options_.backoff_base.count();
  for (int i = 1; i < attempts && cap < options_.backoff_max.count(); ++i) cap *= 2;
  cap = std::min<int64_t>(cap, options_.backoff_max.count());
  std::uniform_int_distribution<int64_t> dist(0, std::max<int64_t>(cap, 0));
  std::chrono::milliseconds d(dist(rng_));
  if (hint && *hint > d) d = *hint;
  return d;
}

Sender::Connection* Sender::connection(const std::string& name, std::string& error) {
  auto it = connections_.find(name);
  if (it != connections_.end()) {
    // A hot reload replaced the plugin: send with the new version, through the same limiter.
    auto& c = *it->second;
    auto served = plugins_.get(c.setup.plugin->id);
    if (served && served != c.setup.plugin) {
      auto [inst, err] = plugin::Instance::create(served, c.setup.settings);
      if (!err) c.setup.plugin = served, c.instance = std::move(inst);
    }
    return &c;
  }
  try {
    auto c = std::make_unique<Connection>();
    c->setup = pipeline::setup_connection(config_, plugins_, name, http_, grants_);
    auto [inst, err] = plugin::Instance::create(c->setup.plugin, c->setup.settings);
    if (err) {
      error = "connection " + name + ": " + err->message;
      return nullptr;
    }
    c->instance = std::move(inst);
    // Kept for the process's life: the instance carries the connection's rate limiter, which
    // paces only if every send goes through the same one.
    return (connections_[name] = std::move(c)).get();
  } catch (const std::exception& e) {
    error = e.what();
    return nullptr;
  }
}

Sender::PassResult Sender::run_once() {
  std::lock_guard pass(pass_mutex_);
  PassResult out;
  auto& sql = store().session();
  auto now = options_.now();
  std::string at = store::timestamp_at(now);
  std::string cutoff = store::timestamp_at(now - options_.sending_timeout);
  {
    soci::statement st = (sql.prepare << "UPDATE messages SET status = 'queued', next_attempt_at "
                                         "= :next, updated_at = :updated WHERE direction = 'out' "
                                         "AND status = 'sending' AND updated_at < :cutoff",
                          soci::use(at), soci::use(at), soci::use(cutoff));
    st.execute(true);
    out.reclaimed = static_cast<int>(st.get_affected_rows());
    if (out.reclaimed > 0)
      log::warn("outbox: {} message(s) left in 'sending' by a stopped host are queued again",
                out.reclaimed);
  }

  std::vector<int64_t> due;
  {
    store::DynamicQuery q;
    q.sql(
         "SELECT id FROM messages WHERE direction = 'out' AND status = 'queued' AND "
         "(next_attempt_at IS NULL OR next_attempt_at <= ")
        .bind(at)
        .sql(") ORDER BY next_attempt_at, id LIMIT " + std::to_string(options_.batch));
    q.each(sql, [&](const soci::row& r) { due.push_back(store::int_at(r, 0)); });
  }
  for (int64_t id : due) send_one(sql, id, out);

  auto earliest = [&](const std::string& query) -> std::optional<Clock::time_point> {
    store::DynamicQuery q;
    q.sql(query);
    std::optional<Clock::time_point> t;
    q.each(sql, [&](const soci::row& r) {
      if (auto s = store::nullable_text_at(r, 0)) t = store::parse_timestamp(*s);
    });
    return t;
  };
  out.next_due = earliest("SELECT " + store::timestamp_column(sql, "MIN(next_attempt_at)") +
                          " FROM messages WHERE direction = 'out' AND status = 'queued'");
  if (auto stuck = earliest("SELECT " + store::timestamp_column(sql, "MIN(updated_at)") +
                            " FROM messages WHERE direction = 'out' AND status = 'sending'")) {
    auto reclaim = *stuck + options_.sending_timeout + std::chrono::milliseconds(1);
    if (!out.next_due || reclaim < *out.next_due) out.next_due = reclaim;
  }
  return out;
}

void Sender::send_one(soci::session& sql, int64_t id, PassResult& out) {
  auto now = options_.now();
  std::string at = store::timestamp_at(now);
  long long mid = id;
  {
    // The claim: of two senders racing for the row, only one sees it still queued.
    soci::statement st = (sql.prepare << "UPDATE messages SET status = 'sending', updated_at = "
                                         ":updated WHERE id = :id AND status = 'queued'",
                          soci::use(at), soci::use(mid));
    st.execute(true);
    if (st.get_affected_rows() != 1) return;
  }
  ++out.claimed;

  Message m;
  {
    store::DynamicQuery q;
    q.sql(
         "SELECT id, conversation_id, type, text, media_id, image_url, reply_to, attempts FROM "
         "messages WHERE id = ")
        .bind(std::to_string(id));
    int64_t conversation = 0;
    q.each(sql, [&](const soci::row& r) {
      m.id = store::int_at(r, 0);
      conversation = store::int_at(r, 1);
      m.type = store::text_at(r, 2);
      m.text = store::text_at(r, 3);
      m.media_id = store::text_at(r, 4);
      m.image_url = store::text_at(r, 5);
      m.reply_to = store::text_at(r, 6);
      m.attempts = store::int_at(r, 7);
    });
    auto c = find_conversation(sql, conversation);
    if (!c) return;  // deleted with its conversation meanwhile
    m.conversation = std::move(*c);
  }
  const std::string& conn_name = m.conversation.connection;

  if (m.attempts >= options_.max_attempts) {
    finish_failed(sql, m, "transient",
                  "gave up after " + std::to_string(m.attempts) +
                      " attempts; the last one was interrupted (the host stopped during the send)",
                  std::nullopt, false, out);
    return;
  }
  if (auto why = window_closed_reason(m.conversation, now)) {
    finish_failed(sql, m, "data", *why, std::nullopt, false, out);
    return;
  }
  std::string error;
  Connection* c = connection(conn_name, error);
  if (!c) {
    finish_failed(sql, m, "config", error, std::nullopt, false, out);
    return;
  }
  std::string token;
  try {
    if (c->setup.settings.secret)
      if (auto t = c->setup.settings.secret("access_token")) token = *t;
  } catch (const plugin::SecretError& e) {
    finish_failed(sql, m, std::string(plugin::category_name(e.category())),
                  std::string("access_token: ") + e.what(), std::nullopt, retryable(e.category()),
                  out);
    return;
  }

  // Counted before the call: an attempt the host dies in is still an attempt.
  sql << "UPDATE messages SET attempts = attempts + 1 WHERE id = :id", soci::use(mid);
  ++m.attempts;

  plugin::SendRequest req;
  req.access_token = token;
  req.account_id = m.conversation.account_id;
  req.conversation_id = m.conversation.thread_id;
  req.recipient_id = m.conversation.participant_id;
  req.type = m.type;
  req.text = m.text;
  req.media_id = m.media_id.empty() ? m.image_url : m.media_id;
  req.reply_to_message_id = m.reply_to;
  auto result = c->instance->send(req);
  if (!result.error) {
    if (options_.on_accepted) options_.on_accepted(m.id, result.message_id);
    finish_sent(sql, m, result.message_id);
    ++out.sent;
    count(conn_name, "sent");
    return;
  }
  const auto& e = *result.error;
  finish_failed(sql, m, std::string(plugin::category_name(e.category)), e.message, e.retry_after,
                retryable(e.category), out);
}

void Sender::finish_sent(soci::session& sql, const Message& m, const std::string& platform_id) {
  std::string at = store::timestamp_at(options_.now());
  long long id = m.id, conv = m.conversation.id;
  soci::indicator pid_i = platform_id.empty() ? soci::i_null : soci::i_ok;
  // The echo of this send may have come through the webhook first and been stored as its own
  // row (direction out, received): it is this message, so it goes and ours takes its id. Retried
  // because an echo stored between the delete and the update fails the update on the unique
  // (conversation_id, platform_message_id).
  for (int attempt = 1;; ++attempt) {
    try {
      soci::transaction tx(sql);
      if (!platform_id.empty()) {
        // The echo's attachments (the image the platform stored) now belong to this message.
        sql << "UPDATE attachments SET message_id = :id WHERE message_id IN (SELECT e.id FROM "
               "messages e WHERE e.conversation_id = :c AND e.platform_message_id = :p AND "
               "e.direction = 'out' AND e.status = 'received' AND e.id <> :id2)",
            soci::use(id), soci::use(conv), soci::use(platform_id), soci::use(id);
        sql << "DELETE FROM messages WHERE conversation_id = :c AND platform_message_id = :p AND "
               "direction = 'out' AND status = 'received' AND id <> :id",
            soci::use(conv), soci::use(platform_id), soci::use(id);
      }
      sql << "UPDATE messages SET status = 'sent', platform_message_id = :p, next_attempt_at = "
             "NULL, error_category = NULL, error = NULL, updated_at = :u WHERE id = :id",
          soci::use(platform_id, pid_i), soci::use(at), soci::use(id);
      tx.commit();
      return;
    } catch (const soci::soci_error&) {
      if (attempt >= 3) throw;
    }
  }
}

void Sender::finish_failed(soci::session& sql, const Message& m, const std::string& category,
                           const std::string& error, std::optional<std::chrono::milliseconds> retry,
                           bool can_retry, PassResult& out) {
  auto now = options_.now();
  std::string at = store::timestamp_at(now);
  long long id = m.id;
  const std::string& conn = m.conversation.connection;
  if (can_retry && m.attempts < options_.max_attempts) {
    std::string next = store::timestamp_at(
        now + backoff(static_cast<int>(std::max<int64_t>(m.attempts, 1)), retry));
    sql << "UPDATE messages SET status = 'queued', next_attempt_at = :n, error_category = :c, "
           "error = :e, updated_at = :u WHERE id = :id",
        soci::use(next), soci::use(category), soci::use(error), soci::use(at), soci::use(id);
    ++out.retried;
    count(conn, "retried");
    return;
  }
  std::string message = error;
  if (can_retry) message = "gave up after " + std::to_string(m.attempts) + " attempts: " + error;
  sql << "UPDATE messages SET status = 'dead', next_attempt_at = NULL, error_category = :c, "
         "error = :e, updated_at = :u WHERE id = :id",
      soci::use(category), soci::use(message), soci::use(at), soci::use(id);
  ++out.dead;
  count(conn, "dead");
  log::warn("outbox: message {} on {} is dead ({}): {}", m.id, conn, category, message);
}

}  // namespace connhost::outbox
