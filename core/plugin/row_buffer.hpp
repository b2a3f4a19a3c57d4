#pragma once

#include <connhost/abi.h>

#include <cstdint>
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
  explicit RowBuffer(const ch_reporting_v1& reporting) : reporting_(reporting) {}

  // Each returns an error message, or nothing on success.
  std::optional<std::string> begin(std::string_view stream);
  std::optional<std::string> set(uint32_t column, Value v);
  std::optional<std::string> end();
  void checkpoint(std::string_view state);

  struct Checkpoint {
    size_t rows_before;
    std::string state;
  };
  const std::vector<Row>& rows() const { return rows_; }
  const std::vector<Checkpoint>& checkpoints() const { return checkpoints_; }

 private:
  const ch_reporting_v1& reporting_;
  std::optional<Row> open_;
  std::vector<bool> set_;
  std::vector<Row> rows_;
  std::vector<Checkpoint> checkpoints_;
};

}  // namespace connhost::plugin
