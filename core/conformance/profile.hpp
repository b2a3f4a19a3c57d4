#pragma once

// The connection file of a conformance run (docs/conformance.md, "The connection file"): the
// settings of the connection under test as in [connections.NAME] of connhost.toml, what to read,
// which requests the fault checks target and who signs the webhook deliveries.

#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace connhost::conformance {

// The file is missing, unreadable or malformed: a usage error (exit 2).
class ProfileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Profile {
  std::filesystem::path file;
  // The connection as a connhost.toml document with one connection named `kConnectionName`,
  // literal secrets turned into ${env:...} references (the host refuses literals) whose variables
  // this process sets: what the host's own validator reads.
  std::string host_toml;
  // Secret settings written literally in the file, by key: secrets_in_logs looks for them.
  std::map<std::string, std::string> literal_secrets;
  // [read]
  std::string account;
  std::string window_start, window_end;
  std::vector<std::string> streams;
  // [faults]
  std::string fault_platform, fault_endpoint;
  // [webhook]
  std::string webhook_platform;
  // [webhook] signature = "hmac-sha256": the kit signs deliveries itself, for a platform the
  // sandbox does not emulate: header = prefix + hex HMAC-SHA256 of the body, keyed with the
  // literal value of the connection's secret setting `webhook_secret_key`.
  std::string webhook_signature;
  std::string webhook_header = "X-Signature";
  std::string webhook_prefix = "sha256=";
  std::string webhook_secret_key;
  std::string webhook_body;
};

inline constexpr const char* kConnectionName = "conformance";

struct ProfileContext {
  std::string plugin_id;
  std::set<std::string> secret_keys;  // settings the plugin flags CH_CONFIG_SECRET
  std::string sandbox_url;
  // The sandbox world's account ids of a platform, for ${sandbox_accounts:PLATFORM}.
  std::function<std::vector<std::string>(const std::string& platform)> accounts;
};

// Throws ProfileError naming the file and what is wrong.
Profile read_profile(const std::filesystem::path& file, const ProfileContext& context);

}  // namespace connhost::conformance
