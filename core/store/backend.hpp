#pragma once

#include <optional>
#include <string_view>

namespace connhost::store {

enum class Backend { sqlite, postgresql };

// The names used in configuration and messages: "sqlite", "postgresql".
std::string_view to_string(Backend backend);
std::optional<Backend> parse_backend(std::string_view name);

}  // namespace connhost::store
