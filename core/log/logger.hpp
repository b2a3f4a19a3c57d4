#pragma once

// The host's logging: spdlog underneath, kept out of this header so that every file that logs
// does not pay for spdlog's headers. Every line passes through the secret mask.

#include <fmt/core.h>

#include <optional>
#include <string>
#include <string_view>

namespace connhost::log {

enum class Level { trace, debug, info, warn, error, off };
enum class Format { text, json };

std::optional<Level> parse_level(std::string_view name);
std::optional<Format> parse_format(std::string_view name);

// Sets up the process-wide logger on stderr. May be called again to change level or format.
void init(Level level, Format format);
// Adds a sink writing to a string, for tests; returns a handle to read it.
struct Capture {
  std::string text() const;
  void clear();
};
Capture capture();

void write(Level level, std::string_view message);
bool enabled(Level level);

template <class... A>
void trace(fmt::format_string<A...> f, A&&... a) {
  if (enabled(Level::trace)) write(Level::trace, fmt::format(f, std::forward<A>(a)...));
}
template <class... A>
void debug(fmt::format_string<A...> f, A&&... a) {
  if (enabled(Level::debug)) write(Level::debug, fmt::format(f, std::forward<A>(a)...));
}
template <class... A>
void info(fmt::format_string<A...> f, A&&... a) {
  if (enabled(Level::info)) write(Level::info, fmt::format(f, std::forward<A>(a)...));
}
template <class... A>
void warn(fmt::format_string<A...> f, A&&... a) {
  if (enabled(Level::warn)) write(Level::warn, fmt::format(f, std::forward<A>(a)...));
}
template <class... A>
void error(fmt::format_string<A...> f, A&&... a) {
  if (enabled(Level::error)) write(Level::error, fmt::format(f, std::forward<A>(a)...));
}

}  // namespace connhost::log
