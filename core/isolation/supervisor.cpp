#include "isolation/supervisor.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "isolation/wire.hpp"
#include "log/logger.hpp"
#include "log/secret_mask.hpp"
#include "metrics/metrics.hpp"
#include "plugin/call.hpp"
#include "plugin/host_services.hpp"

extern char** environ;

namespace connhost::isolation {
namespace {

using Clock = std::chrono::steady_clock;
using plugin::Op;

constexpr std::string_view kWorkerName = "connhost-plugin-worker";
constexpr std::string_view kCommitPrefix = "the host could not commit the checkpoint: ";

std::mutex g_mutex;
Options g_options;

// A connection's crashes, kept across its Instances: a run that starts right after another one
// crashed its worker waits out the same backoff.
struct Backoff {
  int crashes = 0;
  Clock::time_point retry_at{};
  std::string reason;        // the last crash, for the fail-fast message
  std::string reason_label;  // the same as a metric label
};
std::map<std::string, Backoff> g_backoff;

std::string seconds_text(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(d).count());
  return buf;
}

ch_status fail(ch_error& err, ch_error_category category, const std::string& message,
               int64_t retry_after_ms = -1) {
  err.category = category;
  err.retry_after_ms = retry_after_ms;
  size_t n = std::min(message.size(), sizeof(err.message) - 1);
  std::memcpy(err.message, message.data(), n);
  err.message[n] = '\0';
  return CH_FAILED;
}

// Waits for `pid` to exit, up to `grace` (it was told to, or its sockets say it is going), then
// kills it; returns the wait status. Never leaves a zombie.
int reap(pid_t pid, std::chrono::milliseconds grace) {
  int status = 0;
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    int n;
    while ((n = ::poll(&p, 1, static_cast<int>(grace.count()))) < 0 && errno == EINTR) {
    }
    if (n == 0) ::kill(pid, SIGKILL);
    ::close(pidfd);
  }
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// One worker process. Whoever first sees it gone (EOF, a hang) reaps it and names the reason;
// every call in flight then fails with that reason.
class Worker {
 public:
  Worker(pid_t pid, int control, std::string connection)
      : pid_(pid), control_(control), connection_(std::move(connection)) {}
  ~Worker() { stop(); }

  bool dead() {
    std::lock_guard lock(m_);
    return ended_;
  }

  // A new channel: one end handed to the worker over the control socket.
  std::optional<Channel> open_channel() {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return std::nullopt;
    Channel mine(sv[0]);
    char byte = 'C';
    iovec iov{&byte, 1};
    alignas(cmsghdr) char space[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = space;
    msg.msg_controllen = sizeof space;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &sv[1], sizeof(int));
    ssize_t n;
    {
      std::lock_guard lock(m_);
      n = ended_ ? -1 : ::sendmsg(control_.fd(), &msg, MSG_NOSIGNAL);
    }
    ::close(sv[1]);
    if (n != 1) return std::nullopt;
    return mine;
  }

  // Reaps the worker once and returns why it ended; `first` tells the one caller that reaped it.
  // `kill_reason`: it may be alive but must go (a hang, a protocol error), and that is the reason.
  std::string end(const std::optional<std::string>& kill_reason = std::nullopt,
                  std::string* label = nullptr, bool* first = nullptr) {
    std::lock_guard lock(m_);
    if (first) *first = !ended_;
    if (!ended_) {
      ended_ = true;
      if (kill_reason) ::kill(pid_, SIGKILL);
      int status = reap(pid_, std::chrono::seconds(5));
      if (kill_reason) {
        reason_ = *kill_reason;
        label_ = kill_reason->rfind("no answer", 0) == 0 ? "hang" : "protocol";
      } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        reason_ = "killed by signal " + std::to_string(sig) + " (" + signal_name(sig) + ")";
        label_ = signal_name(sig);
      } else if (WIFEXITED(status) && WEXITSTATUS(status) == kExitOutOfMemory) {
        reason_ = "out of memory (limit " + std::to_string(memory_limit_mib_) + " MiB)";
        label_ = "out_of_memory";
      } else {
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        reason_ = "exited with status " + std::to_string(code);
        label_ = "exit_" + std::to_string(code);
      }
    }
    if (label) *label = label_;
    return reason_;
  }

  // The orderly end, when the Instance goes: the plugin's instance_destroy, then exit; killed if
  // it does not exit within a few seconds.
  void stop() {
    std::lock_guard lock(m_);
    if (ended_) return;
    ended_ = true;
    char byte = 'D';
    ::send(control_.fd(), &byte, 1, MSG_NOSIGNAL);
    reap(pid_, std::chrono::seconds(5));
  }

  uint64_t memory_limit_mib_ = 0;

 private:
  pid_t pid_;
  Channel control_;
  std::string connection_;
  std::mutex m_;
  bool ended_ = false;
  std::string reason_, label_;
};

std::shared_ptr<Worker> spawn_worker(const plugin::LoadedPlugin& p, const std::string& connection,
                                     const Options& o) {
  auto exe = o.worker.empty() ? worker_path() : o.worker;
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    throw std::runtime_error(std::string("socketpair: ") + std::strerror(errno));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  // dup2 onto the fixed descriptor clears close-on-exec for the worker's end only.
  posix_spawn_file_actions_adddup2(&fa, sv[1], kControlFd);
  // The very file the host mapped (a reloaded version's private copy), so that both ends run
  // the same version even after the folder's file changed again.
  const auto& file = p.loaded_from.empty() ? p.path : p.loaded_from;
  std::vector<std::string> args{exe.string(), file.string(), connection,
                                std::to_string(o.memory_limit_mib)};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    throw std::runtime_error("cannot start " + exe.string() + ": " + std::strerror(rc));
  }
  auto w = std::make_shared<Worker>(pid, sv[0], connection);
  w->memory_limit_mib_ = o.memory_limit_mib;
  log::debug("[{}] plugin {} started in worker process {}", connection, p.id, pid);
  return w;
}

class IsolatedPlugin final : public plugin::Isolated {
 public:
  IsolatedPlugin(std::shared_ptr<const plugin::LoadedPlugin> p, std::string connection)
      : plugin_(std::move(p)), connection_(std::move(connection)) {}

  ~IsolatedPlugin() override {
    std::lock_guard lock(m_);
    idle_.clear();
    if (worker_) worker_->stop();
  }

  ch_status invoke(Op op, const void* request, ch_call& call, ch_error& err) override {
    if (op == Op::create) {
      const auto* c = static_cast<const ch_config*>(request);
      config_.clear();
      for (size_t i = 0; i < c->count; ++i)
        config_.emplace_back(std::string(c->entries[i].key.data, c->entries[i].key.size),
                             std::string(c->entries[i].value.data, c->entries[i].value.size));
    }
    std::shared_ptr<Worker> w;
    std::optional<Channel> ch;
    if (ch_status s = acquire(op, call, err, w, ch); s != CH_OK) return s;
    ch_status s = run(*w, *ch, op, request, call, err);
    release(w, std::move(*ch));
    return s;
  }

 private:
  // A channel of a live worker, starting one (after the backoff) when there is none.
  ch_status acquire(Op op, ch_call& call, ch_error& err, std::shared_ptr<Worker>& w,
                    std::optional<Channel>& ch) {
    std::unique_lock lock(m_);
    if (worker_ && !worker_->dead()) {
      w = worker_;
      if (!idle_.empty()) {
        ch = std::move(idle_.back());
        idle_.pop_back();
        return CH_OK;
      }
      lock.unlock();
      if ((ch = w->open_channel())) return CH_OK;
      return fail(err, CH_ERROR_INTERNAL, plugin_->id + " plugin process: " + w->end());
    }
    Options o = options();
    std::string restart_label;
    {
      std::lock_guard g(g_mutex);
      auto& b = g_backoff[connection_];
      auto now = Clock::now();
      if (b.crashes > 0 && now < b.retry_at) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(b.retry_at - now);
        return fail(err, CH_ERROR_TRANSIENT,
                    plugin_->id + " plugin process of connection " + connection_ + " " + b.reason +
                        "; backing off after " + std::to_string(b.crashes) + " crash" +
                        (b.crashes > 1 ? "es" : "") + ": restarting it in " + seconds_text(left),
                    left.count());
      }
      if (b.crashes > 0) restart_label = b.reason_label;
    }
    idle_.clear();
    try {
      worker_ = spawn_worker(*plugin_, connection_, o);
    } catch (const std::exception& e) {
      worker_.reset();
      return fail(err, CH_ERROR_CONFIG, e.what());
    }
    if (!restart_label.empty()) {
      metrics::global()
          .counter("connhost_plugin_worker_restarts_total",
                   "Plugin worker processes started again after one crashed, hung or ran out of "
                   "memory (isolation = \"process\").",
                   {{"connection", connection_}, {"reason", restart_label}})
          .inc();
      log::warn("[{}] restarting the {} plugin process (last one: {})", connection_, plugin_->id,
                restart_label);
    }
    w = worker_;
    ch = w->open_channel();
    if (!ch) return fail(err, CH_ERROR_INTERNAL, plugin_->id + " plugin process: " + w->end());
    if (op == Op::create) return CH_OK;
    // A new worker has no instance yet: create it with the settings the Instance was made with.
    std::vector<ch_config_entry> entries;
    for (const auto& [k, v] : config_)
      entries.push_back({{k.data(), k.size()}, {v.data(), v.size()}});
    ch_config config{entries.data(), entries.size()};
    ch_call create_call;
    create_call.plugin = call.plugin;
    create_call.connection = call.connection;
    create_call.secret = call.secret;
    create_call.clock = call.clock;
    create_call.http = call.http;
    create_call.limiter = call.limiter;
    create_call.request_counter = call.request_counter;
    // Still under the lock: no other call may reach the new worker before its instance exists.
    ch_status s = run(*w, *ch, Op::create, &config, create_call, err);
    if (s != CH_OK && !w->dead()) {
      // A worker without an instance serves nothing: the next call starts another one.
      w->stop();
      worker_.reset();
      idle_.clear();
    }
    return s;
  }

  void release(const std::shared_ptr<Worker>& w, Channel ch) {
    std::lock_guard lock(m_);
    if (w == worker_ && !w->dead() && ch.fd() >= 0) idle_.push_back(std::move(ch));
  }

  // The worker is gone (or made to go): the call fails with why, and the connection backs off.
  ch_status died(Worker& w, Op op, ch_error& err, Channel& ch,
                 const std::optional<std::string>& kill_reason = std::nullopt) {
    ch = Channel();
    std::string label;
    bool first = false;
    std::string reason = w.end(kill_reason, &label, &first);
    const Options o = options();
    // Calls in flight on the same worker all land here: the one that reaped it counts the crash.
    if (first) {
      std::lock_guard g(g_mutex);
      auto& b = g_backoff[connection_];
      b.crashes++;
      auto delay = o.backoff_base * (1LL << std::min(b.crashes - 1, 16));
      b.retry_at = Clock::now() + std::min<std::chrono::milliseconds>(delay, o.backoff_max);
      b.reason = reason;
      b.reason_label = label;
      log::error("[{}] {} plugin process {} during {}", connection_, plugin_->id, reason,
                 op_name(op));
    }
    return fail(err, CH_ERROR_INTERNAL,
                plugin_->id + " plugin process " + reason + " during " + op_name(op));
  }

  static std::string op_name(Op op) {
    switch (op) {
      case Op::create:
        return "instance_create";
      case Op::check:
        return "check";
      case Op::read:
        return "read";
      case Op::authorize_url:
        return "authorize_url";
      case Op::exchange_code:
        return "exchange_code";
      case Op::refresh:
        return "refresh";
      case Op::revoke:
        return "revoke";
      case Op::user_info:
        return "user_info";
      case Op::handshake:
        return "handshake";
      case Op::verify:
        return "verify";
      case Op::parse_events:
        return "parse_events";
      case Op::send:
        return "send";
      case Op::media_url:
        return "media_url";
      case Op::profile_fetch:
        return "profile fetch";
      case Op::profile_required_scopes:
        return "profile required_scopes";
    }
    return "call";
  }

  ch_status run(Worker& w, Channel& ch, Op op, const void* request, ch_call& call, ch_error& err) {
    const Options o = options();
    const auto& svc = plugin::host_services();
    Writer frame(Frame::call);
    frame.u8(static_cast<uint8_t>(op)).u8(call.clock ? 1 : 0);
    encode_request(frame, op, request);
    if (!ch.send(frame.finish())) return died(w, op, err, ch);
    const int hang_ms = static_cast<int>(o.hang_timeout.count());
    std::optional<std::string> row_problem;
    Frame type;
    std::string payload;
    try {
      for (;;) {
        switch (ch.recv(type, payload, hang_ms)) {
          case Channel::Got::eof:
            return died(w, op, err, ch);
          case Channel::Got::timeout:
            return died(w, op, err, ch,
                        "no answer in " + seconds_text(o.hang_timeout) + ": killed");
          case Channel::Got::frame:
            break;
        }
        Reader r(payload);
        switch (type) {
          case Frame::log: {
            int32_t level = r.i32();
            auto text = r.str();
            svc.log(&call, level, ch_str{text.data(), text.size()});
            break;
          }
          case Frame::http_request:
            if (!ch.send(serve_http(r, call, svc))) return died(w, op, err, ch);
            break;
          case Frame::secret_request:
            if (!ch.send(serve_secret(r.str(), call))) return died(w, op, err, ch);
            break;
          case Frame::now_request: {
            Writer reply(Frame::now_reply);
            reply.i64(svc.now_ms(&call));
            if (!ch.send(reply.finish())) return died(w, op, err, ch);
            break;
          }
          case Frame::rows: {
            bool has_state = r.u8() != 0;
            std::string state(r.str());
            std::optional<std::string> problem;
            if (!call.rows)
              problem = "rows outside a reporting read";
            else
              problem = decode_rows(r, plugin_->reporting, *call.rows);
            if (problem && !row_problem) row_problem = problem;
            if (!has_state) break;
            if (!problem) problem = call.rows->checkpoint(state);
            std::string text = problem.value_or("");
            if (text.rfind(kCommitPrefix, 0) == 0) text.erase(0, kCommitPrefix.size());
            Writer ack(Frame::rows_ack);
            ack.str(text);
            if (!ch.send(ack.finish())) return died(w, op, err, ch);
            break;
          }
          case Frame::result: {
            ch_status status = r.u8() == 0 ? CH_OK : CH_FAILED;
            err.category = r.i32();
            err.retry_after_ms = r.i64();
            auto message = r.str();
            size_t n = std::min(message.size(), sizeof(err.message) - 1);
            std::memcpy(err.message, message.data(), n);
            err.message[n] = '\0';
            for (auto& rec : decode_outputs(r)) call.outputs.push_back(std::move(rec));
            // A worker that only gets as far as instance_create keeps its crash count.
            if (status == CH_OK && op != Op::create) {
              std::lock_guard g(g_mutex);
              if (auto it = g_backoff.find(connection_); it != g_backoff.end())
                it->second.crashes = 0;
            }
            if (status == CH_OK && row_problem)
              return fail(err, CH_ERROR_INTERNAL, "rows from the plugin process: " + *row_problem);
            return status;
          }
          default:
            throw ProtocolError("unexpected frame " + std::to_string(static_cast<int>(type)));
        }
      }
    } catch (const ProtocolError& e) {
      return died(w, op, err, ch, std::string("broke the protocol (") + e.what() + "): killed");
    }
  }

  std::string serve_http(Reader& r, ch_call& call, const ch_host_services& svc) {
    std::string method(r.str()), url(r.str());
    std::vector<std::pair<std::string, std::string>> headers;
    uint32_t n = r.u32();
    for (uint32_t i = 0; i < n; ++i) {
      std::string k(r.str());
      headers.emplace_back(std::move(k), std::string(r.str()));
    }
    std::string body(r.str());
    int64_t timeout_ms = r.i64();
    std::vector<ch_header> hs;
    for (const auto& [k, v] : headers) hs.push_back({{k.data(), k.size()}, {v.data(), v.size()}});
    ch_http_request req{sizeof(ch_http_request),
                        {method.data(), method.size()},
                        {url.data(), url.size()},
                        hs.data(),
                        hs.size(),
                        {body.data(), body.size()},
                        timeout_ms};
    ch_http_response resp{};
    resp.struct_size = sizeof(resp);
    ch_error herr{};
    herr.struct_size = sizeof(herr);
    herr.retry_after_ms = -1;
    Writer reply(Frame::http_reply);
    if (svc.http_request(&call, &req, &resp, &herr) != CH_OK) {
      reply.u8(1).i32(herr.category).str(herr.message);
      return reply.finish();
    }
    reply.reserve(resp.body.size + 256);
    reply.u8(0).i32(resp.status).u32(static_cast<uint32_t>(resp.header_count));
    for (size_t i = 0; i < resp.header_count; ++i)
      reply.str({resp.headers[i].name.data, resp.headers[i].name.size})
          .str({resp.headers[i].value.data, resp.headers[i].value.size});
    reply.str({resp.body.data, resp.body.size});
    return reply.finish();
  }

  // The resolver's own answer, so the worker's secret service words it exactly as in process.
  static std::string serve_secret(std::string_view key, ch_call& call) {
    Writer reply(Frame::secret_reply);
    try {
      std::optional<std::string> v;
      if (call.secret) v = call.secret(key);
      if (!v) {
        reply.u8(1).i32(0).str("");
      } else {
        log::register_secret(*v);
        reply.u8(0).i32(0).str(*v);
      }
    } catch (const plugin::SecretError& e) {
      reply.u8(2).i32(e.category()).str(e.what());
    } catch (const std::exception& e) {
      reply.u8(2).i32(CH_ERROR_INTERNAL).str(e.what());
    }
    return reply.finish();
  }

  std::shared_ptr<const plugin::LoadedPlugin> plugin_;
  std::string connection_;
  std::vector<std::pair<std::string, std::string>> config_;
  std::mutex m_;
  std::shared_ptr<Worker> worker_;
  std::vector<Channel> idle_;
};

}  // namespace

Options options() {
  std::lock_guard lock(g_mutex);
  return g_options;
}

void set_options(Options o) {
  std::lock_guard lock(g_mutex);
  g_options = std::move(o);
}

void reset_backoff() {
  std::lock_guard lock(g_mutex);
  g_backoff.clear();
}

std::filesystem::path worker_path() {
  std::error_code ec;
  std::vector<std::filesystem::path> candidates;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path() / kWorkerName);
    candidates.push_back(exe.parent_path().parent_path() / "lib" / "connhost" / kWorkerName);
  }
  candidates.push_back(CONNHOST_WORKER_BUILD_PATH);
  std::string looked;
  for (const auto& c : candidates) {
    if (::access(c.c_str(), X_OK) == 0) return c;
    looked += (looked.empty() ? "" : ", ") + c.string();
  }
  throw std::runtime_error(std::string(kWorkerName) +
                           " not found (isolation = \"process\" needs it): looked at " + looked);
}

std::unique_ptr<plugin::Isolated> make_isolated(
    const std::shared_ptr<const plugin::LoadedPlugin>& plugin, const std::string& connection) {
  return std::make_unique<IsolatedPlugin>(plugin, connection);
}

}  // namespace connhost::isolation
