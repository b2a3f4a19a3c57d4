#include "login/grant_tokens.hpp"

#include <soci/soci.h>

#include <thread>

#include "plugin/call.hpp"
#include "store/timestamp.hpp"
#include "vault/grants.hpp"
#include "vault/keyring.hpp"

namespace connhost::login {
namespace {

using Kind = RefreshOutcome::Kind;
using plugin::SecretError;

std::string sign_in_hint(const std::string& connection) {
  return "sign in at /auth/" + connection + " (or `connhost auth url " + connection + "`)";
}

// The grant a reference means: the newest active one of the connection (the last person to sign
// in). Without one, the error says why: none yet, or one that needs signing in again.
int64_t pick_grant(soci::session& sql, const std::string& connection) {
  auto grants = vault::list_grants(sql, {.connection = connection});
  const vault::GrantInfo* active = nullptr;
  const vault::GrantInfo* stale = nullptr;
  for (const auto& g : grants) {
    if (g.status == vault::GrantStatus::active) active = &g;
    if (g.status == vault::GrantStatus::reauth_required) stale = &g;
  }
  if (active) return active->id;
  if (stale)
    throw SecretError(CH_ERROR_AUTH, "grant " + std::to_string(stale->id) + " of connection " +
                                         connection +
                                         " needs re-authorization: " + sign_in_hint(connection));
  throw SecretError(CH_ERROR_AUTH, "no one has signed in through connection " + connection +
                                       " yet (no active "
                                       "grant in the token vault): " +
                                       sign_in_hint(connection));
}

bool expired_by(const vault::GrantInfo& info, std::chrono::seconds margin) {
  return info.expires_at &&
         *info.expires_at <= store::timestamp_at(std::chrono::system_clock::now() + margin);
}

}  // namespace

GrantTokens::GrantTokens(const Refresher& refresher, const vault::Keyring& keyring,
                         std::function<store::Store()> open_store)
    : refresher_(refresher), keyring_(keyring), open_store_(std::move(open_store)) {}

std::string GrantTokens::resolve(const config::SecretRef& ref) {
  std::lock_guard lock(mutex_);
  if (!keyring_.available())
    throw SecretError(CH_ERROR_CONFIG, ref.to_string() +
                                           " is kept in the token vault, which is not "
                                           "configured: add [vault] (docs/login.md)");
  if (!store_) store_.emplace(open_store_());
  auto& sql = store_->session();
  const int64_t id = pick_grant(sql, ref.target);

  // The refresh token needs no refresh of its own; the access token does when it runs out soon.
  // Another host holding the lease is waited for, as long as a lease can last.
  const auto deadline = std::chrono::steady_clock::now() + Refresher::kLeaseTtl;
  for (;;) {
    auto grant = vault::load_grant(sql, keyring_, id);
    if (!grant || grant->info.status != vault::GrantStatus::active)
      throw SecretError(CH_ERROR_AUTH, "grant " + std::to_string(id) + " of connection " +
                                           ref.target +
                                           " is no longer active: " + sign_in_hint(ref.target));
    if (ref.field == "refresh_token") {
      if (!grant->refresh_token)
        throw SecretError(CH_ERROR_CONFIG, "grant " + std::to_string(id) + " of connection " +
                                               ref.target + " holds no refresh token");
      return grant->refresh_token->reveal();
    }
    if (!expired_by(grant->info, kRefreshAhead)) return grant->access_token->reveal();

    auto outcome = refresher_.refresh(sql, id, kRefreshAhead);
    switch (outcome.kind) {
      case Kind::refreshed:
      case Kind::not_due:
        continue;  // read it again, as stored
      case Kind::busy:
        if (std::chrono::steady_clock::now() > deadline)
          throw SecretError(CH_ERROR_TRANSIENT, outcome.message + " for too long");
        // Waiting for another host's refresh to land in the database: nothing to be notified by.
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        continue;
      case Kind::backing_off:
      case Kind::failed:
        // A token that has not quite run out still serves this read.
        if (!expired_by(grant->info, std::chrono::seconds(0))) return grant->access_token->reveal();
        throw SecretError(CH_ERROR_TRANSIENT, outcome.message);
      case Kind::reauth_required:
        throw SecretError(CH_ERROR_AUTH, outcome.message);
      case Kind::unavailable:
        throw SecretError(CH_ERROR_AUTH, outcome.message + ": " + sign_in_hint(ref.target));
    }
  }
}

}  // namespace connhost::login
