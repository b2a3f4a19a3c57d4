#include "log/logger.hpp"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <sstream>

#include "log/secret_mask.hpp"

namespace connhost::log {
namespace {

struct State {
  std::mutex mutex;
  std::shared_ptr<spdlog::logger> logger;
  std::shared_ptr<std::ostringstream> captured;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> capture_sink;
  std::atomic<Level> level{Level::info};
  std::atomic<Format> format{Format::text};
};

State& state() {
  static State s;
  return s;
}

spdlog::level::level_enum to_spd(Level l) {
  switch (l) {
    case Level::trace:
      return spdlog::level::trace;
    case Level::debug:
      return spdlog::level::debug;
    case Level::info:
      return spdlog::level::info;
    case Level::warn:
      return spdlog::level::warn;
    case Level::error:
      return spdlog::level::err;
    case Level::off:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

void apply_pattern(spdlog::logger& logger, Format f) {
  if (f == Format::json)
    logger.set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":%v})",
                       spdlog::pattern_time_type::utc);
  else
    logger.set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %-5l %v", spdlog::pattern_time_type::utc);
}

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20)
          out += fmt::format("\\u{:04x}", c);
        else
          out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

spdlog::logger& logger() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  if (!s.logger) {
    s.logger = std::make_shared<spdlog::logger>("connhost",
                                                std::make_shared<spdlog::sinks::stderr_sink_mt>());
    s.logger->set_level(to_spd(s.level));
    apply_pattern(*s.logger, s.format);
  }
  return *s.logger;
}

}  // namespace

std::optional<Level> parse_level(std::string_view n) {
  if (n == "trace") return Level::trace;
  if (n == "debug") return Level::debug;
  if (n == "info") return Level::info;
  if (n == "warn" || n == "warning") return Level::warn;
  if (n == "error") return Level::error;
  if (n == "off") return Level::off;
  return std::nullopt;
}

std::optional<Format> parse_format(std::string_view n) {
  if (n == "text") return Format::text;
  if (n == "json") return Format::json;
  return std::nullopt;
}

void init(Level level, Format format) {
  auto& s = state();
  s.level = level;
  s.format = format;
  auto& l = logger();
  l.set_level(to_spd(level));
  apply_pattern(l, format);
}

Capture capture() {
  auto& s = state();
  auto& l = logger();
  std::lock_guard lock(s.mutex);
  if (!s.capture_sink) {
    s.captured = std::make_shared<std::ostringstream>();
    s.capture_sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*s.captured);
    l.sinks().push_back(s.capture_sink);
    apply_pattern(l, s.format);
  }
  return Capture{};
}

std::string Capture::text() const {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  s.logger->flush();
  return s.captured ? s.captured->str() : std::string{};
}

void Capture::clear() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  if (s.captured) s.captured->str({});
}

bool enabled(Level level) {
  return level >= state().level.load() && level != Level::off;
}

void write(Level level, std::string_view message) {
  std::string masked = mask_secrets(message);
  if (state().format == Format::json) masked = json_quote(masked);
  logger().log(to_spd(level), "{}", masked);
}

}  // namespace connhost::log
