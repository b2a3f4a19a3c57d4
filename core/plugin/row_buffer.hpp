#pragma once

#include <connhost/abi.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace connhost::plugin {

using Value = std::variant<std::monostate, int64_t, double, std::string>;

struct Row {
  const ch_stream_def* stream = nullptr;
  std::vector<Value> values;  // one per column of the stream, in declaration order
};

// Receives the typed rows a reporting read appends through the host services, checking each
// value against the stream's declared column types, and the checkpoints between them. A
// checkpoint covers every row appended before it: the pipeline commits both together.
class RowBuffer {
 public:
  // Receives the rows appended since the previous checkpoint together with the new state; it
  // commits both at once (or throws, which fails the plugin's checkpoint call). With a sink the
  // buffer keeps no rows past a checkpoint, so memory stays bounded by one chunk of the read.
  using Sink = std::function<void(std::vector<Row>& rows, std::string_view state)>;

  explicit RowBuffer(const ch_reporting_v1& reporting, Sink sink = {})
      : reporting_(reporting), sink_(std::move(sink)) {}

  // Each returns an error message, or nothing on success.
  std::optional<std::string> begin(std::string_view stream);
  std::optional<std::string> set(uint32_t column, Value v);
  std::optional<std::string> end();
  // Returns an error message when the sink failed.
  std::optional<std::string> checkpoint(std::string_view state);

  struct Checkpoint {
    size_t rows_before;
    std::string state;
  };
  const std::vector<Row>& rows() const { return rows_; }
  const std::vector<Checkpoint>& checkpoints() const { return checkpoints_; }

 private:
  const ch_reporting_v1& reporting_;
  Sink sink_;
  std::optional<Row> open_;
  std::vector<bool> set_;
  std::vector<Row> rows_;
  std::vector<Checkpoint> checkpoints_;
};

}  // namespace connhost::plugin
