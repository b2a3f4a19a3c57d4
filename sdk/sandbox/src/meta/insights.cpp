// Ads Insights endpoints (§1.3, §1.5): the synchronous GET /act_{id}/insights and the async
// report runs (POST /act_{id}/insights, GET /{report_run_id}, GET /{report_run_id}/insights).
// A read restates the account's recent days once, on its first page (or when a run is
// created), so all pages of one read agree.
#include <algorithm>
#include <set>
#include <span>
#include <stdexcept>
#include <string_view>

#include "meta/insights.hpp"

namespace connhost::sandbox::meta {
namespace {

std::shared_ptr<const std::vector<InsightRow>> cached_rows(Call& c, const std::string& account,
                                                           const Query& q) {
  std::string key = account + "|" + q.key + "|" +
                    std::to_string(c.world().restatement_epoch(Platform::meta, account));
  {
    std::lock_guard lock(c.st.mutex);
    if (auto it = c.st.row_cache.find(key); it != c.st.row_cache.end()) return it->second;
  }
  auto rows = std::make_shared<const std::vector<InsightRow>>(compute_rows(c.world(), account, q));
  std::lock_guard lock(c.st.mutex);
  c.st.row_cache[key] = rows;
  c.st.row_cache_order.push_back(key);
  while (c.st.row_cache_order.size() > 16) {
    c.st.row_cache.erase(c.st.row_cache_order.front());
    c.st.row_cache_order.pop_front();
  }
  return rows;
}

Response page_of(Call& c, const Account& acc, const std::vector<InsightRow>& rows, const Query& q) {
  PageRequest pr{c.base(), c.version, c.path(), &c.params, true, 25, 5000};
  GraphError err;
  auto w = page_window(pr, rows.size(), err);
  if (!w) return error_response(err);
  // The envelope is built with an empty data array and the rendered rows are spliced into
  // it: rows never become JSON values, and only the envelope goes through graph_escape.
  std::string envelope = graph_serialize(page_envelope(pr, *w, rows.size(), json::array{}));
  constexpr std::string_view kHead = R"({"data":[)";
  if (!envelope.starts_with(kHead))
    throw std::logic_error("page_envelope no longer starts with data: " + envelope);
  std::string body(kHead);
  render_rows(body, acc, std::span(rows).subspan(w->begin, w->end - w->begin), q);
  body.append(envelope, kHead.size());
  return Response::json(200, std::move(body));
}

bool first_page(const Params& p) {
  return p.get("after").value_or("").empty() && p.get("before").value_or("").empty();
}

// Re-parses a report run's stored parameters as the query they were.
std::optional<Query> run_query(Call& c, const ReportRun& run, GraphError& err) {
  Params saved;
  for (const auto& [k, v] : run.params) saved.values.emplace(k, v);
  Call inner{c.req, c.st, saved, {"act_" + run.account_id, "insights"}, c.version, c.served};
  return parse_query(inner, kAsyncLimit, err);
}

}  // namespace

Response insights_sync(Call& c, const std::string& account_id) {
  GraphError err;
  auto t = authenticate(c, err);
  if (!t) return error_response(err);
  if (auto denied = account_access(c, *t, account_id)) return error_response(*denied);
  auto q = parse_query(c, kSyncLimit, err);
  if (!q) return error_response(err);
  // A read starts on its first page: recent days move on once per read, never mid-read.
  if (first_page(c.params)) c.world().restate(Platform::meta, account_id);
  auto rows = cached_rows(c, account_id, *q);
  return page_of(c, *c.world().account(Platform::meta, account_id), *rows, *q);
}

Response insights_async(Call& c, const std::string& account_id) {
  GraphError err;
  auto t = authenticate(c, err);
  if (!t) return error_response(err);
  if (auto denied = account_access(c, *t, account_id)) return error_response(*denied);
  auto q = parse_query(c, kAsyncLimit, err);
  if (!q) return error_response(err);
  c.world().restate(Platform::meta, account_id);
  ReportRun run;
  run.id = c.st.next_id("61234", 11);
  run.account_id = account_id;
  run.owner_token = t->value;
  for (const auto& [k, v] : c.params.values)
    if (k != "access_token") run.params[k] = v;
  run.created = c.tokens().now();
  run.date_start = q->since;
  run.date_stop = q->until;
  std::string id = run.id;
  {
    std::lock_guard lock(c.st.mutex);
    c.st.runs[id] = std::move(run);
  }
  return graph_json(json::object{{"report_run_id", id}});
}

Response report_run(Call& c, const std::string& run_id) {
  GraphError err;
  auto t = authenticate(c, err);
  if (!t) return error_response(err);
  ReportRun snapshot;
  {
    std::lock_guard lock(c.st.mutex);
    snapshot = c.st.runs.at(run_id);
  }
  if (auto denied = account_access(c, *t, snapshot.account_id))
    return error_response(unsupported_request("GET", run_id));
  // §1.5: each poll moves the job one step: Not Started -> Started -> Running -> Completed.
  static const char* kStatus[] = {"Job Not Started", "Job Started", "Job Running", "Job Completed"};
  static const int kPercent[] = {0, 0, 46, 100};
  int step = std::min(snapshot.polls, 3);
  if (step == 3 && !snapshot.done) {
    auto q = run_query(c, snapshot, err);
    if (!q) return error_response(err);
    auto rows = std::make_shared<const std::vector<InsightRow>>(
        compute_rows(c.world(), snapshot.account_id, *q));
    std::lock_guard lock(c.st.mutex);
    auto& run = c.st.runs.at(run_id);
    if (!run.done) {
      run.rows = std::move(rows);
      run.done = true;
      run.completed = c.tokens().now();
    }
    snapshot.done = true;
    snapshot.completed = run.completed;
  }
  {
    std::lock_guard lock(c.st.mutex);
    ++c.st.runs.at(run_id).polls;
  }
  json::object all{
      {"id", run_id}, {"account_id", snapshot.account_id}, {"time_ref", snapshot.created}};
  if (snapshot.done) all["time_completed"] = snapshot.completed;
  all["async_status"] = kStatus[step];
  all["async_percent_completion"] = kPercent[step];
  all["date_start"] = format_day(snapshot.date_start);
  all["date_stop"] = format_day(snapshot.date_stop);
  all["is_running"] = !snapshot.done;
  auto fields = c.params.get("fields");
  if (!fields) {
    all.erase("is_running");
    return graph_json(all);
  }
  static const std::set<std::string> unset = {
      "async_report_url", "emails",        "friendly_name",    "schedule_id",   "error_code",
      "error_message",    "error_subcode", "error_user_title", "error_user_msg"};
  json::object out{{"id", run_id}};
  for (const auto& f : parse_fields(*fields)) {
    if (auto* v = all.if_contains(f.name))
      out[f.name] = *v;
    else if (!unset.count(f.name))
      return error_response(invalid_param("(#100) Tried accessing nonexisting field (" + f.name +
                                          ") on node type (AdReportRun)"));
  }
  return graph_json(out);
}

Response report_run_insights(Call& c, const std::string& run_id) {
  GraphError err;
  auto t = authenticate(c, err);
  if (!t) return error_response(err);
  ReportRun snapshot;
  {
    std::lock_guard lock(c.st.mutex);
    snapshot = c.st.runs.at(run_id);
  }
  if (auto denied = account_access(c, *t, snapshot.account_id))
    return error_response(unsupported_request("GET", run_id));
  if (!snapshot.done)
    return error_response(invalid_param("(#100) The report run " + run_id +
                                        " has not completed yet: poll GET /" + run_id +
                                        " until async_status is Job Completed"));
  auto q = run_query(c, snapshot, err);
  if (!q) return error_response(err);
  return page_of(c, *c.world().account(Platform::meta, snapshot.account_id), *snapshot.rows, *q);
}

}  // namespace connhost::sandbox::meta
