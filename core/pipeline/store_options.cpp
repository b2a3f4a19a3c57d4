#include "pipeline/store_options.hpp"

#include <stdexcept>

#include "config/secret.hpp"

namespace connhost::pipeline {

store::StoreOptions store_options(const config::HostConfig& config) {
  store::StoreOptions so;
  const auto& s = config.store;
  if (s.backend == "postgresql") {
    so.backend = store::Backend::postgresql;
    if (s.url_secret) {
      auto resolved = config::resolve_secret(*s.url_secret);
      if (!resolved.value) throw std::invalid_argument("store url: " + resolved.error);
      so.pg_connection = *resolved.value;
    } else {
      so.pg_connection = s.url;
    }
  } else {
    so.sqlite_path = s.sqlite_path;
  }
  return so;
}

}  // namespace connhost::pipeline
