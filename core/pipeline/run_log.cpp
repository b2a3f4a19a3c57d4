#include "pipeline/run_log.hpp"

#include <signal.h>
#include <unistd.h>

#include <soci/soci.h>
#include <cerrno>
#include <charconv>

#include "log/logger.hpp"
#include "store/dynamic_query.hpp"
#include "store/session.hpp"
#include "store/store.hpp"
#include "store/timestamp.hpp"

namespace connhost::pipeline {
namespace {

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

// For an owner on this host: whether its process still exists (kill with signal 0 asks
// without sending anything). Empty for an owner elsewhere: only its heartbeat tells.
std::optional<bool> alive_here(const std::string& owner, const std::string& host) {
  auto colon = owner.rfind(':');
  if (colon == std::string::npos || owner.substr(0, colon) != host) return std::nullopt;
  long pid = 0;
  auto [p, ec] = std::from_chars(owner.data() + colon + 1, owner.data() + owner.size(), pid);
  if (ec != std::errc{} || p != owner.data() + owner.size() || pid <= 0) return std::nullopt;
  return !(::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH);
}

}  // namespace

std::string run_owner() {
  return host_name() + ":" + std::to_string(::getpid());
}

int64_t begin_run(store::Store& store, const RunStart& run) {
  auto& sql = store.session();
  std::string pipeline = run.pipeline, connection = run.connection, origin = run.origin;
  std::string started = store::now_timestamp(), status = "running", owner = run_owner();
  std::string ws = run.window_start.value_or(""), we = run.window_end.value_or("");
  soci::indicator ws_ind = run.window_start ? soci::i_ok : soci::i_null,
                  we_ind = run.window_end ? soci::i_ok : soci::i_null;
  long long id = 0;
  const char* insert =
      "INSERT INTO sync_runs (pipeline, connection, origin, window_start, window_end, "
      "started_at, status, owner, heartbeat_at) VALUES (:p, :c, :o, :ws, :we, :s, :st, :ow, :hb)";
  if (store.backend() == store::Backend::postgresql) {
    sql << std::string(insert) + " RETURNING id", soci::use(pipeline), soci::use(connection),
        soci::use(origin), soci::use(ws, ws_ind), soci::use(we, we_ind), soci::use(started),
        soci::use(status), soci::use(owner), soci::use(started), soci::into(id);
  } else {
    sql << insert, soci::use(pipeline), soci::use(connection), soci::use(origin),
        soci::use(ws, ws_ind), soci::use(we, we_ind), soci::use(started), soci::use(status),
        soci::use(owner), soci::use(started);
    sql << "SELECT last_insert_rowid()", soci::into(id);
  }
  return id;
}

void finish_run(store::Store& store, int64_t run_id, const RunEnd& end) {
  std::string status = end.status, finished = store::now_timestamp();
  std::string category = end.error_category.value_or(""), error = end.error.value_or("");
  soci::indicator cat_ind = end.error_category ? soci::i_ok : soci::i_null,
                  err_ind = end.error ? soci::i_ok : soci::i_null;
  long long r = end.rows, q = end.requests, id = run_id;
  store.session() << "UPDATE sync_runs SET finished_at = :f, status = :s, row_count = :r, "
                     "request_count = :q, error_category = :c, error = :e, heartbeat_at = :h "
                     "WHERE id = :id",
      soci::use(finished), soci::use(status), soci::use(r), soci::use(q),
      soci::use(category, cat_ind), soci::use(error, err_ind), soci::use(finished), soci::use(id);
}

int mark_interrupted_runs(store::Store& store, std::chrono::system_clock::time_point now,
                          std::chrono::seconds stale_after) {
  auto& sql = store.session();
  std::string cutoff = store::timestamp_at(now - stale_after), host = host_name();
  struct Stale {
    long long id;
    std::string why;
  };
  std::vector<Stale> stale;
  {
    // Typed into() rather than soci::row: the backends disagree on the id's and the timestamp's
    // C++ types. The statement is closed before the updates below (SQLite keeps its read open).
    long long id = 0;
    std::string owner;
    soci::indicator owner_ind = soci::i_null;
    int silent = 0;
    soci::statement st =
        (sql.prepare << "SELECT id, owner, CASE WHEN heartbeat_at < :cutoff THEN 1 ELSE 0 END "
                        "FROM sync_runs WHERE status = 'running'",
         soci::into(id), soci::into(owner, owner_ind), soci::into(silent), soci::use(cutoff));
    st.execute();
    while (st.fetch()) {
      if (owner_ind != soci::i_ok)
        stale.push_back({id, "it was started by a version without run owners"});
      else if (auto alive = alive_here(owner, host); alive && !*alive)
        stale.push_back({id, "process " + owner + " that ran it is gone"});
      else if (!alive && silent)
        stale.push_back({id, "no heartbeat from " + owner + " for over " +
                                 std::to_string(stale_after.count() / 60) + " minutes"});
    }
  }
  std::string finished = store::timestamp_at(now), status = "interrupted";
  for (auto& s : stale) {
    std::string error = "interrupted: " + s.why;
    sql << "UPDATE sync_runs SET status = :s, finished_at = :f, error_category = 'interrupted', "
           "error = :e WHERE id = :id AND status = 'running'",
        soci::use(status), soci::use(finished), soci::use(error), soci::use(s.id);
    log::warn("sync run {} marked interrupted: {}", s.id, s.why);
  }
  return static_cast<int>(stale.size());
}

std::optional<std::chrono::system_clock::time_point> last_run_start(store::Store& store,
                                                                    const std::string& pipeline) {
  store::DynamicQuery q;
  // Seconds since the epoch, asked of the backend: the two store timestamps differently.
  q.sql(store.backend() == store::Backend::postgresql
            ? "SELECT CAST(EXTRACT(EPOCH FROM MAX(started_at)) AS BIGINT) FROM sync_runs WHERE "
              "pipeline = "
            : "SELECT CAST(strftime('%s', MAX(started_at)) AS INTEGER) FROM sync_runs WHERE "
              "pipeline = ")
      .bind(pipeline);
  std::optional<std::chrono::system_clock::time_point> out;
  q.each(store.session(), [&](const soci::row& r) {
    if (r.get_indicator(0) != soci::i_null)
      out = std::chrono::system_clock::time_point(std::chrono::seconds(store::int_at(r, 0)));
  });
  return out;
}

Heartbeat::Heartbeat(store::Store& store, std::mutex& store_mutex, int64_t run_id,
                     std::chrono::milliseconds every)
    : Heartbeat(
          [&store, &store_mutex, run_id] {
            std::lock_guard store_lock(store_mutex);
            std::string now = store::now_timestamp();
            long long id = run_id;
            try {
              store.session() << "UPDATE sync_runs SET heartbeat_at = :h WHERE id = :id",
                  soci::use(now), soci::use(id);
            } catch (const std::exception& e) {
              throw std::runtime_error("sync run " + std::to_string(run_id) + ": " + e.what());
            }
          },
          every) {}

Heartbeat::Heartbeat(std::function<void()> beat, std::chrono::milliseconds every) {
  thread_ = std::thread([this, beat = std::move(beat), every] {
    std::unique_lock lock(m_);
    while (!cv_.wait_for(lock, every, [this] { return stop_; })) {
      try {
        beat();
      } catch (const std::exception& e) {
        // A missed beat only risks the run being called interrupted (or its slot's lease
        // expiring) later; the run goes on.
        log::warn("heartbeat not written: {}", e.what());
      }
    }
  });
}

Heartbeat::~Heartbeat() {
  {
    std::lock_guard lock(m_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

}  // namespace connhost::pipeline
