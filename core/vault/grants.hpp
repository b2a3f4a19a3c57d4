#pragma once

// The token vault's tables (migration 6): local users, and the grants a platform gave them, with
// the access and refresh tokens sealed at rest (vault/cipher.hpp) under the keyring's active key.
// A token is sealed for its row and field ("grant:<id>:access_token"), so a sealed value copied
// elsewhere does not decrypt.
//
// Timestamps are the store's text, "2026-11-22T18:53:13.123Z" (store/timestamp.hpp), in both
// directions and on both backends. upsert_grant and rotate open transactions of their own, and
// SOCI does not nest them: call those two outside a transaction.

#include <chrono>
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
  // Who brought the grant, for the consent log (vault/consent_log.hpp): "login" for a sign-in,
  // "cli" for `connhost auth add`.
  std::string consent_source = "login";
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
// active. Tokens are sealed with the active key. In the same transaction it logs the consent
// (vault/consent_log.hpp): 'granted' for a new grant or one back from revoked or reauth_required,
// 'changed' when the scopes differ from the stored ones. Returns the grant's id. Throws
// VaultUnavailable without a key, VaultError, or soci::soci_error.
int64_t upsert_grant(soci::session& sql, const Keyring& keyring, const GrantInput& grant);

std::optional<int64_t> find_grant_id(soci::session& sql, std::string_view connection,
                                     std::string_view platform_user_id);
// The local user whom the grant of (connection, platform_user_id) belongs to: the same person
// signing in again keeps the local user they had.
std::optional<int64_t> find_grant_user(soci::session& sql, std::string_view connection,
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
// platform is the caller's part. Logs 'revoked' with `source` (api | cli | webhook) and `detail`
// (e.g. the platform's reason; no PII) when the grant was not revoked already. Opens no
// transaction, so that it can join the caller's (the inbox processor's is a raw BEGIN): call it
// inside one for the change and its log entry to be atomic. False when there is no such grant.
bool revoke_grant(soci::session& sql, int64_t id, std::string_view source = "api",
                  std::optional<std::string> detail = {});

// Refresh leases (migration 8). A grant is refreshed by whoever holds its lease, a row-level
// claim in the database, so that two threads or two hosts never refresh one grant at once: with
// rotating refresh tokens (TikTok's) the loser would present a token that the winner's refresh
// just ended, and the grant would look revoked.

// Claims the lease for `owner` until now + ttl when it is free or expired; false when someone else
// holds it (or keeps it as a back-off after a failure: see release_refresh_lease).
bool try_refresh_lease(soci::session& sql, int64_t id, std::string_view owner,
                       std::chrono::seconds ttl);
// Ends `owner`'s lease. With a back-off the row stays claimed (owner "backoff") until then, so
// that no host retries a failing platform sooner.
void release_refresh_lease(soci::session& sql, int64_t id, std::string_view owner,
                           std::optional<std::chrono::seconds> backoff = std::nullopt);

struct RefreshState {
  std::optional<std::string> owner;        // who holds the lease; "backoff" after a failure
  std::optional<std::string> lease_until;  // store text
  std::optional<std::string> refreshed_at;
  int64_t failures = 0;  // refresh failures in a row
  std::optional<std::string> last_error;
};
std::optional<RefreshState> refresh_state(soci::session& sql, int64_t id);

// What a successful refresh brought. refresh_token nullopt: none came back, keep the stored one.
struct RefreshedTokens {
  SecretText access_token;
  std::optional<SecretText> refresh_token;
  std::optional<std::string> expires_at;
  std::optional<std::string> refresh_expires_at;  // nullopt: keep the stored one
  std::optional<std::string> scopes;              // nullopt: keep the stored ones
};
// Writes the tokens of a refresh, sealed under the active key, only while `owner` holds the lease
// and the grant is active; clears the failure count. New scopes that differ from the stored ones
// are logged as 'changed' (source "refresh") in the same transaction. False (nothing written)
// otherwise.
bool store_refreshed(soci::session& sql, const Keyring& keyring, int64_t id, std::string_view owner,
                     const RefreshedTokens& tokens);
// A failed refresh: counts it and keeps the message (which must hold no secret). With
// `reauth` the grant becomes reauth_required: its tokens are dead and only a new sign-in helps.
void record_refresh_failure(soci::session& sql, int64_t id, std::string_view message, bool reauth);

// Active grants holding an access token that expires at or before `before` (store text), the
// soonest first: what the refresh loop looks at.
std::vector<GrantInfo> grants_expiring(soci::session& sql, std::string_view before);

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
