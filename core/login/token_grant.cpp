#include "login/token_grant.hpp"

#include "store/timestamp.hpp"

namespace connhost::login {

std::optional<std::string> expiry_at(std::chrono::system_clock::time_point now,
                                     std::optional<int64_t> seconds_from_now) {
  // Some platforms write 0 for "no expiry" (Meta's debug_token): the same as none.
  if (!seconds_from_now || *seconds_from_now <= 0) return std::nullopt;
  return store::timestamp_at(now + std::chrono::seconds(*seconds_from_now));
}

vault::GrantInput grant_input(const plugin::TokenRecord& token, std::string connection,
                              int64_t user_id, std::chrono::system_clock::time_point now) {
  vault::GrantInput g;
  g.user_id = user_id;
  g.connection = std::move(connection);
  g.platform_user_id = token.platform_user_id;
  g.scopes = token.scope;
  g.access_token = vault::SecretText(token.access_token);
  if (!token.refresh_token.empty()) g.refresh_token = vault::SecretText(token.refresh_token);
  g.expires_at = expiry_at(now, token.expires_in);
  g.refresh_expires_at = expiry_at(now, token.refresh_expires_in);
  return g;
}

}  // namespace connhost::login
