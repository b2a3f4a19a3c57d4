#include "inbox/inbox_writer.hpp"

#include <openssl/sha.h>

#include <exception>

#include "inbox/event_json.hpp"
#include "log/logger.hpp"
#include "store/session.hpp"
#include "store/timestamp.hpp"

namespace connhost::inbox {

namespace {
constexpr double kBatchBuckets[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048};
}  // namespace

// The statements of a round, prepared once per store connection and bound to these members, so
// a round of N deliveries parses no SQL.
struct InboxWriter::Statements {
  explicit Statements(soci::session& sql)
      : insert_delivery(
            (sql.prepare << "INSERT INTO webhook_deliveries (connection, platform, body_sha256, "
                            "headers_json, body, received_at, parse_status, parse_error) VALUES "
                            "(:c, :p, :h, :hj, :b, :r, :ps, :pe) ON CONFLICT (connection, "
                            "body_sha256) DO NOTHING RETURNING id",
             soci::use(connection), soci::use(platform), soci::use(sha), soci::use(headers_json),
             soci::use(body), soci::use(received_at), soci::use(parse_status),
             soci::use(parse_error, parse_error_ind), soci::into(delivery_id))),
        find_delivery((sql.prepare << "SELECT id FROM webhook_deliveries WHERE connection = :c "
                                      "AND body_sha256 = :h",
                       soci::use(connection), soci::use(sha), soci::into(delivery_id))),
        insert_event((
            sql.prepare << "INSERT INTO inbox_events (delivery_id, connection, platform, "
                           "event_id, event_type, event_json, received_at, status) VALUES (:d, "
                           ":c, :p, :e, :t, :j, :r, 'pending') ON CONFLICT (connection, "
                           "event_id) DO NOTHING",
            soci::use(delivery_id), soci::use(connection), soci::use(platform), soci::use(event_id),
            soci::use(event_type), soci::use(event_json), soci::use(received_at))) {}

  std::string connection, platform, sha, headers_json, body, received_at, parse_status, parse_error,
      event_id, event_type, event_json;
  soci::indicator parse_error_ind = soci::i_null;
  long long delivery_id = 0;
  soci::statement insert_delivery;
  soci::statement find_delivery;
  soci::statement insert_event;
};

std::string body_sha256(std::string_view body) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
  static const char* hex = "0123456789abcdef";
  std::string out(2 * SHA256_DIGEST_LENGTH, '0');
  for (size_t i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 0xf];
  }
  return out;
}

InboxWriter::InboxWriter(std::function<store::Store()> open, Options options,
                         metrics::Registry& metrics)
    : open_(std::move(open)),
      options_(std::move(options)),
      queue_depth_(metrics.gauge("connhost_inbox_queue_depth",
                                 "Verified webhook deliveries waiting for the inbox's commit")),
      batch_size_(metrics.histogram("connhost_inbox_batch_deliveries",
                                    "Webhook deliveries committed per inbox transaction",
                                    kBatchBuckets)),
      commit_seconds_(metrics.histogram("connhost_inbox_commit_seconds",
                                        "Time to write and commit one inbox transaction",
                                        metrics::latency_buckets())),
      commit_failures_(
          metrics.counter("connhost_inbox_commit_failures_total",
                          "Inbox transactions that failed (their deliveries got 503)")) {
  thread_ = std::thread([this] { run(); });
}

InboxWriter::~InboxWriter() {
  stop();
}

void InboxWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

SubmitResult InboxWriter::submit(Delivery delivery) {
  std::future<SubmitResult> result;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return {.status = SubmitResult::Status::stopped};
    if (queue_.size() >= options_.max_queue) return {.status = SubmitResult::Status::queue_full};
    queue_.push_back(Item{std::move(delivery), {}});
    if (options_.write_gate) options_.write_gate->demand(1);
    result = queue_.back().done.get_future();
    queue_depth_.set(static_cast<double>(queue_.size()));
  }
  wake_.notify_one();
  if (result.wait_for(options_.submit_timeout) != std::future_status::ready)
    return {.status = SubmitResult::Status::stopped,
            .error = "the inbox did not commit within the submit timeout"};
  return result.get();
}

void InboxWriter::run() {
  for (;;) {
    std::vector<Item> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything taken was answered
      size_t n = std::min(queue_.size(), options_.max_batch);
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queue_depth_.set(static_cast<double>(queue_.size()));
    }
    write(batch);
  }
}

void InboxWriter::write(std::vector<Item>& batch) {
  std::vector<SubmitResult> results(batch.size());
  bool any_new = false;
  auto t0 = std::chrono::steady_clock::now();
  try {
    if (!store_) {
      store_ = std::make_unique<store::Store>(open_());
      statements_ = std::make_unique<Statements>(store_->session());
    }
    soci::session& sql = store_->session();
    Statements& st = *statements_;
    struct Gate {
      WriteGate* g;
      explicit Gate(WriteGate* gate) : g(gate) {
        if (g) g->lock_writer();
      }
      ~Gate() {
        if (g) g->unlock();
      }
    } gate(options_.write_gate.get());
    soci::transaction tx(sql);
    st.received_at = store::now_timestamp();
    for (size_t i = 0; i < batch.size(); ++i) {
      Delivery& d = batch[i].delivery;
      SubmitResult& r = results[i];
      st.connection = d.connection;
      st.platform = d.platform;
      st.sha = body_sha256(d.body);
      st.headers_json = d.headers_json;
      st.body = d.body;
      st.parse_status = d.parse_error ? "unparsed" : "parsed";
      st.parse_error = d.parse_error.value_or("");
      st.parse_error_ind = d.parse_error ? soci::i_ok : soci::i_null;
      // Each statement is stepped to its end: SQLite refuses to COMMIT while an INSERT ...
      // RETURNING that gave its row is still open.
      if (st.insert_delivery.execute(true)) {
        st.insert_delivery.fetch();
      } else {
        r.duplicate_delivery = true;
        if (!st.find_delivery.execute(true))
          throw std::runtime_error("webhook_deliveries: the conflicting delivery is not there");
        st.find_delivery.fetch();
      }
      for (const auto& e : d.events) {
        st.event_id = e.event_id;
        st.event_type = e.event_type;
        st.event_json = event_to_json(e);
        st.insert_event.execute(true);
        if (st.insert_event.get_affected_rows() > 0) {
          ++r.stored;
          any_new = true;
        } else {
          ++r.duplicates;
        }
      }
      r.status = SubmitResult::Status::committed;
    }
    tx.commit();
  } catch (const std::exception& e) {
    commit_failures_.inc();
    log::error("inbox: a transaction of {} webhook deliveries failed: {}", batch.size(), e.what());
    statements_.reset();
    store_.reset();  // a fresh connection for the next round
    for (auto& r : results) r = {.status = SubmitResult::Status::failed, .error = e.what()};
    any_new = false;
  }
  commit_seconds_.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  batch_size_.observe(static_cast<double>(batch.size()));
  // Before the answers: whoever gets a 200 may rely on the processor having been woken.
  if (any_new && options_.committed) options_.committed();
  for (size_t i = 0; i < batch.size(); ++i) batch[i].done.set_value(std::move(results[i]));
  if (options_.write_gate) options_.write_gate->demand(-static_cast<int>(batch.size()));
}

}  // namespace connhost::inbox
