#include "store/backend.hpp"

namespace connhost::store {

std::string_view to_string(Backend backend) {
  switch (backend) {
    case Backend::sqlite:
      return "sqlite";
    case Backend::postgresql:
      return "postgresql";
  }
  return "unknown";
}

std::optional<Backend> parse_backend(std::string_view name) {
  if (name == "sqlite" || name == "sqlite3") return Backend::sqlite;
  if (name == "postgresql" || name == "postgres") return Backend::postgresql;
  return std::nullopt;
}

}  // namespace connhost::store
