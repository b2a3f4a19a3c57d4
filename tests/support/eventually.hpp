#pragma once

// Polls `ok` until it holds or `limit` passes: a condition with a deadline, never a sleep that a
// test passes by. Returns whether it held.

#include <chrono>
#include <functional>
#include <thread>

namespace connhost::test {

inline bool eventually(const std::function<bool()>& ok, std::chrono::milliseconds limit,
                       std::chrono::milliseconds poll = std::chrono::milliseconds(50)) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (ok()) return true;
    std::this_thread::sleep_for(poll);
  }
  return ok();
}

}  // namespace connhost::test
