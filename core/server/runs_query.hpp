#pragma once

// The sync_runs table (store/migrations.cpp) as the API reads it: filtered pages newest first,
// one run by id, and the latest run of each pipeline.

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace connhost::store {
class Store;
}

namespace connhost::server {

struct RunRow {
  int64_t id = 0;
  std::string pipeline, connection, origin;
  std::optional<std::string> window_start, window_end;  // YYYY-MM-DD
  std::string started_at;                               // the store's text: store/timestamp.hpp
  std::optional<std::string> finished_at;
  std::string status;  // running | succeeded | failed | interrupted
  int64_t rows = 0, requests = 0;
  std::optional<std::string> error_category, error;
};

struct RunFilter {
  std::string pipeline;  // empty: every pipeline
  std::string status;    // empty: every status
  int64_t limit = 50;
  int64_t offset = 0;
};

struct RunPage {
  std::vector<RunRow> runs;  // newest first
  int64_t total = 0;         // runs matching the filter, all pages
};

RunPage list_runs(store::Store& store, const RunFilter& filter);
std::optional<RunRow> find_run(store::Store& store, int64_t id);
// The newest run of every pipeline that ever ran, by pipeline name.
std::map<std::string, RunRow> last_runs(store::Store& store);

boost::json::object run_json(const RunRow& run);

}  // namespace connhost::server
