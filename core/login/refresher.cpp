#include "login/refresher.hpp"

#include <soci/soci.h>

#include <algorithm>

#include "log/logger.hpp"
#include "log/secret_mask.hpp"
#include "login/token_grant.hpp"
#include "metrics/metrics.hpp"
#include "plugin/instance.hpp"
#include "store/timestamp.hpp"
#include "vault/grants.hpp"
#include "vault/keyring.hpp"

namespace connhost::login {
namespace {

using Kind = RefreshOutcome::Kind;
using std::chrono::seconds;

// After a failure the lease stays claimed this long, doubling per failure in a row: a platform
// that is down is not asked again every minute by every host, and a token that still has some
// life left is tried again well before it ends.
seconds backoff_after(int64_t failures) {
  int64_t shift = std::clamp<int64_t>(failures, 0, 6);
  return std::min(seconds(int64_t{30} << shift), seconds(30 * 60));
}

}  // namespace

std::string_view to_string(Kind kind) {
  switch (kind) {
    case Kind::refreshed:
      return "refreshed";
    case Kind::not_due:
      return "not_due";
    case Kind::busy:
      return "busy";
    case Kind::backing_off:
      return "backing_off";
    case Kind::reauth_required:
      return "reauth_required";
    case Kind::failed:
      return "failed";
    case Kind::unavailable:
      return "unavailable";
  }
  return "unavailable";
}

Refresher::Refresher(const config::HostConfig& config, const plugin::Registry& plugins,
                     std::shared_ptr<http::Client> http, const vault::Keyring& keyring,
                     metrics::Registry* metrics, std::string owner)
    : config_(config),
      plugins_(plugins),
      http_(std::move(http)),
      keyring_(keyring),
      metrics_(metrics),
      owner_(std::move(owner)) {
  if (metrics_)
    metrics_->declare("connhost_grant_refreshes_total",
                      "Grant refresh attempts by connection and result (refreshed, "
                      "reauth_required, failed)",
                      metrics::Registry::Type::counter);
}

void Refresher::count(const std::string& connection, Kind kind) const {
  if (!metrics_) return;
  metrics_
      ->counter("connhost_grant_refreshes_total", "",
                {{"connection", connection}, {"result", std::string(to_string(kind))}})
      .inc();
}

RefreshOutcome Refresher::refresh(soci::session& sql, int64_t id, seconds ahead, bool force) const {
  const std::string grant_name = "grant " + std::to_string(id);
  if (!vault::try_refresh_lease(sql, id, owner_, kLeaseTtl)) {
    auto st = vault::refresh_state(sql, id);
    if (!st) return {Kind::unavailable, grant_name + " does not exist"};
    if (st->owner == "backoff")
      return {Kind::backing_off, grant_name + ": the last refresh failed (" +
                                     st->last_error.value_or("no detail") + "); retried after " +
                                     st->lease_until.value_or("a while")};
    return {Kind::busy,
            grant_name + " is being refreshed by " + st->owner.value_or("another host")};
  }
  // Whatever happens below, the lease is given back (or kept as a back-off).
  struct Lease {
    soci::session& sql;
    int64_t id;
    const std::string& owner;
    std::optional<seconds> backoff;
    ~Lease() {
      try {
        vault::release_refresh_lease(sql, id, owner, backoff);
      } catch (const std::exception& e) {
        // It runs out by itself after kLeaseTtl.
        log::warn("grant {}: could not release the refresh lease: {}", id, e.what());
      }
    }
  } lease{sql, id, owner_, std::nullopt};

  // Read under the lease: a refresh that finished just before is seen here, not repeated.
  auto grant = vault::load_grant(sql, keyring_, id);
  if (!grant || grant->info.status != vault::GrantStatus::active || !grant->access_token)
    return {Kind::unavailable, grant_name + " is not active"};
  const auto& info = grant->info;
  if (!force) {
    if (!info.expires_at) return {Kind::not_due, grant_name + " does not expire"};
    if (*info.expires_at > store::timestamp_at(std::chrono::system_clock::now() + ahead))
      return {Kind::not_due, grant_name + " is valid until " + *info.expires_at};
  }

  const config::Connection* conn = config_.connection(info.connection);
  if (!conn)
    return {Kind::unavailable,
            grant_name + ": connection '" + info.connection + "' is no longer configured"};
  std::unique_ptr<plugin::Instance> instance;
  try {
    auto setup = pipeline::setup_connection(config_, plugins_, info.connection, http_);
    auto [created, error] = plugin::Instance::create(setup.plugin, std::move(setup.settings));
    if (error) return {Kind::failed, grant_name + ": " + error->to_string()};
    instance = std::move(created);
  } catch (const std::exception& e) {
    return {Kind::unavailable, grant_name + ": " + e.what()};
  }

  plugin::TokenRequest request;
  request.access_token = grant->access_token->reveal();
  if (grant->refresh_token) request.refresh_token = grant->refresh_token->reveal();
  auto result = instance->refresh(request);

  if (result.error) {
    auto st = vault::refresh_state(sql, id);
    const bool reauth = result.error->category == CH_ERROR_AUTH;
    std::string message = log::mask_secrets(result.error->to_string());
    vault::record_refresh_failure(sql, id, message, reauth);
    Kind kind = reauth ? Kind::reauth_required : Kind::failed;
    count(info.connection, kind);
    if (reauth) {
      log::error("{} of connection {} needs re-authorization: {}; sign in again at /auth/{}",
                 grant_name, info.connection, message, info.connection);
      return {kind, grant_name + " of connection " + info.connection + " needs re-authorization (" +
                        message + "): sign in again at /auth/" + info.connection +
                        " or with `connhost auth url " + info.connection + "`"};
    }
    lease.backoff = backoff_after(st ? st->failures : 0);
    log::warn("{} of connection {}: refresh failed, retried in {} s: {}", grant_name,
              info.connection, lease.backoff->count(), message);
    return {kind, grant_name + ": refresh failed: " + message};
  }

  const auto& t = result.token;
  const auto now = std::chrono::system_clock::now();
  vault::RefreshedTokens tokens{vault::SecretText(t.access_token), std::nullopt,
                                expiry_at(now, t.expires_in), expiry_at(now, t.refresh_expires_in),
                                std::nullopt};
  if (!t.refresh_token.empty()) tokens.refresh_token = vault::SecretText(t.refresh_token);
  if (!t.scope.empty()) tokens.scopes = t.scope;
  if (!vault::store_refreshed(sql, keyring_, id, owner_, tokens)) {
    // The lease ran out while the platform answered and someone else took over, or the grant was
    // revoked meanwhile: their write stands. With rotation, the tokens just issued are lost.
    log::warn("{}: the refresh lease was lost before the new tokens were stored", grant_name);
    return {Kind::failed, grant_name + ": the refresh lease was lost; not stored"};
  }
  count(info.connection, Kind::refreshed);
  log::info("{} of connection {} refreshed; valid until {}", grant_name, info.connection,
            tokens.expires_at.value_or("no expiry"));
  return {Kind::refreshed, grant_name + " refreshed"};
}

}  // namespace connhost::login
