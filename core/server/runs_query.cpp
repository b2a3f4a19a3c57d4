#include "server/runs_query.hpp"

#include "store/timestamp.hpp"

#include <boost/json.hpp>

#include "store/session.hpp"

namespace connhost::server {
namespace {

// The API shows the text SQLite stores, whatever the backend.
std::string columns(soci::session& sql) {
  return "id, pipeline, connection, origin, window_start, window_end, " +
         store::timestamp_column(sql, "started_at") + ", " +
         store::timestamp_column(sql, "finished_at") +
         ", status, row_count, request_count, error_category, error FROM sync_runs";
}

// The targets of one statement's columns, nullable ones with their indicators.
struct Into {
  RunRow row;
  long long id = 0, rows = 0, requests = 0;
  std::string ws, we, finished, category, error;
  soci::indicator ws_i = soci::i_ok, we_i = soci::i_ok, fin_i = soci::i_ok, cat_i = soci::i_ok,
                  err_i = soci::i_ok;

  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(row.pipeline));
    st.exchange(soci::into(row.connection));
    st.exchange(soci::into(row.origin));
    st.exchange(soci::into(ws, ws_i));
    st.exchange(soci::into(we, we_i));
    st.exchange(soci::into(row.started_at));
    st.exchange(soci::into(finished, fin_i));
    st.exchange(soci::into(row.status));
    st.exchange(soci::into(rows));
    st.exchange(soci::into(requests));
    st.exchange(soci::into(category, cat_i));
    st.exchange(soci::into(error, err_i));
  }

  RunRow take() {
    auto opt = [](const std::string& v, soci::indicator i) {
      return i == soci::i_null ? std::nullopt : std::optional<std::string>(v);
    };
    RunRow r = row;
    r.id = id;
    r.rows = rows;
    r.requests = requests;
    r.window_start = opt(ws, ws_i);
    r.window_end = opt(we, we_i);
    r.finished_at = opt(finished, fin_i);
    r.error_category = opt(category, cat_i);
    r.error = opt(error, err_i);
    return r;
  }
};

std::vector<RunRow> fetch_all(soci::statement& st, Into& into) {
  std::vector<RunRow> out;
  st.execute();
  while (st.fetch()) out.push_back(into.take());
  return out;
}

boost::json::value opt_json(const std::optional<std::string>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

}  // namespace

RunPage list_runs(store::Store& store, const RunFilter& f) {
  auto& sql = store.session();
  const char* where = " WHERE (:p = '' OR pipeline = :p2) AND (:s = '' OR status = :s2)";
  std::string p = f.pipeline, s = f.status;
  long long limit = f.limit, offset = f.offset, total = 0;
  RunPage page;
  sql << std::string("SELECT COUNT(*) FROM sync_runs") + where, soci::into(total),
      soci::use(p, "p"), soci::use(p, "p2"), soci::use(s, "s"), soci::use(s, "s2");
  page.total = total;
  Into into;
  soci::statement st(sql);
  into.bind(st);
  st.exchange(soci::use(p, "p"));
  st.exchange(soci::use(p, "p2"));
  st.exchange(soci::use(s, "s"));
  st.exchange(soci::use(s, "s2"));
  st.exchange(soci::use(limit, "l"));
  st.exchange(soci::use(offset, "o"));
  st.alloc();
  // Ties on the start time (same millisecond) fall back to the id, which grows with inserts.
  st.prepare("SELECT " + columns(store.session()) + where +
             " ORDER BY started_at DESC, id DESC LIMIT :l OFFSET :o");
  st.define_and_bind();
  page.runs = fetch_all(st, into);
  return page;
}

std::optional<RunRow> find_run(store::Store& store, int64_t id) {
  auto& sql = store.session();
  long long want = id;
  Into into;
  soci::statement st(sql);
  into.bind(st);
  st.exchange(soci::use(want, "id"));
  st.alloc();
  st.prepare("SELECT " + columns(store.session()) + " WHERE id = :id");
  st.define_and_bind();
  auto rows = fetch_all(st, into);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::map<std::string, RunRow> last_runs(store::Store& store) {
  auto& sql = store.session();
  Into into;
  soci::statement st(sql);
  into.bind(st);
  st.alloc();
  st.prepare("SELECT " + columns(store.session()) +
             " WHERE id IN (SELECT MAX(id) FROM sync_runs GROUP BY pipeline)");
  st.define_and_bind();
  std::map<std::string, RunRow> out;
  for (auto& r : fetch_all(st, into)) out.emplace(r.pipeline, std::move(r));
  return out;
}

boost::json::object run_json(const RunRow& r) {
  boost::json::object o;
  o["id"] = r.id;
  o["pipeline"] = r.pipeline;
  o["connection"] = r.connection;
  o["origin"] = r.origin;
  o["window_start"] = opt_json(r.window_start);
  o["window_end"] = opt_json(r.window_end);
  o["started_at"] = r.started_at;
  o["finished_at"] = opt_json(r.finished_at);
  o["status"] = r.status;
  o["rows"] = r.rows;
  o["requests"] = r.requests;
  o["error_category"] = opt_json(r.error_category);
  o["error"] = opt_json(r.error);
  return o;
}

}  // namespace connhost::server
