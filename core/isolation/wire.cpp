#include "isolation/wire.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace connhost::isolation {
namespace {

std::string_view view(ch_str s) {
  return s.data ? std::string_view(s.data, s.size) : std::string_view();
}

void strs(Writer& w, std::initializer_list<ch_str> list) {
  w.u32(static_cast<uint32_t>(list.size()));
  for (const auto& s : list) w.str(view(s));
}

void no_headers(Writer& w) {
  w.u32(0);
}

bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  for (;;) {
    int n = ::poll(&p, 1, timeout_ms);
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return true;  // let the read report it
  }
}

enum class Io { ok, eof, timeout };

Io read_exact(int fd, char* p, size_t n, int timeout_ms) {
  while (n > 0) {
    if (timeout_ms >= 0 && !wait_readable(fd, timeout_ms)) return Io::timeout;
    ssize_t got = ::recv(fd, p, n, 0);
    if (got == 0) return Io::eof;
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Io::eof;  // ECONNRESET and the like: the peer is gone
    }
    p += got;
    n -= static_cast<size_t>(got);
  }
  return Io::ok;
}

}  // namespace

Channel::~Channel() {
  if (fd_ >= 0) ::close(fd_);
}

Channel& Channel::operator=(Channel&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

bool Channel::send(const std::string& frame) {
  const char* p = frame.data();
  size_t n = frame.size();
  while (n > 0) {
    ssize_t put = ::send(fd_, p, n, MSG_NOSIGNAL);
    if (put < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += put;
    n -= static_cast<size_t>(put);
  }
  return true;
}

Channel::Got Channel::recv(Frame& type, std::string& payload, int timeout_ms) {
  char head[5];
  switch (read_exact(fd_, head, sizeof head, timeout_ms)) {
    case Io::eof:
      return Got::eof;
    case Io::timeout:
      return Got::timeout;
    case Io::ok:
      break;
  }
  uint32_t n = 0;
  std::memcpy(&n, head, 4);
  if (n == 0) throw ProtocolError("empty frame");
  type = static_cast<Frame>(head[4]);
  payload.resize(n - 1);
  switch (read_exact(fd_, payload.data(), payload.size(), timeout_ms)) {
    case Io::eof:
      return Got::eof;
    case Io::timeout:
      return Got::timeout;
    case Io::ok:
      break;
  }
  return Got::frame;
}

void encode_request(Writer& w, plugin::Op op, const void* request) {
  using plugin::Op;
  switch (op) {
    case Op::create: {
      const auto* c = static_cast<const ch_config*>(request);
      w.u32(0);
      w.u32(static_cast<uint32_t>(c->count));
      for (size_t i = 0; i < c->count; ++i)
        w.str(view(c->entries[i].key)).str(view(c->entries[i].value));
      break;
    }
    case Op::check:
    case Op::profile_required_scopes:
      w.u32(0);
      no_headers(w);
      break;
    case Op::read: {
      const auto* r = static_cast<const ch_read_request*>(request);
      strs(w, {r->stream, r->window_start, r->window_end, r->state, r->account});
      no_headers(w);
      break;
    }
    case Op::authorize_url: {
      const auto* r = static_cast<const ch_authorize_request*>(request);
      strs(w, {r->redirect_uri, r->state, r->code_challenge, r->code_challenge_method, r->scopes});
      no_headers(w);
      break;
    }
    case Op::exchange_code:
    case Op::refresh:
    case Op::revoke:
    case Op::user_info: {
      const auto* r = static_cast<const ch_token_request*>(request);
      strs(w, {r->code, r->redirect_uri, r->code_verifier, r->refresh_token, r->access_token});
      no_headers(w);
      break;
    }
    case Op::handshake:
    case Op::verify:
    case Op::parse_events: {
      const auto* r = static_cast<const ch_webhook_request*>(request);
      strs(w, {r->method, r->query, r->body});
      w.u32(static_cast<uint32_t>(r->header_count));
      for (size_t i = 0; i < r->header_count; ++i)
        w.str(view(r->headers[i].name)).str(view(r->headers[i].value));
      w.i64(r->now_ms).i64(r->tolerance_ms);
      return;
    }
    case Op::send: {
      const auto* r = static_cast<const ch_send_request*>(request);
      strs(w, {r->access_token, r->account_id, r->conversation_id, r->recipient_id, r->type,
               r->text, r->media_id, r->reply_to_message_id});
      no_headers(w);
      break;
    }
    case Op::media_url: {
      const auto* r = static_cast<const ch_media_request*>(request);
      strs(w, {r->access_token, r->account_id, r->conversation_id, r->message_id, r->media_id,
               r->media_type});
      no_headers(w);
      break;
    }
    case Op::profile_fetch: {
      const auto* r = static_cast<const ch_profile_request*>(request);
      strs(w, {r->access_token, r->platform_user_id, r->scopes});
      no_headers(w);
      break;
    }
  }
  w.i64(0).i64(0);
}

Fields decode_fields(Reader& r) {
  Fields f;
  uint32_t n = r.u32();
  for (uint32_t i = 0; i < n; ++i) f.strs.emplace_back(r.str());
  n = r.u32();
  for (uint32_t i = 0; i < n; ++i) {
    std::string k(r.str());
    f.headers.emplace_back(std::move(k), std::string(r.str()));
  }
  f.a = r.i64();
  f.b = r.i64();
  return f;
}

void encode_rows(Writer& w, const ch_reporting_v1& reporting,
                 const std::vector<plugin::Row>& rows) {
  w.u32(static_cast<uint32_t>(rows.size()));
  for (const auto& row : rows) {
    w.u32(static_cast<uint32_t>(row.stream - reporting.streams));
    w.u32(static_cast<uint32_t>(row.values.size()));
    for (const auto& v : row.values) {
      w.u8(static_cast<uint8_t>(v.index()));
      if (const auto* i = std::get_if<int64_t>(&v))
        w.i64(*i);
      else if (const auto* d = std::get_if<double>(&v))
        w.f64(*d);
      else if (const auto* s = std::get_if<std::string>(&v))
        w.str(*s);
    }
  }
}

std::optional<std::string> decode_rows(Reader& r, const ch_reporting_v1& reporting,
                                       plugin::RowBuffer& into) {
  uint32_t n = r.u32();
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t stream = r.u32();
    if (stream >= reporting.stream_count) throw ProtocolError("row of an unknown stream");
    if (auto e = into.begin(view(reporting.streams[stream].name))) return e;
    uint32_t values = r.u32();
    for (uint32_t c = 0; c < values; ++c) {
      plugin::Value v;
      switch (r.u8()) {
        case 0:
          break;
        case 1:
          v = r.i64();
          break;
        case 2:
          v = r.f64();
          break;
        case 3:
          v = std::string(r.str());
          break;
        default:
          throw ProtocolError("bad value tag");
      }
      // A value the worker never set stays unset here too, so the end() check agrees.
      if (v.index() == 0) continue;
      if (auto e = into.set(c, std::move(v))) return e;
    }
    if (auto e = into.end()) return e;
  }
  return std::nullopt;
}

void encode_outputs(Writer& w, const std::vector<plugin::OutputRecord>& outputs) {
  w.u32(static_cast<uint32_t>(outputs.size()));
  for (const auto& o : outputs) {
    w.str(o.kind).u32(static_cast<uint32_t>(o.fields.size()));
    for (const auto& [k, v] : o.fields) w.str(k).str(v);
  }
}

std::vector<plugin::OutputRecord> decode_outputs(Reader& r) {
  std::vector<plugin::OutputRecord> out;
  uint32_t n = r.u32();
  for (uint32_t i = 0; i < n; ++i) {
    plugin::OutputRecord rec;
    rec.kind = r.str();
    uint32_t m = r.u32();
    for (uint32_t j = 0; j < m; ++j) {
      std::string k(r.str());
      rec.fields[std::move(k)] = std::string(r.str());
    }
    out.push_back(std::move(rec));
  }
  return out;
}

std::string signal_name(int sig) {
  if (const char* abbrev = ::sigabbrev_np(sig)) return std::string("SIG") + abbrev;
  return "signal " + std::to_string(sig);
}

}  // namespace connhost::isolation
