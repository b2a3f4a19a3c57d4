#pragma once

// Secret references: a setting that must not live in the TOML names where the value lives
// instead, "${env:NAME}" or "${file:PATH}". The value is read only when it is needed, and is
// registered with the log mask at that moment, so that no later log line can carry it.
//
// A connection's secret setting may also name a grant in the token vault: "${grant:CONNECTION}"
// is the access token someone granted by signing in through that connection, and
// "${grant:CONNECTION:refresh_token}" its refresh token. Those are read (and refreshed when due)
// by the host's login service (login/grant_tokens.hpp), not by resolve_secret.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace connhost::config {

struct SecretRef {
  enum class Kind { env, file, grant };
  Kind kind = Kind::env;
  // The variable name, the file path (a relative one joined to the base folder given to
  // parse_secret_ref: the loader passes the config file's folder), or the grant's connection.
  std::string target;
  // grant only: "access_token" or "refresh_token".
  std::string field;

  // "${env:NAME}" / "${file:PATH}" / "${grant:CONNECTION[:refresh_token]}", as in TOML.
  std::string to_string() const;
  bool operator==(const SecretRef&) const = default;
};

// True when `value` is meant as a reference (it contains "${"), well-formed or not: such a value
// is never taken as a literal, so a typo in a reference cannot end up sent as a password.
bool looks_like_secret_ref(std::string_view value);

// The reference `value` spells, or nullopt when it is a plain value or a malformed reference.
// NAME: [A-Za-z_][A-Za-z0-9_]*. PATH: non-empty; relative paths are taken against `base_dir`.
// CONNECTION: [a-z][a-z0-9_-]*.
std::optional<SecretRef> parse_secret_ref(std::string_view value,
                                          const std::filesystem::path& base_dir = {});

// Why a value that looks like a reference is not a valid one; nullopt when it is valid or is not
// a reference at all. Never quotes the value.
std::optional<std::string> secret_ref_error(std::string_view value);

// The outcome of reading a secret: the value, or an error that names the variable or file,
// never a value.
struct SecretValue {
  std::optional<std::string> value;
  std::string error;
  bool ok() const { return value.has_value(); }
};

// Reads the secret: the environment variable, or the file's content with one trailing newline
// removed. The value is registered with connhost::log::register_secret before it is returned.
// An unset or empty variable, or a missing, unreadable or empty file, is an error; so is a grant
// reference, which only the vault can read.
SecretValue resolve_secret(const SecretRef& ref);

// Checks that resolve_secret would find something (the variable is set and not empty, the file
// exists and is readable) without keeping the value. Returns the error, or nullopt. A grant
// reference is not checked here: the config validator checks that its connection exists.
std::optional<std::string> check_secret(const SecretRef& ref);

}  // namespace connhost::config
