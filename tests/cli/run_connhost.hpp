#pragma once

// Runs the real `connhost` binary as ops would, capturing its output and exit code.

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace connhost::testing {

struct CliRun {
  int code;
  std::string out;  // stdout and stderr together, in order
};

// `env` is prepended to the command line ("NAME=value ...").
inline CliRun run_connhost(const std::string& args, const std::string& env = "") {
  std::string cmd = env + " " + std::string(CONNHOST_BIN) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace connhost::testing
