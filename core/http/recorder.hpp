#pragma once

// Records the HTTP exchanges of one connection into a fixture file the sandbox replays
// (docs/replay.md). Every exchange is redacted as it arrives, so secrets and personal data only
// ever exist in memory as long as the client itself had them: the Authorization header and
// cookies are never kept, secret-like and personal fields become "REDACTED", and so does every
// secret registered with the log masker. Absolute URLs pointing back at the request's own origin
// become "{{origin}}", which the replaying sandbox replaces with its own base URL.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/client.hpp"

namespace connhost::http {

inline constexpr std::string_view kFixtureFormat = "connhost-fixtures/1";
inline constexpr std::string_view kRedacted = "REDACTED";
inline constexpr std::string_view kOriginPlaceholder = "{{origin}}";

// A recording that cannot be prepared or written (the folder, the file).
class RecordError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Recorder : public std::enable_shared_from_this<Recorder> {
 public:
  // `platform`: what the fixture file names as its platform (fault rules match on it).
  explicit Recorder(std::string platform);

  // Thread-safe: the runner's workers share one client. Redacts before keeping anything.
  void record(const Request& request, const Response& response);
  // What ClientOptions::on_exchange takes; keeps the recorder alive as long as the client.
  ExchangeObserver observer();

  size_t size() const;
  // The fixture document, one exchange per line so that recordings diff well.
  std::string to_json() const;
  // Writes to `file` through a temporary file and a rename, so a reader never sees half of it.
  // Throws RecordError.
  void write(const std::filesystem::path& file) const;

 private:
  std::string platform_;
  mutable std::mutex mutex_;
  std::vector<std::string> exchanges_;  // each one serialized, already redacted
};

// Creates `dir` and checks it takes files; returns `dir/<connection>.json`. An existing file is
// an error unless `overwrite`. Throws RecordError naming the folder or the file.
std::filesystem::path prepare_recording(const std::filesystem::path& dir,
                                        const std::string& connection, bool overwrite);

// The redaction rules, for tests and for anything else that writes exchanges down.
bool secret_field(std::string_view name, bool in_request);
bool personal_field(std::string_view name);
// The first e-mail address at or after `from`: [begin, end), or nothing.
std::optional<std::pair<size_t, size_t>> find_email(std::string_view text, size_t from = 0);

}  // namespace connhost::http
