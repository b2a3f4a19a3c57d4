#include "plugin/row_buffer.hpp"

#include "plugin/plugin.hpp"

namespace connhost::plugin {
namespace {

std::string_view view(ch_str s) {
  return s.data ? std::string_view(s.data, s.size) : "";
}

// Which setter each column type takes (see ch_column_type in abi.h).
bool accepts(int32_t type, const Value& v) {
  switch (type) {
    case CH_COL_STRING:
    case CH_COL_DATE:
      return std::holds_alternative<std::string>(v);
    case CH_COL_INT64:
    case CH_COL_TIMESTAMP:
    case CH_COL_MONEY:
      return std::holds_alternative<int64_t>(v);
    case CH_COL_BOOL:
      return std::holds_alternative<int64_t>(v) &&
             (std::get<int64_t>(v) == 0 || std::get<int64_t>(v) == 1);
    case CH_COL_DOUBLE:
      return std::holds_alternative<double>(v);
  }
  return false;
}

bool valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  int month = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// The rejected value, so that whoever reads the error can find the row; long text is cut.
std::string got(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return " (got null)";
  if (const auto* i = std::get_if<int64_t>(&v)) return " (got int64 " + std::to_string(*i) + ")";
  if (const auto* d = std::get_if<double>(&v)) return " (got double " + std::to_string(*d) + ")";
  const auto& t = std::get<std::string>(v);
  return " (got string \"" + t.substr(0, 64) + (t.size() > 64 ? "...\")" : "\")");
}

}  // namespace

std::optional<std::string> RowBuffer::begin(std::string_view stream) {
  if (open_)
    return "row_begin while a row of '" + std::string(view(open_->stream->name)) +
           "' is still open";
  for (size_t i = 0; i < reporting_.stream_count; ++i) {
    const auto& s = reporting_.streams[i];
    if (view(s.name) == stream) {
      open_ = Row{&s, std::vector<Value>(s.column_count)};
      set_.assign(s.column_count, false);
      return std::nullopt;
    }
  }
  return "row_begin: the plugin declares no stream '" + std::string(stream) + "'";
}

std::optional<std::string> RowBuffer::set(uint32_t column, Value v) {
  if (!open_) return "row value set outside row_begin/row_end";
  const auto& s = *open_->stream;
  if (column >= s.column_count)
    return "stream '" + std::string(view(s.name)) + "' has no column " + std::to_string(column);
  const auto& c = s.columns[column];
  std::string where = std::string(view(s.name)) + "." + std::string(view(c.name));
  if (std::holds_alternative<std::monostate>(v)) {
    if (!(c.flags & CH_COLUMN_NULLABLE)) return where + " is not nullable" + got(v);
  } else if (!accepts(c.type, v)) {
    return where + " is " + std::string(column_type_name(c.type)) + ": wrong setter or value" +
           got(v);
  } else if (c.type == CH_COL_DATE && !valid_date(std::get<std::string>(v))) {
    return where + " is a date and needs YYYY-MM-DD" + got(v);
  }
  open_->values[column] = std::move(v);
  set_[column] = true;
  return std::nullopt;
}

std::optional<std::string> RowBuffer::end() {
  if (!open_) return "row_end without row_begin";
  const auto& s = *open_->stream;
  for (size_t i = 0; i < s.column_count; ++i) {
    if (!set_[i] && !(s.columns[i].flags & CH_COLUMN_NULLABLE)) {
      std::string msg =
          std::string(view(s.name)) + "." + std::string(view(s.columns[i].name)) + " was not set";
      open_.reset();
      return msg;
    }
  }
  rows_.push_back(std::move(*open_));
  open_.reset();
  return std::nullopt;
}

std::optional<std::string> RowBuffer::checkpoint(std::string_view state) {
  if (open_) return "checkpoint while a row is open";
  if (!sink_) {
    checkpoints_.push_back({rows_.size(), std::string(state)});
    return std::nullopt;
  }
  try {
    sink_(rows_, state);
  } catch (const std::exception& e) {
    return std::string("the host could not commit the checkpoint: ") + e.what();
  }
  rows_.clear();
  checkpoints_.push_back({0, std::string(state)});
  return std::nullopt;
}

}  // namespace connhost::plugin
