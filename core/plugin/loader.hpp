#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <variant>

#include "plugin/plugin.hpp"
#include "plugin/registry.hpp"

namespace connhost::plugin {

// Opens one library with Boost.DLL, negotiates the ABI and validates the descriptor. Returns the
// plugin or the one-line reason it was refused. Exceptions from the plugin's entry point are
// caught here and become a refusal.
//
// `map_from`, when given, is the file actually opened (a private copy of `file`); it is removed
// when the library is unloaded. `file` stays the plugin's path as ops know it.
std::variant<std::shared_ptr<LoadedPlugin>, std::string> load_library(
    const std::filesystem::path& file, HostAbi abi, const std::filesystem::path& map_from = {});

}  // namespace connhost::plugin
