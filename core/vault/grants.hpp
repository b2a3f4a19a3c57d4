#pragma once

// The token vault's tables (migration 6): local users, and the grants a platform gave them, with
// the access and refresh tokens sealed at rest (vault/cipher.hpp) under the keyring's active key.
// A token is sealed for its row and field ("grant:<id>:access_token"), so a sealed value copied
// elsewhere does not decrypt.
//
// Timestamps are the store's text, "2026-11-22T18:53:13.123Z" (store/timestamp.hpp), in both
// directions and on both backends. upsert_grant and rotate open transactions of their own, and
// SOCI does not nest them: call those two outside a transaction.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vault/cipher.hpp"
#include "vault/keyring.hpp"

namespace soci {
class session;
}

namespace connhost::vault {

enum class GrantStatus { active, reauth_required, revoked };
std::string_view to_string(GrantStatus status);
std::optional<GrantStatus> parse_grant_status(std::string_view text);

struct User {
  int64_t id = 0;
  std::string created_at;
};

User create_user(soci::session& sql);
std::optional<User> find_user(soci::session& sql, int64_t id);

// What the login flow (or a refresh) hands to the vault.
struct GrantInput {
  int64_t user_id = 0;
  std::string connection;        // the configured connection's name
  std::string platform_user_id;  // the platform's id of the person or advertiser
  std::string scopes;            // as granted, in the platform's own notation
  SecretText access_token;
  std::optional<SecretText> refresh_token;  // nullopt: the platform gave none
  std::optional<std::string> expires_at;    // of the access token
  std::optional<std::string> refresh_expires_at;
};

// A grant without its tokens: what lists, status pages and rotation look at.
struct GrantInfo {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string connection;
  std::string platform_user_id;
  std::string scopes;
  std::string key_id;  // the key the tokens are sealed under
  std::optional<std::string> expires_at;
  std::optional<std::string> refresh_expires_at;
  GrantStatus status = GrantStatus::active;
  bool has_access_token = false;
  bool has_refresh_token = false;
  std::string created_at;
  std::string updated_at;
};

// A grant with its tokens decrypted. The tokens print as nothing (SecretText has no operator<<)
// and are registered with the log mask (log/secret_mask.hpp) as they are loaded.
struct Grant {
  GrantInfo info;
  std::optional<SecretText> access_token;   // nullopt once revoked
  std::optional<SecretText> refresh_token;  // nullopt: none given, or revoked
};

// Stores the grant of (connection, platform_user_id): a new row, or the existing one with its
// user, scopes, expiries and both tokens replaced (refresh_token nullopt clears the stored one;
// a refresh that brings no new refresh token should pass the old one) and its status back to
// active. Tokens are sealed with the active key. Returns the grant's id. Throws VaultUnavailable
// without a key, VaultError, or soci::soci_error.
int64_t upsert_grant(soci::session& sql, const Keyring& keyring, const GrantInput& grant);

std::optional<int64_t> find_grant_id(soci::session& sql, std::string_view connection,
                                     std::string_view platform_user_id);

// The grant with its tokens; nullopt when there is no such id. Throws VaultError when a token does
// not decrypt (a key missing from the keyring, or a value altered or moved).
std::optional<Grant> load_grant(soci::session& sql, const Keyring& keyring, int64_t id);

struct GrantFilter {
  std::optional<int64_t> user_id;
  std::optional<std::string> connection;
  std::optional<GrantStatus> status;
};
// In id order; no token is read or decrypted.
std::vector<GrantInfo> list_grants(soci::session& sql, const GrantFilter& filter = {});

// False when there is no such grant.
bool set_grant_status(soci::session& sql, int64_t id, GrantStatus status);
// Deletes both tokens and marks the grant revoked; the row stays as a record. Revoking at the
// platform is the caller's part. False when there is no such grant.
bool revoke_grant(soci::session& sql, int64_t id);

struct RotateReport {
  int64_t rotated = 0;    // grants re-sealed under the active key
  int64_t unchanged = 0;  // already under it, or without tokens
};
// Re-seals the tokens of every grant not under the active key, `batch` grants per transaction,
// so a long rotation holds no lock for long and an interrupted one resumes where it stopped.
// Throws VaultError, before changing that batch, when a token does not decrypt.
RotateReport rotate(soci::session& sql, const Keyring& keyring, int batch = 100);

// Grant counts for `connhost vault status`.
struct VaultCounts {
  std::map<std::string, int64_t> by_key_id;  // grants holding a token, per key id
  std::map<std::string, int64_t> by_status;  // every grant, per status
};
VaultCounts count_grants(soci::session& sql);

}  // namespace connhost::vault
