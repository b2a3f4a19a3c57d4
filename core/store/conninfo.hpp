#pragma once

// Internal to the store: what may be shown of a libpq connection string.

#include <string>
#include <string_view>
#include <vector>

namespace connhost::store::detail {

struct ConninfoView {
  // "host=..., port=..., dbname=..., user=...": enough to tell which server was meant.
  std::string summary;
  // Every value that must never appear in a message or a log line, longest first.
  std::vector<std::string> secrets;
  // Why libpq cannot parse the string, already redacted; empty when it parses.
  std::string parse_error;
};

// Accepts both forms libpq does: "key=value ..." and "postgresql://user:pw@host:port/db?...".
ConninfoView inspect_conninfo(std::string_view conninfo);

// `text` with every secret, every "password=..." and every URI password replaced by a mask.
std::string redact(std::string_view text, const std::vector<std::string>& secrets);

}  // namespace connhost::store::detail
