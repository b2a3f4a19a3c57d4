#include "server/grant_revoke.hpp"

#include <soci/soci.h>

#include <stdexcept>

#include "contacts/erasure.hpp"
#include "http/client.hpp"
#include "log/logger.hpp"
#include "pipeline/connection_setup.hpp"

namespace connhost::server {
namespace {

std::optional<vault::GrantInfo> info_of(soci::session& sql, int64_t id) {
  // list_grants reads no token; the id filter is applied here (grants are few per host).
  for (auto& g : vault::list_grants(sql))
    if (g.id == id) return g;
  return std::nullopt;
}

// A platform message, with any token of the grant blanked (a plugin should never echo one).
std::string scrub(std::string message, const vault::Grant& grant) {
  for (const auto* t : {&grant.access_token, &grant.refresh_token}) {
    if (!*t || (*t)->reveal().empty()) continue;
    const std::string& secret = (*t)->reveal();
    for (size_t p; (p = message.find(secret)) != std::string::npos;)
      message.replace(p, secret.size(), "****");
  }
  return message;
}

}  // namespace

LoginInstance login_instance(const config::HostConfig& config, const plugin::Registry& plugins,
                             const std::string& connection, std::shared_ptr<http::Client> http) {
  auto setup = pipeline::setup_connection(config, plugins, connection, std::move(http));
  LoginInstance out;
  out.platform = std::string(setup.plugin->platform());
  auto [inst, err] = plugin::Instance::create(setup.plugin, std::move(setup.settings));
  out.instance = std::move(inst);
  out.error = std::move(err);
  return out;
}

RevokeOutcome revoke_grant(soci::session& sql, const vault::Keyring* keyring,
                           const config::HostConfig& config, const plugin::Registry& plugins,
                           std::shared_ptr<http::Client> http, int64_t grant_id, bool local_only,
                           std::string_view source) {
  RevokeOutcome out;
  auto info = info_of(sql, grant_id);
  if (!info) {
    out.result = RevokeOutcome::Result::not_found;
    out.message = "no grant " + std::to_string(grant_id);
    return out;
  }
  out.grant = info;
  if (info->status == vault::GrantStatus::revoked) {
    out.result = RevokeOutcome::Result::already_revoked;
    out.message = "grant " + std::to_string(grant_id) + " is already revoked";
    return out;
  }
  const std::string id = std::to_string(grant_id);
  if (local_only) {
    out.platform = "skipped";
    out.message = "grant " + id + " revoked locally only (the platform was not asked)";
  } else if (!info->has_access_token && !info->has_refresh_token) {
    out.platform = "skipped";
    out.message = "grant " + id + " holds no token: revoked locally";
  } else {
    if (!keyring || !keyring->available()) {
      out.result = RevokeOutcome::Result::no_vault;
      out.message = std::string(vault::kNoVaultMessage);
      return out;
    }
    auto grant = vault::load_grant(sql, *keyring, grant_id);
    if (!grant) {
      out.result = RevokeOutcome::Result::not_found;
      out.message = "no grant " + id;
      return out;
    }
    plugin::TokenRequest r;
    if (grant->access_token) r.access_token = std::string(grant->access_token->reveal());
    if (grant->refresh_token) r.refresh_token = std::string(grant->refresh_token->reveal());
    std::optional<plugin::PluginError> err;
    try {
      auto li = login_instance(config, plugins, info->connection, std::move(http));
      err = li.error ? li.error : li.instance->revoke(r);
    } catch (const std::invalid_argument& e) {
      err = plugin::PluginError{
          CH_ERROR_CONFIG, std::nullopt,
          "connection '" + info->connection + "' cannot be set up: " + e.what()};
    }
    if (err && err->category == CH_ERROR_AUTH) {
      out.platform = "already_invalid";
      out.message = "the platform says the token is already invalid or revoked (" +
                    scrub(err->message, *grant) + "); grant " + id + " revoked locally";
    } else if (err) {
      out.result = RevokeOutcome::Result::platform_failed;
      out.category = std::string(plugin::category_name(err->category));
      out.message = "revoking grant " + id + " at the platform failed (" + out.category +
                    "): " + scrub(err->message, *grant) +
                    "; the tokens are kept: retry, or revoke locally only";
      log::warn("grants: revoking grant {} ({}) at the platform failed: {}", grant_id,
                info->connection, err->to_string());
      return out;
    } else {
      out.platform = "revoked";
      out.message = "grant " + id + " revoked at the platform and locally";
    }
  }
  {
    // The tokens, the consent log entry and what the policy does to the profile go together: a
    // revoked grant whose profile still syncs (or an unlogged revocation) is never visible.
    soci::transaction tx(sql);
    vault::revoke_grant(sql, grant_id, source);
    out.profile = contacts::apply_revocation(sql, config.contacts, grant_id,
                                             "consent revoked (" + std::string(source) + ")");
    tx.commit();
  }
  if (out.profile.erased) contacts::checkpoint_after_erasure(sql);
  out.result = RevokeOutcome::Result::revoked;
  out.grant = info_of(sql, grant_id);
  log::info("grants: grant {} ({}, user {}) revoked; platform: {}", grant_id, info->connection,
            info->user_id, out.platform);
  return out;
}

}  // namespace connhost::server
