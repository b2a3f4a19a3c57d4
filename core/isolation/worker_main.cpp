// connhost-plugin-worker PLUGIN_FILE CONNECTION MEMORY_LIMIT_MIB
//
// One connection's plugin, out of the host's process (isolation = "process"). Started by the
// host (isolation/supervisor.cpp) with the control socket on descriptor 3. It loads the plugin
// with the host's own loader, so a plugin the host accepts loads the same way here, and serves
// the host's calls, one thread per channel the host hands over. The services a call needs from
// the host (HTTP, secrets, the clock, log lines, committing rows) go back over the call's
// channel. It exits when told to, and when the host's end of the control socket closes: that is
// how it dies with the host, whatever thread of the host started it.

#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <variant>

#include "isolation/wire.hpp"
#include "log/logger.hpp"
#include "plugin/call.hpp"
#include "plugin/call_support.hpp"
#include "plugin/loader.hpp"

namespace {

using namespace connhost;
using isolation::Channel;
using isolation::Frame;
using isolation::Reader;
using isolation::Writer;
using plugin::Op;

std::shared_ptr<plugin::LoadedPlugin> g_plugin;
std::string g_refusal;  // why the loader refused the file
std::string g_connection;
std::mutex g_instance_mutex;
ch_instance* g_instance = nullptr;

[[noreturn]] void quit(int code) {
  std::fflush(stderr);
  ::_exit(code);
}

// The services of one call that the host must perform, asked over the call's channel.
class Forwarder final : public plugin::CallForwarder {
 public:
  explicit Forwarder(Channel& ch) : ch_(ch) {}

  ch_status http(ch_call&, const ch_http_request& req, ch_http_response& resp,
                 ch_error* err) override {
    auto v = [](ch_str s) { return std::string_view(s.data ? s.data : "", s.size); };
    Writer w(Frame::http_request);
    w.str(v(req.method)).str(v(req.url)).u32(static_cast<uint32_t>(req.header_count));
    for (size_t i = 0; i < req.header_count; ++i)
      w.str(v(req.headers[i].name)).str(v(req.headers[i].value));
    w.str(v(req.body));
    w.i64(CH_HAS_FIELD(&req, ch_http_request, timeout_ms) ? req.timeout_ms : 0);
    send(w);
    Reader r = expect(Frame::http_reply);
    if (r.u8() != 0) {
      int32_t category = r.i32();
      return plugin::detail::fill_error(err, category, r.str());
    }
    resp.status = r.i32();
    uint32_t n = r.u32();
    headers_.clear();
    views_.clear();
    for (uint32_t i = 0; i < n; ++i) {
      std::string k(r.str());
      headers_.emplace_back(std::move(k), std::string(r.str()));
    }
    body_ = r.str();
    for (const auto& [k, val] : headers_)
      views_.push_back({{k.data(), k.size()}, {val.data(), val.size()}});
    resp.headers = views_.data();
    resp.header_count = views_.size();
    resp.body = {body_.data(), body_.size()};
    return CH_OK;
  }

  void log(int32_t level, std::string_view message) override {
    Writer w(Frame::log);
    w.i32(level).str(message);
    send(w);
  }

  std::optional<std::string> secret(std::string_view key) {
    Writer w(Frame::secret_request);
    w.str(key);
    send(w);
    Reader r = expect(Frame::secret_reply);
    uint8_t kind = r.u8();
    int32_t category = r.i32();
    std::string text(r.str());
    if (kind == 1) return std::nullopt;
    if (kind == 2) throw plugin::SecretError(static_cast<ch_error_category>(category), text);
    return text;
  }

  int64_t now() {
    send(Writer(Frame::now_request));
    return expect(Frame::now_reply).i64();
  }

  // The rows since the last checkpoint, with the new state: the host commits both and answers.
  void checkpoint(const ch_reporting_v1& reporting, std::vector<plugin::Row>& rows,
                  std::string_view state) {
    Writer w(Frame::rows);
    w.u8(1).str(state);
    encode_rows(w, reporting, rows);
    send(w);
    auto problem = std::string(expect(Frame::rows_ack).str());
    if (!problem.empty()) throw std::runtime_error(problem);
  }

  void rows(const ch_reporting_v1& reporting, const std::vector<plugin::Row>& rows) {
    Writer w(Frame::rows);
    w.u8(0).str("");
    encode_rows(w, reporting, rows);
    send(w);
  }

  void send(Writer& w) {
    // The host closed the channel: it is gone, or gave up on this call (and will kill us).
    if (!ch_.send(w.finish())) quit(0);
  }
  void send(Writer&& w) { send(w); }

 private:
  Reader expect(Frame want) {
    Frame type;
    if (ch_.recv(type, reply_) != Channel::Got::frame) quit(0);
    if (type != want) throw isolation::ProtocolError("unexpected reply");
    return Reader(reply_);
  }

  Channel& ch_;
  std::string reply_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string body_;
  std::vector<ch_header> views_;
};

ch_str s_(const std::string& s) {
  return ch_str{s.data(), s.size()};
}

ch_status not_offered(ch_error& err) {
  err.category = CH_ERROR_NOT_IMPLEMENTED;
  std::snprintf(err.message, sizeof err.message, "the plugin does not offer this operation");
  return CH_FAILED;
}

ch_status create(const isolation::Fields& f, ch_call& call, ch_error& err) {
  if (!g_plugin) {
    err.category = CH_ERROR_CONFIG;
    std::snprintf(err.message, sizeof err.message, "the plugin process refused %s: %s",
                  call.connection.c_str(), g_refusal.c_str());
    return CH_FAILED;
  }
  std::vector<ch_config_entry> entries;
  for (const auto& [k, v] : f.headers) entries.push_back({s_(k), s_(v)});
  ch_config config{entries.data(), entries.size()};
  std::lock_guard lock(g_instance_mutex);
  ch_instance* out = nullptr;
  ch_status s = g_plugin->descriptor.instance_create(&call, &config, &out, &err);
  if (s == CH_OK && !out) {
    std::snprintf(err.message, sizeof err.message, "instance_create returned no instance");
    err.category = CH_ERROR_INTERNAL;
    return CH_FAILED;
  }
  if (s == CH_OK) g_instance = out;
  return s;
}

ch_status dispatch(Op op, const isolation::Fields& f, ch_call& call, ch_error& err, Forwarder& fw) {
  const auto& p = *g_plugin;
  ch_instance* h = g_instance;
  const auto& s = f.strs;
  auto need = [&](size_t n) {
    if (s.size() < n) throw isolation::ProtocolError("short request");
  };
  switch (op) {
    case Op::create:
      return create(f, call, err);
    case Op::check:
      return p.descriptor.check ? p.descriptor.check(h, &call, &err) : not_offered(err);
    case Op::read: {
      need(5);
      if (!p.reporting.read) return not_offered(err);
      plugin::RowBuffer rows(p.reporting,
                             [&](std::vector<plugin::Row>& batch, std::string_view state) {
                               fw.checkpoint(p.reporting, batch, state);
                             });
      call.rows = &rows;
      ch_read_request req{
          sizeof(ch_read_request), s_(s[0]), s_(s[1]), s_(s[2]), s_(s[3]), s_(s[4])};
      ch_status st = p.reporting.read(h, &call, &req, &err);
      // Rows after the last checkpoint: the host hands them back as in process (a failed read's
      // are discarded there).
      if (!rows.rows().empty()) fw.rows(p.reporting, rows.rows());
      return st;
    }
    case Op::authorize_url: {
      need(5);
      if (!p.login.authorize_url) return not_offered(err);
      ch_authorize_request req{
          sizeof(ch_authorize_request), s_(s[0]), s_(s[1]), s_(s[2]), s_(s[3]), s_(s[4])};
      return p.login.authorize_url(h, &call, &req, &err);
    }
    case Op::exchange_code:
    case Op::refresh:
    case Op::revoke:
    case Op::user_info: {
      need(5);
      auto fn = op == Op::exchange_code ? p.login.exchange_code
                : op == Op::refresh     ? p.login.refresh
                : op == Op::revoke      ? p.login.revoke
                                        : p.login.user_info;
      if (!fn) return not_offered(err);
      ch_token_request req{
          sizeof(ch_token_request), s_(s[0]), s_(s[1]), s_(s[2]), s_(s[3]), s_(s[4])};
      return fn(h, &call, &req, &err);
    }
    case Op::handshake:
    case Op::verify:
    case Op::parse_events: {
      need(3);
      auto fn = op == Op::handshake ? p.messaging.handshake
                : op == Op::verify  ? p.messaging.verify
                                    : p.messaging.parse_events;
      if (!fn) return not_offered(err);
      std::vector<ch_header> hs;
      for (const auto& [k, v] : f.headers) hs.push_back({s_(k), s_(v)});
      ch_webhook_request req{
          sizeof(ch_webhook_request), s_(s[0]), s_(s[1]), hs.data(), hs.size(), s_(s[2]), f.a, f.b};
      return fn(h, &call, &req, &err);
    }
    case Op::send: {
      need(8);
      if (!p.messaging.send) return not_offered(err);
      ch_send_request req{sizeof(ch_send_request),
                          s_(s[0]),
                          s_(s[1]),
                          s_(s[2]),
                          s_(s[3]),
                          s_(s[4]),
                          s_(s[5]),
                          s_(s[6]),
                          s_(s[7])};
      return p.messaging.send(h, &call, &req, &err);
    }
    case Op::media_url: {
      need(6);
      const auto& t = p.messaging;
      auto fn = CH_HAS_FIELD(&t, ch_messaging_v1, media_url) ? t.media_url : nullptr;
      if (!fn) return not_offered(err);
      ch_media_request req{
          sizeof(ch_media_request), s_(s[0]), s_(s[1]), s_(s[2]), s_(s[3]), s_(s[4]), s_(s[5])};
      return fn(h, &call, &req, &err);
    }
    case Op::profile_fetch: {
      need(3);
      if (!p.profile.fetch) return not_offered(err);
      ch_profile_request req{sizeof(ch_profile_request), s_(s[0]), s_(s[1]), s_(s[2])};
      return p.profile.fetch(h, &call, &req, &err);
    }
    case Op::profile_required_scopes: {
      const auto& t = p.profile;
      auto fn = CH_HAS_FIELD(&t, ch_profile_v1, required_scopes) ? t.required_scopes : nullptr;
      if (!fn) return not_offered(err);
      return fn(h, &call, &err);
    }
  }
  throw isolation::ProtocolError("unknown operation");
}

// One channel: calls one after another, each with its own ch_call.
void serve(int fd) {
  Channel ch(fd);
  Frame type;
  std::string payload;
  for (;;) {
    if (ch.recv(type, payload) != Channel::Got::frame) return;  // the host let the channel go
    try {
      if (type != Frame::call) throw isolation::ProtocolError("expected a call");
      Reader r(payload);
      auto op = static_cast<Op>(r.u8());
      bool has_clock = r.u8() != 0;
      isolation::Fields f = isolation::decode_fields(r);
      Forwarder fw(ch);
      ch_call call;
      call.plugin = g_plugin.get();
      call.connection = g_connection;
      call.forward = &fw;
      call.secret = [&fw](std::string_view key) { return fw.secret(key); };
      if (has_clock) call.clock = [&fw] { return fw.now(); };
      ch_error err = plugin::detail::blank_error();
      ch_status st =
          (op != Op::create && !g_plugin)
              ? create(f, call, err)
              : plugin::detail::shielded(err, [&] { return dispatch(op, f, call, err, fw); });
      Writer w(Frame::result);
      w.u8(st == CH_OK ? 0 : 1).i32(err.category).i64(err.retry_after_ms);
      w.str(std::string_view(err.message, strnlen(err.message, sizeof err.message)));
      encode_outputs(w, call.outputs);
      fw.send(w);
    } catch (const std::exception& e) {
      // The host and this worker disagree on the protocol: nothing sensible is left to do.
      std::fprintf(stderr, "connhost-plugin-worker: %s\n", e.what());
      quit(isolation::kExitUsage);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr,
                 "usage: connhost-plugin-worker PLUGIN_FILE CONNECTION MEMORY_LIMIT_MIB\n"
                 "(started by the connhost host for connections with isolation = \"process\")\n");
    return isolation::kExitUsage;
  }
  // Only the control socket is ours; anything else inherited belongs to the host.
  ::closefrom(isolation::kControlFd + 1);
  ::signal(SIGPIPE, SIG_IGN);
  g_connection = argv[2];
  uint64_t mib = std::strtoull(argv[3], nullptr, 10);
  if (mib > 0) {
    rlimit lim{mib << 20, mib << 20};
    ::setrlimit(RLIMIT_AS, &lim);
  }
  // An allocation that fails is this worker's end, named as such, not a bad_alloc the plugin's
  // exception boundary would turn into an ordinary error and carry on with.
  std::set_new_handler([] {
    static const char msg[] = "connhost-plugin-worker: out of memory\n";
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    ::_exit(isolation::kExitOutOfMemory);
  });
  log::init(log::Level::warn, log::Format::text);

  auto loaded = plugin::load_library(argv[1], plugin::HostAbi{});
  if (auto* p = std::get_if<std::shared_ptr<plugin::LoadedPlugin>>(&loaded))
    g_plugin = *p;
  else
    g_refusal = std::get<std::string>(loaded);

  for (;;) {
    char byte = 0;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char space[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = space;
    msg.msg_controllen = sizeof space;
    ssize_t n = ::recvmsg(isolation::kControlFd, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) quit(0);  // the host is gone
    if (byte == 'D') {
      std::lock_guard lock(g_instance_mutex);
      if (g_instance && g_plugin) g_plugin->descriptor.instance_destroy(g_instance);
      quit(0);
    }
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    if (byte != 'C' || !c || c->cmsg_type != SCM_RIGHTS) quit(isolation::kExitUsage);
    int fd;
    std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
    std::thread(serve, fd).detach();
  }
}
