#include "pipeline/connection_setup.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <stdexcept>

#include "config/secret.hpp"
#include "http/rate_limiter.hpp"
#include "isolation/supervisor.hpp"

namespace connhost::pipeline {

ConnectionSetup setup_connection(const config::HostConfig& config, const plugin::Registry& registry,
                                 std::string_view connection, std::shared_ptr<http::Client> http,
                                 GrantResolver grants) {
  ConnectionSetup out;
  out.connection = config.connection(connection);
  if (!out.connection)
    throw std::invalid_argument("no connection '" + std::string(connection) + "'");
  const auto* conn = out.connection;
  for (const auto& candidate : registry.plugins())
    if (candidate->id == conn->plugin) out.plugin = candidate;
  if (!out.plugin) {
    if (auto removed = registry.missing_reason(conn->plugin))
      throw std::invalid_argument("connection " + conn->name + ": " + *removed);
    throw std::invalid_argument("connection " + conn->name + ": plugin '" + conn->plugin +
                                "' is not loaded");
  }

  auto& settings = out.settings;
  settings.connection = conn->name;
  std::map<std::string, config::SecretRef> secret_refs;
  double qps = 0;
  for (const auto& s : conn->settings) {
    if (s.secret) {
      if (s.is_secret) {
        secret_refs.emplace(s.key, *s.secret);
        continue;
      }
      auto v = config::resolve_secret(*s.secret);
      if (!v.value)
        throw std::invalid_argument("connection " + conn->name + "." + s.key + ": " + v.error);
      settings.values.emplace_back(s.key, *v.value);
    } else if (!s.is_secret) {
      settings.values.emplace_back(s.key, s.value);
    }
    if (s.key == "rate_limit_qps") qps = std::atof(s.value.c_str());
  }
  settings.secret = [secret_refs, grants = std::move(grants)](
                        std::string_view key) -> std::optional<std::string> {
    auto it = secret_refs.find(std::string(key));
    if (it == secret_refs.end()) return std::nullopt;
    if (it->second.kind == config::SecretRef::Kind::grant) {
      if (!grants)
        throw plugin::SecretError(CH_ERROR_CONFIG,
                                  it->second.to_string() +
                                      " is kept in the token vault, which this command does not "
                                      "open: configure [vault] (docs/login.md)");
      return grants(it->second);
    }
    auto v = config::resolve_secret(it->second);
    return v.value;
  };
  settings.http = std::move(http);
  if (qps > 0) settings.limiter = std::make_shared<http::RateLimiter>(qps, std::max(1.0, qps));
  settings.requests = std::make_shared<std::atomic<int64_t>>(0);
  if (conn->isolation == "process") settings.isolate = isolation::make_isolated;
  return out;
}

}  // namespace connhost::pipeline
