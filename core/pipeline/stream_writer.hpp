#pragma once

// Writes what a reporting read checkpoints: the rows since the previous checkpoint and the
// stream's new state, in ONE transaction, upserting on the natural keys. A crash at any point
// leaves either the old rows and old state or the new rows and new state, and a re-read of the
// same days overwrites instead of duplicating.

#include <connhost/abi.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/row_buffer.hpp"

namespace connhost::store {
class Store;
}

namespace connhost::pipeline {

struct StreamTarget {
  std::string connection;
  std::string platform;
  std::string account;  // "" for streams that are not per account
  const ch_stream_def* stream = nullptr;
  // campaign_daily: days before this one (YYYY-MM-DD) have left the settling window: final.
  std::string final_before;
};

class StreamWriter {
 public:
  // Throws std::invalid_argument when the stream is not one the store has a table for, or lacks
  // a column the table needs.
  StreamWriter(store::Store& store, std::mutex& store_mutex, StreamTarget target);

  void commit(std::vector<plugin::Row>& rows, std::string_view state);
  int64_t rows_written() const { return rows_written_; }

 private:
  std::optional<size_t> column(std::string_view name) const;
  size_t required(std::string_view name) const;

  store::Store& store_;
  std::mutex& mutex_;
  StreamTarget target_;
  std::map<std::string, size_t, std::less<>> columns_;
  int64_t rows_written_ = 0;
};

// The state stored for a stream of a connection ("" when none).
std::string load_state(store::Store& store, std::mutex& store_mutex, std::string_view connection,
                       std::string_view stream, std::string_view account);

}  // namespace connhost::pipeline
