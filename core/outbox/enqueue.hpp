#pragma once

// A reply from the API becomes a messages row (direction out, status queued) that the sender
// (sender.hpp) delivers. Everything that can be refused without the platform is refused here,
// at once: a malformed request, an unknown conversation, and a reply window already closed.

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace soci {
class session;
}

namespace connhost::outbox {

using TimePoint = std::chrono::system_clock::time_point;

struct Reply {
  std::string type;  // "text" | "image"; empty: image when media_id or image_url is set, else text
  std::string text;
  std::string media_id;   // an uploaded media or attachment id of the platform
  std::string image_url;  // an http(s) URL the platform (or the plugin) fetches
  std::string reply_to;   // the platform message id replied to; empty: none
};

// Why a reply was refused: status 400 (code bad_parameter, `field` named first in the message),
// 404 not_found, or 422 window_closed.
class EnqueueError : public std::runtime_error {
 public:
  EnqueueError(int status, std::string code, std::string message, std::string field = {})
      : std::runtime_error(std::move(message)),
        status_(status),
        code_(std::move(code)),
        field_(std::move(field)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& field() const { return field_; }

 private:
  int status_;
  std::string code_;
  std::string field_;
};

struct Conversation {
  int64_t id = 0;
  std::string connection;
  std::string platform;
  std::string account_id;
  std::string thread_id;
  std::string participant_id;
  std::optional<TimePoint> window_closes_at;  // none: unknown, treated as open
};

std::optional<Conversation> find_conversation(soci::session& sql, int64_t id);

// Why the platform would refuse a reply now; nullopt while the window is open or unknown.
std::optional<std::string> window_closed_reason(const Conversation& c, TimePoint now);

// Validates `reply` and inserts the queued row; returns its id. Throws EnqueueError.
int64_t enqueue(soci::session& sql, int64_t conversation_id, const Reply& reply, TimePoint now);

}  // namespace connhost::outbox
