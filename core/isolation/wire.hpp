#pragma once

// The wire between the host and a plugin's worker process (isolation = "process"): one
// socketpair per concurrent call (a "channel"), length-prefixed binary frames on it, and a
// control socket that hands the worker new channels (SCM_RIGHTS) and tells it to stop.
//
// A frame is u32 length (of what follows), u8 type, payload. Integers are little-endian as the
// machine writes them: both ends are the same build on the same host.

#include <connhost/abi.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plugin/instance.hpp"
#include "plugin/row_buffer.hpp"

namespace connhost::isolation {

enum class Frame : uint8_t {
  // host -> worker
  call = 1,      // op, has_clock, the op's request (Fields)
  http_reply,    // ok; on failure category + message; else status, headers, body
  secret_reply,  // 0 value | 1 unset | 2 error (category, message); text
  now_reply,     // i64
  rows_ack,      // empty message: committed; else why not
  // worker -> host
  log = 16,        // level, text; no answer
  http_request,    // method, url, headers, body, timeout_ms
  secret_request,  // key
  now_request,
  rows,    // has_state, state, rows: the state is a checkpoint (answered by rows_ack)
  result,  // status, category, retry_after_ms, message, outputs
};

// Exit status of a worker whose allocation failed (its new_handler): the host names the memory
// limit instead of a signal.
inline constexpr int kExitOutOfMemory = 86;
// Exit status of a worker started wrongly (arguments, control socket).
inline constexpr int kExitUsage = 64;
// The worker's end of the control socket.
inline constexpr int kControlFd = 3;

class Writer {
 public:
  explicit Writer(Frame type) { buf_.assign(4, '\0'), buf_.push_back(static_cast<char>(type)); }
  Writer& u8(uint8_t v) { return raw(&v, 1); }
  Writer& u32(uint32_t v) { return raw(&v, 4); }
  Writer& i32(int32_t v) { return raw(&v, 4); }
  Writer& i64(int64_t v) { return raw(&v, 8); }
  Writer& f64(double v) { return raw(&v, 8); }
  Writer& str(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    buf_.append(s.data(), s.size());
    return *this;
  }
  // The frame, its length filled in.
  const std::string& finish() {
    uint32_t n = static_cast<uint32_t>(buf_.size() - 4);
    std::memcpy(buf_.data(), &n, 4);
    return buf_;
  }
  void reserve(size_t n) { buf_.reserve(n); }

 private:
  Writer& raw(const void* p, size_t n) {
    buf_.append(static_cast<const char*>(p), n);
    return *this;
  }
  std::string buf_;
};

struct ProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Reader {
 public:
  explicit Reader(std::string_view payload) : p_(payload) {}
  uint8_t u8() { return get<uint8_t>(); }
  uint32_t u32() { return get<uint32_t>(); }
  int32_t i32() { return get<int32_t>(); }
  int64_t i64() { return get<int64_t>(); }
  double f64() { return get<double>(); }
  std::string_view str() {
    uint32_t n = u32();
    need(n);
    auto v = p_.substr(0, n);
    p_.remove_prefix(n);
    return v;
  }
  bool done() const { return p_.empty(); }

 private:
  template <class T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, p_.data(), sizeof(T));
    p_.remove_prefix(sizeof(T));
    return v;
  }
  void need(size_t n) const {
    if (p_.size() < n) throw ProtocolError("truncated frame");
  }
  std::string_view p_;
};

// A socket end carrying frames. Writes never raise SIGPIPE (a dead peer is an error return).
class Channel {
 public:
  Channel() = default;
  explicit Channel(int fd) : fd_(fd) {}
  ~Channel();
  Channel(Channel&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Channel& operator=(Channel&& o) noexcept;
  int fd() const { return fd_; }

  bool send(const std::string& frame);
  enum class Got { frame, eof, timeout };
  // Waits up to `timeout_ms` (< 0: forever) for the next frame to begin, and as long again
  // for each further piece of it. `payload` excludes the type.
  Got recv(Frame& type, std::string& payload, int timeout_ms = -1);

 private:
  int fd_ = -1;
};

// The request of one operation, as values: the ch_* struct of `op` points into it.
struct Fields {
  std::vector<std::string> strs;
  std::vector<std::pair<std::string, std::string>> headers;
  int64_t a = 0, b = 0;
};

// Appends the request `op` points at (see plugin::Op) to a call frame.
void encode_request(Writer& w, plugin::Op op, const void* request);
Fields decode_fields(Reader& r);

// Rows: the stream by its index in the plugin's reporting table, then each value tagged.
void encode_rows(Writer& w, const ch_reporting_v1& reporting, const std::vector<plugin::Row>& rows);
// Appends the rows of a frame to `into` through its checking setters; returns the first problem.
std::optional<std::string> decode_rows(Reader& r, const ch_reporting_v1& reporting,
                                       plugin::RowBuffer& into);

void encode_outputs(Writer& w, const std::vector<plugin::OutputRecord>& outputs);
std::vector<plugin::OutputRecord> decode_outputs(Reader& r);

// "SIGSEGV" for 11; "signal N" for one without a name.
std::string signal_name(int sig);

}  // namespace connhost::isolation
