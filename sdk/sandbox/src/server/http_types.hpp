#pragma once

// Plain request and response values passed between the sandbox's HTTP server and its platform
// handlers, so that no handler includes Beast.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::sandbox {

using Fields = std::vector<std::pair<std::string, std::string>>;

bool iequals(std::string_view a, std::string_view b);

struct Request {
  std::string method;     // "GET", "POST", ...
  std::string target;     // as received: path and query, percent-encoded
  std::string path;       // percent-decoded path, no query
  std::string raw_query;  // without '?'
  Fields query;           // decoded pairs, in order
  Fields headers;
  std::string body;
  std::string remote;  // peer address

  std::optional<std::string_view> header(std::string_view name) const;
  std::optional<std::string> param(std::string_view name) const;  // first query value
  // Form-encoded body pairs (application/x-www-form-urlencoded), decoded.
  Fields form() const;
};

// Faults applied while the response goes out.
struct Delivery {
  std::chrono::milliseconds delay{0};  // wait before answering
  bool reset = false;                  // close with RST instead of answering
  std::optional<size_t> truncate_at;   // send this many body bytes (Content-Length stays), close
  size_t drip_chunk = 0;               // > 0: send the body in chunks of this size...
  std::chrono::milliseconds drip_interval{0};  // ...with this pause between them
};

struct Response {
  int status = 200;
  Fields headers;
  std::string body;
  Delivery delivery;

  static Response json(int status, std::string body);
  static Response text(int status, std::string body, std::string content_type = "text/plain");
  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// Percent-decoding of a query component ('+' is a space) and of a path ('+' stays).
std::string url_decode(std::string_view s, bool plus_is_space);
std::string url_encode(std::string_view s);
Fields parse_query(std::string_view q);

}  // namespace connhost::sandbox
