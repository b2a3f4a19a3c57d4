#pragma once

// A real `connhost` process for the crash tests: spawned with its output appended to a log file,
// watched through a pidfd (so waiting for its exit has a timeout and no polling), killed and
// reaped. Header-only; Linux (pidfd_open).

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace connhost::test {

struct Child {
  pid_t pid = -1;
  int pidfd = -1;
};

// Starts `args` (args[0] the executable's path) with stdout and stderr appended to `log_file`.
inline Child spawn_child(std::vector<std::string> args, const std::string& log_file) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log_file.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
  Child c;
  int rc = posix_spawn(&c.pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("posix_spawn " + args[0] + ": " + std::strerror(rc));
  c.pidfd = static_cast<int>(::syscall(SYS_pidfd_open, c.pid, 0));
  if (c.pidfd < 0) {
    int err = errno;
    ::kill(c.pid, SIGKILL);
    ::waitpid(c.pid, nullptr, 0);
    throw std::runtime_error(std::string("pidfd_open: ") + std::strerror(err));
  }
  return c;
}

// Waits up to `ms` for the child to exit (ms < 0: forever); true when it did.
inline bool wait_exit(const Child& c, int ms) {
  pollfd p{c.pidfd, POLLIN, 0};
  for (;;) {
    int n = ::poll(&p, 1, ms);
    if (n < 0 && errno == EINTR) continue;
    return n > 0;
  }
}

// Reaps the child; its exit status (128 + signal when killed).
inline int reap(Child& c) {
  int status = 0;
  while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (c.pidfd >= 0) ::close(c.pidfd);
  c = {};
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

// The last 4,000 characters of a child's log, for failure messages.
inline std::string log_tail(const std::string& log_file) {
  std::ifstream in(log_file);
  std::string t((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return t.size() > 4000 ? t.substr(t.size() - 4000) : t;
}

}  // namespace connhost::test
